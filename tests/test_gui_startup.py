"""Start-up: the main window shows the first screen before the database layer loads,
then opens the database the normal way; anything the clerk does first waits for it."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from carecenter.register.columns import RegisterQuery
from carecenter.register.first_screen import FirstScreen, open_first_screen
from carecenter.register.listing import Listing
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, signed_in
from ui.care.needs_window import NeedsWindow
from ui.register.register_model import RegisterModel
from ui.shell import app as ui_app
from ui.shell import crash as ui_crash
from ui.shell.logfile import START_LOGGER
from ui.shell.main_window import MainWindow

NAMES = ["张桂兰", "李秀英", "王建国", "赵淑珍", "刘德明"]


@pytest.fixture
def filled(database: Database) -> Path:
    register = Register(database)
    group = register.groups.add("一组")
    for i, name in enumerate(NAMES):
        register.save(elder(name, birth=f"19{40 + i}0312", sequence=f"{i + 1:02d}3",
                            group_id=group if i % 2 else None))
    database.close()
    return Path(database.location)


@pytest.fixture
def first(filled: Path) -> Iterator[FirstScreen]:
    screen = open_first_screen(str(filled))
    assert screen is not None
    yield screen
    screen.close()


@pytest.fixture
def starting(qtbot: QtBot, filled: Path, first: FirstScreen) -> Iterator[MainWindow]:
    """The window as start-up builds it: from the first screen, the database not yet open."""
    opened: list[Database] = []

    def open_database() -> Database:
        opened.append(signed_in(Database(filled)))
        return opened[-1]

    window = MainWindow(first=first, open_database=open_database)
    qtbot.addWidget(window)
    yield window
    for database in opened:
        database.close()


def test_the_first_screen_shows_the_register_and_its_counts(starting: MainWindow) -> None:
    assert starting.database is None
    assert starting.model.rowCount() == len(NAMES)
    assert "在册 5 人" in starting.count_label.text()
    # the status bar counts what the tab in front shows: the work list's items here
    assert "工作台" in starting.count_label.text()
    assert "显示 5 人" not in starting.count_label.text()
    assert starting.group_filter.findText("一组") > 0
    assert starting.tabs.tabText(2) == "需求台账"


def test_after_the_first_paint_the_database_opens_and_the_work_list_loads(
        qtbot: QtBot, starting: MainWindow) -> None:
    starting.show()
    qtbot.waitUntil(lambda: starting.database is not None)
    qtbot.waitUntil(lambda: starting.worklist.result is not None)
    assert isinstance(starting.needs, NeedsWindow)
    assert starting.tabs.widget(2) is starting.needs
    assert isinstance(starting.model.listing, Listing)
    assert starting.tabs.currentWidget() is starting.worklist


def test_searching_before_the_database_is_open_opens_it_first(starting: MainWindow) -> None:
    starting.search.setText("lxy")
    starting.search_now()
    assert starting.database is not None
    assert starting.model.rowCount() == 1
    assert starting.model.index(0, 0).data() == "李秀英"


def test_sorting_before_the_database_is_open_gives_the_listings_order(
        starting: MainWindow, filled: Path) -> None:
    starting.tabs.setCurrentIndex(1)
    starting.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # age, youngest last
    assert starting.database is not None
    shown = [starting.model.person_id(row) for row in range(starting.model.rowCount())]
    database = signed_in(Database(filled))
    expected = Listing(database).ids(RegisterQuery(sort_key="age", descending=True))
    database.close()
    assert shown == expected


def test_the_register_model_on_the_first_screen_passes_qt_model_tests(
        qtmodeltester: ModelTester, first: FirstScreen) -> None:
    qtmodeltester.check(RegisterModel(first, RegisterQuery()))


@pytest.fixture
def quiet_main(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """main() without the log file, the global excepthook, the program's settings or a
    modal message box."""
    names = qapp.organizationName(), qapp.applicationName()
    monkeypatch.setattr(ui_app, "setup_logging", lambda: None)
    monkeypatch.setattr(ui_app, "open_log_file", lambda: None)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda *args, **kwargs: shown.append(str(args[2])))
    yield shown
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])


def shown_window() -> MainWindow:
    windows = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, MainWindow) and w.isVisible()]
    assert len(windows) == 1
    return windows[0]


def test_main_shows_an_up_to_date_database_from_the_first_screen(
        qtbot: QtBot, filled: Path, quiet_main: list[str]) -> None:
    seen: dict[str, object] = {}

    def look() -> None:
        window = shown_window()
        seen["rows"] = window.model.rowCount()
        seen["open at first"] = window.database is not None
        qtbot.waitUntil(lambda: window.database is not None)
        seen["rows later"] = window.model.rowCount()
        window.close()
        QApplication.quit()

    QTimer.singleShot(0, look)
    assert ui_app.main(["--db", str(filled)]) == 0
    assert seen == {"rows": 5, "open at first": False, "rows later": 5}
    assert quiet_main == []


def test_main_upgrades_an_older_database_the_normal_way(
        tmp_path: Path, quiet_main: list[str]) -> None:
    old = tmp_path / "register-0.1.0.db"
    shutil.copy(Path(__file__).parent / "data" / old.name, old)
    assert open_first_screen(str(old)) is None
    seen: dict[str, object] = {}

    def look() -> None:
        window = shown_window()
        seen["open at first"] = window.database is not None
        seen["rows"] = window.model.rowCount() > 0
        window.close()
        QApplication.quit()

    QTimer.singleShot(0, look)
    assert ui_app.main(["--db", str(old)]) == 0
    assert seen == {"open at first": True, "rows": True}
    assert quiet_main == []
    upgraded = open_first_screen(str(old))  # quick from now on
    assert upgraded is not None
    upgraded.close()


def test_main_refuses_a_database_from_a_newer_program_with_the_message(
        filled: Path, quiet_main: list[str]) -> None:
    with sqlite3.connect(filled) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.close()
    assert ui_app.main(["--db", str(filled)]) == 1
    assert len(quiet_main) == 1
    assert "更新版本的程序" in quiet_main[0]


def test_the_window_shows_before_the_database_layer_loads(filled: Path) -> None:
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "heavy = {'sqlalchemy', 'alembic', 'openpyxl', 'reportlab', 'pypinyin'}\n"
        "def shown():\n"
        "    print(sorted(n for n in sys.modules if n.split('.')[0] in heavy), flush=True)\n"
        "    os._exit(0)\n"
        "QTimer.singleShot(0, shown)\n"
        "from ui.shell.app import main\n"
        f"main(['--db', {str(filled)!r}])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parent.parent,
                            env={**os.environ, "HOME": str(filled.parent)}, timeout=60)
    assert result.stdout.strip() == "[]"


def test_quit_when_ready_opens_a_new_register_shows_the_window_and_ends(
        qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """What the frozen bundle's smoke test asks of the program (scripts/smoke_bundle.py).

    Last in this file: after a main() that ran its event loop, a window built by hand
    got no after-first-paint call in this process (the Quit its closing window posted was
    left in the queue and ended every later loop; ``ui.shell.app`` now removes it, and
    tests/test_gui_walk_again.py, after this file, depends on that)."""
    monkeypatch.setattr(ui_app, "setup_logging", lambda: None)
    monkeypatch.setattr(ui_app, "open_log_file", lambda: None)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)
    monkeypatch.setattr("ui.shell.main_window.QSettings",
                        lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    names = qapp.organizationName(), qapp.applicationName()
    # The first start of a new install: the data folder is made, the register in it.
    new = tmp_path / "新建" / "carecenter.db"
    monkeypatch.delenv("CARECENTER_DB", raising=False)
    monkeypatch.setattr("carecenter.storage.location.default_path", lambda: new)
    boxes: list[object] = []  # a box would wait for a click: recorded instead
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kw: boxes.append(args))
    monkeypatch.setattr(ui_crash, "show_error", lambda *args: boxes.append(args))
    with caplog.at_level(logging.INFO, logger=START_LOGGER):
        code = ui_app.main(["--quit-when-ready"])
    assert boxes == []
    assert code == 0
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])
    ready = [r.getMessage() for r in caplog.records if "就绪" in r.getMessage()]
    assert len(ready) == 1
    assert "窗口已显示,数据库已打开" in ready[0] and "qtbase_zh_CN.qm" in ready[0]
    assert new.exists()


def test_pyside_feature_check_reads_the_file_and_gives_the_same_answer() -> None:
    """ui/__init__ replaces PySide6's per-import source check (inspect.getsource on every
    module, bench: startup) by a read of the file; the answers must not change."""
    feature = sys.modules["shibokensupport.feature"]
    quick = feature._mod_uses_pyside
    assert getattr(quick, "quicker", False)
    import inspect

    import carecenter.clock
    import ui.access.login
    import ui.shell.crash

    for module in (ui.access.login, ui.shell.crash, carecenter.clock, os, sys):
        try:
            expected = "PySide6" in inspect.getsource(module)
        except (TypeError, OSError):
            expected = False
        assert quick(module) is expected, module.__name__
    assert quick(ui.access.login) and not quick(carecenter.clock)
