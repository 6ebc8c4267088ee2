"""Rough edges found walking the app again as a clerk (issue 20, second walk): each
test presses the keys and clicks the clerk pressed there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecenter.care.care_book import CareBook, NeedInput
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import SUITE_PASSWORD, TODAY, elder, ime_type
from tests.test_gui_walk import clerk_window, to_front
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, database: Database, qapp: QApplication) -> Iterator[MainWindow]:
    yield from clerk_window(qtbot, database, qapp)


def test_the_lock_pages_note_keeps_mima_on_one_line_and_the_button_under_the_fields(
        qtbot: QtBot, window: MainWindow) -> None:
    to_front(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.guard.locked
    page = window.guard.page
    qtbot.waitUntil(page.note.isVisible)
    note = page.note
    assert "请重新输入密码" in note.text()
    # One line: the note's column is wider than its words ("密\n码" before).
    assert note.fontMetrics().horizontalAdvance(note.text()) <= note.contentsRect().width()
    # The login button follows the password field, not the room of the recovery form.
    form = page.pages.currentWidget()
    assert page.pages.height() <= form.sizeHint().height() + 4
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not window.guard.locked


def shows_whole(combo: QComboBox) -> bool:
    """The combo box's text field holds its current text without cutting it."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return field.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText())


