"""Who counts as 留守 (seed 002, DOMAIN.md "Who is cared for").

Seed 002: 子女或其他赡养义务人全部离开县域范围外出半年以上、留在农村生活的年满60周岁及以上
老年人。上一年度属于留守老人的,春节后其子女暂时未外出的也属于留守老人;上一年度不属于留守
老人的,其子女春节后准备外出的,待全部离开县域范围外出半年以上方可认定为留守老人。

Seed 001: 老年人与配偶有相互扶养的义务 — a spouse owes 扶养, not 赡养, so a spouse is never
one of the supporters whose presence in the county counts: an elder whose son has been
away since 2020 and whose wife is at home is 留守 (the spouse is recorded as living
together, ``living_with``). Supporter rows marked 配偶 are left out of the verdict.

Who else counts (``duty_bearers``): seeds 001 and 002 say 子女或其他赡养(义务)人 and name
no one else, so the law says who the others are. 老年人权益保障法 第14条: 赡养人是指老年人
的子女以及其他依法负有赡养义务的人; 赡养人的配偶应当协助 — a 儿媳 or 女婿 assists and owes
nothing of their own. 民法典 第1067条: the children; 第1074条: grandchildren only when the
elder's children have died or cannot support. The file records a child who died by
ending that supporter (or never listing one), so a 孙子女 counts when no son or daughter
is among the current supporters; a row marked 其他赡养义务人, or with no relation, counts.

The verdict is a pure function of the file's facts and a reference date, and it says
why in words the clerk can read aloud. It has three outcomes: 留守; 不符合 with the
reason (under 60, a supporter in the county or back for good, away under six months);
and 无法判断 naming what is missing (birth date, supporters, a supporter's 所在范围 or
外出时间) when nothing else already says no. ``until`` is the next day the verdict can
change by the calendar alone (a 60th birthday, six months away, the Spring Festival),
so a stored verdict (``carecenter.register.verdicts``) is worked out again then.
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
SPOUSE = "spouse"  # seed 001: 扶养, not 赡养
CHILDREN = frozenset({"son", "daughter"})  # 民法典 第1067条
GRANDCHILD = "grandchild"  # 民法典 第1074条: only when the children died or cannot
# 老年人权益保障法 第14条: 赡养人的配偶应当协助赡养人 — they assist, they owe no 赡养.
IN_LAWS = {"daughter_in_law": "儿媳", "son_in_law": "女婿"}

LEFT_BEHIND = "left_behind"
NOT_QUALIFYING = "not"
UNDECIDED = "undecided"
VERDICT_LABELS = {LEFT_BEHIND: "留守", NOT_QUALIFYING: "不符合", UNDECIDED: "无法判断"}


@dataclass(frozen=True)
class SupporterFacts:
    """What the verdict needs to know of one supporter."""

    name: str
    location_scope: str | None = None
    away_since: date | None = None
    returned_on: date | None = None
    return_kind: str | None = None  # "temporary" | "permanent"
    relation: str | None = None

    @property
    def is_spouse(self) -> bool:
        return self.relation == SPOUSE

    @property
    def is_child(self) -> bool:
        return self.relation in CHILDREN

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
    until: date | None = None  # the calendar alone may change the verdict on this day
    # The age on the day, said before the reasons (it is context, not a reason).
    age: int | None = None

    @property
    def code(self) -> str:
        if self.left_behind:
            return LEFT_BEHIND
        return UNDECIDED if self.undecided else NOT_QUALIFYING

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.code]

    @property
    def text(self) -> str:
        if self.undecided:
            return "暂无法认定是否留守:缺少" + ";".join(self.reasons)
        aged = f"({self.age} 岁)" if self.age is not None else ""
        return f"{'符合' if self.left_behind else '不符合'}留守认定{aged}:" \
            + ";".join(self.reasons)


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


def _next_change(facts: PersonFacts, supporters: Sequence[SupporterFacts], on: date
                 ) -> date:
    """The next day after ``on`` the verdict may change with nothing written: a 60th
    birthday, a supporter's six months, a return or departure dated ahead, and at the
    latest the next Spring Festival (the carry-over rule looks back one festival year)."""
    festival = spring_festival(festival_year_start(on).year + 1)
    days = [festival]
    if facts.birth_date is not None:
        days.append(add_months(facts.birth_date, 12 * MIN_AGE))
    for s in supporters:
        for d in (s.away_since, s.returned_on):
            if d is not None:
                days.append(d)
                days.append(add_months(d, MIN_AWAY_MONTHS))
    return min((d for d in days if d > on), default=festival)


def duty_bearers(supporters: Sequence[SupporterFacts]
                 ) -> tuple[list[SupporterFacts], list[SupporterFacts]]:
    """(those whose place decides the verdict, those left out): the spouse (扶养), a
    儿媳 or 女婿 (协助), and a 孙子女 while a son or daughter is on the file."""
    has_children = any(s.is_child for s in supporters)
    counted: list[SupporterFacts] = []
    left_out: list[SupporterFacts] = []
    for s in supporters:
        owes = not (s.is_spouse or s.relation in IN_LAWS
                    or s.relation == GRANDCHILD and has_children)
        (counted if owes else left_out).append(s)
    return counted, left_out


def _not_counted(left_out: Sequence[SupporterFacts]) -> str:
    """The rows left out, said once so that the clerk sees why they did not count."""
    named = [f"{s.name}({IN_LAWS[s.relation]})" if s.relation in IN_LAWS
             else f"{s.name}(孙子女,已登记子女)" for s in left_out if not s.is_spouse]
    return f"未计入{'、'.join(named)}:不是赡养义务人" if named else ""


def assess(facts: PersonFacts, on: date) -> Verdict:
    """Is this person left-behind on ``on``, and why (or why not, or what is missing)."""
    supporters, left_out = duty_bearers(facts.supporters)
    until = _next_change(facts, supporters, on)
    verdict = _assess(facts, supporters, left_out, on)
    note = _not_counted(left_out) if not verdict.undecided else ""
    age = age_on(facts.birth_date, on) if facts.birth_date is not None else None
    return Verdict(verdict.left_behind, verdict.reasons + ((note,) if note else ()),
                   verdict.carried_over, verdict.qualifies_from, verdict.undecided, until,
                   None if verdict.undecided else age)


def _missing(facts: PersonFacts, supporters: Sequence[SupporterFacts],
             left_out: Sequence[SupporterFacts], on: date) -> list[str]:
    """What the verdict cannot do without (无法判断), in the clerk's words."""
    out = []
    if facts.birth_date is None:
        out.append("出生日期(待补充身份证号或出生日期)")
    if not supporters:
        kinds = dict.fromkeys("配偶" if s.is_spouse else IN_LAWS.get(s.relation or "", "")
                              for s in left_out)
        kinds.pop("", None)
        out.append("子女或其他赡养义务人"
                   + (f"({'、'.join(kinds)}不是赡养义务人)" if kinds else ""))
    for s in supporters:
        if s.home_on(on):
            continue
        if s.location_scope is None:
            out.append(f"{s.name}的所在范围")
        elif s.location_scope in OUTSIDE_COUNTY and s.away_since is None:
            out.append(f"{s.name}的外出时间")
    return out


