"""Seed 001's helper duties counted from the visit records."""

from __future__ import annotations

from datetime import date

from carecenter import clock
from carecenter.pairing.duties import DUTIES, helper_duties, period_bounds, person_duties
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import visit
from tests.conftest import TODAY
from tests.test_pairing import add_people


def record(database: Database, person_id: int, day: str, kind: str, visitor: str,
           helper_id: int | None) -> None:
    with database.transaction() as session:
        session.execute(visit.insert().values(
            person_id=person_id, visited_on=date.fromisoformat(day), kind=kind,
            visitor=visitor, helper_id=helper_id, created_at=clock.now()))


def test_periods_are_the_month_quarter_and_year_of_the_day() -> None:
    day = date(2026, 11, 23)
    assert period_bounds(day, "month") == (date(2026, 11, 1), date(2026, 12, 1))
    assert period_bounds(day, "quarter") == (date(2026, 10, 1), date(2027, 1, 1))
    assert period_bounds(day, "year") == (date(2026, 1, 1), date(2027, 1, 1))
    assert period_bounds(date(2026, 12, 5), "month") == (date(2026, 12, 1), date(2027, 1, 1))


def test_duties_count_the_helpers_own_visits_in_each_period(
        database: Database, register: Register) -> None:
    g = register.groups.add("一组")
    diligent_person, late_person = add_people(register, g, 2, 0)
    helpers = HelperBook(database, lambda: TODAY)
    book = PairingBook(database, lambda: TODAY)
    liu = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    wang = helpers.add(HelperDraft("王建军", "党员", group_id=g))
    book.pair(diligent_person, liu, on=date(2026, 1, 1))
    book.pair(late_person, wang, on=date(2026, 1, 1))
    for day in ("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-20"):
        record(database, diligent_person, day, "phone", "刘红梅", liu)
    record(database, diligent_person, "2026-10-30", "phone", "刘红梅", liu)  # last month
    for day in ("2026-10-05", "2026-11-05", "2026-11-20"):
        record(database, diligent_person, day, "home", "刘红梅", None)  # by name only
    for day in ("2026-02-01", "2026-06-01", "2026-09-01"):
        record(database, diligent_person, day, "video", "刘红梅", liu)
    # Wang: three calls this month, one of them made by somebody else for him.
    for day in ("2026-11-01", "2026-11-03"):
        record(database, late_person, day, "phone", "王建军", wang)
    record(database, late_person, "2026-11-04", "phone", "村医", None)
    record(database, late_person, "2026-07-04", "home", "王建军", wang)  # last quarter

    rows = {r.person_id: r for r in person_duties(database, TODAY)}
    # the elders' three duties (seed 001); the child's monthly visit (seed 000) is not theirs
    assert rows[diligent_person].counts[:3] == (4, 3, 3) and rows[diligent_person].all_met
    assert rows[diligent_person].owed == (True, True, True, False)
    assert rows[late_person].counts[:3] == (2, 0, 0)
    assert rows[late_person].met == (False, False, False, True)
    assert rows[late_person].short() == ["电话问候老人差 2 次", "入户走访差 3 次",
                                         "联系子女差 3 次"]
    by_helper = {h.helper_id: h for h in helper_duties(database, TODAY)}
    assert (by_helper[liu].people, by_helper[liu].all_met) == (1, 1)
    assert by_helper[wang].short() == (1, 1, 1, 0)
    assert by_helper[wang].owing == (1, 1, 1, 0)
    assert [d.required for d in DUTIES] == [4, 3, 3, 1]
    # In October the diligent helper had made only one call.
    october = {r.person_id: r for r in person_duties(database, date(2026, 10, 31))}
    assert october[diligent_person].counts[0] == 1
