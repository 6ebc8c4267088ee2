"""The 留守 verdict (seed 002): age, all supporters away from the county six months, and
the carry-over around the Spring Festival."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from carecenter.calendar import festival_year_start
from carecenter.rules.leftbehind import PersonFacts, SupporterFacts, assess

BORN = date(1950, 3, 12)


def away(name: str = "张强", since: date = date(2024, 3, 1), scope: str = "out_province",
         returned: date | None = None, kind: str | None = None) -> SupporterFacts:
    return SupporterFacts(name, scope, since, returned, kind)


def test_elder_whose_only_son_works_in_another_province_for_a_year_is_left_behind() -> None:
    verdict = assess(PersonFacts(BORN, [away()]), date(2025, 6, 1))
    assert verdict.left_behind
    assert "外出半年以上" in verdict.text


def test_under_sixty_on_the_reference_date_is_not_left_behind() -> None:
    facts = PersonFacts(date(1966, 11, 24), [away()])
    assert not assess(facts, date(2026, 11, 23)).left_behind
    assert assess(facts, date(2026, 11, 24)).left_behind
    assert "未满 60 周岁" in assess(facts, date(2026, 11, 23)).text


def test_one_supporter_still_in_the_county_means_not_left_behind() -> None:
    facts = PersonFacts(BORN, [away(), away("张丽", scope="in_county")])
    verdict = assess(facts, date(2025, 6, 1))
    assert not verdict.left_behind
    assert "张丽在本县内" in verdict.text


def test_away_less_than_six_months_is_not_yet_left_behind() -> None:
    facts = PersonFacts(BORN, [away(since=date(2025, 3, 1))])
    assert not assess(facts, date(2025, 8, 31)).left_behind
    assert "2025-09-01 满半年" in assess(facts, date(2025, 8, 31)).text
    assert assess(facts, date(2025, 9, 1)).left_behind


def test_no_supporter_on_file_cannot_be_decided_yet() -> None:
    verdict = assess(PersonFacts(BORN, []), date(2025, 6, 1))
    assert not verdict.left_behind and verdict.undecided and verdict.label == "无法判断"
    assert verdict.text == "暂无法认定是否留守:缺少子女或其他赡养义务人"


def test_supporter_back_for_good_ends_left_behind() -> None:
    facts = PersonFacts(BORN, [away(returned=date(2025, 5, 1), kind="permanent")])
    assert not assess(facts, date(2025, 6, 1)).left_behind
    assert "长期返乡" in assess(facts, date(2025, 6, 1)).text


def test_left_behind_last_year_stays_so_while_son_is_home_after_spring_festival() -> None:
    # Son away since 2024-03; home for the 2026 Spring Festival (17 Feb) and not gone yet.
    facts = PersonFacts(BORN, [away(returned=date(2026, 2, 5), kind="temporary")])
    verdict = assess(facts, date(2026, 3, 20))
    assert verdict.left_behind
    assert verdict.carried_over
    assert "上一年度已是留守老人" in verdict.text


def test_not_left_behind_last_year_must_wait_six_months_after_children_leave() -> None:
    # Children leave after the 2026 Spring Festival; nobody was left-behind in 2025.
    facts = PersonFacts(BORN, [away(since=date(2026, 3, 1))])
    assert not assess(facts, date(2026, 6, 1)).left_behind
    assert assess(facts, date(2026, 9, 1)).left_behind


def test_clerk_noted_last_year_carries_over_when_children_went_out_again() -> None:
    # The clerk records the new departure date; last year's verdict is kept as a flag.
    facts = PersonFacts(BORN, [away(since=date(2026, 3, 1))], left_behind_year=2025)
    verdict = assess(facts, date(2026, 5, 1))
    assert verdict.left_behind and verdict.carried_over
    fresh = PersonFacts(BORN, [away(since=date(2026, 3, 1))], left_behind_year=None)
    assert not assess(fresh, date(2026, 5, 1)).left_behind


def test_carry_over_does_not_reach_back_more_than_a_year() -> None:
    # Son home "temporarily" since 2024: by 2026 the carry-over has long ended.
    facts = PersonFacts(BORN, [away(since=date(2020, 3, 1), returned=date(2024, 1, 20),
                                    kind="temporary")])
    assert not assess(facts, date(2026, 3, 20)).left_behind


def test_missing_whereabouts_scope_is_named_in_the_reason() -> None:
    facts = PersonFacts(BORN, [away(scope=None)])  # type: ignore[arg-type]
    verdict = assess(facts, date(2025, 6, 1))
    assert not verdict.left_behind
    assert verdict.undecided and verdict.text == "暂无法认定是否留守:缺少张强的所在范围"


def test_a_confirmation_two_years_old_does_not_carry_over() -> None:
    facts = PersonFacts(BORN, [away(since=date(2026, 3, 1))], left_behind_year=2024)
    assert not assess(facts, date(2026, 5, 1)).left_behind


def test_a_wife_at_home_does_not_stop_an_elder_being_left_behind() -> None:
    # seed 001: the spouse owes 扶养, not 赡养; a son away since 2020, the wife at home.
    wife = SupporterFacts("李桂英", "in_county", relation="spouse")
    son = SupporterFacts("张强", "out_province", date(2020, 3, 1), relation="son")
    verdict = assess(PersonFacts(BORN, [son, wife]), date(2026, 11, 23))
    assert verdict.left_behind and verdict.label == "留守"
    assert "全部 1 名赡养人" in verdict.text


def test_a_spouse_alone_is_no_supporter_and_the_verdict_waits_for_one() -> None:
    wife = SupporterFacts("李桂英", "in_county", relation="spouse")
    verdict = assess(PersonFacts(BORN, [wife]), date(2026, 11, 23))
    assert verdict.undecided
    assert verdict.text == "暂无法认定是否留守:缺少子女或其他赡养义务人(配偶不是赡养义务人)"


def test_a_child_in_the_county_says_no_even_when_another_lacks_its_place() -> None:
    facts = PersonFacts(BORN, [away("张强", scope=None), away("张丽", scope="in_county")])  # type: ignore[arg-type]
    verdict = assess(facts, date(2025, 6, 1))
    assert verdict.code == "not" and "张丽在本县内" in verdict.text
    assert not verdict.undecided


def test_under_sixty_says_no_even_without_supporters() -> None:
    verdict = assess(PersonFacts(date(1970, 1, 1), []), date(2026, 11, 23))
    assert verdict.code == "not" and "未满 60 周岁" in verdict.text


def test_missing_birth_date_is_undecided_unless_a_supporter_is_home() -> None:
    assert assess(PersonFacts(None, [away()]), date(2025, 6, 1)).text == \
        "暂无法认定是否留守:缺少出生日期(待补充身份证号或出生日期)"
    home = assess(PersonFacts(None, [away(scope="in_county")]), date(2025, 6, 1))
    assert home.code == "not"


def test_the_verdict_knows_the_next_day_the_calendar_may_change_it() -> None:
    # Turns 60 on 2026-11-24; son six months away on 2025-09-01; Spring Festival 2027-02-06.
    young = PersonFacts(date(1966, 11, 24), [away()])
    assert assess(young, date(2026, 11, 23)).until == date(2026, 11, 24)
    recent = PersonFacts(BORN, [away(since=date(2025, 3, 1))])
    assert assess(recent, date(2025, 8, 31)).until == date(2025, 9, 1)
    settled = PersonFacts(BORN, [away()])
    assert assess(settled, date(2026, 11, 23)).until == date(2027, 2, 6)


_days = st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31))
# Mostly away from the county and not back, so that most examples are left-behind.
_sometimes = st.tuples(st.integers(0, 3), _days).map(lambda t: t[1] if t[0] == 0 else None)
_supporters = st.lists(st.builds(
    SupporterFacts, st.sampled_from(["张强", "张丽"]),
    st.sampled_from(["out_province"] * 4 + ["abroad", "out_county", "in_county", None]),
    st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 6, 1)), _sometimes,
    st.sampled_from(["temporary", "temporary", "permanent", None]),
    st.sampled_from(["son"] * 4 + ["daughter", None, "spouse", "daughter_in_law"])),
    min_size=1, max_size=2)


@settings(max_examples=300, deadline=None)
@given(born=st.dates(min_value=date(1930, 1, 1), max_value=date(1958, 12, 31)),
       supporters=_supporters, year=st.none() | st.integers(2018, 2027),
       on=st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 12, 31)))
def test_a_verdict_reached_without_carry_over_does_not_read_the_year_it_records(
        born: date, supporters: list[SupporterFacts], year: int | None,
        on: date) -> None:
    # Saving a file records the festival year of such a verdict, and keeps the verdict
    # it judged before recording it (one judgment per file: Register's
    # _record_left_behind_year). That holds only if the year cannot change it.
    verdict = assess(PersonFacts(born, supporters, year), on)
    if verdict.left_behind and not verdict.carried_over:
        recorded = festival_year_start(on).year
        assert assess(PersonFacts(born, supporters, max(year or recorded, recorded)),
                      on) == verdict
