"""更正 and 作废 from a person's file: a visit, a need, an assessment's notes.

Each dialog shows what was recorded, ready to change; saving goes through
``carecenter.care.corrections`` (one transaction, the history says old → new) with the
record as the dialog opened it: when another operator saved the same record meanwhile,
the save is refused with 已被他人修改, the fields the clerk left alone take up what the
other saved, the clerk's own input stays, and the next save compares with the record
as it is now. Taking a record back asks for the reason and keeps the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecenter.care.care_book import (
    NEED_KINDS,
    RECORD_KINDS,
    VISIT_KINDS,
    AssessmentRecord,
    NeedRecord,
    VisitRecord,
)
from carecenter.care.corrections import (
    ChangedSinceOpened,
    Corrections,
    NeedChange,
    VisitChange,
)
from carecenter.errors import KnownError, NotFound, ValidationFailed
from carecenter.rules.risk import ASPECTS
from ui.widgets.dates import date_edit, to_date
from ui.widgets.enter_keys import enter_saves
from ui.widgets.field_widgets import confirm_buttons

STALE_TITLE = "已被他人修改"


@dataclass
class _Field:
    """One input of a correction: its label, how to read it and how to fill it."""

    label: str
    read: Callable[[], Any]
    fill: Callable[[Any], None]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return (a or "").strip() == (b or "").strip()
    return bool(a == b)


def _combo(choices: dict[str, str], current: str) -> QComboBox:
    combo = QComboBox()
    for code, label in choices.items():
        combo.addItem(label, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _choose(combo: QComboBox, code: str) -> None:
    if combo.findData(code) < 0:
        combo.addItem(RECORD_KINDS.get(code) or NEED_KINDS.get(code, code), code)
    combo.setCurrentIndex(combo.findData(code))


def _fill_date(edit: QDateEdit, value: date) -> None:
    edit.setDate(QDate(value.year, value.month, value.day))


def _text_box(text: str) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setFixedHeight(64)
    return box


class CorrectionDialog(QDialog):
    """A form, an error line and 保存更正 / 取消; ``write`` does the correction with
    ``seen``, the record as the clerk saw it (as it is now, after a refusal)."""

    def __init__(self, title: str, seen: Any, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.seen = seen
        self.fields: dict[str, _Field] = {}
        self.refreshed = False  # another's save was found: the file's lists are stale
        self.form = QFormLayout()
        self.errors = QLabel()
        self.errors.setObjectName("errors")
        self.errors.setStyleSheet("color: #c0392b")
        self.errors.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("改正后保存;原来的内容记入“变更记录”。"))
        layout.addLayout(self.form)
        layout.addWidget(self.errors)
        layout.addWidget(confirm_buttons(self, "保存更正(Enter)", self.save))
        self.resize(480, 0)
        self.write: Callable[[], object] = lambda: None

    def add(self, name: str, label: str, widget: QWidget, read: Callable[[], Any],
            fill: Callable[[Any], None]) -> None:
        self.form.addRow(label, widget)
        self.fields[name] = _Field(label, read, fill)

    @staticmethod
    def values(record: Any) -> dict[str, Any]:
        """The record's value of each field (``fields``' names)."""
        raise NotImplementedError

    def save(self) -> None:
        self.errors.clear()
        try:
            self.write()
        except ChangedSinceOpened as e:
            self.errors.setText(e.message)
            self.take_up(e)
            return
        except ValidationFailed as e:
            self.errors.setText("\n".join(err.message for err in e.errors))
            return
        except KnownError as e:
            self.errors.setText(e.message)
            self.refreshed = self.refreshed or isinstance(e, NotFound)
            return
        self.accept()

    def take_up(self, refusal: ChangedSinceOpened) -> None:
        """What another saved meanwhile: into the fields the clerk left alone; the
        fields both changed keep the clerk's input. Told in a box; the next save
        compares with the record as it is now."""
        before, now = self.values(self.seen), self.values(refusal.current)
        taken, kept = [], []
        for name, entry in self.fields.items():
            if _same(before[name], now[name]):
                continue
            if _same(entry.read(), before[name]):
                entry.fill(now[name])
                taken.append(entry.label)
            else:
                kept.append(entry.label)
        self.seen = refusal.current
        self.refreshed = True
        lines = [refusal.message, ""]
        if taken:
            lines.append(f"您没有改动的{'、'.join(taken)}已换成别人保存的内容。")
        if kept:
            lines.append(f"{'、'.join(kept)}您和别人都改了:窗口中保留的是您填写的。")
        lines.append("您填写的内容都还在窗口中;核对后再按“保存更正”保存,或按“取消”放弃。")
        QMessageBox.warning(self, STALE_TITLE, "\n".join(lines))


class VisitCorrection(CorrectionDialog):
    def __init__(self, fixes: Corrections, record: VisitRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__("更正走访记录", record, parent)
        today = fixes.today()
        self.visited_on = date_edit(record.visited_on, today)
        self.visited_on.setObjectName("visited_on")
        # A child's 监护人联系交流 (or any record kind) stays what it was unless changed.
        self.kind = _combo({**VISIT_KINDS, record.kind: record.kind_label}, record.kind)
        self.kind.setObjectName("kind")
        self.visitor = QLineEdit(record.visitor)
        self.visitor.setObjectName("visitor")
        self.found = _text_box(record.found)
        self.found.setObjectName("found")
        enter_saves(self.found, self.save)
        self.add("visited_on", "走访日期", self.visited_on,
                 lambda: to_date(self.visited_on.date()),
                 lambda v: _fill_date(self.visited_on, v))
        self.add("kind", "走访方式", self.kind, self.kind.currentData,
                 lambda v: _choose(self.kind, v))
        self.add("visitor", "走访人", self.visitor, self.visitor.text, self.visitor.setText)
        self.add("found", "走访情况", self.found, self.found.toPlainText,
                 self.found.setPlainText)
        self.write = lambda: fixes.edit_visit(record.id, VisitChange(
            to_date(self.visited_on.date()), self.kind.currentData(), self.visitor.text(),
            self.found.toPlainText()), seen=self.seen)
        self.visitor.setFocus()

    @staticmethod
    def values(record: Any) -> dict[str, Any]:
        return {"visited_on": record.visited_on, "kind": record.kind,
                "visitor": record.visitor, "found": record.found}


class NeedCorrection(CorrectionDialog):
    def __init__(self, fixes: Corrections, record: NeedRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__("更正需求", record, parent)
        self.kind = _combo(NEED_KINDS, record.kind)
        self.kind.setObjectName("need_kind")
        self.description = QLineEdit(record.description)
        self.description.setObjectName("description")
        self.handling = _text_box(record.handling)
        self.handling.setObjectName("handling")
        enter_saves(self.handling, self.save)
        self.add("kind", "需求类别", self.kind, self.kind.currentData,
                 lambda v: _choose(self.kind, v))
        self.add("description", "需求说明", self.description, self.description.text,
                 self.description.setText)
        self.add("handling", "办理情况", self.handling, self.handling.toPlainText,
                 self.handling.setPlainText)
        self.write = lambda: fixes.edit_need(record.id, NeedChange(
            self.kind.currentData(), self.description.text(), self.handling.toPlainText()),
            seen=self.seen)
        self.description.setFocus()

    @staticmethod
    def values(record: Any) -> dict[str, Any]:
        return {"kind": record.kind, "description": record.description,
                "handling": record.handling}


class NotesCorrection(CorrectionDialog):
    """What was written under each aspect; the colour itself is changed by a new
    assessment."""

    def __init__(self, fixes: Corrections, record: AssessmentRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"更正评估记录({record.assessed_on:%Y-%m-%d})", record, parent)
        self.notes: dict[str, QPlainTextEdit] = {}
        for aspect in ASPECTS:
            box = _text_box(record.notes.get(aspect.code, ""))
            box.setObjectName(f"note_{aspect.code}")
            enter_saves(box, self.save)
            self.notes[aspect.code] = box
            self.add(aspect.code, aspect.label, box, box.toPlainText, box.setPlainText)
        self.form.addRow(QLabel("风险等级和风险因素不在此更正:请重新评估(Ctrl+E)。"))
        self.write = lambda: fixes.edit_assessment_notes(
            record.id, {code: box.toPlainText() for code, box in self.notes.items()},
            seen=self.seen)
        self.notes[ASPECTS[0].code].setFocus()

    @staticmethod
    def values(record: Any) -> dict[str, Any]:
        return {a.code: record.notes.get(a.code, "") for a in ASPECTS}


def take_back(parent: QWidget, what: str, remove: Callable[[str], object],
              refresh: Callable[[], None] | None = None, shown: str = "") -> bool:
    """Ask for the reason, then take the record back; False if the clerk stopped or the
    record was changed or taken back meanwhile by someone else (then ``refresh`` shows
    it as it is now, for the clerk to look at before deciding again). ``shown``: the
    record as its list shows it, named in the question so a slip of the mouse is seen."""
    record = f"\n{shown if len(shown) <= 60 else shown[:59] + '…'}" if shown else ""
    while True:
        reason, ok = QInputDialog.getText(
            parent, f"作废{what}",
            f"作废这条{what}?{record}\n\n{what}和原因会记入“变更记录”。\n作废原因:")
        if not ok:
            return False
        try:
            remove(reason)
        except ValidationFailed as e:
            QMessageBox.warning(parent, f"作废{what}", e.errors[0].message)
            continue
        except ChangedSinceOpened as e:
            if refresh is not None:
                refresh()
            QMessageBox.warning(parent, STALE_TITLE, e.message + "\n\n列表已刷新,请看过现在的"
                                "内容后再决定是否作废。")
            return False
        except KnownError as e:
            if refresh is not None and isinstance(e, NotFound):
                refresh()
            QMessageBox.warning(parent, f"作废{what}", e.message)
            return False
        return True
