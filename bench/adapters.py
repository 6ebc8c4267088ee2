"""Every place where the benchmark touches the product's API, in one file.

When a module lands under a different name, or a function takes other arguments, fix
the adapter here and nothing else. An adapter raises ``NotBuilt`` when the product code
is not there yet; its measurement then shows a "尚未实现 / not built yet" row.

Only the standard library is imported at the top: the GUI probe imports this module
while the start-up clock is running.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench.core import NotBuilt

# The day the demo register is drawn back from (demo.REFERENCE_DAY), and its quarter.
DAY = date(2026, 11, 23)
QUARTER = "2026Q3"


def product(module: str, name: str) -> Callable[..., Any]:
    """``module.name`` from the product, or NotBuilt naming what is missing."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name is not None and module.startswith(e.name):
            raise NotBuilt(f"{module} 尚未实现 (module not built yet)") from e
        raise
    function = getattr(loaded, name, None)
    if function is None:
        raise NotBuilt(f"{module} 没有 {name}() (the benchmark's adapter assumed it; "
                       "fix bench/adapters.py)")
    return function


_signed: list[Any] = []


def open_register(location: Any) -> Any:
    """The register, the operator of $CARECENTER_OPERATOR / $CARECENTER_PASSWORD signed in
    (issue 18: no path writes anonymously). The password is checked once per process:
    the measures open copies of the one register, and scrypt is slow on purpose. An
    encrypted register opens with the key that password unwraps (once per process too)."""
    from bench.dataset import key_of

    database = product("carecenter.storage.database", "Database")(location,
                                                                  key=key_of(Path(location)))
    if _signed and product("carecenter.access.operators", "has_operators")(database):
        database.operator = _signed[0]
    else:
        product("carecenter.cli.access_cli", "sign_in")(database)
        _signed[:] = [database.operator]
    return database


# -- product calls (issues 4-7): ONE assumed signature each ------------------------------

def work_list(database: Any, day: date) -> Any:
    """The clerk's work list for a day (lead: carecenter/overview/work_list.py)."""
    return product("carecenter.overview.work_list", "build")(database, day)


def village_figures(database: Any, day: date) -> Any:
    """The overview's figures for a day (issue 20: carecenter/overview/village_figures.py)."""
    return product("carecenter.overview.village_figures", "build")(database, day)


def pairing_proposal(database: Any) -> Any:
    """The proposed pairing for everyone unpaired, not applied (issue 5)."""
    return product("carecenter.pairing.proposal", "propose")(database)


def quarterly_export(database: Any, out: Path) -> Any:
    """The quarterly workbook for the township, written to ``out`` (issue 7)."""
    quarter = product("carecenter.ledger.quarter", "Quarter").parse(QUARTER)
    return product("carecenter.ledger.quarter_export", "export_quarter")(
        database, quarter, out, today=date(2026, 11, 23))


def ledger_import(database: Any, workbook: Path) -> Any:
    """Import the clerk's Excel ledger, all rows in one transaction (issue 7)."""
    importer = product("carecenter.ledger.importer", "LedgerImport")(database)
    data, layout = importer.open(workbook, None)
    return importer.apply(importer.preview(workbook, data, layout))


def care_cards(database: Any, person_ids: Sequence[int], out: Path) -> Any:
    """One care card per person, all in one PDF at ``out`` (issue 6)."""
    return product("carecenter.documents.card_batch", "print_cards")(
        database, list(person_ids), str(out))


# -- the GUI: how the probe finds and drives the main window ------------------------------

# (row key, text typed one keystroke at a time): name, pinyin initials, ID digits.
SEARCHES = (("name", "王秀英"), ("initials", "wxy"), ("id_digits", "43052419"))


def gui_main_window() -> Any:
    from PySide6.QtWidgets import QApplication, QMainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    raise RuntimeError("no main window shown")


def gui_sign_in(window: Any) -> None:
    """Sign in on the window's sign-in page as the clerk would (issue 18): the operator and
    password of $CARECENTER_OPERATOR / $CARECENTER_PASSWORD, then Enter."""
    import os

    page = window.guard.page
    page.prepare()
    page.login_name.setCurrentText(os.environ["CARECENTER_OPERATOR"])
    page.login_password.setText(os.environ["CARECENTER_PASSWORD"])
    page.sign_in()
    if window.guard.locked:
        raise RuntimeError("sign-in failed: " + page.login_form.general.text())


