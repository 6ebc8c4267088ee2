"""The main window and the person editor, driven through real widgets as a clerk would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from carecenter.register.columns import COLUMN_KEYS
from carecenter.register.listing import Listing, RegisterQuery
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, ime_type, make_id
from ui.register.exit_dialog import ExitDialog
from ui.register.person_editor import PersonEditor
from ui.register.register_model import RegisterModel
from ui.shell.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box would wait forever offscreen: record it and answer 'no' instead."""
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Cancel

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    register = Register(database)
    register.groups.add("一组")
    register.save(elder("李秀英", birth="19440505", sequence="004"))
    win = MainWindow(database)
    win.tabs.setCurrentIndex(1)  # these tests work in the register
    qtbot.addWidget(win)
    win.show()
    yield win


def line(editor: PersonEditor, name: str) -> QLineEdit:
    widget = editor.input(name).widget
    assert isinstance(widget, QLineEdit)
    return widget


def test_register_model_passes_qt_model_tests(qtmodeltester: ModelTester,
                                              register: Register) -> None:
    for i in range(5):
        register.save(elder(f"王{'一二三四五'[i]}", birth=f"194{i}0101", sequence="003"))
    model = RegisterModel(Listing(register.database), RegisterQuery())
    qtmodeltester.check(model)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 5


def test_clerk_creates_a_person_then_finds_them_by_pinyin_initials(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = PersonEditor(window.register, None)
    qtbot.addWidget(editor)
    ime_type(line(editor, "name"), "张桂兰")
    qtbot.keyClicks(line(editor, "id_number"), make_id("19500312", "002"))
    group = editor.input("group_id").widget
    assert isinstance(group, QComboBox)
    group.setCurrentIndex(group.findText("一组"))
    editor.tabs.setCurrentWidget(editor.supporters)
    qtbot.mouseClick(editor.supporters.add_button, Qt.MouseButton.LeftButton)
    form = editor.supporters.form.inputs
    ime_type(form["name"].widget, "张强")
    form["relation"].set_value("son")
    form["location_scope"].set_value("out_province")
    qtbot.keyClicks(form["away_since"].widget, "2023.3.1")
    verdict = editor.update_verdict()
    assert verdict is not None and verdict.left_behind
    assert "符合留守认定" in editor.verdict_label.text()
    editor.save()
    assert editor.saved_id is not None

    window.refresh(editor.saved_id)
    qtbot.keyClicks(window.search, "zgl")
    window.search_now()
    assert window.model.rowCount() == 1
    assert window.model.index(0, 0).data() == "张桂兰"
    assert window.model.index(0, 1).data() == "女"


def test_a_wrong_check_digit_shows_in_chinese_beside_the_field(qtbot: QtBot,
                                                                window: MainWindow) -> None:
    editor = PersonEditor(window.register, None)
    qtbot.addWidget(editor)
    editor.show()
    good = make_id("19500312", "002")
    ime_type(line(editor, "name"), "张桂兰")
    qtbot.keyClicks(line(editor, "id_number"), good[:17] + ("1" if good[17] == "0" else "0"))
    editor.save()
    error = editor.input("id_number").error
    assert error.isVisible()
    assert "校验位" in error.text()
    assert editor.saved_id is None
    assert window.register.count() == 1  # only the fixture's person


def test_clerk_exits_a_person_who_leaves_active_and_appears_in_exited(
        qtbot: QtBot, window: MainWindow) -> None:
    window.table.selectRow(0)
    person_id = window.current_person()
    assert person_id is not None
    dialog = ExitDialog(window.register, person_id, "李秀英")
    qtbot.addWidget(dialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("died"))
    dialog.confirm()
    assert dialog.result() == dialog.DialogCode.Accepted
    window.refresh()
    assert window.model.rowCount() == 0  # 在册 is the default filter
    window.status_filter.setCurrentIndex(window.status_filter.findText("已退出"))
    assert window.model.rowCount() == 1
    assert window.model.index(0, COLUMN_KEYS.index("status")).data() == "已退出"


def test_keyboard_ctrl_f_focuses_search_and_enter_opens_the_file(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int | None] = []
    monkeypatch.setattr(window, "open_current",
                        lambda: opened.append(window.current_person()))
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "lxy")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.table.hasFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert opened and opened[0] is not None


def test_closing_an_edited_file_asks_before_discarding(qtbot: QtBot, window: MainWindow,
                                                       no_modal_boxes: list[str]) -> None:
    window.table.selectRow(0)
    person_id = window.current_person()
    editor = PersonEditor(window.register, person_id)
    qtbot.addWidget(editor)
    editor.show()
    ime_type(line(editor, "address"), "青山村")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert no_modal_boxes and "未保存" in no_modal_boxes[0]
    assert editor.isVisible()
    editor.dirty = False


def test_editor_offers_every_declared_field_of_the_kind(qtbot: QtBot, register: Register) -> None:
    editor = PersonEditor(register, None)
    qtbot.addWidget(editor)
    shown = {name for form in editor.forms for name in form.inputs}
    assert shown == {f.name for f in editor.kind.fields}
    assert [editor.tabs.tabText(i) for i in range(4)] == ["基本信息", "赡养人", "健康与照料",
                                                          "困难与需求"]


def test_a_whole_id_number_fills_birth_date_and_sex_at_once(qtbot: QtBot,
                                                            register: Register) -> None:
    editor = PersonEditor(register, None)
    qtbot.addWidget(editor)
    qtbot.keyClicks(line(editor, "id_number"), make_id("19500312", "002"))
    assert line(editor, "birth_date").text() == "1950-03-12"
    assert editor.input("sex").value() == "female"
    assert not editor.input("id_number").error.text()


