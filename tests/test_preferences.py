"""本村设置: declared once, checked whole, written in one transaction, read by the
documents and the pairing load; the dialog and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QSpinBox, QTableWidgetItem
from pytestqt.qtbot import QtBot

from carecenter.documents.card_batch import print_cards
from carecenter.errors import ValidationFailed
from carecenter.pairing.pairs import load_rules
from carecenter.register.people import Register
from carecenter.settings.preferences import Cadre, Preferences
from carecenter.settings.settings_store import Settings
from carecenter.storage.database import Database
from tests.conftest import elder, opened
from tests.pdfcheck import text_of
from ui.settings.settings_dialog import SettingsDialog


def test_saved_settings_reach_the_card_and_the_load(database: Database,
                                                    register: Register) -> None:
    person_id = register.save(elder()).person_id
    Preferences(database).save(
        {"village.name": "白竹村", "doctor.name": "李医生", "doctor.phone": "１３６ 1234 5678",
         "load.red": "4", "load.limit": 25},
        [Cadre("村党支部书记", "王书记", "13512345678"), Cadre("", "", "")])
    text = text_of(print_cards(database, [person_id]) or b"")
    for expected in ("王书记", "13512345678", "李医生", "13612345678"):
        assert expected in text, expected
    rules = load_rules(database)
    assert rules.weights["red"] == 4 and rules.limit == 25
    assert Preferences(database).read()["village.name"] == "白竹村"
    assert Preferences(database).cadres() == [Cadre("村党支部书记", "王书记", "13512345678")]


def test_one_bad_value_refuses_all_with_each_field_named(database: Database) -> None:
    prefs = Preferences(database)
    prefs.save({"village.name": "旧村名"})
    with pytest.raises(ValidationFailed) as e:
        prefs.save({"village.name": "新村名", "village.phone": "123", "load.limit": 0,
                    "agreement.template": "/no/such/file.toml"},
                   [Cadre("村主任", "", "13612345678")])
    fields = {error.field for error in e.value.errors}
    assert fields == {"village.phone", "load.limit", "agreement.template", "cadres"}
    assert "村干部第 1 行:姓名不能为空" in e.value.message
    assert prefs.read()["village.name"] == "旧村名"  # nothing written


def test_settings_written_together_or_not_at_all(database: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(database)
    settings.set("village", {"name": "旧村名"})
    calls = {"n": 0}
    real = database.transaction

    def failing_transaction(**options):  # type: ignore[no-untyped-def]
        class Boom:
            def __enter__(self):  # type: ignore[no-untyped-def]
                self.inner = real(**options)
                self.session = self.inner.__enter__()
                original = self.session.execute

                def execute(*a, **k):  # type: ignore[no-untyped-def]
                    calls["n"] += 1
                    if calls["n"] == 4:
                        raise OSError("disk gone")
                    return original(*a, **k)

                self.session.execute = execute
                return self.session

            def __exit__(self, *exc):  # type: ignore[no-untyped-def]
                return self.inner.__exit__(*exc)

        return Boom()

    monkeypatch.setattr(database, "transaction", failing_transaction)
    with pytest.raises(OSError):
        Preferences(database).save({"village.name": "新村名", "doctor.name": "李医生"})
    monkeypatch.undo()
    assert settings.village()["name"] == "旧村名"
    assert settings.get("village_doctor") is None


def test_the_dialog_saves_and_shows_errors_beside_fields(qtbot: QtBot,
                                                         database: Database) -> None:
    dialog = SettingsDialog(database)
    qtbot.addWidget(dialog)
    name = dialog.findChild(QLineEdit, "village.name")
    assert name is not None
    name.setText("白竹村")
    phone = dialog.findChild(QLineEdit, "village.phone")
    assert phone is not None
    phone.setText("12")
    dialog.save()
    assert dialog.result() == 0
    assert "不像电话号码" in dialog.form.message("village.phone")
    assert Preferences(database).read()["village.name"] == ""
    phone.setText("0739-1234567")
    limit = dialog.findChild(QSpinBox, "load.limit")
    assert limit is not None
    limit.setValue(40)
    dialog.cadres.setItem(0, 0, QTableWidgetItem("村主任"))
    dialog.cadres.setItem(0, 1, QTableWidgetItem("李主任"))
    dialog.save()
    assert dialog.result() == 1
    prefs = Preferences(database)
    assert prefs.read()["village.name"] == "白竹村" and prefs.read()["load.limit"] == 40
    assert prefs.cadres() == [Cadre("村主任", "李主任", "")]


def test_settings_command(db_path: Path, database: Database) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "carecenter", "settings", "--db",
                               str(db_path), *args], check=False, capture_output=True,
                              text=True)

    done = run("--set", "village.name=白竹村", "--cadre", "村主任,李主任,13612345678")
    assert done.returncode == 0, done.stderr
    assert "村名(village.name):白竹村" in done.stdout and "村主任 李主任 13612345678" in done.stdout
    bad = run("--set", "load.red=很多")
    assert bad.returncode == 1 and "红色对象负荷权重应为整数" in bad.stderr
    assert run("--set", "nothing").returncode == 1
    # The first command's sign-in encrypted the register (issue 18): read it as they do.
    reopened = opened(db_path)
    assert Preferences(reopened).read()["load.red"] == 3
    reopened.close()


def test_esc_in_the_settings_asks_before_dropping_what_was_typed(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]

    def question(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = SettingsDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without a word
    assert asked == [] and dialog.result() == 0 and not dialog.isVisible()
    dialog = SettingsDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    name = dialog.findChild(QLineEdit, "village.name")
    assert name is not None
    qtbot.keyClicks(name, "Baizhu")
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert len(asked) == 1 and "放弃" in asked[0] and dialog.isVisible()  # kept open
    answer[0] = QMessageBox.StandardButton.Discard
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert Preferences(database).read()["village.name"] == ""
