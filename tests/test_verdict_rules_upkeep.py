"""Stored 留守 verdicts follow the program's rules everywhere once a new version opens the
register for writing (issue 17/21): a verdict stored by an older version (a 儿媳 at home
counted as a supporter) is worked out again at once, in one transaction, audited as
the program's; the work list, the register's filter and the township's figures then
agree with the file. A register already current is left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from carecenter import clock
from carecenter.access import audit
from carecenter.cli.entry import main
from carecenter.ledger.figures import VERDICT_HEADER
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.overview.work_list import build
from carecenter.register import upkeep, verdicts
from carecenter.register.people import Register
from carecenter.storage import kept_rules
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, SUITE_PASSWORD, elder, opened


def son_away_wife_home() -> Any:
    """A son in Guangdong since 2020 and his wife (儿媳) at home: 留守 by seed 001 (only
    赡养义务人 count); an older version counted the 儿媳 and said 不符合."""
    return elder(supporters=[
        {"name": "张强", "relation": "儿子", "location_scope": "省外",
         "whereabouts": "广东省东莞市", "phone": "13800001111", "away_since": "2020-03-01"},
        {"name": "李梅", "relation": "儿媳", "location_scope": "本县内", "phone": "13800002222"},
    ])


def as_an_older_version_left_it(database: Database, pid: int) -> None:
    """Its stored verdict by the old rule, good for a year, and no note of the rules."""
    with database.transaction() as session:
        session.execute(text(
            "UPDATE person SET verdict = 'not', verdict_reason = '赡养人李梅在本县内', "
            "verdict_on = :on, verdict_until = :until WHERE id = :pid"),
            {"on": date(2026, 11, 1), "until": date(2027, 11, 1), "pid": pid})
        session.execute(text("DELETE FROM setting WHERE key IN (:a, :b)"),
                        {"a": kept_rules.VERDICTS, "b": kept_rules.TALLY})


def stored(database: Database, pid: int) -> str:
    with database.engine.connect() as connection:
        return str(connection.execute(text("SELECT verdict FROM person WHERE id = :pid"),
                                      {"pid": pid}).scalar_one())


def programs_entries(database: Database) -> list[audit.Entry]:
    return [e for e in audit.entries(database) if e.operator == upkeep.PROGRAM]


@pytest.fixture
def cli_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARECENTER_OPERATOR", SUITE_OPERATOR)
    monkeypatch.setenv("CARECENTER_PASSWORD", SUITE_PASSWORD)


def test_opening_for_writing_rejudges_verdicts_stored_by_older_rules(
        database: Database, db_path: Path, tmp_path: Path, cli_operator: None) -> None:
    register = Register(database)
    pid = register.save(son_away_wife_home()).person_id
    other = register.save(elder(name="王秀英", sequence="004")).person_id
    assert stored(database, pid) == "left_behind"
    as_an_older_version_left_it(database, pid)
    assert upkeep.outdated(database) == [upkeep.VERDICTS, upkeep.TALLY]

    # Any command that opens the register for writing (here the settings command).
    assert main(["settings", "--db", str(db_path)]) == 0
    assert stored(database, pid) == "left_behind"
    assert upkeep.outdated(database) == []
    entries = programs_entries(database)
    summary = next(e for e in entries if e.entity == "register")
    assert "重新判断在册 2 人的留守认定,1 人的结论改变" in summary.summary
    [changed] = [e for e in entries if e.entity == "person"]
    assert changed.person_id == pid and changed.changes == [("留守认定", "不符合", "留守")]
    assert other not in {e.person_id for e in entries}

    # Everywhere says the same: the register's filter, the export, the work list.
    from carecenter.register.columns import RegisterQuery
    from carecenter.register.listing import Listing

    assert pid in Listing(database).ids(RegisterQuery(verdict="left_behind"))
    out = tmp_path / "q.xlsx"
    export_quarter(database, Quarter.parse("2026Q4"), out)
    sheet = openpyxl.load_workbook(out)["台账"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and VERDICT_HEADER in r)
    line = next(dict(zip(header, r, strict=False)) for r in rows if r and "张桂兰" in r)
    assert line[VERDICT_HEADER] == "留守"
    assert pid not in {i.person_id for i in build(database, clock.today())
                       .section("not_qualifying")}

    # Opened again: already current, nothing worked out or logged again.
    assert main(["settings", "--db", str(db_path)]) == 0
    assert len(programs_entries(database)) == len(entries)


def test_a_register_made_by_this_version_is_current_from_the_start(
        database: Database) -> None:
    Register(database).save(son_away_wife_home())
    assert upkeep.outdated(database) == []
    assert upkeep.bring_up_to_date(database, clock.today()) is None
    assert programs_entries(database) == []


def test_a_failure_midway_leaves_every_stored_verdict_as_it_was(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    register = Register(database)
    pids = [register.save(son_away_wife_home()).person_id]
    pids += [register.save(elder(name="王" + "甲乙丙丁"[n], sequence=f"{100 + 2 * n:03d}"))
             .person_id for n in range(4)]
    for pid in pids:
        as_an_older_version_left_it(database, pid)
    monkeypatch.setattr(verdicts, "BATCH", 2)
    real = verdicts.compute
    calls = []

    def failing(connection: Any, ids: Any, today: date) -> Any:
        calls.append(ids)
        if len(calls) == 2:  # the second batch of three
            raise RuntimeError("power cut")
        return real(connection, ids, today)

    monkeypatch.setattr(verdicts, "compute", failing)
    with pytest.raises(RuntimeError):
        upkeep.bring_up_to_date(database, clock.today())
    assert {stored(database, pid) for pid in pids} == {"not"}
    assert upkeep.outdated(database) == [upkeep.VERDICTS, upkeep.TALLY]
    assert programs_entries(database) == []
    monkeypatch.setattr(verdicts, "compute", real)
    caught = upkeep.bring_up_to_date(database, clock.today())
    assert caught is not None and caught.judged == 5
    assert stored(database, pids[0]) == "left_behind"


def test_the_signed_in_window_brings_an_older_register_up_to_date(
        qtbot: Any, db_path: Path, database: Database) -> None:
    from ui.shell.main_window import MainWindow

    pid = Register(database).save(son_away_wife_home()).person_id
    as_an_older_version_left_it(database, pid)
    database.close()
    window = MainWindow(opened(db_path, hold=True))
    qtbot.addWidget(window)
    try:
        assert stored(window.database, pid) == "left_behind"  # type: ignore[arg-type]
        assert "1 人的结论改变" in window.statusBar().currentMessage()
    finally:
        window.database.close()  # type: ignore[union-attr]


def test_a_tally_made_before_the_childs_monthly_visit_is_completed_not_rebuilt(
        database: Database) -> None:
    """A register's tally from migration 0013 (calls by month, visits by quarter, calls
    to the children by year) gains the visits by month, counted from the visits, and
    is then what a tally made from scratch is."""
    from carecenter.care import duty_tally
    from carecenter.demo import register_demo as demo
    from tests.test_duty_tally import tallies

    demo.generate(database, 60, seed=5, today=clock.today())
    with database.transaction() as session:
        connection = session.connection()
        for table in ("duty_tally", "duty_tally_named"):  # as 0013 left it
            connection.execute(text(f"DELETE FROM {table} WHERE period NOT LIKE '%Q%' "  # noqa: S608
                                    "AND length(period) = 7 AND kind = 'home'"))
        connection.execute(text("DELETE FROM setting WHERE key = :k"),
                           {"k": kept_rules.TALLY})
    assert upkeep.outdated(database) == [upkeep.TALLY]
    caught = upkeep.bring_up_to_date(database, clock.today())
    assert caught is not None and caught.tally and not caught.judged
    completed = tallies(database)
    with database.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM duty_tally WHERE kind = 'home' AND length(period) = 7 "
            "AND period NOT LIKE '%Q%'")).scalar_one() > 0
    with database.transaction() as session:
        duty_tally.rebuild(session.connection())
    assert tallies(database) == completed
