"""概况: the village's figures (carecenter.overview.village_figures) on a small register
whose answers are counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.overview import village_figures
from carecenter.overview.village_figures import NO_AGREEMENT, UNPAIRED, UNVISITED
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder

ON = date(2026, 11, 23)


@pytest.fixture
def village(database: Database) -> dict[str, int]:
    register = Register(database)
    one = register.groups.add("一组")
    two = register.groups.add("二组")
    people = {
        "red": register.save(elder("红老人", "19400505", "004", group_id=one,
                                   registered_on="2026-01-05")).person_id,
        "green": register.save(elder("绿老人", "19550505", "006", group_id=two,
                                     registered_on="2026-01-05")).person_id,
        "new": register.save(elder("新老人", "19500101", "008", group_id=two,
                                   registered_on="2026-11-02")).person_id,
        "gone": register.save(elder("走老人", "19480101", "010", group_id=one,
                                    registered_on="2026-01-05")).person_id,
    }
    care = CareBook(database)
    care.assess(people["red"], AssessmentInput(date(2026, 1, 5), "刘主任", ["incapacitated"]))
    care.assess(people["green"], AssessmentInput(date(2026, 1, 5), "刘主任", []))
    # October: red visited twice in the first half (one counts), once in the second;
    # green once; "gone" once. November: green by phone (not a home visit).
    for pid, day, kind in ((people["red"], date(2026, 10, 3), "home"),
                           (people["red"], date(2026, 10, 9), "home"),
                           (people["red"], date(2026, 10, 20), "health"),
                           (people["green"], date(2026, 10, 12), "home"),
                           (people["gone"], date(2026, 10, 12), "home"),
                           (people["green"], date(2026, 11, 3), "phone")):
        care.record_visit(VisitInput(pid, day, kind, "王网格员"))
    register.exit(people["gone"], date(2026, 11, 1), "moved")
    helper = HelperBook(database).add(HelperDraft("李帮扶", "村组干部", "13800002222"))
    PairingBook(database).pair(people["red"], helper)
    return people


def test_colours_count_the_active_people_and_the_unassessed(database: Database,
                                                             village: dict[str, int]) -> None:
    figures = village_figures.build(database, ON)
    assert figures.active == 3
    assert figures.colours == {"red": 1, "yellow": 0, "green": 1, "": 1}


def test_each_month_counts_who_was_on_the_register_and_who_was_visited_at_the_door(
        database: Database, village: dict[str, int]) -> None:
    months = {m.month: m for m in village_figures.build(database, ON).months}
    assert len(months) == 12 and min(months) == date(2025, 12, 1)
    october = months[date(2026, 10, 1)]
    # red, green and "gone" (left on 1 November) were on the register; "new" came in
    # November. Red's three visits make one person visited.
    assert (october.due, october.done, october.partial) == (3, 3, False)
    november = months[date(2026, 11, 1)]
    assert november.partial
    assert (november.due, november.done) == (3, 0)  # a phone call is not a visit at the door
    assert months[date(2025, 12, 1)].due == 0


def test_a_visit_corrected_or_taken_back_moves_the_months_figures(
        database: Database, village: dict[str, int]) -> None:
    from carecenter.care.corrections import Corrections, VisitChange

    care = CareBook(database)
    fixes = Corrections(database)
    green_visit = next(v for v in care.visits(village["green"]) if v.kind == "home")
    fixes.edit_visit(green_visit.id, VisitChange(date(2026, 11, 2), "home", "王网格员"))

    def month(first: date) -> tuple[int, int]:
        found = next(m for m in village_figures.build(database, ON).months
                     if m.month == first)
        return found.due, found.done

    assert month(date(2026, 10, 1)) == (3, 2)
    assert month(date(2026, 11, 1)) == (3, 1)
    for v in care.visits(village["red"]):
        fixes.remove_visit(v.id, "录错了人")
    assert month(date(2026, 10, 1)) == (3, 1)
    october = village_figures.people_behind(database, UNVISITED, ON, date(2026, 10, 1))
    assert set(october) == {village["red"], village["green"]}


def test_pairing_and_agreement_coverage_and_the_people_behind_them(
        database: Database, village: dict[str, int]) -> None:
    figures = village_figures.build(database, ON)
    assert (figures.paired, figures.agreements) == (1, 0)
    unpaired = village_figures.people_behind(database, UNPAIRED, ON)
    assert set(unpaired) == {village["green"], village["new"]}
    assert len(village_figures.people_behind(database, NO_AGREEMENT, ON)) == 3


def test_unvisited_in_a_month_lists_who_was_on_the_register_and_not_seen(
        database: Database, village: dict[str, int]) -> None:
    october = village_figures.people_behind(database, UNVISITED, ON, date(2026, 10, 1))
    assert october == []
    november = village_figures.people_behind(database, UNVISITED, ON, date(2026, 11, 1))
    assert set(november) == {village["red"], village["green"], village["new"]}


def test_overdue_people_by_group_in_the_villages_order(database: Database,
                                                       village: dict[str, int]) -> None:
    groups = village_figures.build(database, ON).groups
    assert [g.name for g in groups] == ["一组", "二组"]
    assert [g.people for g in groups] == [1, 2]
    assert all(0 <= g.overdue <= g.people for g in groups)
    assert groups[0].overdue == 1  # red: last followed up 20 October, due by 4 November


def test_an_empty_register_has_figures_of_nothing(database: Database) -> None:
    figures = village_figures.build(database, ON)
    assert figures.empty and figures.groups == [] and figures.overdue == 0
    assert all(m.due == 0 and m.done == 0 for m in figures.months)


def test_people_who_no_longer_qualify_are_counted(database: Database,
                                                  village: dict[str, int]) -> None:
    register = Register(database)
    register.save(elder("近老人", "19450101", "012", registered_on="2026-01-05", supporters=[{
        "name": "张强", "relation": "儿子", "phone": "13900001111", "whereabouts": "本村",
        "location_scope": "本县内"}]))
    figures = village_figures.build(database, ON)
    assert figures.not_qualifying == 1 and figures.active == 4
