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


def kinds_file(register: Register, kinds: str) -> int:
    """A file of these kinds (``+`` between them), as the register holds one."""
    from carecenter.register.people import PersonDraft
    from tests.conftest import elder, make_id
    from tests.test_kind_child import child
    from tests.test_kind_woman_tekun import woman

    codes = kinds.split("+")
    tekun = {"tekun_since": "2019-05-01", "tekun_cert": "TK0012", "support_mode": "分散供养"}
    draft = {
        "elder": elder,
        "child": child,
        "woman": woman,
        "tekun": lambda: PersonDraft({"name": "赵老汉", "id_number": make_id("19450101", "011"),
                                      **tekun}, [], kind="tekun"),
    }[codes[0]]()
    if "tekun" in codes[1:]:
        draft.values.update(tekun)
    draft.kinds = codes
    return register.save(draft).person_id


@pytest.mark.parametrize("kinds", [
    "elder", "child", "woman", "tekun", "elder+tekun", "child+tekun", "new:child",
    "new:woman", "new:tekun"])
def test_the_person_editor_of_every_kind_fits_a_small_screen(
        qtbot: QtBot, database: Database, kinds: str, tmp_path: Path) -> None:
    """Each kind's tabs and its verdict line (issue 21: a child's wrapped to two lines and
    the editor needed 668 px of the 640)."""
    from ui.register.person_editor import PersonEditor

    register = Register(database)
    if kinds.startswith("new:"):
        editor = PersonEditor(register, kinds=[kinds.removeprefix("new:")])
    else:
        editor = PersonEditor(register, kinds_file(register, kinds))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    size, least = editor.size(), editor.minimumSizeHint().expandedTo(editor.minimumSize())
    assert size.width() <= BUDGET.width() and size.height() <= BUDGET.height(), (kinds, size)
    assert least.width() <= BUDGET.width() and least.height() <= BUDGET.height(), (kinds, least)
    editor.grab().save(str(tmp_path / f"editor-{kinds.replace(':', '-')}.png"))


def test_the_verdict_is_one_line_per_kind_cut_to_the_width_whole_in_its_tooltip(
        qtbot: QtBot, database: Database) -> None:
    from ui.register.person_editor import PersonEditor

    editor = PersonEditor(Register(database), kinds_file(Register(database), "child+tekun"))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.resize(editor.minimumSizeHint().width(), editor.height())  # as narrow as it goes
    label = editor.verdict_label
    whole = label.text()
    assert "母亲王小红在浙江省义乌市务工" in whole and "符合特困认定" in whole
    shown = label.shown().split("\n")
    assert len(shown) == 2 and shown[0].endswith("…")  # one line per kind, the child's cut
    assert label.height() < 3 * label.fontMetrics().lineSpacing()
    assert label.toolTip() == whole
