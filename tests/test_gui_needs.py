"""The needs ledger window and its dialogs, driven as a clerk would."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from carecenter.care.care_book import CareBook, NeedInput
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, ime_type
from ui.care.needs_window import (
    HandleNeedDialog,
    NeedsModel,
    NeedsWindow,
    RaiseNeedDialog,
    ResolveNeedDialog,
)


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda *a, **k: QMessageBox.StandardButton.Cancel)


@pytest.fixture
def care(database: Database) -> CareBook:
    return CareBook(database, today=lambda: TODAY)


@pytest.fixture
def person(database: Database) -> int:
    register = Register(database, today=lambda: TODAY)
    group = register.groups.add("三组")
    return register.save(elder("张桂兰", group_id=group)).person_id


@pytest.fixture
def needs(care: CareBook, person: int) -> list[int]:
    return [
        care.raise_need(person, NeedInput("daily_care", "屋顶漏雨需修缮", date(2026, 10, 1),
                                          "王网格员")),
        care.raise_need(person, NeedInput("health", "需要送药", date(2026, 11, 20), "李医生")),
    ]


def test_needs_model_passes_qt_model_tests(qtmodeltester: ModelTester, care: CareBook,
                                           needs: list[int]) -> None:
    model = NeedsModel()
    model.set_needs(care.needs(open_only=None), {}, TODAY)
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_ledger_lists_open_needs_with_group_and_days_open(
        qtbot: QtBot, care: CareBook, needs: list[int]) -> None:
    window = NeedsWindow(care)
    qtbot.addWidget(window)
    proxy = window.table.model()
    assert proxy.rowCount() == 2
    first = [proxy.index(0, c).data() for c in range(proxy.columnCount())]
    assert first[:6] == ["2026-10-01", "张桂兰", "三组", "生活照料", "屋顶漏雨需修缮", "王网格员"]
    assert first[7] == "未解决" and first[9] == "53"
    assert "未解决 2 项" in window.count.text()


def test_enter_on_a_row_resolves_it_and_it_leaves_the_open_list(
        qtbot: QtBot, care: CareBook, needs: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    window = NeedsWindow(care)
    qtbot.addWidget(window)
    window.show()
    window.table.selectRow(0)
    opened: list[ResolveNeedDialog] = []

    def run(dialog: ResolveNeedDialog) -> int:
        opened.append(dialog)
        ime_type(dialog.resolution, "已协调修缮")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(ResolveNeedDialog, "exec", run)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert opened and opened[0].need.id == needs[0]
    assert window.model.rowCount() == 1
    resolved = care.needs(open_only=False)
    assert [(n.id, n.resolved_on, n.resolution) for n in resolved] == [
        (needs[0], TODAY, "已协调修缮")]
    window.filter.setCurrentIndex(window.filter.findText("已解决"))
    assert window.table.model().index(0, 8).data() == "已协调修缮"


def test_resolve_refusals_show_beside_the_fields(qtbot: QtBot, care: CareBook,
                                                 needs: list[int]) -> None:
    need = care.needs()[1]
    dialog = ResolveNeedDialog(care, need)
    qtbot.addWidget(dialog)
    dialog.resolved_on.setDate(QDate(2026, 11, 1))  # before it was raised (11-20)
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "早于提出日期" in dialog.form.message("resolved_on")
    assert "请填写解决情况" in dialog.form.message("resolution")
    assert care.needs(open_only=False) == []


def test_handling_is_written_and_the_need_stays_open(qtbot: QtBot, care: CareBook,
                                                     needs: list[int]) -> None:
    dialog = HandleNeedDialog(care, care.needs()[0])
    qtbot.addWidget(dialog)
    dialog.save()
    assert "办理情况" in dialog.form.message("handling")
    ime_type(dialog.handling, "已报镇民政办")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert care.needs()[0].handling == "已报镇民政办"


def test_raising_a_need_by_file_number(qtbot: QtBot, care: CareBook, person: int) -> None:
    dialog = RaiseNeedDialog(care)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.person, "999")
    dialog.save()
    assert "不在册" in dialog.form.message("person")
    dialog.person.clear()
    qtbot.keyClicks(dialog.person, str(person))
    dialog.kind.setCurrentIndex(dialog.kind.findData("safety"))
    ime_type(dialog.description, "燃气灶老化")
    ime_type(dialog.raised_by, "王网格员")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    [need] = care.needs()
    assert (need.person_id, need.kind, need.description, need.raised_on) == (
        person, "safety", "燃气灶老化", TODAY)
