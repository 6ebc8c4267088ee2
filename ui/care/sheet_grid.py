"""The visit sheet's grid (录入走访记录表): its cells, the keys that move and confirm, the
person completer, the marks of bad cells. ``visit_sheet.VisitSheet`` is the window."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QInputMethodEvent,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCompleter,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from carecenter.care import visit_grid as sheet
from carecenter.care.care_book import NEED_KINDS, VISIT_KINDS

PERSON, DATE, KIND, FOUND, NEED_KIND, NEED = range(6)
HEADERS = ("人员", "日期", "方式", "走访情况", "需求类别", "需求内容")
WIDTHS = (190, 100, 150, 300, 90)
KIND_KEYS = dict(zip("12345678", VISIT_KINDS, strict=True))
NEED_KEYS = dict(zip("12345678", NEED_KINDS, strict=False))
# The core names a field; the grid shows it in this column.
FIELD_COLUMN = {"person": PERSON, "visited_on": DATE, "kind": KIND, "found": FOUND,
                "need_kind": NEED_KIND, "need": NEED}

VALUE = Qt.ItemDataRole.UserRole  # person id, date, kind code, need kind code
PREFILLED = Qt.ItemDataRole.UserRole + 1  # filled by the program, not typed: blank row
ERROR = Qt.ItemDataRole.UserRole + 2  # what is wrong with what was typed
REFUSED = Qt.ItemDataRole.UserRole + 3  # why the last save refused this cell
CONFIRMED = "confirmed"  # an editor's property: left with Enter, Tab or a choice in the list
RED = QColor("#f8d0cc")
GREY = QColor("#888888")

Index = QModelIndex | QPersistentModelIndex


def sheet_legend() -> str:
    kinds = "  ".join(f"{key} {VISIT_KINDS[code]}" for key, code in KIND_KEYS.items())
    needs = "  ".join(f"{key} {NEED_KINDS[code]}" for key, code in NEED_KEYS.items())
    return (f"方式:{kinds}\n需求:{needs}\n"
            "方式、需求按数字键选,Enter 下一格(走访情况之后换行)· Tab 进入需求列 · "
            "Delete 清空一行 · Ctrl+S 保存全部")


class SheetDelegate(QStyledItemDelegate):
    """Line editors for every typed column; the person column completes names."""

    def __init__(self, grid: SheetGrid) -> None:
        super().__init__(grid)
        self.grid = grid

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() == PERSON:
            self._complete_people(editor)
        return editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and Tab confirm what is in the cell (a person is picked only then)."""
        if isinstance(watched, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab,
                               Qt.Key.Key_Backtab):
                watched.setProperty(CONFIRMED, True)
        return super().eventFilter(watched, event)

    def _complete_people(self, editor: QLineEdit) -> None:
        """A popup of the people matching what is typed (档案号, name, pinyin initials, ID
        number); its first line is preselected, so Enter takes it and moves on."""
        model = QStringListModel(editor)
        completer = QCompleter(model, editor)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        completer.setWidget(editor)

        def refresh(text: str) -> None:
            found = self.grid.finder.search(text)
            model.setStringList([p.label for p in found])
            popup = completer.popup()
            assert popup is not None
            if found:
                completer.complete()
                popup.setCurrentIndex(model.index(0, 0))
            else:
                popup.hide()

        def chosen(label: str) -> None:
            editor.setText(label)
            editor.setProperty(CONFIRMED, True)
            QTimer.singleShot(0, lambda: self._finish(editor))

        editor.textEdited.connect(refresh)
        completer.activated.connect(chosen)
        # Enter with the popup open reaches the editor past the delegate's filter.
        editor.returnPressed.connect(lambda: editor.setProperty(CONFIRMED, True))
        editor.returnPressed.connect(lambda: QTimer.singleShot(0, lambda: self._finish(editor)))

    def _finish(self, editor: QLineEdit) -> None:
        if editor.isVisible():
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if index.column() == DATE and not text:
            text = f"{self.grid.date_above(index.row()):%Y-%m-%d}"
        editor.setText(text)
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        self.grid.set_typed(index.row(), index.column(), editor.text(),
                            confirmed=bool(editor.property(CONFIRMED)))