def gui_model(window: Any) -> Any:
    return window.model


def gui_rows_shown(window: Any) -> int:
    """The register's rows painted; none yet where the window paints its sign-in page
    first and builds its tabs after (an encrypted register)."""
    model = getattr(window, "model", None)
    return int(model.rowCount()) if model is not None else 0


def gui_search_box(window: Any) -> Any:
    return window.search


def gui_table(window: Any) -> Any:
    return window.table


def gui_show_register(window: Any) -> None:
    """Bring the register table's tab to the front (the work list may be in front)."""
    tabs, table = getattr(window, "tabs", None), gui_table(window)
    if tabs is not None:
        for index in range(tabs.count()):
            if tabs.widget(index).isAncestorOf(table):
                tabs.setCurrentIndex(index)
    window.repaint()


def gui_flush_search(window: Any) -> None:
    """What the typing timer triggers when it runs out (the timer's wait is not timed)."""
    window.search_now()


def gui_clear_search(window: Any) -> None:
    gui_search_box(window).clear()
    gui_flush_search(window)
    gui_table(window).viewport().repaint()


def gui_type(window: Any, char: str) -> int:
    """One keystroke in the search box, up to the table repainted; returns rows shown."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    box = gui_search_box(window)
    if char.isascii():
        QTest.keyClick(box, char, Qt.KeyboardModifier.NoModifier)
    else:  # a pinyin IME commits each character with an input method event
        event = QInputMethodEvent()
        event.setCommitString(char)
        QApplication.sendEvent(box, event)
    gui_flush_search(window)
    gui_table(window).viewport().repaint()
    return int(gui_model(window).rowCount())


def open_rows(window: Any, runs: int) -> list[int]:
    """Rows spread over the register, one per run."""
    rows = gui_model(window).rowCount()
    return [min(rows - 1, (i + 1) * rows // (runs + 1)) for i in range(runs)]


def gui_open_file(window: Any, row: int) -> float:
    """Seconds from Enter on a row to the person's file dialog shown and painted."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    table = gui_table(window)
    table.selectRow(row)
    table.scrollTo(gui_model(window).index(row, 0))
    elapsed: list[float] = []

    def shown() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not up yet: look again on the next turn of the loop
            QTimer.singleShot(0, shown)
            return
        dialog.repaint()
        elapsed.append(time.perf_counter() - start)
        dialog.reject()

    QTimer.singleShot(0, shown)
    start = time.perf_counter()
    # Enter itself, as the clerk presses it: the key passes the idle lock's watch too.
    QTest.keyClick(table, Qt.Key.Key_Return)
    if not elapsed:
        raise RuntimeError("the file dialog did not open")
    return elapsed[0]


def gui_scroll_through(window: Any) -> None:
    """Page through the whole table once, as a clerk scrolling to the end would."""
    table = gui_table(window)
    table.scrollToBottom()
    table.viewport().repaint()


# -- issue 20: the screens that must open at once ------------------------------------------

def gui_tab_switch_to_worklist(window: Any) -> float:
    """Seconds from the register tab to the 工作台 tab shown and painted."""
    gui_show_register(window)
    start = time.perf_counter()
    window.tabs.setCurrentWidget(window.worklist)
    window.repaint()
    return time.perf_counter() - start


def gui_draw_overview(window: Any) -> float:
    """Seconds to read the overview's figures and paint its charts (as on F5 there)."""
    window.tabs.setCurrentWidget(window.overview)
    start = time.perf_counter()
    window.overview.reload()
    window.repaint()
    return time.perf_counter() - start


def gui_open_helpers(window: Any) -> float:
    """Seconds from the 帮扶人 command to its window shown and painted with the list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    elapsed: list[float] = []

    def shown() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(0, shown)
            return
        dialog.repaint()
        elapsed.append(time.perf_counter() - start)
        dialog.reject()

    QTimer.singleShot(0, shown)
    start = time.perf_counter()
    window.edit_helpers()
    if not elapsed:
        raise RuntimeError("the helpers window did not open")
    return elapsed[0]
