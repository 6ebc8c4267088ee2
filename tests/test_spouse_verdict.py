"""The spouse is not a supporter (seed 001: 扶养, not 赡养), and the 留守 verdict kept
with the file: "cannot decide: missing X" apart from "does not qualify: reason",
refreshed on every write and as the calendar moves (issue 17)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import select

from carecenter import clock
from carecenter.register.columns import ANY_RISK, RegisterQuery
from carecenter.register.listing import Listing
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import person, person_event
from tests.conftest import elder

DATA = Path(__file__).parent / "data"
SON_SINCE_2020 = {"name": "王强", "relation": "儿子", "phone": "13900001111",
                  "location_scope": "省外", "away_since": "2020-03-01"}
WIFE_AT_HOME = {"name": "李桂英", "relation": "配偶", "phone": "13700002222",
                "location_scope": "本县内"}


def stored_verdict(database: Database, pid: int) -> tuple[str, str]:
    with database.session() as session:
        row = session.execute(select(person.c.verdict, person.c.verdict_reason)
                              .where(person.c.id == pid)).one()
    return row[0], row[1]


def test_an_elder_with_a_son_away_and_the_wife_at_home_is_left_behind(
        register: Register, database: Database) -> None:
    result = register.save(elder("王大爷", supporters=[SON_SINCE_2020, WIFE_AT_HOME]))
    file = register.load(result.person_id)
    # The wife is recorded as the spouse living together, not as a supporter.
    assert [s["name"] for s in file.supporters] == ["王强"]
    assert file.values["spouse_name"] == "李桂英"
    assert file.values["spouse_phone"] == "13700002222"
    assert "spouse" in file.values["living_with"]
    assert any("配偶李桂英不是赡养义务人" in w for w in result.warnings)
    assert register.verdict(file).label == "留守"
    assert stored_verdict(database, result.person_id)[0] == "left_behind"
    row = Listing(database).rows([result.person_id])[result.person_id]
    assert row.verdict == "留守"


def test_a_ledgers_husband_row_is_the_spouse_too(register: Register) -> None:
    husband = {"name": "赵德明", "relation": "spouse", "location_scope": "本县内"}
    pid = register.save(elder("钱秀英", sequence="004", supporters=[husband, SON_SINCE_2020])
                        ).person_id
    file = register.load(pid)
    assert file.values["spouse_name"] == "赵德明"
    assert register.verdict(file).left_behind


def test_missing_data_is_cannot_decide_not_a_no(register: Register,
                                                database: Database) -> None:
    no_scope = dict(SON_SINCE_2020, location_scope=None)
    pid = register.save(elder("孙大娘", sequence="006", supporters=[no_scope])).person_id
    code, reason = stored_verdict(database, pid)
    assert code == "undecided" and reason == "暂无法认定是否留守:缺少王强的所在范围"
    home = dict(SON_SINCE_2020, location_scope="本县内")
    other = register.save(elder("周大爷", sequence="007", supporters=[home])).person_id
    code, reason = stored_verdict(database, other)
    assert code == "not" and "王强在本县内" in reason
    listing = Listing(database)
    assert listing.ids(RegisterQuery(verdict="undecided")) == [pid]
    assert listing.ids(RegisterQuery(verdict="not")) == [other]
    ordered = listing.ids(RegisterQuery(sort_key="verdict"))
    assert ordered.index(pid) < ordered.index(other)


def test_the_stored_verdict_follows_the_calendar(register: Register,
                                                 database: Database) -> None:
    from carecenter.register import verdicts

    # Turns 60 on 24 November 2026: not yet on the 23rd, left-behind from the 24th.
    pid = register.save(elder("吴大爷", birth="19661124", sequence="009")).person_id
    assert stored_verdict(database, pid)[0] == "not"
    with database.transaction() as session:
        assert verdicts.ensure_current(session.connection(), date(2026, 11, 23)) == 0
    with clock.at("2026-11-24"), database.transaction() as session:
        assert verdicts.ensure_current(session.connection(), clock.today()) == 1
    assert stored_verdict(database, pid)[0] == "left_behind"
    assert Listing(database).ids(RegisterQuery(verdict="left_behind")) == [pid]


def test_the_register_filters_by_housing_risk(register: Register, database: Database) -> None:
    risky = register.save(elder("危房户", sequence="011",
                                housing_risks=["dilapidated", "flood_zone"])).person_id
    register.save(elder("安全户", sequence="013"))
    listing = Listing(database)
    assert listing.ids(RegisterQuery(housing=ANY_RISK)) == [risky]
    assert listing.ids(RegisterQuery(housing="flood_zone")) == [risky]
    assert listing.ids(RegisterQuery(housing="geohazard")) == []


def test_an_old_register_with_a_spouse_supporter_is_migrated(tmp_path: Path) -> None:
    copy = tmp_path / "old.db"
    shutil.copy(DATA / "register-0.1.0.db", copy)
    with sqlite3.connect(copy) as raw:
        pid = raw.execute("SELECT id FROM person WHERE name = '单雄信'").fetchone()[0]
        raw.execute("UPDATE supporter SET position = 1 WHERE person_id = ?", (pid,))
        raw.execute(
            "INSERT INTO supporter (person_id, position, name, relation, phone, "
            "location_scope) VALUES (?, 0, '单老伴', 'spouse', '13500001234', 'in_county')",
            (pid,))
    database = Database(copy)
    try:
        file = Register(database).load(pid)
        assert [s["name"] for s in file.supporters] == ["张强"]
        assert file.values["spouse_name"] == "单老伴"
        assert file.values["spouse_phone"] == "13500001234"
        assert "spouse" in file.values["living_with"]
        with database.session() as session:
            details = session.execute(select(person_event.c.detail)
                                      .where(person_event.c.person_id == pid)).scalars().all()
        assert any("单老伴" in d and "改记为配偶" in d for d in details)
        # The verdict, worked out on first use, no longer counts the spouse.
        assert Register(database).verdict(file).left_behind
    finally:
        database.close()


def test_the_export_has_a_verdict_column_and_counts(register: Register, database: Database,
                                                     db_path: Path, tmp_path: Path) -> None:
    import openpyxl

    from carecenter.cli.entry import main
    from carecenter.ledger.figures import VERDICT_HEADER, figure_lines

    register.save(elder("王大爷", supporters=[SON_SINCE_2020, WIFE_AT_HOME]))
    register.save(elder("年轻人", birth="19700101", sequence="004"))
    register.save(elder("孙大娘", sequence="006",
                        supporters=[dict(SON_SINCE_2020, location_scope=None)]))
    # Turns 60 on 2026-12-15: 不符合 as of today, 留守 in the quarter's export at its end.
    register.save(elder("吴大爷", birth="19661215", sequence="009"))
    out = tmp_path / "q4.xlsx"
    assert main(["export", "quarter", "2026Q4", "--db", str(db_path), "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["台账"]
    header = [c.value for c in sheet[3]]
    column = header.index(VERDICT_HEADER)
    shown = {r[1]: r[column] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert shown == {"王大爷": "留守", "年轻人": "不符合", "孙大娘": "无法判断",
                     "吴大爷": "不符合"}
    with clock.at("2027-01-05"):
        from carecenter.ledger.figures import collect
        from carecenter.ledger.quarter import Quarter

        figures = collect(database, Quarter(2026, 4), clock.today()).figures
    assert figures["verdicts"] == {"留守": 2, "不符合": 1, "无法判断": 1}
    lines = {(s, i): v for s, i, v in figure_lines(figures)}
    assert lines[("留守认定(在册人员)", "不符合")] == 1
