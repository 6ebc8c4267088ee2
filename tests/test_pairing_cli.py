"""``python -m carecenter pair`` and ``demo --helpers``, as a clerk or script runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from carecenter.cli.entry import main
from carecenter.pairing.helper_book import HelperBook
from carecenter.pairing.pairs import PairingBook, load_rules
from carecenter.storage.database import Database
from carecenter.storage.models import pairing
from tests.conftest import signed_in


def test_demo_makes_helpers_and_leaves_a_few_people_unpaired(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--persons", "400", "--db", str(db), "--helpers", "25"]) == 0
    assert "25 名帮扶人" in capsys.readouterr().out
    database = signed_in(Database(db))
    try:
        book = PairingBook(database)
        coverage = book.coverage()
        assert 0 < coverage.unpaired < coverage.total * 0.1
        roles = {h.role for h in HelperBook(database).list()}
        assert {"relative", "neighbour", "party_member"} <= roles
        loads = book.loads()
        assert max(load.weight for load in loads.values()) <= load_rules(database).limit
        with database.session() as session:
            per_person = session.execute(
                select(func.count()).select_from(pairing)
                .where(pairing.c.ended_on.is_(None), pairing.c.rank == 1)
                .group_by(pairing.c.person_id).having(func.count() > 1)).all()
        assert per_person == []  # one primary helper per person
    finally:
        database.close()


def test_pair_command_dry_run_saves_nothing_then_pairs_everyone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--persons", "300", "--db", str(db)]) == 0
    capsys.readouterr()
    database = signed_in(Database(db))
    before = PairingBook(database).coverage().unpaired
    database.close()
    assert before > 0

    assert main(["pair", "--db", str(db), "--dry-run", "--date", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert f"建议结对 {before} 人" in out and "试运行:未保存" in out
    assert f"未结对 {before} 人" in out and "最大帮扶负荷" in out

    assert main(["pair", "--db", str(db), "--date", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert f"已保存 {before} 对结对" in out and "覆盖率 100.0%" in out
    assert main(["pair", "--db", str(db)]) == 0
    assert "所有在册人员都已有主帮扶人" in capsys.readouterr().out


def test_pair_command_explains_a_missing_database(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pair", "--db", str(tmp_path / "none.db")]) == 1
    assert "不存在" in capsys.readouterr().err
