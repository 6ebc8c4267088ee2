"""帮助 menu: the user guide shipped with the program (``ui/shell/guide/``: HTML with
screenshots), opened in the clerk's web browser, or, failing that, in a window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

GUIDE = Path(__file__).resolve().parent / "guide" / "index.html"


def add_help_menu(window: QMainWindow) -> QAction:
    """The 帮助 menu with 使用说明 (F1); others add their own entries to the same menu
    (it is found by its object name ``help_menu``)."""
    bar = window.menuBar()
    menu = next((a.menu() for a in bar.actions()
                 if isinstance(a.menu(), QMenu) and a.menu().objectName() == "help_menu"), None)
    if not isinstance(menu, QMenu):
        menu = bar.addMenu("帮助(&H)")
        menu.setObjectName("help_menu")
    guide = QAction("使用说明(F1)", window)
    guide.setObjectName("user_guide")
    guide.setShortcut(QKeySequence.StandardKey.HelpContents)
    guide.triggered.connect(lambda: open_guide(window))
    if menu.actions():
        menu.insertAction(menu.actions()[0], guide)
    else:
        menu.addAction(guide)
    return guide


def open_guide(window: QMainWindow) -> bool:
    """Open the guide in the browser; a window of our own if there is none."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(GUIDE))):
        return True
    from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

    dialog = QDialog(window)
    dialog.setWindowTitle("使用说明")
    browser = QTextBrowser()
    browser.setSearchPaths([str(GUIDE.parent)])
    browser.setSource(QUrl.fromLocalFile(str(GUIDE)))
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    dialog.resize(860, 680)
    dialog.show()
    return False
