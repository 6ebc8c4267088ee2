"""帮扶人履职 by the person's own kind (issue 21): a helper paired with a child is held to
the child's duty (seed 000: 村社干部每月至少入户走访一次), never to the elder's calls and
visits (seed 001); an elder's helper to the elder's. On fixed dates."""

from __future__ import annotations

from datetime import date

from carecenter import clock
from carecenter.care.care_book import CareBook, VisitInput
from carecenter.overview.work_list import WorkItem, build
from carecenter.pairing.duties import DUTIES, helper_duties, person_duties
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder
from tests.test_kind_child import child


def helper_items(database: Database) -> dict[int | None, WorkItem]:
    return {i.ref: i for i in build(database, clock.today()).section("helper")}


def setup(database: Database, birth: str = "20150610") -> tuple[int, int, int, int]:
    """A teacher paired with a child, a grid worker with an elder, from 2 November."""
    register = Register(database)
    helpers = HelperBook(database)
    with clock.at("2026-11-02"):
        kid = register.save(child(birth=birth)).person_id
        old = register.save(elder()).person_id
        teacher = helpers.add(HelperDraft("周老师", "teacher", "13900007777"))
        grid = helpers.add(HelperDraft("王网格员", "grid", "13900008888"))
        pairs = PairingBook(database, clock.today)
        pairs.pair(kid, teacher)
        pairs.pair(old, grid)
    return kid, old, teacher, grid


def test_a_childs_helper_is_held_to_the_monthly_home_visit_not_the_elders_calls(
        database: Database) -> None:
    kid, old, teacher, grid = setup(database)
    with clock.at("2026-11-23"):
        items = helper_items(database)
    assert items[teacher].rule == "本月入户走访儿童不足 1 次的 1 人(如李小明)"
    assert items[teacher].seed == "000"
    assert "电话问候老人" not in items[teacher].rule
    assert "入户走访儿童" not in items[grid].rule
    assert items[grid].rule.startswith("本月电话问候老人不足 4 次的 1 人")
    assert items[grid].seed == "001"
    # The teacher's visit in November meets the child's duty: the teacher is off the list.
    with clock.at("2026-11-20"):
        CareBook(database).record_visit(VisitInput(kid, date(2026, 11, 20), "home", "周老师",
                                                   helper_id=teacher))
    with clock.at("2026-11-23"):
        items = helper_items(database)
    assert teacher not in items and grid in items


def test_the_helpers_window_counts_a_child_only_against_the_childs_duty(
        database: Database) -> None:
    kid, old, teacher, grid = setup(database)
    visit = DUTIES.index(next(d for d in DUTIES if d.seed == "000"))
    with clock.at("2026-11-23"):
        rows = {r.person_id: r for r in person_duties(database, clock.today())}
        by_helper = {h.helper_id: h for h in helper_duties(database, clock.today())}
    assert [d for d, o in zip(DUTIES, rows[kid].owed, strict=True) if o] == [DUTIES[visit]]
    assert rows[kid].short() == ["入户走访儿童差 1 次"]
    assert "入户走访儿童" not in " ".join(rows[old].short())
    assert by_helper[teacher].owing[visit] == 1 and sum(by_helper[teacher].owing) == 1


def test_no_helper_duty_for_a_child_in_the_month_of_the_sixteenth_birthday(
        database: Database) -> None:
    """The child's duties stop the day before the birthday (the work list's due dates do
    the same): December's visit is not owed for a child who is 16 on 5 December."""
    kid, old, teacher, grid = setup(database, birth="20101205")
    with clock.at("2026-11-30"):  # November: still a child all month
        assert teacher in helper_items(database)
    with clock.at("2026-12-15"):
        items = helper_items(database)
    assert teacher not in items and grid in items
