"""Who counts as 留守 (seed 002, DOMAIN.md "Who is cared for").

Seed 002: 子女或其他赡养义务人全部离开县域范围外出半年以上、留在农村生活的年满60周岁及以上
老年人。上一年度属于留守老人的,春节后其子女暂时未外出的也属于留守老人;上一年度不属于留守
老人的,其子女春节后准备外出的,待全部离开县域范围外出半年以上方可认定为留守老人。

The verdict is a pure function of the file's facts and a reference date, and it says
why in words the clerk can read aloud.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from carecenter.calendar import add_months, festival_year_start, spring_festival
from carecenter.rules.fields import OUTSIDE_COUNTY
from carecenter.rules.idnumber import age_on

MIN_AGE = 60  # seed 002: 年满60周岁及以上
MIN_AWAY_MONTHS = 6  # seed 002: 外出半年以上


@dataclass(frozen=True)
class SupporterFacts:
    """What the verdict needs to know of one supporter."""

    name: str
    location_scope: str | None = None
    away_since: date | None = None
    returned_on: date | None = None
    return_kind: str | None = None  # "temporary" | "permanent"

    def home_on(self, day: date) -> bool:
        return self.returned_on is not None and self.returned_on <= day

    def returned_for_good_on(self, day: date) -> bool:
        return self.home_on(day) and self.return_kind == "permanent"

    def away_on(self, day: date) -> bool:
        return (
            self.location_scope in OUTSIDE_COUNTY
            and self.away_since is not None
            and self.away_since <= day
            and not self.home_on(day)
        )


@dataclass(frozen=True)
class Verdict:
    left_behind: bool
    reasons: tuple[str, ...]
    carried_over: bool = False
    qualifies_from: date | None = None
    # The file lacks a fact the rule needs (an imported person without ID number or
    # birth date): neither 留守 nor not, until the clerk fills it in.
    undecided: bool = False

    @property
    def label(self) -> str:
        if self.undecided:
            return "无法判断"
        return "留守" if self.left_behind else "非留守"

    @property
    def text(self) -> str:
        if self.undecided:
            return "暂无法认定是否留守:" + ";".join(self.reasons)
        return f"{'符合' if self.left_behind else '不符合'}留守认定:" + ";".join(self.reasons)


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date | None
    supporters: Sequence[SupporterFacts] = field(default_factory=tuple)
    # The last festival year the person was found left-behind (not by carry-over).
    left_behind_year: int | None = None


def _qualifying_span(supporters: Sequence[SupporterFacts]) -> tuple[date, date | None] | None:
    """Days on which everyone was away six months: [start, end), from the stored spans."""
    if not supporters or any(
        s.location_scope not in OUTSIDE_COUNTY or s.away_since is None for s in supporters
    ):
        return None
    start = max(add_months(s.away_since, MIN_AWAY_MONTHS) for s in supporters if s.away_since)
    ends = [s.returned_on for s in supporters if s.returned_on is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    return start, end


def assess(facts: PersonFacts, on: date) -> Verdict:
    """Is this person left-behind on ``on``, and why (or why not)."""
    if facts.birth_date is None:
        return Verdict(False, ("缺少出生日期(待补充身份证号或出生日期),无法判断是否年满 60 周岁",),
                       undecided=True)
    age = age_on(facts.birth_date, on)
    if age < MIN_AGE:
        turns = add_months(facts.birth_date, 12 * MIN_AGE)
        return Verdict(False, (f"{on:%Y-%m-%d} 时 {age} 岁,未满 60 周岁({turns:%Y-%m-%d} 满)",))
    supporters = list(facts.supporters)
    if not supporters:
        return Verdict(False, ("未登记子女或其他赡养义务人",))
    for s in supporters:
        if s.returned_for_good_on(on):
            return Verdict(False, (f"赡养人{s.name}已于 {s.returned_on:%Y-%m-%d} 长期返乡",))

    span = _qualifying_span(supporters)
    if span and span[0] <= on and (span[1] is None or on < span[1]):
        earliest = min(s.away_since for s in supporters if s.away_since)
        return Verdict(
            True,
            (
                f"{age} 岁;全部 {len(supporters)} 名赡养人均离开县域外出半年以上"
                f"(最早 {earliest:%Y-%m-%d} 外出)",
            ),
            qualifies_from=span[0],
        )

    at_home = [s for s in supporters if not s.away_on(on)]
    # Carry-over: left-behind in the previous festival year (or earlier in this one), and
    # those now at home are only home for a while (临时返乡), e.g. over the Spring Festival.
    this_year = festival_year_start(on).year
    window_start = spring_festival(this_year - 1)
    recorded = facts.left_behind_year is not None and facts.left_behind_year >= this_year - 1
    was_left_behind = recorded or (
        span is not None and span[0] <= on and (span[1] is None or span[1] > window_start)
    )
    temporary = all(s.return_kind == "temporary" and s.home_on(on) for s in at_home)
    if was_left_behind and temporary:
        if at_home:
            now = "、".join(s.name for s in at_home) + "临时返乡、暂未外出"
        else:
            now = "赡养人重新外出尚不满半年"
        return Verdict(
            True,
            (f"{age} 岁;上一年度已是留守老人,{now},按规定继续认定",),
            carried_over=True,
        )

    reasons: list[str] = []
    for s in supporters:
        if s.returned_on is not None and s.home_on(on):
            reasons.append(f"{s.name} {s.returned_on:%Y-%m-%d} 返乡,现不在外")
        elif s.location_scope is None:
            reasons.append(f"{s.name}的所在范围未填写")
        elif s.location_scope not in OUTSIDE_COUNTY:
            reasons.append(f"{s.name}在本县内,未离开县域")
        elif s.away_since is None:
            reasons.append(f"{s.name}的外出时间未填写")
        elif s.away_since > on:
            reasons.append(f"{s.name} {s.away_since:%Y-%m-%d} 才外出")
        else:
            full = add_months(s.away_since, MIN_AWAY_MONTHS)
            if full > on:
                reasons.append(f"{s.name}外出不满半年({full:%Y-%m-%d} 满半年)")
    return Verdict(False, (f"{age} 岁", *reasons))
