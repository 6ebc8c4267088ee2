"""The visit sheet grid, typed into with the keyboard as a clerk enters a paper sheet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecenter import clock
from carecenter.care.care_book import CareBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import visit
from tests.conftest import TODAY, elder, ime_type
from ui.care.visit_sheet import DATE, FOUND, KIND, PERSON, VisitSheet


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box would wait forever offscreen: record it and answer 'no' instead."""
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Cancel

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


@pytest.fixture
def people(database: Database) -> list[int]:
    register = Register(database, today=lambda: TODAY)
    group = register.groups.add("一组")
    return [
        register.save(elder("张桂兰", birth="19500312", sequence="002", group_id=group)).person_id,
        register.save(elder("李秀英", birth="19440505", sequence="004", group_id=group)).person_id,
        register.save(elder("王德明", birth="19380101", sequence="013")).person_id,
    ]


@pytest.fixture
def care(database: Database) -> CareBook:
    return CareBook(database, today=lambda: TODAY)


SHOWN: list[VisitSheet] = []  # the sheet the keys of the running test go to


def open_sheet(qtbot: QtBot, care: CareBook, rows: int) -> VisitSheet:
    win = VisitSheet(care, rows=rows)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    win.visitor.setText("王网格员")
    win.grid.setFocus()
    win.grid.setCurrentCell(0, PERSON)
    SHOWN.append(win)
    return win


@pytest.fixture(autouse=True)
def close_sheets() -> Iterator[None]:
    yield
    for win in SHOWN:
        win.grid.setRowCount(0)  # nothing left to ask about: it closes
        win.close()
    SHOWN.clear()


@pytest.fixture
def window(qtbot: QtBot, care: CareBook, people: list[int]) -> Iterator[VisitSheet]:
    yield open_sheet(qtbot, care, 3)


def focused() -> QWidget:
    """Where a key goes: an open completer popup first, as on a real screen."""
    popup = QApplication.activePopupWidget()
    if popup is None and not isinstance(QApplication.activeWindow(), VisitSheet):
        # Offscreen, a closed popup leaves no window active; a real screen gives the
        # focus back to the window the popup belonged to.
        for top in SHOWN[-1:]:
            top.activateWindow()
            QApplication.processEvents()
    widget = popup or QApplication.focusWidget()
    assert widget is not None
    return widget


def keys(text: str) -> None:
    """Type ASCII into whatever has the focus, one key at a time, as the clerk does."""
    for char in text:
        QTest.keyClick(focused(), char)
        QApplication.processEvents()  # as between a clerk's key presses


def cell(text: str) -> None:
    """Type into the current cell and press Enter."""
    keys(text)
    enter()


def enter() -> None:
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    QApplication.processEvents()


