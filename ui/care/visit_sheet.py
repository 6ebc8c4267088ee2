"""Entering a paper visit sheet (走访记录表) back in one keyboard-driven grid.

    VisitSheet(care)            # care: carecenter.care.care_book.CareBook; .show() or .exec()

One row per visit: 人员 (姓名 / 档案号 / 身份证号, with a completer), 日期 (11-3, 1103,
2026-11-03; empty takes the row above), 方式 (one key 1-5), 情况, and optionally a need
(one key 1-8, then its text). Every cell is typed and left the same way: Enter or Tab
moves on (a one-key choice stays on its cell until then, so the Enter a clerk presses
after it never skips 走访情况); Enter on the last cell (or on 情况, when the row raises no
need) starts the next row; Delete clears a row. A person is picked only when the clerk
confirms the cell (Enter, Tab, a click in the list): a stray digit left in 人员 picks nobody.
Ctrl+S saves the whole sheet in one transaction: all rows or none, bad cells marked red.
"""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import (
    QCloseEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecenter.care import visit_grid as sheet
from carecenter.care.care_book import CareBook, NeedInput, VisitInput
from carecenter.errors import KnownError, ValidationFailed
from carecenter.register.groups import GroupBook
from ui.care.sheet_grid import (  # noqa: F401 (the grid's columns, named here too)
    DATE,
    ERROR,
    FIELD_COLUMN,
    FOUND,
    KIND,
    NEED,
    NEED_KIND,
    PERSON,
    REFUSED,
    SheetGrid,
    sheet_legend,
)
from ui.widgets.screen_fit import fit_resize


class VisitSheet(QDialog):
    """A whole paper visit sheet, saved in one call to ``CareBook.record_visits``."""

    def __init__(self, care: CareBook, parent: QWidget | None = None, rows: int = 20) -> None:
        super().__init__(parent)
        self.care = care
        self.database = care.database
        self.setWindowTitle("录入走访记录表")
        self.saved = 0
        self.helper_id: int | None = None
        finder = sheet.PersonFinder(sheet.active_people(self.database))

        self.visitor = QLineEdit(care.last_visitor())
        self.visitor.setObjectName("visitor")
        self.visitor.setPlaceholderText("走访人姓名")
        completer = QCompleter(sheet.visitors(self.database), self.visitor)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.visitor.setCompleter(completer)
        self.helper = QComboBox()
        self.helper.setObjectName("helper")
        self.helper.addItem("(不按帮扶人)", None)
        for helper_id, name in sheet.helpers(self.database):
            self.helper.addItem(name, helper_id)
        self.helper.setEnabled(self.helper.count() > 1)
        if self.helper.count() == 1:
            self.helper.setToolTip("还没有结对的帮扶人")
        self.group = QComboBox()
        self.group.setObjectName("group")
        self.group.addItem("(不按村民小组)", None)
        for info in GroupBook(self.database).list(include_inactive=False):
            if info.active:
                self.group.addItem(info.name, info.id)
        self.helper.activated.connect(lambda _i: self.fill_from_helper())
        self.group.activated.connect(lambda _i: self.fill_from_group())

        self.grid = SheetGrid(finder, care.today())
        self.grid.setObjectName("sheet")
        for _ in range(rows):
            self.grid.add_row()
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #c0392b")
        legend = QLabel(sheet_legend())
        legend.setStyleSheet("color: #555")
        save = QPushButton("保存全部 (Ctrl+S)")
        save.setObjectName("save")
        save.setAutoDefault(False)
        save.clicked.connect(self.save)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)

        top = QHBoxLayout()
        top.addWidget(QLabel("走访人"))
        top.addWidget(self.visitor, 2)
        top.addWidget(QLabel("帮扶人"))
        top.addWidget(self.helper, 1)
        top.addWidget(QLabel("村民小组"))
        top.addWidget(self.group, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(save)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(legend)
        layout.addWidget(self.grid, 1)
        layout.addLayout(bottom)
        fit_resize(self, 1080, 720)
        self.grid.setCurrentCell(0, PERSON)
        self.grid.setFocus()

    # -- pre-filling ----------------------------------------------------------------

    def fill_from_helper(self) -> None:
        helper_id = self.helper.currentData()
        self.helper_id = helper_id
        if helper_id is None:
            return
        name = self.helper.currentText()
        if not self.visitor.text().strip() or self.visitor.text() != name:
            self.visitor.setText(name)
        self.prefill(sheet.helper_people(self.database, helper_id))

    def fill_from_group(self) -> None:
        group_id = self.group.currentData()
        if group_id is not None:
            self.prefill(sheet.group_people(self.database, group_id))

    def prefill(self, picks: list[sheet.Pick]) -> None:
        """List these people in the grid (after the rows already typed), one per row."""
        grid = self.grid
        kept = [r for r in range(grid.rowCount()) if not grid.blank(r)]
        present = {grid.value(r, PERSON) for r in kept}
        rows = [[grid.takeItem(r, c) for c in range(grid.columnCount())] for r in kept]
        grid.setRowCount(0)
        for items in rows:
            row = grid.add_row()
            for column, item in enumerate(items):
                if item is not None:
                    grid.setItem(row, column, item)
        for pick in picks:
            if pick.id not in present:
                row = grid.add_row()
                grid.put(row, PERSON, pick.label, pick.id, prefilled=True)
                grid.shade(row)
        grid.add_row()
        grid.setCurrentCell(len(rows), DATE if picks else PERSON)
        grid.setFocus()
        self.summary.setText(f"已列出 {len(picks)} 人;没走访的行留空即可,保存时略过。")

    # -- saving ----------------------------------------------------------------------

    def filled_rows(self) -> list[int]:
        return [r for r in range(self.grid.rowCount()) if not self.grid.blank(r)]

    def entries(self) -> tuple[list[int], list[VisitInput]]:
        grid = self.grid
        rows = self.filled_rows()
        entries = []
        for row in rows:
            needs = []
            if grid.text(row, NEED_KIND) or grid.text(row, NEED):
                needs.append(NeedInput(grid.value(row, NEED_KIND) or "", grid.text(row, NEED)))
            entries.append(VisitInput(
                person_id=grid.value(row, PERSON) or 0,
                visited_on=grid.value(row, DATE),
                kind=grid.value(row, KIND) or "",
                visitor=self.visitor.text(),
                found=grid.text(row, FOUND),
                helper_id=self.helper_id,
                needs=needs,
            ))
        return rows, entries

    def save(self) -> bool:
        """Save every filled row at once; on refusal mark the bad cells and save nothing."""
        grid = self.grid
        editor = grid.indexWidget(grid.currentIndex())
        if editor is not None:  # Ctrl+S while typing in a cell: that cell counts too
            grid.commitData(editor)
            grid.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        rows, entries = self.entries()
        for row in range(grid.rowCount()):
            for column in range(grid.columnCount()):
                item = grid.item(row, column)
                if item is not None and item.data(REFUSED):
                    grid.mark(row, column, None, REFUSED)
        problems = []
        for row in rows:
            if grid.value(row, PERSON) is None:
                if not grid.text(row, PERSON):
                    grid.mark(row, PERSON, "请填写人员", REFUSED)
                item = grid.cell(row, PERSON)
                problems.append(f"第 {row + 1} 行:{item.data(ERROR) or item.data(REFUSED)}")
            problems += [f"第 {row + 1} 行:{grid.cell(row, c).data(ERROR)}"
                         for c in (DATE, KIND, NEED_KIND) if grid.cell(row, c).data(ERROR)]
        if not rows:
            self.summary.setText("表中还没有填写走访记录。")
            return False
        self.visitor.setStyleSheet("")
        self.visitor.setToolTip("")
        if problems:
            # Let the core check the other cells too, so the clerk sees every fault at
            # once; the extra row it must refuse makes sure nothing is written.
            # With the sheet's own visitor, so the box is not flagged when it is filled.
            entries = entries + [VisitInput(0, None, "", self.visitor.text())]
        try:
            ids = self.care.record_visits(entries)
        except ValidationFailed as e:
            messages = list(problems)
            for error in e.errors:
                if error.field == "visitor":  # one box for the whole sheet
                    reason = error.message.split(":", 1)[-1]
                    self.visitor.setStyleSheet("background: #f8d0cc")
                    self.visitor.setToolTip(reason)
                    messages.append(reason)
                    continue
                if not error.row or error.row > len(rows):
                    continue
                grid_row = rows[error.row - 1]
                target = FIELD_COLUMN.get(error.field, PERSON)
                if grid.cell(grid_row, target).data(ERROR) or \
                        grid.cell(grid_row, target).data(REFUSED):
                    continue  # the cell already says what is wrong with it
                message = error.message.replace(f"第 {error.row} 行:",
                                                f"第 {grid_row + 1} 行:", 1)
                grid.mark(grid_row, target, message, REFUSED)
                messages.append(message)
            return self.refused(list(dict.fromkeys(messages)))
        except KnownError as e:
            return self.refused([*problems, e.message])
        self.visitor.setStyleSheet("")
        self.visitor.setToolTip("")
        self.saved += len(ids)
        grid.setRowCount(0)
        grid.add_row()
        grid.setCurrentCell(0, PERSON)
        grid.dirty = False
        self.summary.setStyleSheet("color: #2e7d32")
        self.summary.setText(f"已保存 {len(ids)} 条走访记录。可以接着录下一张表。")
        return True

    def refused(self, problems: list[str]) -> bool:
        self.summary.setStyleSheet("color: #c0392b")
        shown = "\n".join(problems[:6])
        more = f"\n……共 {len(problems)} 处" if len(problems) > 6 else ""
        self.summary.setText(f"未保存,请改正标红的格子(鼠标停在格子上可看原因):\n{shown}{more}")
        return False

    # -- closing ---------------------------------------------------------------------

    def unsaved(self) -> int:
        return len(self.filled_rows())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_discard():
            event.accept()
        else:
            event.ignore()

    def reject(self) -> None:
        if self.confirm_discard():
            super().reject()

    def confirm_discard(self) -> bool:
        count = self.unsaved()
        if not count:
            return True
        answer = QMessageBox.question(
            self, "还有未保存的行",
            f"表中还有 {count} 行没有保存,关闭后这些内容会丢失。确定关闭吗?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.grid.setRowCount(0)
            return True
        return False
