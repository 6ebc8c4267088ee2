"""The editor and the register table with a person a thin ledger brought in: no ID
number, no birth date, no sex (issue 7). The clerk is asked, never stuck."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.register.columns import COLUMN_KEYS
from carecenter.register.listing import Listing, RegisterQuery
from carecenter.register.people import PersonDraft, Register
from tests.conftest import ime_type
from ui.register.person_editor import PersonEditor
from ui.register.register_model import RegisterModel


class Boxes:
    """Message boxes the editor shows, answered as the test says (offscreen, no waiting)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.No

    def __call__(self, *args: object, **kwargs: object) -> QMessageBox.StandardButton:
        self.shown.append((str(args[1]), str(args[2])))
        return self.answer


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    recorder = Boxes()
    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, recorder)
    return recorder


@pytest.fixture
def li(register: Register) -> int:
    group = register.groups.add("二组")
    return register.save(PersonDraft({"name": "李四", "group_id": group}),
                         allow_incomplete=True).person_id


def line(editor: PersonEditor, name: str) -> QLineEdit:
    widget = editor.input(name).widget
    assert isinstance(widget, QLineEdit)
    return widget


def test_an_imported_incomplete_file_says_what_to_fill_and_saves_another_field(
        qtbot: QtBot, register: Register, li: int, boxes: Boxes) -> None:
    editor = PersonEditor(register, li)
    qtbot.addWidget(editor)
    editor.show()
    assert "待补充身份证号、出生日期、性别" in editor.status_label.text()
    assert editor.verdict_label.text().startswith("? 暂无法认定是否留守")
    ime_type(line(editor, "address"), "二组 13 号")
    editor.save()
    assert editor.saved_id == li  # saved at once, no question to get past
    assert boxes.shown == []  # the status line says 待补充; no box after each save
    assert register.load(li).values["address"] == "二组 13 号"


def test_a_new_file_without_id_asks_beside_the_fields_and_saves_if_the_clerk_says_so(
        qtbot: QtBot, register: Register, boxes: Boxes) -> None:
    editor = PersonEditor(register, None)
    qtbot.addWidget(editor)
    editor.show()
    ime_type(line(editor, "name"), "王秀英")
    editor.save()  # the clerk answers No: fill them in now
    assert editor.saved_id is None and register.count() == 0
    assert boxes.shown[0][0] == "资料不全" and "待补充出生日期、性别" in boxes.shown[0][1]
    for name in ("birth_date", "sex"):
        error = editor.input(name).error
        assert error.isVisible() and "没有身份证号时请填写" in error.text()
    boxes.answer = QMessageBox.StandardButton.Yes
    editor.save()  # now Yes: keep it, flagged
    assert editor.saved_id is not None and register.count() == 1
    assert register.load(editor.saved_id).values["birth_date"] is None


def test_register_table_shows_blank_sex_and_age_as_to_fill(
        qtbot: QtBot, register: Register, li: int) -> None:
    model = RegisterModel(Listing(register.database), RegisterQuery())
    assert model.rowCount() == 1
    for key in ("sex", "age"):
        index = model.index(0, COLUMN_KEYS.index(key))
        assert index.data() == "待补充"
        assert "待补充" in model.data(index, 3)  # Qt.ToolTipRole
    assert model.index(0, COLUMN_KEYS.index("verdict")).data() == "无法判断"
