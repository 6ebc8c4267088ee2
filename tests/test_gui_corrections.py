"""Correcting from a person's file while another operator saves the same record (issue
22, point 3): the clerk is told 已被他人修改, keeps what they typed, sees what the other
saved, and saves again on purpose; the file's 变更记录 shows each correction old → new
(issues 18, 20)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QListWidget, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from carecenter.care.care_book import CareBook, VisitInput
from carecenter.care.corrections import Corrections, VisitChange
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import as_role, elder, ime_type
from ui.care.care_panel import CarePanel
from ui.care.corrections_dialog import VisitCorrection


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []

    def warn(_parent: Any, title: str, text: str, *a: Any, **k: Any) -> Any:
        said.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warn)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    return said


@pytest.fixture
def visited(database: Database) -> tuple[Register, CareBook, int]:
    register = Register(database)
    pid = register.save(elder(registered_on="2026-01-05")).person_id
    care = CareBook(database)
    care.record_visit(VisitInput(pid, date(2026, 11, 2), "home", "王网格员", "很好"))
    return register, care, pid


def another_operator_sets(care: CareBook, pid: int, visitor: str, found: str) -> None:
    """The other office's save, on the same register, while the clerk's dialog is open."""
    record = care.visits(pid)[0]
    Corrections(care.database).edit_visit(record.id, VisitChange(
        record.visited_on, record.kind, visitor, found), seen=record)


def test_a_correction_over_anothers_save_is_refused_keeping_the_clerks_input(
        qtbot: QtBot, visited: tuple[Register, CareBook, int],
        warnings: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    register, care, pid = visited
    panel = CarePanel(care, register, pid, "张桂兰")
    qtbot.addWidget(panel)
    panel.show()
    panel.visits.setCurrentRow(0)

    def clerk(dialog: VisitCorrection) -> int:
        dialog.show()
        another_operator_sets(care, pid, "李协理员", "很好")
        dialog.found.selectAll()
        ime_type(dialog.found, "腿疼,已送药")
        qtbot.keyClick(dialog.found, Qt.Key.Key_Return)
        # Refused: told, the dialog stays with the clerk's words; the visitor the
        # clerk left alone now says what the other saved.
        assert warnings and warnings[-1][0] == "已被他人修改"
        assert "已被他人修改" in warnings[-1][1] and "走访人:王网格员 → 李协理员" in warnings[-1][1]
        assert "走访人已换成别人保存的内容" in warnings[-1][1]
        assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
        assert dialog.found.toPlainText() == "腿疼,已送药"
        assert dialog.visitor.text() == "李协理员"
        assert "已被他人修改" in dialog.errors.text()
        assert care.visits(pid)[0].found == "很好"  # nothing of the clerk's written yet
        qtbot.keyClick(dialog.found, Qt.Key.Key_Return)  # looked, saves on purpose
        return dialog.result()

    monkeypatch.setattr(VisitCorrection, "exec", clerk)
    qtbot.mouseClick(panel.findChild(QPushButton, "fix_visit"), Qt.MouseButton.LeftButton)
    now = care.visits(pid)[0]
    assert (now.visitor, now.found) == ("李协理员", "腿疼,已送药")  # both kept
    assert "腿疼,已送药" in panel.visits.item(0).text()


def test_a_field_both_changed_keeps_the_clerks_value_and_says_so(
        qtbot: QtBot, visited: tuple[Register, CareBook, int],
        warnings: list[tuple[str, str]]) -> None:
    _register, care, pid = visited
    dialog = VisitCorrection(Corrections(care.database), care.visits(pid)[0])
    qtbot.addWidget(dialog)
    dialog.show()
    another_operator_sets(care, pid, "李协理员", "很好")
    dialog.visitor.selectAll()
    ime_type(dialog.visitor, "赵网格员")
    qtbot.keyClick(dialog.found, Qt.Key.Key_Return)
    assert "走访人您和别人都改了:窗口中保留的是您填写的" in warnings[-1][1]
    assert dialog.visitor.text() == "赵网格员" and care.visits(pid)[0].visitor == "李协理员"
    qtbot.keyClick(dialog.found, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert care.visits(pid)[0].visitor == "赵网格员"


def test_taking_back_a_visit_another_changed_is_refused_and_the_list_shows_it_now(
        qtbot: QtBot, visited: tuple[Register, CareBook, int],
        warnings: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    register, care, pid = visited
    panel = CarePanel(care, register, pid, "张桂兰")
    qtbot.addWidget(panel)
    panel.show()
    another_operator_sets(care, pid, "李协理员", "很好")  # after the panel was read
    assert "王网格员" in panel.visits.item(0).text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("录错了人", True))
    panel.visits.setCurrentRow(0)
    qtbot.mouseClick(panel.findChild(QPushButton, "remove_visit"), Qt.MouseButton.LeftButton)
    assert warnings[-1][0] == "已被他人修改" and "李协理员" in warnings[-1][1]
    assert len(care.visits(pid)) == 1 and Corrections(care.database).removed(pid) == []
    assert "李协理员" in panel.visits.item(0).text()  # refreshed for the clerk to look at
    panel.visits.setCurrentRow(0)
    qtbot.mouseClick(panel.findChild(QPushButton, "remove_visit"), Qt.MouseButton.LeftButton)
    assert care.visits(pid) == []


def test_the_files_change_record_shows_corrections_old_to_new_and_what_was_taken_back(
        qtbot: QtBot, database: Database, visited: tuple[Register, CareBook, int]) -> None:
    from ui.register.person_editor import PersonEditor

    register, care, pid = visited
    as_role(database, "clerk")
    fixes = Corrections(database)
    record = care.visits(pid)[0]
    fixes.edit_visit(record.id, VisitChange(record.visited_on, "home", "李协理员", "很好"),
                     seen=record)
    fixes.remove_visit(record.id, "录错了人", seen=care.visits(pid)[0])
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    history = editor.findChild(QListWidget, "history")
    assert history is not None
    removed, edited = history.item(0).text(), history.item(1).text()
    assert "经办人甲" in removed and "作废走访" in removed and "录错了人" in removed
    assert "走访人:李协理员 → (空)" in removed and "走访情况:很好 → (空)" in removed
    assert "经办人甲" in edited and "修改走访" in edited and "走访人:王网格员 → 李协理员" in edited


def test_handling_written_meanwhile_by_another_is_not_overwritten_from_the_needs_window(
        qtbot: QtBot, visited: tuple[Register, CareBook, int]) -> None:
    from carecenter.care.care_book import NeedInput
    from ui.care.needs_window import HandleNeedDialog

    _register, care, pid = visited
    need_id = care.raise_need(pid, NeedInput("safety", "屋顶漏雨", raised_by="王网格员"))
    dialog = HandleNeedDialog(care, care.needs(person_id=pid)[0])
    qtbot.addWidget(dialog)
    dialog.show()
    care.handle_need(need_id, "已报镇民政办", seen="")  # the other office, meanwhile
    ime_type(dialog.handling, "已找瓦工")
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "已被他人修改" in dialog.form.general.text()
    assert "已报镇民政办" in dialog.form.general.text()
    assert dialog.handling.toPlainText() == "已找瓦工"  # the clerk's words stay
    assert care.needs(person_id=pid)[0].handling == "已报镇民政办"
    dialog.handling.setPlainText("已报镇民政办;已找瓦工")  # merged, saved on purpose
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert care.needs(person_id=pid)[0].handling == "已报镇民政办;已找瓦工"
