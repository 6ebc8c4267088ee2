"""What the fast-entry grids read from the register: people, their order, dates typed
on a sheet."""

from __future__ import annotations

from datetime import date

import pytest

from carecenter.care import visit_grid as sheet
from carecenter.care.care_book import AssessmentInput, CareBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder


@pytest.fixture
def people(database: Database) -> list[int]:
    register = Register(database, today=lambda: TODAY)
    one = register.groups.add("一组")
    two = register.groups.add("二组")
    return [
        register.save(elder("张桂兰", birth="19500312", sequence="002", group_id=two)).person_id,
        register.save(elder("李秀英", birth="19440505", sequence="004", group_id=one)).person_id,
        register.save(elder("王德明", birth="19380101", sequence="013")).person_id,
    ]


def test_people_come_by_group_order_then_pinyin_without_group_last(
        database: Database, people: list[int]) -> None:
    picks = sheet.active_people(database)
    assert [p.id for p in picks] == [people[1], people[0], people[2]]
    assert picks[0].label == f"李秀英 {people[1]} 一组"


def test_round_members_by_group_and_colour(database: Database, people: list[int]) -> None:
    CareBook(database, today=lambda: TODAY).assess(
        people[0], AssessmentInput(date(2026, 11, 1), "王网格员", ["advanced_age"]))
    assert sorted(sheet.people_for(database)) == sorted(people)
    assert sheet.people_for(database, colours=["yellow"]) == [people[0]]
    assert sorted(sheet.people_for(database, colours=[""])) == sorted(people[1:])
    assert sheet.people_for(database, colours=["red", "green"]) == []


def test_person_finder_reads_ids_names_and_initials(database: Database,
                                                    people: list[int]) -> None:
    finder = sheet.PersonFinder(sheet.active_people(database))
    assert finder.find(str(people[0])).name == "张桂兰"
    assert finder.find("李秀英").id == people[1]
    assert finder.find("wdm").id == people[2]
    assert finder.search("zgl")[0].id == people[0]
    with pytest.raises(ValueError, match="不在册"):
        finder.find("赵六")


def test_sheet_dates_without_a_year_are_never_after_today() -> None:
    assert sheet.parse_sheet_date("11-3", TODAY) == date(2026, 11, 3)
    assert sheet.parse_sheet_date("1103", TODAY) == date(2026, 11, 3)
    assert sheet.parse_sheet_date("2026-11-03", TODAY) == date(2026, 11, 3)
    assert sheet.parse_sheet_date("12.30", TODAY) == date(2025, 12, 30)
    assert sheet.parse_sheet_date("5", TODAY, previous=date(2026, 10, 20)) == date(2026, 10, 5)
    with pytest.raises(ValueError, match="看不懂"):
        sheet.parse_sheet_date("13-45", TODAY)
