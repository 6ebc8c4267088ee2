"""The print dialog as the clerk uses it: choose, preview, save, cancel a batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog
from pytestqt.qtbot import QtBot

from carecenter.documents.agreement_book import Agreements, Terms
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder
from tests.pdfcheck import text_of
from tests.test_documents import add_helper
from ui.documents.print_dialog import PrintDialog


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


@pytest.fixture
def people(register: Register, database: Database) -> list[int]:
    ids = [register.save(elder(name=n, sequence=s)).person_id
           for n, s in (("王一", "012"), ("王二", "014"), ("王三", "016"))]
    add_helper(database, ids[0])
    return ids


def dialog_for(qtbot: QtBot, database: Database, person_id: int | None,
               ids: list[int]) -> PrintDialog:
    dialog = PrintDialog(database, person_id, ids, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_one_persons_card_is_previewed_on_opening_and_logged_once_saved(
        qtbot: QtBot, database: Database, people: list[int], tmp_path: Path) -> None:
    from carecenter.access import audit

    def prints() -> int:
        return len(audit.entries(database, audit.Filter(entity="document")))

    dialog = dialog_for(qtbot, database, people[0], people)
    # The card is there as the dialog opens: no empty preview waiting for 生成预览.
    page = dialog.findChild(QLabel, "page1")
    assert page is not None and page.pixmap().width() > 500  # an A4 page at 70 dpi
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()
    assert prints() == 0  # a preview prints nothing
    qtbot.keyClick(dialog.document, Qt.Key.Key_Down)  # 基本情况登记表: made at once too
    assert "基本情况登记表" in dialog.info.text() and dialog.findChild(QLabel, "page1")
    qtbot.keyClick(dialog.document, Qt.Key.Key_Up)
    out = tmp_path / "card.pdf"
    assert dialog.write(str(out))
    text = text_of(out.read_bytes())
    assert "王一" in text and "刘建国" in text
    assert prints() == 1


def test_the_preview_is_drawn_at_the_screens_pixel_ratio(
        qtbot: QtBot, database: Database, people: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 150% screen the page is drawn with 1.5× the pixels, at the same size on screen."""
    dialog = dialog_for(qtbot, database, people[0], people)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    plain = dialog.findChild(QLabel, "page1")
    assert plain is not None
    size, pixels = plain.size(), dialog.previews[0].width()
    sharp = dialog_for(qtbot, database, people[0], people)
    monkeypatch.setattr(sharp, "devicePixelRatioF", lambda: 1.5)
    qtbot.mouseClick(sharp.make_button, Qt.MouseButton.LeftButton)
    page = sharp.findChild(QLabel, "page1")
    assert page is not None
    assert page.size() == size
    [first, *_] = sharp.previews
    assert first.devicePixelRatio() == 1.5
    assert abs(first.width() - 1.5 * pixels) <= 2


def test_batch_of_the_filtered_people(qtbot: QtBot, database: Database,
                                      people: list[int]) -> None:
    dialog = dialog_for(qtbot, database, None, people[1:])
    assert dialog.document.currentData() == "cards"
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert dialog.pdf is not None
    text = text_of(dialog.pdf)
    assert "王二" in text and "王三" in text and "王一" not in text
    assert "2 张" in dialog.info.text()


def test_cancelling_a_batch_makes_nothing(qtbot: QtBot, database: Database,
                                          people: list[int],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    dialog = dialog_for(qtbot, database, None, people)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert dialog.pdf is None
    assert "已取消" in dialog.info.text()
    assert not dialog.print_button.isEnabled()


def test_nobody_in_a_colour_is_said_in_chinese(qtbot: QtBot, database: Database,
                                              people: list[int],
                                              no_modal_boxes: list[str]) -> None:
    dialog = dialog_for(qtbot, database, None, people)
    dialog.scope_colour.setChecked(True)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert dialog.pdf is None
    assert no_modal_boxes == ["没有符合条件的人,未生成关爱服务卡"]


def test_saving_an_agreement_marks_it_printed(qtbot: QtBot, database: Database,
                                              people: list[int], tmp_path: Path) -> None:
    book = Agreements(database, today=lambda: TODAY)
    agreement_id = book.draw_up(people[0], Terms("李四", "侄子", "13911112222"))
    dialog = dialog_for(qtbot, database, people[0], people)
    dialog.document.setCurrentIndex(dialog.document.findData("agreement"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "李四" in dialog.info.text()
    assert dialog.write(str(tmp_path / "agreement.pdf"))
    assert book.get(agreement_id).printed_on == TODAY


def test_an_agreement_with_no_village_named_is_said_before_it_is_printed(
        qtbot: QtBot, database: Database, people: list[int], no_modal_boxes: list[str],
        tmp_path: Path) -> None:
    from pypdf import PdfReader

    dialog = dialog_for(qtbot, database, people[0], people)
    dialog.document.setCurrentIndex(dialog.document.findData("agreement"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "本村设置" in dialog.info.text() and "____村民委员会" in dialog.info.text()
    # the signature block stays on the page with the closing words above it
    assert dialog.write(str(tmp_path / "agreement.pdf"))
    pages = [p.extract_text() for p in PdfReader(tmp_path / "agreement.pdf").pages]
    signed = [text for text in pages if "签字" in text]
    assert signed and all(len(text.replace(" ", "")) > 120 for text in signed)
