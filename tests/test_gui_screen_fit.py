"""Every window fits the village PC's screen (issue 19): 1366×768, and 1920×1080 at 150%
(1280×720 in Qt's units), less the taskbar and the window's own title bar and borders.

Each window opens at a size that fits, and can be made no larger than that by the clerk
(its minimum size fits too: what does not fit scrolls).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from carecenter.care.care_book import CareBook
from carecenter.demo import register_demo as demo
from carecenter.pairing.proposal import propose
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY
from ui.shell.app import choose_font
from ui.widgets.screen_fit import SMALLEST_WINDOW

# The smaller of the two screens in each direction, less a 40 px taskbar and ~40 px of
# title bar and borders: a window larger than this has its buttons off the screen.
BUDGET = QSize(1280 - 16, 720 - 40 - 40)


@pytest.fixture(autouse=True)
def clerks_font(qapp: QApplication) -> Iterator[None]:
    """The font the program sets (a size up from the default): windows grow with it."""
    before = qapp.font()
    choose_font(qapp)
    yield
    qapp.setFont(before)


@pytest.fixture
def village(database: Database) -> Database:
    demo.generate(database, 40, seed=3, today=TODAY)
    return database


def windows(database: Database) -> dict[str, Callable[[], QWidget]]:
    from ui.care.assessment_dialog import AssessmentDialog
    from ui.care.needs_window import NeedsWindow
    from ui.care.round_dialog import RoundDialog
    from ui.care.visit_dialog import VisitDialog
    from ui.care.visit_sheet import VisitSheet
    from ui.documents.print_dialog import PrintDialog
    from ui.ledger.import_wizard import ImportWizard
    from ui.ledger.report_window import ReportWindow
    from ui.pairing.helpers_window import HelpersWindow
    from ui.pairing.pairing_dialog import PairingDialog
    from ui.register.exit_dialog import ExitDialog
    from ui.register.groups_dialog import GroupsDialog
    from ui.register.person_editor import PersonEditor
    from ui.settings.settings_dialog import SettingsDialog
    from ui.shell.about_dialog import AboutDialog
    from ui.shell.main_window import MainWindow

    register = Register(database)
    care = CareBook(database)
    person = 1
    built: dict[str, Callable[[], Any]] = {
        "main window": lambda: MainWindow(database),
        "person editor": lambda: PersonEditor(register, person),
        "new person": lambda: PersonEditor(register),
        "exit": lambda: ExitDialog(register, person, "张三"),
        "groups": lambda: GroupsDialog(register.groups),
        "assessment": lambda: AssessmentDialog(care, register, person),
        "visit": lambda: VisitDialog(care, person, "张三"),
        "visit sheet": lambda: VisitSheet(care),
        "needs": lambda: NeedsWindow(care),
        "special round": lambda: RoundDialog(care),
        "helpers": lambda: HelpersWindow(database),
        "pairing": lambda: PairingDialog(database, propose(database)),
        "reports": lambda: ReportWindow(database),
        "import": lambda: ImportWizard(database),
        "settings": lambda: SettingsDialog(database),
        "print": lambda: PrintDialog(database, person, [person]),
        "about": lambda: AboutDialog(database.location),
    }
    return built


def test_the_budget_is_the_one_the_windows_are_made_for() -> None:
    assert QSize(SMALLEST_WINDOW) == BUDGET


@pytest.mark.parametrize("name", [
    "main window", "person editor", "new person", "exit", "groups", "assessment", "visit",
    "visit sheet", "needs", "special round", "helpers", "pairing", "reports", "import",
    "settings", "print", "about"])
def test_each_window_fits_a_small_screen(qtbot: QtBot, village: Database, name: str,
                                        tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A first start: no window geometry kept from an earlier run.
    ini = str(tmp_path / "settings.ini")
    monkeypatch.setattr("ui.shell.main_window.QSettings",
                        lambda: QSettings(ini, QSettings.Format.IniFormat))
    window = windows(village)[name]()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    size, least = window.size(), window.minimumSizeHint().expandedTo(window.minimumSize())
    assert size.width() <= BUDGET.width() and size.height() <= BUDGET.height(), (name, size)
    assert least.width() <= BUDGET.width() and least.height() <= BUDGET.height(), (name, least)
