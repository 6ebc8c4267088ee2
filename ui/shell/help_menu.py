"""The 帮助 menu, made in one place: 使用说明 (F1) — the user guide shipped with the
program (``ui/shell/guide/``: HTML with screenshots), opened in the clerk's web browser or,
failing that, in a window of our own — and 关于留守关爱.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from ui.widgets.screen_fit import fit_resize

GUIDE = Path(__file__).resolve().parent / "guide" / "index.html"


def add_help_menu(window: QMainWindow, location: str) -> QMenu:
    """The 帮助 menu at the right of the menu bar: 使用说明 (F1) and 关于留守关爱."""
    menu = window.menuBar().addMenu("帮助(&H)")
    menu.setObjectName("help_menu")
    guide = QAction("使用说明", window)  # F1 shows in the menu's own column
    guide.setObjectName("user_guide")
    guide.setShortcut(QKeySequence.StandardKey.HelpContents)
    guide.triggered.connect(lambda: open_guide(window))
    menu.addAction(guide)
    menu.addSeparator()
    about = QAction("关于留守关爱(&A)…", window)
    about.setObjectName("about")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window, location))
    menu.addAction(about)
    return menu


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
    # The guide's screenshots are 900 px wide and this viewer does not shrink them: room
    # for them, within the screen (at 860 px each one scrolled sideways).
    fit_resize(dialog, 1000, 680)
    dialog.show()
    # Opened from a menu or F1: the clerk reads it now, and Esc closes it at once (under
    # a window manager it came up behind, and Esc went to the main window).
    dialog.raise_()
    dialog.activateWindow()
    return False


def show_about(window: QMainWindow, location: str) -> None:
    from ui.shell.about_dialog import AboutDialog

    AboutDialog(location, window).exec()
