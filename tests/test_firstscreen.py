"""The first screen read with sqlite3 at start-up: the listing's answers, and only from a
database already at this program's schema."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from carecenter import clock
from carecenter.register.columns import RegisterQuery
from carecenter.register.first_screen import FirstScreen, open_first_screen
from carecenter.register.listing import Listing
from carecenter.register.people import Register
from carecenter.rules.fields import ACTIVE, EXITED
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, make_id


@pytest.fixture
def filled(register: Register) -> Register:
    """People on and off the register, in groups and not, one without an ID number."""
    first, second = register.groups.add("一组"), register.groups.add("二组")
    names = ["张桂兰", "李秀英", "王建国", "赵淑珍", "刘德明", "陈玉梅", "杨志强"]
    ids = []
    for i, name in enumerate(names):
        ids.append(register.save(elder(name, birth=f"19{40 + i}0312", sequence=f"{i + 1:02d}3",
                                       group_id=(first, second, None)[i % 3])).person_id)
    register.save(elder("孙无证", id_number=None, sex="female", birth_date="1945-06-01",
                        supporters=[]))
    register.save(elder("周本地", birth="19480101", sequence="015", supporters=[{
        "name": "周强", "relation": "儿子", "location_scope": "本县内"}]))
    register.save(elder("吴返乡", birth="19470101", sequence="017", supporters=[{
        "name": "吴刚", "relation": "儿子", "phone": "13900002222", "location_scope": "省外",
        "away_since": "2020-03-01", "returned_on": "2025-01-10", "return_kind": "长期返乡"}]))
    register.exit(ids[1], TODAY, "died")
    register.exit(ids[4], TODAY, "moved")
    return register


def open_screen(register: Register) -> FirstScreen:
    screen = open_first_screen(register.database.location)
    assert screen is not None
    screen.today = lambda: TODAY
    return screen


def test_the_first_screen_answers_the_default_query_as_the_listing_does(
        filled: Register) -> None:
    listing = Listing(filled.database, today=lambda: TODAY)
    screen = open_screen(filled)
    query = RegisterQuery()
    ids = listing.ids(query)
    assert len(ids) == 8
    assert screen.ids(query) == ids
    assert screen.ids(query, 2, 3) == listing.ids(query, 2, 3)
    assert screen.count(query) == listing.count(query) == 8
    assert screen.rows(ids) == listing.rows(ids)
    assert {r.verdict for r in screen.rows(ids).values()} == {"留守", "不符合", "无法判断"}
    assert any(r.incomplete for r in screen.rows(ids).values())
    screen.close()


def test_the_first_screen_counts_each_status_as_the_register_does(filled: Register) -> None:
    screen = open_screen(filled)
    for status in (ACTIVE, EXITED, None):
        assert screen.count_status(status) == filled.count(status)
    assert screen.groups() == [(g.id, g.name) for g in filled.groups.list()]
    screen.close()


def test_the_first_screen_answers_no_other_query(filled: Register) -> None:
    screen = open_screen(filled)
    with pytest.raises(ValueError):
        screen.ids(RegisterQuery(text="zgl"))
    with pytest.raises(ValueError):
        screen.count(RegisterQuery(sort_key="age"))
    screen.close()


def set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    raw.close()


@pytest.mark.parametrize("revision", ["0002", "9999"])
def test_a_database_older_or_newer_than_the_program_opens_only_the_normal_way(
        database: Database, db_path: Path, revision: str) -> None:
    database.close()
    set_revision(db_path, revision)
    assert open_first_screen(str(db_path)) is None


def test_anything_but_an_up_to_date_sqlite_file_opens_only_the_normal_way(
        tmp_path: Path) -> None:
    missing = tmp_path / "没有.db"
    assert open_first_screen(str(missing)) is None
    assert not missing.exists()  # the normal path decides where a new database goes
    text = tmp_path / "台账.xlsx"
    text.write_text("not a database", encoding="utf-8")
    assert open_first_screen(str(text)) is None
    empty = tmp_path / "empty.db"
    empty.touch()
    assert open_first_screen(str(empty)) is None
    assert open_first_screen("postgresql+psycopg://clerk@township/register") is None


def test_a_path_with_chinese_and_spaces_opens_quickly(tmp_path: Path) -> None:
    folder = tmp_path / "留守 关爱#1"
    folder.mkdir()
    database = Database(folder / "登记册.db")
    Register(database).save(elder("张桂兰", id_number=make_id("19500312", "002")))
    database.close()
    screen = open_first_screen(str(folder / "登记册.db"))
    assert screen is not None
    assert screen.count(RegisterQuery()) == 1
    screen.close()


def test_today_defaults_to_the_calendar(filled: Register) -> None:
    screen = open_first_screen(filled.database.location)
    assert screen is not None
    assert screen.today() == clock.today()
    screen.close()


def test_the_helper_column_shows_the_current_primary_helper(filled: Register) -> None:
    from carecenter.pairing.helper_book import HelperBook, HelperDraft
    from carecenter.pairing.pairs import PairingBook

    database = filled.database
    helpers = HelperBook(database)
    old = helpers.add(HelperDraft("刘网格", "网格员"))
    new = helpers.add(HelperDraft("陈志愿", "志愿者"))
    listing = Listing(database, today=lambda: TODAY)
    ids = listing.ids(RegisterQuery())
    book = PairingBook(database, lambda: TODAY)
    book.assign([(ids[0], old)], on=date(2026, 1, 1))
    book.assign([(ids[0], new)], on=date(2026, 6, 1))  # re-paired: the old one ended
    rows = listing.rows(ids)
    assert rows[ids[0]].helper == "陈志愿"
    assert rows[ids[1]].helper == ""
    assert open_screen(filled).rows(ids) == rows
