"""The helper list, coverage and the proposal dialog, driven through real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import LoadRules, PairingBook, save_rules
from carecenter.pairing.proposal import propose
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, ime_type
from tests.test_pairing import add_people
from ui.pairing.helpers_window import HelperEditor, HelpersWindow
from ui.pairing.pairing_dialog import HELPER_COLUMN, PairingDialog, ProposalModel


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
def village(register: Register) -> tuple[int, list[int], int, int]:
    g = register.groups.add("一组")
    people = add_people(register, g, 4, 0, colour="red")
    helpers = HelperBook(register.database, lambda: TODAY)
    a = helpers.add(HelperDraft("刘红梅", "网格员", phone="13900002222", group_id=g))
    b = helpers.add(HelperDraft("王建军", "党员", group_id=g))
    return g, people, a, b


def test_helper_editor_shows_errors_beside_fields_then_saves(
        qtbot: QtBot, database: Database, register: Register) -> None:
    group = register.groups.add("一组")
    book = HelperBook(database)
    editor = HelperEditor(book, register.groups, None)
    qtbot.addWidget(editor)
    ime_type(editor.name, "李春花")
    editor.role.setCurrentIndex(editor.role.findText("邻居"))
    qtbot.keyClicks(editor.phone, "12345")
    editor.group.setCurrentIndex(editor.group.findData(group))
    editor.save()
    assert editor.errors["phone"].text() == "联系电话“12345”不是有效的电话号码"
    assert not editor.errors["phone"].isHidden() and editor.errors["name"].isHidden()
    assert book.count() == 0
    editor.phone.clear()
    qtbot.keyClicks(editor.phone, "13911112222")
    editor.save()
    info = book.get(editor.saved_id or 0)
    assert (info.name, info.role_label, info.phone, info.group_name) == (
        "李春花", "邻居", "13911112222", "一组")


def test_helper_list_counts_are_not_red_when_nobody_is_over_the_limit(
        qtbot: QtBot, database: Database, village: tuple[int, list[int], int, int]) -> None:
    _, people, a, _ = village
    PairingBook(database, lambda: TODAY).pair(people[0], a)
    window = HelpersWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.loaded)
    assert window.warning.text().startswith("在岗 ")
    assert "超过负荷上限" not in window.warning.text()
    assert "d7301f" not in window.warning.styleSheet()


def test_helper_list_shows_load_and_warns_over_the_limit(
        qtbot: QtBot, qtmodeltester: ModelTester, database: Database,
        village: tuple[int, list[int], int, int]) -> None:
    _, people, a, _ = village
    save_rules(database, LoadRules({"red": 3, "yellow": 2, "green": 1, "unassessed": 1}, 6))
    book = PairingBook(database, lambda: TODAY)
    for p in people[:3]:
        book.pair(p, a)
    window = HelpersWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()  # the names first; people and loads once the list has been painted
    qtbot.waitUntil(lambda: window.model.loaded)
    qtmodeltester.check(window.model)
    row = next(n for n, h in enumerate(window.model.rows) if h.id == a)
    index = window.model.index(row, 5)
    assert index.data() == "9 / 6 超过上限"
    assert "1 名帮扶人超过负荷上限:刘红梅" in window.warning.text()
    assert "d7301f" in window.warning.styleSheet()  # red: someone is over the limit
    window.tabs.setCurrentIndex(1)
    assert "未结对 1 人" in window.coverage_label.text()
    assert window.by_group.item(0, 0).text() == "一组"
    assert window.by_group.item(0, 2).text() == "1"
    window.tabs.setCurrentIndex(2)
    assert window.duties.rowCount() == 1 and window.duties.item(0, 0).text() == "刘红梅"
    assert window.duties.item(0, 2).text() == "0/3"


def test_deactivating_asks_for_a_reason_and_leaves_people_unpaired(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch,
        no_modal_boxes: list[str], village: tuple[int, list[int], int, int]) -> None:
    _, people, a, _ = village
    PairingBook(database, lambda: TODAY).pair(people[0], a)
    window = HelpersWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.table.selectRow(next(n for n, h in enumerate(window.model.rows) if h.id == a))
    answers = iter([("", False), ("外出务工", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kw: next(answers))
    window.deactivate()  # cancelled: nothing changes
    assert HelperBook(database).get(a).active
    window.deactivate()
    assert not HelperBook(database).get(a).active
    assert "1 个结对已结束" in no_modal_boxes[-1]
    assert PairingBook(database).coverage().unpaired == 4
    assert window.model.rows[-1].id == a  # stopped helpers sort last, greyed
    assert window.model.index(len(window.model.rows) - 1, 6).data().startswith("已停用")


def test_proposal_dialog_changes_a_row_and_accepts_in_one_go(
        qtbot: QtBot, qtmodeltester: ModelTester, database: Database,
        village: tuple[int, list[int], int, int]) -> None:
    _, people, a, b = village
    proposal = propose(database)
    dialog = PairingDialog(database, proposal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)
    assert isinstance(dialog.model, ProposalModel)
    assert dialog.model.rowCount() == 4
    assert {r.helper_id for r in proposal.rows} == {a, b}
    assert "结对后最大负荷 6(上限 30)" in dialog.summary.text()
    # The clerk double-clicks the first row's helper and picks 王建军 from the list.
    index = dialog.model.index(0, HELPER_COLUMN)
    dialog.table.edit(index)
    combo = dialog.table.findChild(QComboBox, "helper_choice")
    assert combo is not None
    combo.setCurrentIndex(combo.findData(b))
    dialog.table.commitData(combo)
    dialog.table.closeEditor(combo, dialog.delegate.EndEditHint.NoHint)
    QApplication.processEvents()
    assert proposal.rows[0].helper_id == b
    assert dialog.model.index(0, 5).data() == "人工指定"
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.saved == 4
    book = PairingBook(database)
    assert book.coverage().unpaired == 0
    assert book.current(proposal.rows[0].person_id)[0].helper_id == b


def test_typing_in_the_helper_search_narrows_the_list_to_the_one_looked_for(
        qtbot: QtBot, database: Database, village: tuple[int, list[int], int, int]) -> None:
    _, _people, a, _ = village
    window = HelpersWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.focusWidget() is window.search  # the window opens ready to type
    name = HelperBook(database).get(a).name
    ime_type(window.search, name)
    assert window.filtered.rowCount() == 1
    found = window.current()
    assert found is not None and found.id == a
    window.search.clear()
    assert window.filtered.rowCount() == len(window.model.rows)