def _assess(facts: PersonFacts, supporters: Sequence[SupporterFacts],
            left_out: Sequence[SupporterFacts], on: date) -> Verdict:
    no: list[str] = []  # reasons that already say "not left-behind"
    age = age_on(facts.birth_date, on) if facts.birth_date is not None else None
    if age is not None and age < MIN_AGE:
        assert facts.birth_date is not None
        turns = add_months(facts.birth_date, 12 * MIN_AGE)
        no.append(f"未满 60 周岁({turns:%Y-%m-%d} 满)")
    for s in supporters:
        if s.returned_for_good_on(on):
            no.append(f"赡养人{s.name}已于 {s.returned_on:%Y-%m-%d} 长期返乡")
    if no:
        return Verdict(False, tuple(no))
    missing = _missing(facts, supporters, left_out, on)
    if facts.birth_date is None or not supporters:
        in_county = [s for s in supporters
                     if s.location_scope is not None and s.location_scope not in OUTSIDE_COUNTY]
        if in_county:  # a definite no, whatever else is missing
            return Verdict(False, tuple(f"{s.name}在本县内,未离开县域" for s in in_county))
        return Verdict(False, tuple(missing), undecided=True)
    assert age is not None
    verdict = _decide(PersonFacts(facts.birth_date, supporters, facts.left_behind_year), on)
    if verdict.left_behind or verdict.reasons:
        # Left-behind; or a reason that holds whatever the missing facts turn out to be.
        return verdict
    if missing:
        return Verdict(False, tuple(missing), undecided=True)
    # Each supporter not away six months gives a reason in _decide: this is a last guard.
    return Verdict(False, ("赡养人未全部离开县域满半年",))


def _decide(facts: PersonFacts, on: date) -> Verdict:
    supporters = list(facts.supporters)
    span = _qualifying_span(supporters)
    if span and span[0] <= on and (span[1] is None or on < span[1]):
        earliest = min(s.away_since for s in supporters if s.away_since)
        return Verdict(
            True,
            (
                f"全部 {len(supporters)} 名赡养人均离开县域外出半年以上"
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
            (f"上一年度已是留守老人,{now},按规定继续认定",),
            carried_over=True,
        )

    reasons: list[str] = []  # each a fact that says "not (yet)"; what is missing apart
    for s in supporters:
        if s.returned_on is not None and s.home_on(on):
            reasons.append(f"{s.name} {s.returned_on:%Y-%m-%d} 返乡,现不在外")
        elif s.location_scope is None or s.location_scope in OUTSIDE_COUNTY \
                and s.away_since is None:
            continue  # missing: see _missing
        elif s.location_scope not in OUTSIDE_COUNTY:
            reasons.append(f"{s.name}在本县内,未离开县域")
        elif s.away_since is not None and s.away_since > on:
            reasons.append(f"{s.name} {s.away_since:%Y-%m-%d} 才外出")
        elif s.away_since is not None:
            full = add_months(s.away_since, MIN_AWAY_MONTHS)
            if full > on:
                reasons.append(f"{s.name}外出不满半年({full:%Y-%m-%d} 满半年)")
    return Verdict(False, tuple(reasons))
