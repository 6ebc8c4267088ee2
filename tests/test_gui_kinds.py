"""Kinds in the windows: a child's file typed into the editor as the clerk would, a
特困 tab added by ticking the kind, the register filtered by kind (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.register.columns import KIND_FILTER
from carecenter.register.people import Register
from carecenter.rules.kinds import KINDS
from carecenter.storage.database import Database
from tests.conftest import elder, ime_type, make_id
from tests.test_kind_child import child
from ui.register.person_editor import PersonEditor
from ui.register.supporters_panel import SupportersPanel
from ui.shell.main_window import MainWindow

SHOTS = Path("/tmp/carecenter_shots")


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Yes

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


def line(widget: object) -> QLineEdit:
    assert isinstance(widget, QLineEdit)
    return widget


def tab_titles(editor: PersonEditor) -> list[str]:
    return [editor.tabs.tabText(i) for i in range(editor.tabs.count())]


def test_the_register_filter_names_every_declared_kind() -> None:
    assert [code for code, _ in KIND_FILTER] == list(KINDS)
    assert [label for _, label in KIND_FILTER] == [k.short for k in KINDS.values()]


def test_clerk_types_a_childs_file_with_both_parents_away(qtbot: QtBot,
                                                         register: Register) -> None:
    editor = PersonEditor(register, None, kinds=["child"])
    qtbot.addWidget(editor)
    assert tab_titles(editor) == ["基本信息", "父母", "委托监护人", "就学与健康", "监护与帮扶"]
    assert "农村留守儿童" in editor.status_label.text()
    ime_type(line(editor.input("name").widget), "李小明")
    qtbot.keyClicks(line(editor.input("id_number").widget), make_id("20150610", "021"))
    ime_type(line(editor.input("school").widget), "白竹村小学")
    parents = editor.panels[0]
    assert parents.role.code == "parent"
    for name, relation in (("李建国", "父亲"), ("王小红", "母亲")):
        qtbot.mouseClick(parents.add_button, Qt.MouseButton.LeftButton)
        ime_type(line(parents.form.inputs["name"].widget), name)
        relation_box = parents.form.inputs["relation"].widget
        assert isinstance(relation_box, QComboBox)
        relation_box.setCurrentIndex(relation_box.findText(relation))
        ime_type(line(parents.form.inputs["whereabouts"].widget), "浙江省义乌市")
        scope = parents.form.inputs["location_scope"].widget
        assert isinstance(scope, QComboBox)
        scope.setCurrentIndex(scope.findText("省外"))
        qtbot.keyClicks(line(parents.form.inputs["away_since"].widget), "2025-02-20")
        qtbot.keyClicks(line(parents.form.inputs["phone"].widget), "13900002222")
    verdict = editor.update_verdict()
    assert verdict is not None and verdict.left_behind
    assert "父母双方均外出务工" in editor.verdict_label.text()
    SHOTS.mkdir(exist_ok=True)
    editor.tabs.setCurrentWidget(parents)
    editor.resize(900, 700)
    editor.grab().save(str(SHOTS / "child_editor_parents.png"))
    editor.save()
    assert editor.saved_id is not None
    file = register.load(editor.saved_id)
    assert file.kinds == ("child",)
    assert [s["relation"] for s in file.supporters] == ["father", "mother"]
    assert file.values["school"] == "白竹村小学"


def test_ticking_tekun_adds_its_tab_and_keeps_what_was_typed(qtbot: QtBot,
                                                            register: Register) -> None:
    pid = register.save(elder("赵老汉", birth="19450101", sequence="011")).person_id
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    assert "特困供养" not in tab_titles(editor)
    phone = line(editor.input("phone").widget)
    phone.clear()
    qtbot.keyClicks(phone, "13811112222")
    editor.kind_boxes["tekun"].click()
    assert "特困供养" in tab_titles(editor)
    assert line(editor.input("phone").widget).text() == "13811112222"
    assert [r["name"] for r in editor.supporters.supporters()] == ["张强"]
    qtbot.keyClicks(line(editor.input("tekun_since").widget), "2019-05-01")
    editor.update_verdict()
    assert "符合特困认定" in editor.verdict_label.text()
    editor.save()
    file = register.load(pid)
    assert file.kinds == ("elder", "tekun")
    assert file.values["phone"] == "13811112222"
    assert len(file.supporters) == 1
    assert "关爱对象类别" in file.events[-1][3]


def test_the_register_filters_by_kind_and_a_new_file_takes_that_kind(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    register = Register(database)
    register.save(elder("李秀英", birth="19440505", sequence="004"))
    register.save(child())
    both = elder("赵老汉", birth="19450101", sequence="011", tekun_since="2019-05-01")
    both.kinds = ["elder", "tekun"]
    register.save(both)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(1)
    window.show()
    assert window.model.rowCount() == 3
    window.kind_filter.setCurrentIndex(window.kind_filter.findData("child"))
    assert [window.model.person_id(r) for r in range(window.model.rowCount())] == [2]
    window.kind_filter.setCurrentIndex(window.kind_filter.findData("tekun"))
    assert window.model.rowCount() == 1
    SHOTS.mkdir(exist_ok=True)
    window.resize(1200, 500)
    window.grab().save(str(SHOTS / "register_tekun_filter.png"))
    window.kind_filter.setCurrentIndex(window.kind_filter.findData("child"))
    opened: list[list[str]] = []

    def capture(self: PersonEditor) -> int:
        opened.append(list(self.kindset.codes))
        return 0

    monkeypatch.setattr(PersonEditor, "exec", capture)
    window.new_person()
    assert opened == [["child"]]


def test_a_panel_of_another_role_keeps_only_its_own_rows(qtbot: QtBot) -> None:
    from carecenter.rules.kinds.child import GUARDIAN_ROLE

    panel = SupportersPanel(role=GUARDIAN_ROLE)
    qtbot.addWidget(panel)
    panel.set_supporters([{"role": "parent", "name": "李建国", "relation": "father"},
                          {"role": "guardian", "name": "李福贵", "relation": "grandfather"}])
    assert [r["name"] for r in panel.supporters()] == ["李福贵"]
    assert panel.add_button.text().startswith("添加委托监护人")
