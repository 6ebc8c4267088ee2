"""The people behind a figure of the overview (not paired, no agreement, not visited in a
month), in the register's columns; Enter or a double click opens a file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.register.columns import CHUNK, COLUMNS, FirstPage, RegisterQuery, Row, exact_first
from ui.register.register_model import RegisterModel

if TYPE_CHECKING:
    from carecenter.register.listing import Listing
    from carecenter.storage.database import Database


class FixedIds:
    """A row source over a list of ids given once (the register's columns and rows)."""

    def __init__(self, listing: Listing, ids: Sequence[int]) -> None:
        self.listing = listing
        self.all = list(ids)

    def ids(self, query: RegisterQuery, offset: int = 0, limit: int | None = None) -> list[int]:
        return self.all[offset:None if limit is None else offset + limit]

    def count(self, query: RegisterQuery) -> int:
        return len(self.all)

    def first(self, query: RegisterQuery, size: int = CHUNK) -> FirstPage:
        return exact_first(self, query, size)

    def rows(self, ids: Sequence[int]) -> dict[int, Row]:
        return self.listing.rows(ids)


class PeopleTable(QTableView):
    def __init__(self, open_row: Callable[[], None]) -> None:
        super().__init__()
        self._open_row = open_row

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_row()
            return
        super().keyPressEvent(event)


def people_ids(database: Database, what: object, on: date) -> list[int]:
    """What the overview asked for: a code, or ("unvisited", month)."""
    from carecenter.overview.village_figures import UNVISITED, people_behind

    if isinstance(what, tuple):
        kind, month = what
        assert kind == UNVISITED
        return people_behind(database, UNVISITED, on, month)
    return people_behind(database, str(what), on)


class PeopleList(QDialog):
    def __init__(self, database: Database, title: str, what: object,
                 open_person: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from carecenter.register.listing import Listing

        self.setWindowTitle(title)
        self.database = database
        self.title = title
        self.what = what
        self.open_person = open_person
        self.listing = Listing(database)
        self.source = FixedIds(self.listing, [])
        self.model = RegisterModel(self.source)
        self.table = PeopleTable(self.open_current)
        self.table.setObjectName("people_list")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for index, column in enumerate(COLUMNS):
            self.table.setColumnWidth(index, column.width)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.count = QLabel()
        self.count.setObjectName("people_count")
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.count, 1)
        from carecenter.overview.printed_lists import pending_register_list
        from ui.widgets.list_output import list_buttons

        for button in list_buttons(self, lambda: pending_register_list(
                self.database, self.ids, self.title), "people"):
            self.buttons.addWidget(button)
        self.buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(self.buttons)
        self.resize(980, 560)
        self.reload()

    def reload(self) -> None:
        self.source.all = people_ids(self.database, self.what, clock.today())
        self.model.reload()
        self.count.setText(f"{self.title}:共 {len(self.source.all)} 人。Enter 或双击打开档案")
        if self.source.all:
            self.table.selectRow(0)
            self.table.setFocus()

    @property
    def ids(self) -> list[int]:
        return list(self.source.all)

    def open_current(self) -> None:
        person_id = self.model.person_id(self.table.currentIndex().row())
        if person_id is None:
            return
        row = self.table.currentIndex().row()
        self.open_person(person_id)
        self.reload()  # the file may have changed what the list holds
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
