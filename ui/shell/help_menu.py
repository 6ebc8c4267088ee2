"""The 帮助 menu, made in one place: 关于 here; the user guide (issue 20) joins it.

``add_help_menu`` returns the menu so another entry is one ``addAction`` away.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu


def add_help_menu(window: QMainWindow, location: str) -> QMenu:
    """The 帮助 menu at the right of the menu bar, with 关于留守关爱."""
    menu = window.menuBar().addMenu("帮助(&H)")
    menu.setObjectName("help_menu")
    about = QAction("关于留守关爱(&A)…", window)
    about.setObjectName("about")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window, location))
    menu.addAction(about)
    return menu


def show_about(window: QMainWindow, location: str) -> None:
    from ui.shell.about_dialog import AboutDialog

    AboutDialog(location, window).exec()