def test_a_number_already_on_the_register_is_named_while_typing(qtbot: QtBot,
                                                                window: MainWindow) -> None:
    editor = PersonEditor(window.register, None)
    qtbot.addWidget(editor)
    qtbot.keyClicks(line(editor, "id_number"), make_id("19440505", "004"))
    assert "已登记在 李秀英" in editor.input("id_number").error.text()


def test_clerk_adds_and_renames_a_village_group_and_a_duplicate_is_refused(
        qtbot: QtBot, register: Register, monkeypatch: pytest.MonkeyPatch,
        no_modal_boxes: list[str]) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.register.groups_dialog import GroupsDialog

    dialog = GroupsDialog(register.groups)
    qtbot.addWidget(dialog)
    answers = iter([("三组", True), ("第3村民小组", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    dialog.add()
    assert [g.name for g in register.groups.list()] == ["三组"]
    dialog.add()
    assert no_modal_boxes and "同一个组" in no_modal_boxes[0]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("三组(河边)", True))
    dialog.list.setCurrentRow(0)
    dialog.rename()
    assert [g.name for g in register.groups.list()] == ["三组(河边)"]


def test_removing_a_supporter_keeps_the_form_on_the_highlighted_one(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.register.supporters_panel import SupportersPanel

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel = SupportersPanel()
    qtbot.addWidget(panel)
    panel.set_supporters([{"name": n, "relation": "son"} for n in ("甲", "乙", "丙")])
    panel.table.setCurrentCell(0, 0)
    panel.remove()
    assert panel.table.currentRow() == 0
    assert panel.form.inputs["name"].value() == "乙"
    panel.remove()
    assert [r["name"] for r in panel.supporters()] == ["丙"]


def test_correcting_a_mistyped_id_number_updates_what_it_filled(qtbot: QtBot,
                                                                register: Register) -> None:
    editor = PersonEditor(register, None)
    qtbot.addWidget(editor)
    id_box = line(editor, "id_number")
    qtbot.keyClicks(id_box, make_id("19500312", "002"))
    id_box.clear()
    qtbot.keyClicks(id_box, make_id("19510312", "001"))
    assert line(editor, "birth_date").text() == "1951-03-12"
    assert editor.input("sex").value() == "male"


def test_clicking_a_column_that_cannot_be_sorted_leaves_the_order_and_arrow(
        window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    header.setSortIndicator(COLUMN_KEYS.index("age"), Qt.SortOrder.AscendingOrder)
    header.setSortIndicator(COLUMN_KEYS.index("helper"), Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == COLUMN_KEYS.index("age")
    assert window.model.query.sort_key == "age"


def test_ctrl_n_opens_a_new_file_with_the_cursor_in_the_name(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []

    def look(editor: PersonEditor) -> int:
        editor.show()
        seen.append(editor.focusWidget())
        qtbot.keyClicks(editor.focusWidget(), "Wang")
        seen.append(line(editor, "name").text())
        return 0

    monkeypatch.setattr(PersonEditor, "exec", look)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(seen) == 2 and isinstance(seen[0], QLineEdit)
    assert seen[1] == "Wang"  # what was typed landed in 姓名


def test_a_new_search_after_ctrl_end_shows_its_answer_from_the_top(
        qtbot: QtBot, window: MainWindow, database: Database) -> None:
    register = Register(database)
    given = "秀英桂兰春花玉梅淑珍凤英"
    for n in range(80):
        register.save(elder(f"王{given[n % 12]}{given[n // 12]}",
                            birth=f"19{40 + n % 10}0{1 + n % 9}1{n % 10}",
                            sequence=f"{n:03d}"), allow_duplicate=True)
    window.refresh()
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.table.verticalScrollBar().value() > 0
    window.search.setFocus()
    qtbot.keyClicks(window.search, "w")
    window.search_now()
    assert window.model.rowCount() > 20
    assert window.table.verticalScrollBar().value() == 0


def test_columns_fit_what_they_hold_and_the_last_one_takes_no_spare_room(
        window: MainWindow) -> None:
    from carecenter.register.columns import COLUMN_KEYS as KEYS

    window.resize(1400, 700)
    header = window.table.horizontalHeader()
    metrics = window.table.fontMetrics()
    for key in ("sex", "age"):
        assert header.sectionSize(KEYS.index(key)) > metrics.horizontalAdvance("待补充") + 8
    assert header.sectionSize(KEYS.index("status")) < header.width() / 4
    work = window.worklist.table.horizontalHeader()
    assert work.sectionSize(5) > work.sectionSize(8) * 3  # 要求/说明 wider than 逾期天数


def test_a_search_counted_only_so_far_says_so_until_scrolled_to_its_end(
        qtbot: QtBot, window: MainWindow, database: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.register import register_model

    monkeypatch.setattr(register_model, "CHUNK", 10)
    register = Register(database)
    given = "秀英桂兰春花玉梅淑珍凤英"
    for n in range(60):
        register.save(elder(f"王{given[n % 12]}{given[n // 12]}",
                            birth=f"19{40 + n % 10}0{1 + n % 9}1{n % 10}",
                            sequence=f"{n:03d}"), allow_duplicate=True)
    window.refresh()
    window.listing.count_limit = 20  # as a server counts a search (10,000 there)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "wang")
    window.search_now()
    assert window.model.rowCount() == 20 and "显示 20+ 人" in window.count_label.text()
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.model.exact and window.table.currentIndex().row() == 59  # the very last
    assert window.model.rowCount() == 60 and "显示 60 人" in window.count_label.text()
    # Scrolled to the end of the first 20, the rest are counted and added below.
    window.search.setText("wan")
    window.search_now()
    assert not window.model.exact
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.exact)
    assert window.model.rowCount() == 60 and "显示 60 人" in window.count_label.text()
