"""The register as a Qt table model: row ids from SQL, values fetched a page at a time.

Filtering and sorting are done by the core in SQL (``carecenter.register.listing``), never by a
proxy over 100,000 items (STYLE.md, point 5). Ids, too, come a chunk at a time: a
keystroke that matches 60,000 people fetches the first chunk and a count, not 60,000
ids, and the rest follow as the table scrolls to them (bench/: search, start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor

from carecenter.register.columns import CHUNK, COLUMNS, RegisterQuery, Row, RowSource
from ui.widgets.colours import colour_icon, colour_text

# Rows read at a time: a screenful or so. Each row is its own page of an encrypted file
# (decrypted when read): 200 rows cost 35-40 ms of each keystroke that shows new people at
# 100,000 (measured), 50 a quarter of that; scrolling reads the next page as it comes.
PAGE = 50  # CHUNK (ids per query) is a multiple of it: a page never straddles two chunks
MAX_CACHED = 5000
# The roles ``data`` answers.
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.UserRole})
INCOMPLETE = QColor("#b03a2e")
EXITED = QColor("#808080")
NOT_LEFT_BEHIND = QColor("#8a6d3b")

Index = QModelIndex | QPersistentModelIndex


class RegisterModel(QAbstractTableModel):
    def __init__(self, listing: RowSource, query: RegisterQuery | None = None) -> None:
        super().__init__()
        self.listing = listing
        # Called before the query changes; at start-up it opens the database, so that
        # only the first screen is ever asked of carecenter.register.first_screen. False: it could
        # not, and the query stays as it is.
        self.before_change: Callable[[], bool] | None = None
        self.query = query or RegisterQuery()
        self._count = 0
        self._exact = True  # False: at least _count match (a search on a server)
        self._counting = False  # a count of them all is on its way (fetchMore)
        self._chunks: dict[int, list[int]] = {}  # chunk number -> its ids, in order
        self._cache: dict[int, Row] = {}
        # Clearing the search box brings back the whole list: keep it at hand.
        self._unfiltered: dict[RegisterQuery, tuple[int, bool, dict[int, list[int]]]] = {}
        self.reload()

    # -- the query ----------------------------------------------------------------

    def set_query(self, query: RegisterQuery) -> None:
        if query == self.query:
            return
        if self.before_change is not None and not self.before_change():
            return
        self.query = query
        self._load(fresh=False)

    def reload(self) -> None:
        """Read again after a write: nothing remembered is trusted."""
        if self.before_change is not None and not self.before_change():
            return
        self._unfiltered.clear()
        self._load(fresh=True)

    def _load(self, fresh: bool) -> None:
        self.beginResetModel()
        key = replace(self.query, text="")
        if not self.query.text and key in self._unfiltered:
            self._count, self._exact, self._chunks = self._unfiltered[key]
        else:
            first = self.listing.first(self.query, CHUNK)
            self._count, self._exact, self._chunks = first.count, first.exact, {0: first.ids}
            if not self.query.text:
                self._unfiltered[key] = (self._count, self._exact, self._chunks)
        if fresh:
            self._cache.clear()
        self.endResetModel()

    def _chunk(self, number: int) -> list[int]:
        chunk = self._chunks.get(number)
        if chunk is None:
            chunk = self._chunks[number] = self.listing.ids(self.query, number * CHUNK, CHUNK)
        return chunk

    @property
    def exact(self) -> bool:
        """False while the count is a lower bound: ``rowCount`` people and more match."""
        return self._exact

    def count_all(self) -> None:
        """Count every match of a search counted only so far (the table scrolled to its
        end, or every id asked for); the rows past the first count are added."""
        if self._exact:
            return
        count = self.listing.count(self.query)
        self._exact = True
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exact

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        # Counted once the view has finished what it is doing: a view asks for more from
        # inside its own handling of a reset, where rows must not be added yet.
        if not parent.isValid() and not self._exact and not self._counting:
            self._counting = True
            QTimer.singleShot(0, self, self._count_later)

    def _count_later(self) -> None:
        self._counting = False
        self.count_all()

    @property
    def ids(self) -> list[int]:
        """Every id that matches, in order (fetches whatever is not loaded yet)."""
        self.count_all()
        return [i for n in range((self._count + CHUNK - 1) // CHUNK) for i in self._chunk(n)]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or not COLUMNS[column].sortable:
            return
        self.set_query(replace(self.query, sort_key=COLUMNS[column].key,
                               descending=order == Qt.SortOrder.DescendingOrder))

    def person_id(self, row: int) -> int | None:
        if not 0 <= row < self._count:
            return None
        chunk = self._chunk(row // CHUNK)
        return chunk[row % CHUNK] if row % CHUNK < len(chunk) else None

    def row_of(self, person_id: int) -> int | None:
        for number, chunk in self._chunks.items():
            if person_id in chunk:
                return number * CHUNK + chunk.index(person_id)
        try:
            return self.ids.index(person_id)
        except ValueError:
            return None

    def _row(self, row: int) -> Row | None:
        person_id = self.person_id(row)
        if person_id is None:
            return None
        cached = self._cache.get(person_id)
        if cached is None:
            if len(self._cache) > MAX_CACHED:
                self._cache.clear()
            start = row % CHUNK - row % PAGE
            self._cache.update(self.listing.rows(self._chunk(row // CHUNK)[start:start + PAGE]))
            cached = self._cache.get(person_id)
        return cached

    # -- Qt's model interface --------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A repaint asks each visible cell for a dozen roles; most are answered here
        # without looking the row up (a keystroke repaints some 1,200 times).
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < self._count:
            return None
        row = self._row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()].key
        if key == "colour":
            if role == Qt.ItemDataRole.DisplayRole:
                return colour_text(row.colour)
            if role == Qt.ItemDataRole.DecorationRole:
                return colour_icon(row.colour)
        # Without an ID number, a blank sex or age is a fact still to be filled in.
        to_fill = key in ("sex", "age") and row.incomplete and row.value(key) in (None, "")
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.value(key)
            return "待补充" if to_fill else "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and key == "verdict":
            return row.verdict_reason
        if role == Qt.ItemDataRole.ToolTipRole and to_fill:
            return "没有身份证号," + ("性别" if key == "sex" else "出生日期") + "待补充"
        if role == Qt.ItemDataRole.ForegroundRole:
            if (key == "id_number" and row.incomplete) or to_fill:
                return QBrush(INCOMPLETE)
            if key == "verdict" and row.verdict != "留守":
                return QBrush(NOT_LEFT_BEHIND)
            if row.status != "在册":
                return QBrush(EXITED)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("age", "sex", "verdict"):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section].label
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None