def test_the_work_lists_kind_box_and_its_columns_show_their_words_whole(
        qtbot: QtBot, window: MainWindow, database: Database) -> None:
    register = Register(database)
    away = {"name": "王强", "relation": "儿子", "whereabouts": "", "location_scope": "省外",
            "away_since": "2023-03-01"}  # no phone: 外出赡养人去向 on the list
    person = register.save(elder("欧阳秀兰", sequence="006", supporters=[away])).person_id
    CareBook(database).raise_need(person, NeedInput("daily_care", "屋顶漏雨需修缮",
                                                    raised_by="王网格员"))
    view = window.worklist
    qtbot.mouseClick(view.findChild(QPushButton, "refresh"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    window.resize(window.minimumSizeHint().width(), 600)  # as narrow as it goes
    assert window.minimumSizeHint().width() <= 1185  # still beside openbox on 1366×768
    assert view.section.currentText().startswith("全部(")
    for _ in range(view.section.count()):  # the clerk goes down the choices
        assert shows_whole(view.section), view.section.currentText()  # "全部(387" before
        qtbot.keyClick(view.section, Qt.Key.Key_Down)
    qtbot.keyClick(view.section, Qt.Key.Key_Home)
    # The clerk scrolls to the end: every section is read, and 事项 grows to its words.
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    items = view.model.items
    qtbot.waitUntil(lambda: view.table.columnWidth(4) >= max(
        view.table.fontMetrics().horizontalAdvance(i.what) for i in items))
    assert {"外出赡养人去向", "需求:生活照料"} <= {i.what for i in items}
    for column, texts in ((0, [view.model.data(view.model.index(r, 0))
                               for r in range(view.model.rowCount())]),
                          (3, [i.name for i in items])):
        widest = max(view.table.fontMetrics().horizontalAdvance(t) for t in texts)
        assert view.table.columnWidth(column) >= widest, column


def test_a_work_list_left_on_screen_reads_nothing_once_the_register_is_closed(
        qtbot: QtBot, window: MainWindow, database: Database) -> None:
    view = window.worklist
    qtbot.waitUntil(lambda: view.result is not None)
    result = view.result
    assert result is not None
    unread = [c for c, n in result.sizes.items() if n and not result.is_read(c)]
    assert unread  # sections read only when scrolled to
    database.close()
    # The clerk scrolls to the sections not yet read: empty rows, then nothing, no error.
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert not any(result.is_read(c) for c in unread)
    assert "已关闭" in view.summary.text()
    qtbot.mouseClick(view.findChild(QPushButton, "refresh"), Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 0


def test_a_locked_work_list_is_read_again_for_whoever_signs_in(
        qtbot: QtBot, window: MainWindow, database: Database) -> None:
    view = window.worklist
    qtbot.waitUntil(lambda: view.result is not None)
    shown = view.model.rowCount()
    result = view.result
    assert result is not None
    unread = [c for c, n in result.sizes.items() if n and not result.is_read(c)]
    assert unread
    to_front(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.guard.locked and database.operator is None
    view.model.items  # noqa: B018  (what printing the list would read)
    assert not any(result.is_read(c) for c in unread)  # nothing read for nobody
    qtbot.mouseClick(view.findChild(QPushButton, "refresh"), Qt.MouseButton.LeftButton)
    page = window.guard.page
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not window.guard.locked
    qtbot.waitUntil(lambda: view.model.rowCount() == shown)
    assert view.model.items


def test_the_visit_dialog_names_the_persons_own_helper_as_the_visitor(
        qtbot: QtBot, window: MainWindow, database: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from carecenter.care.care_book import VisitInput
    from carecenter.pairing.helper_book import HelperBook, HelperDraft
    from carecenter.pairing.pairs import PairingBook
    from carecenter.storage.models import visit as visit_table
    from ui.care.visit_dialog import VisitDialog

    register, care = Register(database), CareBook(database)
    paired = register.save(elder("王桂花", sequence="006")).person_id
    alone = register.save(elder("赵玉兰", sequence="008")).person_id
    helper = HelperBook(database).add(HelperDraft("陈网格员", "grid", "13700000000"))
    PairingBook(database).pair(paired, helper)
    care.record_visit(VisitInput(alone, TODAY, "home", "李主任"))  # the last visitor
    seen: list[str] = []

    def type_and_save(dialog: VisitDialog) -> int:
        seen.append(dialog.visitor.text())
        ime_type(dialog.found, "身体好")
        qtbot.keyClick(dialog.found, Qt.Key.Key_Return)  # Enter saves
        return dialog.result()

    monkeypatch.setattr(VisitDialog, "exec", type_and_save)
    window.refresh()  # the register as written above
    to_front(qtbot, window)
    window.tabs.setCurrentWidget(window.register_page)
    for person in (alone, paired):
        window.select_person(person)
        qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["李主任", "陈网格员"]  # with no helper, the last visitor; else theirs
    visit = care.visits(paired)[0]
    assert visit.visitor == "陈网格员" and visit.found == "身体好"
    with database.session() as session:  # counted to that helper's duties by id
        assert session.execute(select(visit_table.c.helper_id).where(
            visit_table.c.id == visit.id)).scalar() == helper


def test_the_new_helper_dialog_shows_an_id_number_and_every_choice_whole(
        qtbot: QtBot, window: MainWindow, database: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QLineEdit

    from ui.pairing.helpers_window import HelperEditor, HelpersWindow

    Register(database).groups.add("十一组")
    helpers = HelpersWindow(database, window)
    qtbot.addWidget(helpers)
    helpers.show()
    seen: list[HelperEditor] = []

    def type_in(editor: HelperEditor) -> int:
        editor.show()
        qtbot.waitExposed(editor)
        seen.append(editor)
        ime_type(editor.name, "欧阳春花")
        qtbot.keyClicks(editor.phone, "13911112222")
        qtbot.keyClicks(editor.id_number, "430524198001010011")
        return 0

    monkeypatch.setattr(HelperEditor, "exec", type_in)
    qtbot.mouseClick(helpers.findChild(QPushButton, "add"), Qt.MouseButton.LeftButton)
    editor = seen[0]
    assert editor.windowTitle() == "新增帮扶人"
    for box in editor.findChildren(QLineEdit):  # what was typed shows whole
        needed = box.fontMetrics().horizontalAdvance(box.text() or box.placeholderText())
        assert box.width() >= needed + 8, box.objectName()
    assert editor.note.width() >= 20 * editor.fontMetrics().horizontalAdvance("汉")
    for combo in (editor.role, editor.group):
        for index in range(combo.count()):
            combo.setCurrentIndex(index)
            assert shows_whole(combo), combo.currentText()


def test_an_agreement_with_four_trustees_signs_under_its_last_section(
        qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from pypdf import PdfReader

    from carecenter.documents.agreement_book import Agreements, Terms
    from tests.test_documents import add_helper
    from ui.documents.print_dialog import PrintDialog

    away = {"relation": "女儿", "whereabouts": "广东省东莞市", "location_scope": "省外",
            "away_since": "2023-03-01"}
    four = [dict(away, name=n, phone=f"1390000111{i}")
            for i, n in enumerate(("梁卫东", "夏雨欣", "夏芳", "夏燕"))]
    person = Register(database).save(elder("夏德胜", sequence="006", supporters=four)).person_id
    add_helper(database, person)
    Agreements(database).draw_up(person, Terms("李四", "侄子", "13911112222"))
    out = tmp_path / "协议.pdf"

    def choose_and_save(dialog: PrintDialog) -> int:
        dialog.show()
        qtbot.keyClick(dialog.document, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.document, Qt.Key.Key_Down)  # 委托照顾协议书
        assert "李四" in dialog.info.text()
        assert dialog.write(str(out))
        return 0

    monkeypatch.setattr(PrintDialog, "exec", choose_and_save)
    window.refresh()
    to_front(qtbot, window)
    window.tabs.setCurrentWidget(window.register_page)
    window.select_person(person)
    qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    pages = [page.extract_text().replace(" ", "") for page in PdfReader(out).pages]
    signed = next(text for text in pages if "签字" in text)
    # Not the closing line alone over the signatures: the last section goes with them.
    assert re.search("[一二三四五六七八九十]、联系方式", signed), signed[:200]
    assert "刘建国" in signed and "一式3份" in signed


def test_the_recovery_code_at_first_start_prints_on_an_a4_page_naming_the_register(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtPrintSupport import QPrintDialog

    from carecenter import clock
    from tests.pdfcheck import pages, text_of, unembedded_fonts
    from ui.access.login import RecoveryCodeDialog
    from ui.widgets import file_dialogs

    database = Database(tmp_path / "白竹村.db")
    printed = tmp_path / "printer.pdf"

    def printer_chosen(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFileName(str(printed))  # the printer: a PDF file here
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", printer_chosen)
    saved = tmp_path / "U盘" / "恢复码.pdf"
    saved.parent.mkdir()
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a: str(saved))
    codes: list[str] = []

    def print_and_keep(dialog: RecoveryCodeDialog) -> int:
        dialog.show()
        codes.append(dialog.code)
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
        assert "已送打印机" in dialog.said.text()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "打印后请删除" in dialog.said.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible()  # not before the clerk says the code is kept
        qtbot.mouseClick(dialog.kept, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RecoveryCodeDialog, "exec", print_and_keep)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    page = window.guard.page
    qtbot.waitUntil(lambda: page.pages.currentIndex() == 1)
    ime_type(page.first_name, "李会计")
    qtbot.keyClicks(page.first_password, "secret-1")
    qtbot.keyClicks(page.first_again, "secret-1")
    qtbot.keyClick(page.first_again, Qt.Key.Key_Return)
    assert len(codes) == 1 and not window.guard.locked
    assert printed.stat().st_size > 10_000  # the page went to the printer
    pdf = saved.read_bytes()
    assert pages(pdf) == 1 and unembedded_fonts(pdf) == []
    text = text_of(pdf).replace(" ", "")
    for words in (codes[0], "白竹村.db", "李会计", f"{clock.today():%Y年%m月%d日}", "保险柜"):
        assert words.replace(" ", "") in text, words
    database.close()
