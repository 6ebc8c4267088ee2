"""The work list, the visit and assessment dialogs, and colours in the register, as the
clerk uses them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from carecenter import clock
from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, ime_type
from ui.care.assessment_dialog import AssessmentDialog
from ui.care.visit_dialog import VisitDialog
from ui.overview.worklist_view import WorkListView
from ui.shell.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


@pytest.fixture
def people(database: Database) -> tuple[Register, CareBook, int, int]:
    register = Register(database)
    register.groups.add("一组")
    red = register.save(elder("红老人", birth="19400505", sequence="004",
                              registered_on="2026-01-05")).person_id
    green = register.save(elder("绿老人", birth="19550505", sequence="006",
                                registered_on="2026-01-05")).person_id
    care = CareBook(database)
    on = clock.today()
    # Red since September: its two visits a month are overdue.
    care.assess(red, AssessmentInput(date(2026, 9, 1), "刘主任", ["incapacitated"]))
    care.assess(green, AssessmentInput(on, "刘主任", []))
    for pid in (red, green):
        care.record_visit(VisitInput(pid, date(2026, 1, 10), "home", "王网格员"))
    return register, care, red, green


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: Any) -> Iterator[MainWindow]:
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.show()
    win.worklist.reload()
    yield win


def test_the_work_list_opens_first_with_red_on_top(window: MainWindow) -> None:
    assert window.tabs.currentWidget() is window.worklist
    items = window.worklist.model.items
    assert items, "the work list is empty"
    overdue = [i for i in items if i.section == "overdue"]
    assert overdue[0].name == "红老人"  # red sorts first within a section
    model = window.worklist.model
    assert model.data(model.index(0, 1)) == "红色"
    assert "逾期" in window.worklist.section.itemText(1)


def test_enter_on_a_row_records_the_visit_and_the_row_goes(
        qtbot: QtBot, window: MainWindow, people: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    register, care, red, _green = people
    view: WorkListView = window.worklist
    view.section.setCurrentIndex(view.section.findData("overdue"))
    row = next(n for n, i in enumerate(view.model.items)
               if i.person_id == red and i.what == "风险随访")
    view.table.selectRow(row)

    def fill_and_save(dialog: VisitDialog) -> int:
        assert dialog.kind.currentData() == "home"
        labels = " ".join(w.text() for w in dialog.findChildren(type(dialog.errors)))
        assert "红色每月至少随访2次" in labels  # the rule that made the row due
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(VisitDialog, "exec", fill_and_save)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert care.visits(red)[0].visited_on == clock.today()
    assert not any(i.person_id == red and i.what == "风险随访" for i in view.model.items)


def test_visit_dialog_saves_with_its_defaults_and_names_what_is_missing(
        qtbot: QtBot, people: Any) -> None:
    _register, care, red, _green = people
    dialog = VisitDialog(care, red, "红老人")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.visitor.text() == "王网格员"  # the last visitor is the default
    dialog.visitor.clear()
    dialog.save()
    assert "请填写走访人" in dialog.errors.text()
    assert len(care.visits(red)) == 1  # nothing saved
    ime_type(dialog.visitor, "李协理员")
    dialog.need_kind.setCurrentIndex(dialog.need_kind.findData("daily_care"))
    ime_type(dialog.need_text, "需要人帮忙挑水")
    qtbot.keyClick(dialog.visitor, Qt.Key.Key_Return)  # Enter saves
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert care.visits(red)[0].visitor == "李协理员"
    assert care.needs()[0].description == "需要人帮忙挑水"


def test_assessment_dialog_ticks_what_the_file_shows_and_asks_a_reason_to_differ(
        qtbot: QtBot, people: Any) -> None:
    register, care, _red, green = people
    dialog = AssessmentDialog(care, register, green)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "建议绿色" in dialog.proposal.text()
    box = dialog.findChild(QCheckBox, "factor_poor")
    assert box is not None
    box.setChecked(True)
    assert "建议黄色" in dialog.proposal.text() and "家庭经济困难" in dialog.proposal.text()
    dialog.colour.setCurrentIndex(dialog.colour.findData("red"))
    ime_type(dialog.assessor, "刘主任")
    dialog.save()
    assert "须写明理由" in dialog.errors.text() and not dialog.saved
    dialog.reason.setPlainText("独居山上,冬季道路不通")
    dialog.save()
    assert dialog.saved
    latest = care.assessments(green)[0]
    assert (latest.colour, latest.proposed, latest.factors) == ("red", "yellow", ("poor",))


def test_old_age_in_the_file_is_ticked_for_the_assessor(qtbot: QtBot, people: Any) -> None:
    register, care, red, _green = people
    dialog = AssessmentDialog(care, register, red)  # born 1940: 高龄
    qtbot.addWidget(dialog)
    box = dialog.findChild(QCheckBox, "factor_advanced_age")
    assert box is not None and box.isChecked() and "档案提示" in box.text()


def test_register_filters_and_shows_by_colour(window: MainWindow) -> None:
    window.tabs.setCurrentIndex(1)
    window.colour_filter.setCurrentIndex(window.colour_filter.findData("red"))
    assert window.model.rowCount() == 1
    from carecenter.register.listing import COLUMNS

    colour_column = [c.key for c in COLUMNS].index("colour")
    assert window.model.data(window.model.index(0, colour_column)) == "红色"
    assert window.model.data(window.model.index(0, 0)) == "红老人"
    window.colour_filter.setCurrentIndex(window.colour_filter.findData("none"))
    assert window.model.rowCount() == 0


def test_the_file_shows_the_colour_and_records_a_visit(
        qtbot: QtBot, people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.register.person_editor import PersonEditor

    register, care, red, _green = people
    editor = PersonEditor(register, red)
    qtbot.addWidget(editor)
    editor.show()
    assert "红色" in editor.colour_label.text()
    panel = editor.care_panel
    assert panel is not None and panel.visits.count() == 1
    monkeypatch.setattr(VisitDialog, "exec", lambda d: (d.save(), d.result())[1])
    editor.tabs.setCurrentWidget(panel)
    button = panel.findChild(QPushButton, "record_visit")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert panel.visits.count() == 2 and panel.touched
    assert len(care.visits(red)) == 2


def test_a_reassessment_starts_from_the_last_assessments_factors(
        qtbot: QtBot, people: Any) -> None:
    register, care, red, _green = people
    dialog = AssessmentDialog(care, register, red)
    qtbot.addWidget(dialog)
    box = dialog.findChild(QCheckBox, "factor_incapacitated")
    assert box is not None and box.isChecked() and "上次评估" in box.text()
    assert "建议红色" in dialog.proposal.text()



def test_needs_ledger_is_a_tab_and_the_sheet_and_rounds_are_in_the_menu(
        window: MainWindow) -> None:
    from PySide6.QtGui import QAction

    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == \
        ["工作台", "登记册", "需求台账", "概况"]
    actions = {a.objectName(): a for a in window.findChildren(QAction)}
    assert {"sheet", "rounds", "needs"} <= set(actions)
    actions["needs"].trigger()
    assert window.tabs.currentWidget() is window.needs
    window.tabs.setCurrentWidget(window.worklist)  # coming back reloads the list
    assert window.worklist.model.items


def test_enter_in_the_visit_notes_saves_as_the_button_says(
        qtbot: QtBot, people: Any) -> None:
    _register, care, red, _green = people
    dialog = VisitDialog(care, red, "红老人")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.found.setFocus()
    ime_type(dialog.found, "身体不错")
    qtbot.keyClick(dialog.found, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    ime_type(dialog.found, "屋里整洁")
    assert dialog.result() != QDialog.DialogCode.Accepted  # Shift+Enter: a new line
    qtbot.keyClick(dialog.found, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert care.visits(red)[0].found == "身体不错\n屋里整洁"


def test_a_visit_is_corrected_and_taken_back_from_the_file_with_the_history_kept(
        qtbot: QtBot, people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.care.care_panel import CarePanel
    from ui.care.corrections_dialog import VisitCorrection

    register, care, red, _green = people
    panel = CarePanel(care, register, red, "红老人")
    qtbot.addWidget(panel)
    panel.show()
    panel.visits.setCurrentRow(0)

    def retype(dialog: VisitCorrection) -> int:
        dialog.show()
        dialog.visitor.selectAll()
        ime_type(dialog.visitor, "李协理员")
        qtbot.keyClick(dialog.found, Qt.Key.Key_Return)  # Enter saves the correction
        return dialog.result()

    monkeypatch.setattr(VisitCorrection, "exec", retype)
    qtbot.mouseClick(panel.findChild(QPushButton, "fix_visit"), Qt.MouseButton.LeftButton)
    assert care.visits(red)[0].visitor == "李协理员"
    assert "走访人:王网格员 → 李协理员" in register.load(red).events[-1][3]
    assert "李协理员" in panel.visits.item(0).text()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("录错了人", True))
    panel.visits.setCurrentRow(0)
    qtbot.mouseClick(panel.findChild(QPushButton, "remove_visit"), Qt.MouseButton.LeftButton)
    assert care.visits(red) == []
    event = register.load(red).events[-1]
    assert event[1] == "visit_removed" and "录错了人" in event[3]
    assert panel.touched and panel.visits.count() == 0


def test_the_work_list_is_not_topped_by_a_health_check_missed_for_years(
        qtbot: QtBot, database: Database) -> None:
    register = Register(database)
    old = register.save(elder("老王", birth="19400505", sequence="004",
                              registered_on="2021-01-05")).person_id
    care = CareBook(database)
    care.assess(old, AssessmentInput(date(2026, 9, 1), "刘主任", ["incapacitated"]))
    care.record_visit(VisitInput(old, date(2021, 3, 1), "checkup", "镇卫生院"))
    care.record_visit(VisitInput(old, date(2026, 10, 1), "home", "王网格员"))
    view = WorkListView(care, register)
    qtbot.addWidget(view)
    view.reload()
    overdue = [i for i in view.model.items if i.section == "overdue"]
    whats = [i.what for i in overdue]
    assert "健康体检" in whats and whats[0] != "健康体检"
    assert whats.index("风险随访") < whats.index("健康体检")


def test_the_work_list_reads_a_section_only_when_the_clerk_reaches_it(
        qtbot: QtBot, qtmodeltester: Any, database: Database) -> None:
    """A county's list is 200,000 items: the counts show at once, and a section's rows
    are read when the table first draws one of them, or the clerk picks the section."""
    from carecenter.demo import register_demo

    register_demo.generate(database, 120, seed=4, today=clock.today())
    view = WorkListView(CareBook(database), Register(database))
    qtbot.addWidget(view)
    view.resize(1000, 400)
    view.show()
    view.reload()
    result = view.result
    assert result is not None and result.sizes["agreement"] > 0
    assert view.model.rowCount() == result.total
    assert view.section.itemText(0) == f"全部({result.total})"
    assert not result.is_read("agreement")  # last but two: not on the first screen
    qtmodeltester.check(view.model)
    view.section.setCurrentIndex(view.section.findData("agreement"))
    assert result.is_read("agreement")
    assert view.model.rowCount() == result.sizes["agreement"]
    assert {view.model.item(r).section for r in range(view.model.rowCount())} == {"agreement"}
    assert "按风险等级" in view.summary.text()
