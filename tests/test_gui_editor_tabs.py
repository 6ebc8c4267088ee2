"""The person editor builds a tab's fields when the tab is first shown (opening a file is
quick, README 性能): every field must still show its stored value when its tab is
opened, and a save from the first tab alone must write every other field unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QScrollArea
from pytestqt.qtbot import QtBot

from carecenter.errors import FieldError, ValidationFailed
from carecenter.register.groups import GroupInfo
from carecenter.register.people import PersonDraft, Register
from carecenter.rules.fields import Field, FieldType
from carecenter.rules.kinds import KINDS, Role, combined
from tests.conftest import ime_type, make_id
from tests.test_gui_walk import to_front
from ui.register.person_editor import PersonEditor
from ui.register.supporters_panel import SupportersPanel
from ui.widgets.field_widgets import FieldForm

SHOTS = Path("/tmp/carecenter_shots")
KIND_SETS = (["elder"], ["child"], ["woman"], ["elder", "tekun"])
BIRTHS = {"elder": "19480215", "child": "20150610", "woman": "19860704", "tekun": "19480215"}


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Yes

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


def sample(f: Field, row: int = 0) -> Any:
    """A value for ``f`` other than its default, so that a blanked field shows."""
    special = {"left_behind_year": 2019, "annual_income": 8600, "monthly_allowance": 650,
               "children_at_home": 2, "elders_at_home": 1, "spouse_phone": "13900002222",
               "registered_on": "2026-03-02", "tekun_since": "2019-05-01"}
    if f.name in special:
        return special[f.name]
    if f.type is FieldType.CHOICE:
        return f.choices[-1].code
    if f.type is FieldType.MULTI:
        return [c.code for c in f.choices if c.code not in f.exclusive][-2:]
    return {FieldType.BOOL: True, FieldType.LONGTEXT: f"第一行{row}\n第二行",
            FieldType.DATE: "2020-05-01", FieldType.INT: 3,
            FieldType.PHONE: f"1380000111{row}"}.get(f.type, f"填写{'甲乙丙'[row]}")


def full_file(kinds: list[str], group: int) -> PersonDraft:
    """A file of these kinds with every field and two people of every role filled in."""
    ks = combined(kinds)
    values: dict[str, Any] = {}
    people: list[dict[str, Any]] = []
    for _section, content in ks.tabs():
        if isinstance(content, Role):
            for row in range(2):
                person = {f.name: sample(f, row) for f in content.fields}
                person.update(role=content.code, name=f"张{'甲乙'[row]}")
                if "id_number" in person:
                    person["id_number"] = make_id("19750101", f"01{row}")
                people.append(person)
            continue
        values.update({f.name: sample(f) for f in content})
    values.update(name="王秀英", id_number=make_id(BIRTHS[kinds[0]], "002"), group_id=group,
                  phone="13800001111")
    values.pop("birth_date")  # the ID number says them; the editor fills them in
    values.pop("sex")
    return PersonDraft(values, people, kinds[0], kinds)


def kind_pages(editor: PersonEditor) -> list[tuple[int, FieldForm | SupportersPanel]]:
    pages: list[tuple[int, FieldForm | SupportersPanel]] = []
    for index in range(editor.tabs.count()):
        page = editor.tabs.widget(index)
        if isinstance(page, QScrollArea) and isinstance(page.widget(), FieldForm):
            form = page.widget()
            assert isinstance(form, FieldForm)
            pages.append((index, form))
        elif isinstance(page, SupportersPanel):
            pages.append((index, page))
    return pages


@pytest.mark.parametrize("kinds", KIND_SETS, ids="+".join)
def test_a_save_from_the_first_tab_keeps_every_field_on_the_tabs_never_shown(
        qtbot: QtBot, register: Register, kinds: list[str]) -> None:
    group = register.groups.add("二组")
    pid = register.save(full_file(kinds, group)).person_id
    before = register.load(pid)
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    editor.show()
    address = editor.input("address").widget
    address.selectAll()  # the clerk types over the old address
    ime_type(address, "白竹村二组 8 号")
    # The other tabs were never looked at: their widgets do not exist yet.
    assert editor.forms[0].built
    assert not any(form.built for form in editor.forms[1:])
    editor.save()
    assert editor.saved_id == pid
    after = register.load(pid)
    assert after.values["address"] == "白竹村二组 8 号"
    assert {**after.values, "address": None} == {**before.values, "address": None}
    assert after.supporters == before.supporters
    assert after.kinds == before.kinds


@pytest.mark.parametrize("kinds", KIND_SETS, ids="+".join)
def test_each_tab_shows_its_stored_values_when_first_opened(
        qtbot: QtBot, register: Register, kinds: list[str]) -> None:
    group = register.groups.add("二组")
    pid = register.save(full_file(kinds, group)).person_id
    stored = register.load(pid)
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    editor.show()
    for index, page in kind_pages(editor):
        editor.tabs.setCurrentIndex(index)
        if isinstance(page, SupportersPanel):
            shown = [r["name"] for r in page.supporters()]
            assert shown == [s["name"] for s in stored.supporters
                             if s["role"] == page.role.code]
            assert page.form.isVisible() and page.form.inputs["name"].widget.isVisible()
            continue
        assert page.built
        for f in page.fields:
            field_input = page.inputs[f.name]
            assert field_input.widget.isVisible(), f.name  # shown with its tab, not later
            value = stored.values[f.name]
            shown = field_input.value()
            if f.type is FieldType.DATE:
                assert shown == value.strftime("%Y-%m-%d"), f.name
            elif f.type is FieldType.INT:
                assert shown == str(value), f.name
            else:
                assert shown == value, f.name
        if index == 2:
            SHOTS.mkdir(exist_ok=True)
            editor.grab().save(str(SHOTS / f"editor_tab_{'_'.join(kinds)}.png"))
    assert not editor.dirty  # looking at every tab changed nothing
    editor.save()
    after = register.load(pid)
    assert after.values == stored.values and after.supporters == stored.supporters


def _groups() -> list[GroupInfo]:
    return [GroupInfo(3, "三组", True, 0), GroupInfo(5, "五组", False, 0)]


def _tricky(f: Field) -> list[Any]:
    """Values whose trip through a widget is plain, and ones where only Qt can tell."""
    common: list[Any] = [None, f.default, "", 0, 7, "7", True, "文字 ", "a\r\nb",
                         "no\u00a0break", "x" * 70, "𠀀" * 15, date(1950, 3, 12)]
    if f.type in (FieldType.CHOICE, FieldType.GROUP):
        common += [c.code for c in f.choices] + [3, 5, "3", 4, "未知"]
    if f.type is FieldType.MULTI:
        common += [[c.code for c in f.choices], [f.choices[0].code, "未知"], "ab"]
    return common


def test_a_form_not_yet_built_answers_what_its_widgets_would(qtbot: QtBot) -> None:
    fields: dict[str, Field] = {}
    for kind in KINDS.values():
        fields.update({f.name: f for f in kind.fields})
        for role in kind.roles:
            fields.update({f"{role.code}.{f.name}": f for f in role.fields})
    assert {f.type for f in fields.values()} == set(FieldType)  # every kind of widget
    for f in fields.values():
        for value in _tricky(f):
            if f.type in (FieldType.LONGTEXT, FieldType.MULTI) \
                    and not isinstance(value, (str, list, type(None))):
                continue  # never stored: a long text is text, a multi-choice a list
            lazy = FieldForm([f], groups=_groups)
            built = FieldForm([f], groups=_groups)
            qtbot.addWidget(lazy)
            qtbot.addWidget(built)
            assert built.inputs[f.name]  # built now, as a shown tab is
            for form in (lazy, built):
                form.set_values({f.name: value})
            assert lazy.values() == built.values(), (f.name, value)
            if value in (None, f.default, sample(f)):
                assert not lazy.built, (f.name, value)  # answered without its widgets


def test_tab_walks_a_tab_built_on_showing_in_reading_order_then_to_save(
        qtbot: QtBot, register: Register) -> None:
    pid = register.save(full_file(["elder"], register.groups.add("二组"))).person_id
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    editor.show()
    to_front(qtbot, editor)
    editor.tabs.setCurrentIndex(editor.tabs.indexOf(editor.tabs.findChild(QScrollArea,
                                                                          "tab_health")))
    form = editor.forms[1]
    stops = [w for field_input in form.inputs.values() for w in field_input.focus_chain()]
    stops[0].setFocus()
    walked = [QApplication.focusWidget()]
    for _ in stops[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    assert walked == stops
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    after = QApplication.focusWidget()
    assert isinstance(after, QPushButton) and after.text().startswith("保存")


def test_a_refused_field_on_a_tab_never_shown_brings_its_tab_forward_with_the_message(
        qtbot: QtBot, register: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = register.save(full_file(["elder"], register.groups.add("二组"))).person_id
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    editor.show()
    needs = editor.tabs.findChild(QScrollArea, "tab_needs")
    assert not needs.widget().built

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationFailed([FieldError("annual_income", "年收入应为数字")])

    monkeypatch.setattr(register, "save", refuse)
    editor.save()
    assert editor.tabs.currentWidget() is needs
    error = editor.input("annual_income").error
    assert error.isVisible() and error.text() == "年收入应为数字"
    editor.dirty = False
