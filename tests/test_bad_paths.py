"""A mistyped register path is refused by name and nothing is created; the app is
refused a register another window holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

import ui.shell.app as ui_app
from carecenter.cli.entry import main
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("argv", [
    ["import", "ledger.xlsx"], ["export", "quarter", "2026Q4", "--out", "out.xlsx"],
    ["worklist"], ["settings", "--set", "village.name=白竹村"], ["pair"], ["check"],
    ["print", "cards", "--out", "cards.pdf"], ["backup"], ["backups"],
    ["compare", "theirs.xlsx", "--out", "diff.xlsx"],
])
def test_a_mistyped_register_path_is_refused_and_nothing_is_created(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "regsiter.db"
    assert main([*argv, "--db", str(typo)]) == 1
    err = capsys.readouterr().err
    assert "不存在" in err and str(typo) in err
    assert list(tmp_path.iterdir()) == []


def test_create_makes_an_empty_register_and_refuses_an_existing_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    assert main(["create", "--db", str(path)]) == 0
    assert main(["worklist", "--db", str(path)]) == 0
    assert main(["create", "--db", str(path)]) == 1
    assert "已存在" in capsys.readouterr().err


@pytest.fixture
def quiet_main(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    monkeypatch.setattr(ui_app, "setup_logging", lambda: None)
    monkeypatch.setattr(ui_app, "open_log_file", lambda: None)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda *args, **kwargs: shown.append(str(args[2])))
    yield shown


def test_the_app_refuses_a_mistyped_register_path(
        tmp_path: Path, quiet_main: list[str]) -> None:
    typo = tmp_path / "regsiter.db"
    assert ui_app.main(["--db", str(typo)]) == 1
    assert "不存在" in quiet_main[0] and str(typo) in quiet_main[0]
    assert list(tmp_path.iterdir()) == []


def test_a_second_app_on_a_held_register_is_refused_naming_the_holder(
        db_path: Path, quiet_main: list[str]) -> None:
    holding = Database(db_path, hold=True)
    Register(holding).save(elder())
    try:
        assert ui_app.main(["--db", str(db_path)]) == 1
    finally:
        holding.close()
    assert "正由计算机" in quiet_main[0] and "只能在一处修改" in quiet_main[0]
