"""Each export kept frozen (date, figures, file), listed, shown and set beside now."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from carecenter.cli.entry import main
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import compare_with_now, snapshot, snapshots
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import export_snapshot, visit
from tests.test_ledger_export import NOW, small_register

# Run on SQLite and again on PostgreSQL (dev.py test's server pass).
pytestmark = pytest.mark.backends


def run(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_export_is_kept_listed_shown_and_compared_with_now(
        register: Register, database: Database, db_path: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    ids = small_register(register, database)
    db = str(db_path)
    code, out, _ = run(capsys, "export", "snapshots", "--db", db)
    assert code == 0 and "还没有导出过" in out
    sent = tmp_path / "2026Q3.xlsx"
    # Sent early in October for the third quarter.
    assert run(capsys, "export", "quarter", "2026Q3", "--db", db, "--out", str(sent),
               "--date", "2026-10-08")[0] == 0
    with database.session() as session:
        kept = session.execute(select(export_snapshot)).one()
    assert (kept.period, kept.made_on, kept.file_name) == ("2026Q3", date(2026, 9, 30),
                                                           "2026Q3.xlsx")
    assert json.loads(kept.figures)["active"] == 4
    assert bytes(kept.workbook) == sent.read_bytes()

    # The register changes afterwards: someone leaves, a visit is recorded late.
    register.exit(ids["李秀英"], date(2026, 11, 20), "moved")
    with database.transaction() as session:
        session.execute(visit.insert().values(
            person_id=ids["李秀英"], visited_on=date(2026, 8, 10), kind="home",
            visitor="刘帮扶", created_at=NOW))
    sent.unlink()  # the file itself is gone from the desk too

    code, out, _ = run(capsys, "export", "snapshots", "--db", db)
    assert code == 0
    assert "编号 1  2026年第三季度" in out and "数据截至 2026-09-30" in out
    assert "在册 4 人" in out and "2026Q3.xlsx" in out

    again = tmp_path / "again.xlsx"
    code, out, _ = run(capsys, "export", "show", "1", "--db", db, "--out", str(again))
    assert code == 0
    assert bytes(kept.workbook) == again.read_bytes()  # the very file that was sent
    assert "总体\t期末(或截至导出日)在册人数\t4" in out
    assert "走访\t已走访次数\t" in out

    # Beside now (the fourth quarter, to 23 November): the frozen figures, the new ones.
    code, out, _ = run(capsys, "export", "compare", "--db", db, "--date", "2026-11-23")
    assert code == 0
    assert "2026Q3 报送时(数据截至 2026-09-30) → 现在 2026Q4(数据截至 2026-11-23)" in out
    assert "进出\t本季度退出\t0\t2\t+2" in out
    assert "总体\t期末(或截至导出日)在册人数\t4\t3\t-1" in out
    # Or the same quarter worked out again: the late visit shows up.
    q3 = Quarter(2026, 3)
    figures, rows = compare_with_now(database, snapshot(database, 1), q3, date(2026, 11, 23))
    lines = {(r[0], r[1]): r[2:] for r in rows}
    assert lines[("走访", "已走访次数")][2] == 1
    assert figures["visits_done"] == snapshots(database)[0].figures["visits_done"] + 1


def test_snapshot_commands_refuse_what_they_cannot_do(
        register: Register, database: Database, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = str(db_path)
    code, _, err = run(capsys, "export", "compare", "--db", db)
    assert code == 1 and "无可对比" in err
    small_register(register, database)
    code, _, err = run(capsys, "export", "2026Q3", "--db", db)
    assert code == 1 and "--out" in err
    code, _, err = run(capsys, "export", "show", "--db", db)
    assert code == 1 and "用法" in err
    code, _, err = run(capsys, "export", "show", "x", "--db", db)
    assert code == 1 and "用法" in err
    code, _, err = run(capsys, "export", "quarter", "2026Q3", "--db", db, "--out", "q.xlsx",
                       "--date", "2026-13-01")
    assert code == 1 and "不是日期" in err
