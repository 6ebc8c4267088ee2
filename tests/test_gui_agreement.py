"""The 委托协议 tab of the file: drawing up, signing, filing and ending an agreement as the
clerk does it, and coverage following."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.documents.agreement_book import Agreements
from carecenter.register.people import Register
from tests.conftest import TODAY, elder
from ui.documents.agreement_panel import AgreementPanel, DateDialog, DrawUpDialog
from ui.register.person_editor import PersonEditor


def when_shown(kind: type, act: Callable[[Any], None]) -> None:
    """Run ``act`` on the next modal dialog of ``kind`` once it is open."""

    def find() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                act(widget)
                return
        QTimer.singleShot(20, find)

    QTimer.singleShot(0, find)


@pytest.fixture
def person(register: Register) -> int:
    register.groups.add("一组")
    supporters = [
        {"name": "张强", "relation": "儿子", "phone": "13900001111",
         "whereabouts": "广东省东莞市", "location_scope": "省外", "away_since": "2023-03-01"},
        {"name": "张丽", "relation": "女儿", "phone": "13900002222",
         "whereabouts": "本村", "location_scope": "本县内", "away_since": None},
    ]
    return register.save(elder("张桂兰", supporters=supporters)).person_id


def panel_of(qtbot: QtBot, register: Register, person_id: int) -> AgreementPanel:
    editor = PersonEditor(register, person_id)
    qtbot.addWidget(editor)
    panel = editor.agreement_panel
    assert panel is not None
    assert editor.tabs.tabText(editor.tabs.indexOf(panel)) == "委托协议"
    return panel


def test_draw_up_sign_and_file_from_the_file(qtbot: QtBot, register: Register,
                                              person: int) -> None:
    panel = panel_of(qtbot, register, person)
    assert "未起草" in panel.summary.text()
    assert not panel.sign.isEnabled()

    def fill(dialog: DrawUpDialog) -> None:
        # the supporter at home is offered as 受托人; the one away is not
        names = [dialog.trustee.itemData(i) for i in range(1, dialog.trustee.count())]
        assert "张丽" in names and "张强" not in names
        dialog.trustee.setCurrentIndex(names.index("张丽") + 1)
        dialog._picked(names.index("张丽") + 1)
        assert dialog.phone.text() == "13900002222"
        dialog.open_ended.setChecked(True)
        dialog.confirm()

    when_shown(DrawUpDialog, fill)
    panel.draw.click()
    book = Agreements(register.database, today=lambda: TODAY)
    current = book.current(person)
    assert current is not None and current.trustee_name == "张丽"
    assert current.ends_on is None and current.supporter_names == ["张强", "张丽"]
    assert "已起草" in panel.summary.text() and "张丽" in panel.summary.text()

    def sign(dialog: DateDialog) -> None:
        dialog.date.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
        dialog.confirm()

    when_shown(DateDialog, sign)
    panel.sign.click()
    assert book.coverage().covered == 1
    assert not panel.sign.isEnabled() and panel.file_it.isEnabled()
    when_shown(DateDialog, sign)
    panel.file_it.click()
    current = book.current(person)
    assert current is not None and current.state_label == "已备案"
    assert current.filed_on == TODAY and current.printed_on == TODAY  # signed paper was printed


def test_a_bad_term_is_said_beside_the_field_and_nothing_is_written(
        qtbot: QtBot, register: Register, person: int) -> None:
    panel = panel_of(qtbot, register, person)
    dialog = DrawUpDialog(panel.book, panel.file, [], None)
    qtbot.addWidget(dialog)
    dialog.trustee.setEditText("")
    dialog.phone.setText("12345")
    dialog.ends.setDate(QDate(TODAY.year - 1, 1, 1))
    dialog.confirm()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "受托人姓名不能为空" in dialog.form.errors["trustee_name"].text()
    assert dialog.form.errors["trustee_phone"].text()
    assert "之后" in dialog.form.errors["ends_on"].text()
    assert panel.book.history(person) == []


def test_a_signing_date_after_today_is_refused(qtbot: QtBot, register: Register,
                                                person: int) -> None:
    panel = panel_of(qtbot, register, person)
    agreement_id = panel.book.draw_up(person, _terms("李四"))
    panel.reload()
    dialog = DateDialog("登记签订", "签订日期", date(2030, 1, 1),
                        lambda on: panel.book.mark_signed(agreement_id, on))
    qtbot.addWidget(dialog)
    dialog.confirm()
    assert "在今天之后" in dialog.error.text()
    assert panel.book.coverage().covered == 0


def test_ending_asks_first_and_keeps_the_record(qtbot: QtBot, register: Register, person: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    panel = panel_of(qtbot, register, person)
    panel.book.draw_up(person, _terms("李四"))
    panel.reload()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    panel.end_it.click()
    assert panel.book.current(person) is not None  # said no: nothing ended
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    when_shown(DateDialog, lambda d: d.confirm())
    panel.end_it.click()
    assert panel.book.current(person) is None
    assert [a.state_label for a in panel.book.history(person)] == ["已终止"]
    assert "未起草" in panel.summary.text()
    assert panel.history.count() == 1


def _terms(name: str) -> Any:
    from carecenter.documents.agreement_book import Terms

    return Terms(name, "邻居", "13700001111")


def test_print_from_the_tab_shows_the_agreement_as_drawn_up(
        qtbot: QtBot, register: Register, person: int) -> None:
    from ui.documents.print_dialog import PrintDialog

    panel = panel_of(qtbot, register, person)
    panel.book.draw_up(person, _terms("李四"))
    panel.reload()
    seen: list[str] = []

    def look(dialog: PrintDialog) -> None:
        assert dialog.pdf is not None and dialog.pdf.startswith(b"%PDF")
        seen.append(dialog.info.text())
        dialog.reject()

    when_shown(PrintDialog, look)
    panel.print_it.click()
    assert seen and "受托人 李四" in seen[0]
