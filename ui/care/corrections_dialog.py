"""更正 and 作废 from a person's file: a visit, a need, an assessment's notes.

Each dialog shows what was recorded, ready to change; saving goes through
``carecenter.care.corrections`` (one transaction, the history says old → new). Taking a
record back asks for the reason and keeps the record.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
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
    VISIT_KINDS,
    AssessmentRecord,
    NeedRecord,
    VisitRecord,
)
from carecenter.care.corrections import Corrections, NeedChange, VisitChange
from carecenter.errors import KnownError, ValidationFailed
from carecenter.rules.risk import ASPECTS
from ui.widgets.dates import date_edit, to_date
from ui.widgets.enter_keys import enter_saves
from ui.widgets.field_widgets import confirm_buttons


def _combo(choices: dict[str, str], current: str) -> QComboBox:
    combo = QComboBox()
    for code, label in choices.items():
        combo.addItem(label, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _text_box(text: str) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setFixedHeight(64)
    return box


class CorrectionDialog(QDialog):
    """A form, an error line and 保存更正 / 取消; ``write`` does the correction."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
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

    def save(self) -> None:
        try:
            self.write()
        except ValidationFailed as e:
            self.errors.setText("\n".join(err.message for err in e.errors))
            return
        except KnownError as e:
            self.errors.setText(e.message)
            return
        self.accept()


class VisitCorrection(CorrectionDialog):
    def __init__(self, fixes: Corrections, record: VisitRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__("更正走访记录", parent)
        today = fixes.today()
        self.visited_on = date_edit(record.visited_on, today)
        self.visited_on.setObjectName("visited_on")
        self.kind = _combo(VISIT_KINDS, record.kind)
        self.kind.setObjectName("kind")
        self.visitor = QLineEdit(record.visitor)
        self.visitor.setObjectName("visitor")
        self.found = _text_box(record.found)
        self.found.setObjectName("found")
        enter_saves(self.found, self.save)
        for label, widget in (("走访日期", self.visited_on), ("走访方式", self.kind),
                              ("走访人", self.visitor), ("走访情况", self.found)):
            self.form.addRow(label, widget)
        self.write = lambda: fixes.edit_visit(record.id, VisitChange(
            to_date(self.visited_on.date()), self.kind.currentData(), self.visitor.text(),
            self.found.toPlainText()))
        self.visitor.setFocus()


class NeedCorrection(CorrectionDialog):
    def __init__(self, fixes: Corrections, record: NeedRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__("更正需求", parent)
        self.kind = _combo(NEED_KINDS, record.kind)
        self.kind.setObjectName("need_kind")
        self.description = QLineEdit(record.description)
        self.description.setObjectName("description")
        self.handling = _text_box(record.handling)
        self.handling.setObjectName("handling")
        enter_saves(self.handling, self.save)
        for label, widget in (("需求类别", self.kind), ("需求说明", self.description),
                              ("办理情况", self.handling)):
            self.form.addRow(label, widget)
        self.write = lambda: fixes.edit_need(record.id, NeedChange(
            self.kind.currentData(), self.description.text(), self.handling.toPlainText()))
        self.description.setFocus()


class NotesCorrection(CorrectionDialog):
    """What was written under each aspect; the colour itself is changed by a new
    assessment."""

    def __init__(self, fixes: Corrections, record: AssessmentRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"更正评估记录({record.assessed_on:%Y-%m-%d})", parent)
        self.notes: dict[str, QPlainTextEdit] = {}
        for aspect in ASPECTS:
            box = _text_box(record.notes.get(aspect.code, ""))
            box.setObjectName(f"note_{aspect.code}")
            enter_saves(box, self.save)
            self.notes[aspect.code] = box
            self.form.addRow(aspect.label, box)
        self.form.addRow(QLabel("风险等级和风险因素不在此更正:请重新评估(Ctrl+E)。"))
        self.write = lambda: fixes.edit_assessment_notes(
            record.id, {code: box.toPlainText() for code, box in self.notes.items()})
        self.notes[ASPECTS[0].code].setFocus()


def take_back(parent: QWidget, what: str, remove: Callable[[str], object]) -> bool:
    """Ask for the reason, then take the record back; False if the clerk stopped."""
    while True:
        reason, ok = QInputDialog.getText(
            parent, f"作废{what}", f"作废这条{what}?\n{what}和原因会记入“变更记录”。\n作废原因:")
        if not ok:
            return False
        try:
            remove(reason)
        except ValidationFailed as e:
            QMessageBox.warning(parent, f"作废{what}", e.errors[0].message)
            continue
        except KnownError as e:
            QMessageBox.warning(parent, f"作废{what}", e.message)
            return False
        return True