def test_clerk_types_three_rows_and_saves_them_in_one_go(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    first, second, third = people
    # Row 1: 档案号, Enter; date 11-3, Enter; 1 (入户走访), Enter; found "ok", Enter.
    cell(str(first))
    cell("11-3")
    cell("1")
    cell("ok")
    # Row 2: the date defaults to the row above: Enter keeps it; 2 is 电话问候; nothing
    # noted: Enter on the empty 走访情况 starts the next row.
    cell(str(second))
    enter()
    cell("2")
    enter()
    # Row 3: a Chinese name typed through the IME, a compact date, a health follow-up.
    ime_type(focused(), "王德明")
    enter()
    cell("1120")
    cell("4")
    enter()
    grid = window.grid
    assert grid.text(0, PERSON).startswith("张桂兰")
    assert grid.value(1, DATE) == date(2026, 11, 3)
    assert grid.value(2, DATE) == date(2026, 11, 20)
    assert grid.value(2, KIND) == "health"
    assert grid.rowCount() >= 4  # Enter past the last row started a new one
    QTest.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "已保存 3 条" in window.summary.text()
    visits = {p: care.visits(p) for p in people}
    assert [(v.visited_on, v.kind, v.found, v.visitor) for v in visits[first]] == [
        (date(2026, 11, 3), "home", "ok", "王网格员")]
    assert visits[second][0].kind == "phone"
    assert visits[third][0].visited_on == date(2026, 11, 20)
    assert window.unsaved() == 0


def test_one_bad_row_blocks_the_whole_sheet_and_is_marked(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    cell("1")
    enter()  # nothing noted
    cell(str(people[1]))
    cell("12-25")  # after today: last year's 25 Dec is fine …
    keys("9")  # … but 9 is no kind: nothing chosen, still on the kind cell
    grid = window.grid
    assert grid.value(1, DATE) == date(2025, 12, 25)
    grid.setCurrentCell(1, DATE)
    cell("2026-12-25")  # a date after today is refused by the core
    assert window.save() is False
    assert care.visits(people[0]) == []  # nothing saved, not even the good row
    assert "第 2 行" in window.summary.text()
    assert "今天之后" in grid.cell(1, DATE).toolTip()
    assert "数字键" in grid.cell(1, KIND).toolTip()
    assert not grid.cell(0, DATE).toolTip()


def test_unknown_person_is_marked_at_once_and_blocks_saving(
        window: VisitSheet, care: CareBook) -> None:
    cell("999")
    grid = window.grid
    assert "不在册" in grid.cell(0, PERSON).toolTip()
    cell("11-3")
    keys("1")
    assert window.save() is False
    assert "第 1 行" in window.summary.text()


def test_delete_clears_a_row_and_blank_rows_are_ignored(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("1")
    cell("x")
    cell(str(people[1]))
    QTest.keyClick(focused(), Qt.Key.Key_Escape)  # leave the date editor
    QTest.keyClick(focused(), Qt.Key.Key_Delete)
    assert window.grid.blank(1)
    assert window.save() is True
    assert len(care.visits(people[0])) == 1 and care.visits(people[1]) == []


def test_closing_with_unsaved_rows_asks_first(
        window: VisitSheet, no_modal_boxes: list[str], people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("1")
    window.close()
    assert window.isVisible()  # the clerk answered 取消
    assert "没有保存" in no_modal_boxes[0]


def test_group_prefills_its_people_and_untouched_rows_are_skipped(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    window.group.setCurrentIndex(window.group.findText("一组"))
    window.fill_from_group()
    grid = window.grid
    assert [grid.value(r, PERSON) for r in range(2)] == [people[1], people[0]]  # by pinyin
    assert window.unsaved() == 0  # listed people alone are not visits
    grid.setCurrentCell(0, DATE)
    cell("11-3")
    cell("1")
    assert window.save() is True, window.summary.text()
    assert len(care.visits(people[1])) == 1
    assert care.visits(people[0]) == []


def test_helper_prefills_only_their_current_pairings(
        qtbot: QtBot, database: Database, care: CareBook, people: list[int]) -> None:
    # Pairings are made by the helpers issue; here they are written as its tables hold them.

    from carecenter.storage.models import helper, pairing

    now = clock.now()
    with database.transaction() as session:
        result = session.execute(helper.insert().values(
            name="赵帮扶", role="volunteer", created_at=now, updated_at=now))
        helper_id = result.inserted_primary_key[0]
        session.execute(pairing.insert(), [
            {"person_id": people[0], "helper_id": helper_id, "rank": 1,
             "started_on": date(2026, 1, 1), "ended_on": None, "created_at": now},
            {"person_id": people[2], "helper_id": helper_id, "rank": 1,
             "started_on": date(2025, 1, 1), "ended_on": date(2026, 1, 1), "created_at": now},
        ])
    window = VisitSheet(care, rows=2)
    qtbot.addWidget(window)
    assert window.helper.isEnabled()
    window.helper.setCurrentIndex(window.helper.findData(helper_id))
    window.fill_from_helper()
    grid = window.grid
    assert grid.value(0, PERSON) == people[0]
    assert grid.value(1, PERSON) is None  # the ended pairing is not listed
    assert window.visitor.text() == "赵帮扶"
    grid.set_typed(0, DATE, "11-20")
    grid.set_typed(0, KIND, "1")
    assert window.save() is True
    with database.session() as session:
        stored = session.execute(select(visit.c.helper_id, visit.c.visitor)).all()
    assert [tuple(r) for r in stored] == [(helper_id, "赵帮扶")]


def test_without_pairings_the_helper_choice_is_off(window: VisitSheet) -> None:
    assert not window.helper.isEnabled()
    assert window.helper.count() == 1


def tab() -> None:
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    QApplication.processEvents()


def test_tab_reaches_the_need_columns_and_the_need_is_raised(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("1")
    keys("roof")
    tab()  # past 情况 into 需求类别; Enter would have started the next row
    keys("6")
    tab()
    keys("gas leak")
    enter()
    assert window.grid.currentRow() == 1
    assert window.save() is True
    [need] = care.needs(person_id=people[0])
    assert (need.kind, need.description, need.raised_on, need.raised_by) == (
        "safety", "gas leak", date(2026, 11, 3), "王网格员")


def test_a_sheet_without_visitor_is_refused_once_at_the_visitor_box(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    window.visitor.clear()
    cell(str(people[0]))
    cell("11-3")
    cell("1")
    enter()  # nothing to say in 走访情况
    cell(str(people[1]))
    assert window.save() is False
    assert window.summary.text().count("走访人") == 1, window.summary.text()
    assert "第 2 行:请选择走访方式" in window.summary.text()
    assert "请填写走访人" in window.visitor.toolTip()
    assert not window.grid.cell(0, PERSON).toolTip()
    assert care.visits(people[0]) == []


def test_a_twenty_row_sheet_takes_about_seven_keys_a_row(
        qtbot: QtBot, care: CareBook, database: Database) -> None:
    register = Register(database, today=lambda: TODAY)
    given = "一二三四五六七八九十"
    ids = [register.save(elder(f"王{given[i % 10]}{given[i // 10]}",
                               birth=f"1940{1 + i % 12:02d}{1 + i:02d}",
                               sequence=f"{2 * i + 101:03d}")).person_id for i in range(20)]
    window = open_sheet(qtbot, care, 1)
    pressed = 0
    for number, person_id in enumerate(ids):
        date_text = "11-3" if number == 0 else ("1110" if number == 10 else "")
        for text in (str(person_id), date_text):
            keys(text)
            enter()
            pressed += len(text) + 1
        cell("1" if number % 3 else "2")  # 方式: one key, and Enter as in every cell
        enter()  # nothing noted: the next row
        pressed += 3
    assert window.save() is True, window.summary.text()
    assert pressed <= 20 * 7 + 8  # 档案号 (1-2 digits) ⏎, ⏎ (date as above), 1 ⏎, ⏎
    visits = [care.visits(p)[0] for p in ids]
    assert [v.visited_on for v in visits] == [date(2026, 11, 3)] * 10 + [date(2026, 11, 10)] * 10


def test_a_filled_in_visitor_is_not_flagged_when_other_rows_are_wrong(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("9")  # no such kind: this row is wrong
    assert window.visitor.text() == "王网格员"
    QTest.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "第 1 行" in window.summary.text()
    assert "走访人" not in window.summary.text()  # the box beside it is filled in
    assert not window.visitor.toolTip()
    assert care.visits(people[0]) == []


def test_enter_after_a_one_key_kind_goes_to_the_notes_not_the_next_row(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("1")
    grid = window.grid
    assert (grid.currentRow(), grid.currentColumn()) == (0, KIND)  # the choice is shown …
    assert grid.text(0, KIND) == "入户走访"
    enter()  # … and Enter moves on, as in every cell
    assert (grid.currentRow(), grid.currentColumn()) == (0, FOUND)
    ime_type(focused(), "屋顶漏雨")
    enter()
    assert grid.text(0, FOUND) == "屋顶漏雨"
    assert grid.text(1, PERSON) == ""  # nothing landed in the next row's 人员
    assert window.save() is True, window.summary.text()
    assert care.visits(people[0])[0].found == "屋顶漏雨"


def test_typing_on_after_the_kind_key_writes_the_notes(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("2")
    keys("ok")  # no Enter after the key: the letters go to 走访情况, not to 方式
    grid = window.grid
    assert grid.currentColumn() == FOUND
    enter()
    assert (grid.value(0, KIND), grid.text(0, FOUND)) == ("phone", "ok")
    cell(str(people[1]))
    cell("")
    keys("1")
    ime_type(focused(), "身体好")  # Chinese straight after the key, through the IME
    enter()
    assert (grid.value(1, KIND), grid.text(1, FOUND)) == ("home", "身体好")


def test_a_second_key_in_kind_changes_the_choice(
        window: VisitSheet, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    keys("1")
    keys("2")  # the clerk corrects a wrong key before moving on
    assert window.grid.value(0, KIND) == "phone"
    assert window.grid.currentColumn() == KIND


def test_a_stray_digit_left_in_person_picks_nobody(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    cell(str(people[0]))
    cell("11-3")
    cell("1")
    enter()  # the next row's 人员
    grid = window.grid
    assert (grid.currentRow(), grid.currentColumn()) == (1, PERSON)
    keys(str(people[1]))  # a stray key, and then straight to Ctrl+S
    QTest.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert grid.value(1, PERSON) is None
    assert "请按 Enter 确认" in grid.cell(1, PERSON).toolTip()
    assert "第 2 行" in window.summary.text()
    assert care.visits(people[0]) == [] and care.visits(people[1]) == []


def test_a_digit_confirmed_with_enter_picks_the_person(
        window: VisitSheet, people: list[int]) -> None:
    keys(str(people[2]))
    enter()
    assert window.grid.value(0, PERSON) == people[2]
    assert window.grid.text(0, PERSON).startswith("王德明")


def test_a_stray_key_on_a_chosen_person_keeps_them(
        window: VisitSheet, people: list[int]) -> None:
    cell(str(people[0]))
    grid = window.grid
    QTest.keyClick(focused(), Qt.Key.Key_Escape)  # leave the date editor
    grid.setCurrentCell(0, PERSON)
    keys(str(people[1]))  # a digit on the chosen person, then the clerk clicks away
    QTest.keyClick(focused(), Qt.Key.Key_Escape)  # the completer's list closes first
    where = grid.visualRect(grid.model().index(0, FOUND)).center()
    QTest.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=where)
    QApplication.processEvents()
    assert grid.currentColumn() == FOUND
    assert grid.value(0, PERSON) == people[0]
    assert grid.text(0, PERSON).startswith("张桂兰")


def test_the_first_row_starts_with_todays_date_like_the_rows_under_it(
        window: VisitSheet, care: CareBook, people: list[int]) -> None:
    # Row 1: the person, then Enter on the date as on every other row: today is kept
    # (it was empty on the first row, issue 20).
    cell(str(people[0]))
    editor = focused()
    assert window.grid.currentColumn() == DATE
    assert getattr(editor, "text", lambda: "")() == f"{clock.today():%Y-%m-%d}"
    enter()
    cell("1")
    enter()
    cell(str(people[1]))
    enter()  # the row above's date, today
    cell("2")
    enter()
    QTest.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "已保存 2 条" in window.summary.text()
    assert [v.visited_on for p in people[:2] for v in care.visits(p)] == [TODAY, TODAY]