class SheetGrid(QTableWidget):
    """The grid: cells hold what was typed (display) and what it means (VALUE)."""

    def __init__(self, finder: sheet.PersonFinder, today: date) -> None:
        super().__init__(0, len(HEADERS))
        self.finder = finder
        self.today = today
        self.setHorizontalHeaderLabels(HEADERS)
        for column, width in enumerate(WIDTHS):
            self.setColumnWidth(column, width)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(28)
        self.setItemDelegate(SheetDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setTabKeyNavigation(True)
        self.dirty = False

    # -- cells --------------------------------------------------------------------

    def cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.setItem(row, column, item)
        return item

    def value(self, row: int, column: int) -> Any:
        item = self.item(row, column)
        return None if item is None else item.data(VALUE)

    def text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return "" if item is None else (item.text() or "").strip()

    def mark(self, row: int, column: int, message: str | None, role: int = ERROR) -> None:
        """Mark a cell red with the reason as its tooltip (None: clear that mark)."""
        item = self.cell(row, column)
        item.setData(role, message)
        shown = item.data(ERROR) or item.data(REFUSED)
        item.setToolTip(shown or "")
        item.setBackground(QBrush(RED) if shown else QBrush())

    def add_row(self) -> int:
        row = self.rowCount()
        self.insertRow(row)
        return row

    def clear_row(self, row: int) -> None:
        for column in range(self.columnCount()):
            self.setItem(row, column, QTableWidgetItem())

    def put(self, row: int, column: int, text: str, value: Any,
            prefilled: bool = False) -> None:
        item = self.cell(row, column)
        item.setText(text)
        item.setData(VALUE, value)
        item.setData(PREFILLED, prefilled)

    def previous_date(self, row: int) -> date | None:
        for above in range(row - 1, -1, -1):
            value = self.value(above, DATE)
            if isinstance(value, date):
                return value
        return None

    def set_typed(self, row: int, column: int, text: str, confirmed: bool = True) -> None:
        """What the clerk typed into a cell: read it, show it, mark it if it is wrong.

        ``confirmed``: left with Enter, Tab or a choice in the list, not by a click
        elsewhere or Ctrl+S while typing; only then do digits alone pick a person.
        """
        text = text.strip()
        self.dirty = True
        message = None
        if column == PERSON and text.isdigit() and not confirmed:
            # A stray digit (a 方式 key typed one cell too early) must not pick someone,
            # nor replace the person already chosen.
            if self.value(row, column) is not None:
                return
            self.put(row, column, text, None)
            message = f"档案号 {text}:请按 Enter 确认,或从列表中选择人员"
        elif column == PERSON:
            try:
                pick = self.finder.find(text) if text else None
            except ValueError as e:
                self.put(row, column, text, None)
                message = str(e)
            else:
                same = pick is not None and pick.id == self.value(row, column)
                self.put(row, column, pick.label if pick else "", pick.id if pick else None,
                         prefilled=same and bool(self.cell(row, column).data(PREFILLED)))
            if text:
                self.default_date(row)
        elif column == DATE:
            try:
                on = sheet.parse_sheet_date(text, self.today, self.previous_date(row)) \
                    if text else None
            except ValueError as e:
                self.put(row, column, text, None)
                message = str(e)
            else:
                self.put(row, column, f"{on:%Y-%m-%d}" if on else "", on)
        elif column in (KIND, NEED_KIND):
            keys = KIND_KEYS if column == KIND else NEED_KEYS
            labels = VISIT_KINDS if column == KIND else NEED_KINDS
            code = keys.get(text) or next((c for c, lab in labels.items() if text and
                                           lab.startswith(text)), None)
            if text and code is None:
                self.put(row, column, text, None)
                message = f"请按数字键选择:{'、'.join(f'{k} {labels[c]}' for k, c in keys.items())}"
            else:
                self.put(row, column, labels[code] if code else "", code)
            if code and column == KIND:
                self.default_date(row)
        else:
            self.put(row, column, text, text)
        self.mark(row, column, None, REFUSED)
        self.mark(row, column, message)
        self.shade(row)

    def shade(self, row: int) -> None:
        """A listed person whose row is still empty shows grey: not a visit yet."""
        item = self.item(row, PERSON)
        if item is not None and item.data(PREFILLED):
            item.setForeground(QBrush(GREY) if self.blank(row) else QBrush())

    def date_above(self, row: int) -> date:
        """The date a row starts with: the row above's, as a sheet's ditto mark does;
        the first row's is today (issue 20: it had none while the others had one)."""
        return self.previous_date(row) or self.today

    def default_date(self, row: int) -> None:
        """A row without a date takes the row above's (the first row, today's)."""
        if self.value(row, DATE) is None and not self.text(row, DATE):
            on = self.date_above(row)
            self.put(row, DATE, f"{on:%Y-%m-%d}", on)

    def blank(self, row: int) -> bool:
        """Nothing typed by the clerk: a pre-filled person alone is not a visit."""
        for column in range(self.columnCount()):
            item = self.item(row, column)
            if item is None or not (item.text() or "").strip():
                continue
            if column == PERSON and item.data(PREFILLED):
                continue
            if column == DATE and self.blank_apart_from_date(row):
                continue
            return False
        return True

    def blank_apart_from_date(self, row: int) -> bool:
        return all(not self.text(row, c) or (c == PERSON and self.cell(row, c).data(PREFILLED))
                   for c in (PERSON, KIND, FOUND, NEED_KIND, NEED))

    # -- keys ---------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        editing = self.state() == QAbstractItemView.State.EditingState
        if index.isValid() and not editing:
            row, column = index.row(), index.column()
            key, text = event.key(), event.text()
            if column in (KIND, NEED_KIND) and text in (KIND_KEYS if column == KIND
                                                        else NEED_KEYS):
                # One key chooses; the cell keeps the cursor, so the Enter the clerk
                # presses after it moves on as in every other cell (issue 20).
                self.set_typed(row, column, text)
                return
            if column in (KIND, NEED_KIND) and text.isprintable() and text.strip() \
                    and self.value(row, column):
                # The choice made, the clerk types on: that is 走访情况 (需求内容).
                self.type_into(row, column + 1, event)
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_row(row)
                self.dirty = True
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.advance(row, column)
                return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """Chinese typed on a chosen 方式 (需求类别) goes on into the next cell."""
        index = self.currentIndex()
        editing = self.state() == QAbstractItemView.State.EditingState
        if index.isValid() and not editing and index.column() in (KIND, NEED_KIND) \
                and event.commitString() and self.value(index.row(), index.column()):
            self.type_into(index.row(), index.column() + 1, event)
            return
        super().inputMethodEvent(event)

    def type_into(self, row: int, column: int, event: QEvent) -> None:
        """Start editing this cell with what was typed."""
        self.go(row, column)
        editor = self.indexWidget(self.currentIndex())
        if isinstance(editor, QLineEdit):
            editor.clear()
            if isinstance(event, QKeyEvent):
                editor.insert(event.text())
            elif isinstance(event, QInputMethodEvent):
                editor.insert(event.commitString())

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            # Enter in a cell: like Tab, then straight into editing the next one.
            index = self.currentIndex()
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.advance(index.row(), index.column())
            return
        if hint == QAbstractItemDelegate.EndEditHint.EditNextItem:
            index = self.currentIndex()
            if index.row() == self.rowCount() - 1 and index.column() == self.columnCount() - 1:
                super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.go(self.add_row(), PERSON)
                return
        super().closeEditor(editor, hint)

    def advance(self, row: int, column: int) -> None:
        """Enter: the next cell; after 情况 with no need, or after the last cell, the next row."""
        last = column == self.columnCount() - 1 or (column == FOUND and not self.text(row,
                                                                                      NEED_KIND))
        if last:
            if row == self.rowCount() - 1:
                self.add_row()
            # A listed person is already there: start at the date.
            self.go(row + 1, DATE if self.value(row + 1, PERSON) else PERSON)
        else:
            self.go(row, column + 1)

    def go(self, row: int, column: int) -> None:
        if row >= self.rowCount():
            self.add_row()
        self.setCurrentCell(row, column)
        if column not in (KIND, NEED_KIND):
            self.edit(self.currentIndex())
