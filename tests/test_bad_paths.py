"""A mistyped register path is refused by name and nothing is created; the app is
refused a register another window holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

import ui.shell.app as ui_app
from carecenter.cli.entry import main
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.register_lock import RegisterLock
from tests.conftest import elder, signed_in

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


def clicking(monkeypatch: pytest.MonkeyPatch, choice: str) -> list[str]:
    """The clerk clicks ``choice`` in the box that asks (its text recorded)."""
    asked: list[str] = []

    def click(box: QMessageBox) -> int:
        asked.append(f"{box.text()}\n{box.informativeText()}")
        button = box.findChild(QPushButton, choice)
        assert button is not None, choice
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    return asked


def test_the_app_asks_about_a_mistyped_register_path_and_makes_nothing_on_quit(
        tmp_path: Path, quiet_main: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked = clicking(monkeypatch, "quit")
    typo = tmp_path / "regsiter.db"
    assert ui_app.main(["--db", str(typo)]) == 1
    assert "不存在" in asked[0] and str(typo) in asked[0]
    # The window offers what the clerk can do there, not a command they do not have.
    assert "python -m" not in asked[0] and "新建" in asked[0]
    assert list(tmp_path.iterdir()) == []


def test_a_missing_register_can_be_made_there_or_another_chosen(
        tmp_path: Path, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    typo = tmp_path / "台账" / "regsiter.db"
    clicking(monkeypatch, "create")
    assert ui_app.find_register(str(typo)) == (str(typo), True)
    clicking(monkeypatch, "choose")
    chosen = database.location
    monkeypatch.setattr(ui_app.file_dialogs, "open_file", lambda *a: chosen)
    assert ui_app.find_register(str(typo)) == (chosen, False)
    assert not typo.parent.exists()  # nothing made before the clerk said so
    lock = ui_app.hold_register(str(typo), create=True)
    assert isinstance(lock, RegisterLock) and typo.parent.is_dir()
    lock.release()


def test_the_command_line_names_the_command_the_clerk_has_for_a_new_register(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    typo = tmp_path / "regsiter.db"
    assert main(["check", "--db", str(typo)]) == 1
    assert f'python -m carecenter create --db "{typo}"' in capsys.readouterr().err
    monkeypatch.setattr("sys.frozen", True, raising=False)  # the installed program
    assert main(["check", "--db", str(typo)]) == 1
    err = capsys.readouterr().err
    assert f'carecenter-cli create --db "{typo}"' in err and "python" not in err


def test_a_second_app_on_a_held_register_is_refused_naming_the_holder(
        db_path: Path, quiet_main: list[str]) -> None:
    holding = signed_in(Database(db_path, hold=True))
    Register(holding).save(elder())
    try:
        assert ui_app.main(["--db", str(db_path)]) == 1
    finally:
        holding.close()
    assert "正由计算机" in quiet_main[0] and "只能在一处修改" in quiet_main[0]
