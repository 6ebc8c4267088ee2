"""At home on a Chinese Windows desktop (issue 19): Qt's own buttons, menus and dialogs in
Chinese, the icon, 帮助 → 关于, a start-up line in the log, and a Chinese box for a
failure before the window exists."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from carecenter import __version__
from carecenter.storage.database import Database
from ui.shell import app as ui_app
from ui.shell import crash
from ui.shell.about_dialog import AboutDialog
from ui.shell.logfile import START_LOGGER
from ui.shell.main_window import MainWindow
from ui.shell.translations import install_chinese


@pytest.fixture
def chinese(qapp: QApplication) -> QApplication:
    install_chinese(qapp)
    return qapp


def test_standard_buttons_say_yes_and_no_in_chinese(chinese: QApplication) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "退出登记", "确定吗?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Cancel)
    texts = [box.button(b).text() for b in (QMessageBox.StandardButton.Yes,
                                            QMessageBox.StandardButton.No,
                                            QMessageBox.StandardButton.Cancel)]
    assert [t.split("(")[0] for t in texts] == ["是", "否", "取消"]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Discard)
    assert buttons.button(QDialogButtonBox.StandardButton.Ok).text().startswith("确定")
    assert buttons.button(QDialogButtonBox.StandardButton.Discard).text() == "丢弃"


def test_the_text_boxes_right_click_menu_is_chinese(chinese: QApplication,
                                                    qtbot: QtBot) -> None:
    field = QLineEdit("张桂兰")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text().split("(")[0] for a in menu.actions() if not a.isSeparator()]
    assert {"撤消", "重做", "剪切", "复制", "粘贴", "删除"} <= set(texts)


def test_the_print_dialog_is_chinese(chinese: QApplication, qtbot: QtBot) -> None:
    """Every label, box and button of Qt's own print dialog (the options tab too: its
    "Page &Set:" was English, issue 19); "PDF" is the format's name."""
    import re

    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QTabWidget

    printer = QPrinter()  # outlives the dialog
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    texts = ([w.text() for w in dialog.findChildren(QLabel)]
             + [w.title() for w in dialog.findChildren(QGroupBox)]
             + [w.text() for w in dialog.findChildren(QAbstractButton)])
    for tabs in dialog.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    assert "打印页面(&S)：" in texts and "份数" in texts
    assert [t for t in texts if re.search("[A-Za-z]{2,}", t.replace("PDF", ""))] == []


def test_the_file_dialog_is_chinese(chinese: QApplication, qtbot: QtBot,
                                    tmp_path: Path) -> None:
    dialog = QFileDialog(None, "导入台账", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert labels == ["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："]
    buttons = [b.text() for b in dialog.findChildren(QPushButton)]
    assert any("打开" in t for t in buttons)


def test_about_shows_the_version_the_register_and_the_folders(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(database)
    qtbot.addWidget(window)
    titles = [m.title() for m in window.menuBar().findChildren(type(window.help_menu))]
    assert "帮助(&H)" in titles
    shown: list[AboutDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutDialog)
        shown.append(dialog)
        opened: list[QUrl] = []
        monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
        dialog.open_data.click()
        assert [Path(u.toLocalFile()) for u in opened] == [Path(database.location).parent]
        dialog.reject()

    QTimer.singleShot(0, look)
    about = next(a for a in window.help_menu.actions() if a.objectName() == "about")
    about.trigger()
    dialog = shown[0]
    text = {name: dialog.findChild(QLabel, name).text()
            for name in ("version", "database", "data_folder", "log_folder")}
    assert text["version"] == __version__
    assert text["database"] == database.location
    assert Path(text["data_folder"]) == Path(database.location).parent
    assert "carecenter" in text["log_folder"]


def test_the_log_says_version_and_register_at_every_start(
        qapp: QApplication, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(ui_app, "setup_logging", lambda: None)
    monkeypatch.setattr(ui_app, "open_log_file", lambda: None)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)
    monkeypatch.setattr(ui_app, "run", lambda app, location, **options: 0)
    names = qapp.organizationName(), qapp.applicationName()
    with caplog.at_level(logging.INFO, logger=START_LOGGER):
        assert ui_app.main(["--db", str(db_path)]) == 0
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])
    lines = [r.getMessage() for r in caplog.records if r.name == START_LOGGER]
    assert len(lines) == 1
    assert __version__ in lines[0] and str(db_path) in lines[0]
    assert not qapp.windowIcon().isNull()


def test_a_failure_before_the_window_shows_a_chinese_box(
        qapp: QApplication, db_path: Path, database: Database,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # ``database``: the register is there (a missing one is asked about first).
    monkeypatch.setattr(ui_app, "setup_logging", lambda: None)
    monkeypatch.setattr(ui_app, "open_log_file", lambda: None)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)
    names = qapp.organizationName(), qapp.applicationName()

    def broken(location: str, create: bool) -> None:
        raise OSError("damaged install")

    monkeypatch.setattr(ui_app, "hold_register", broken)
    boxes: list[tuple[str, str, str]] = []
    monkeypatch.setattr(crash, "show_error", lambda *args: boxes.append(args))
    assert ui_app.main(["--db", str(db_path)]) == 1
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])
    [(title, text, details)] = boxes
    assert title == "留守关爱无法启动"
    assert "数据不受影响" in text
    assert "damaged install" in details
    assert any("程序未能启动" in r.getMessage() for r in caplog.records)

