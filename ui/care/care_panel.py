"""The care side of a person's file: colour, visits and needs, and the two actions.

Shown as a tab of the file (一人一档): the colour with its date and re-assessment date,
the latest visits, open needs; 记录走访 (Ctrl+R) and 风险评估 (Ctrl+E) from here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecenter.care.care_book import CareBook, NeedRecord, VisitRecord
from carecenter.care.corrections import Corrections
from carecenter.register.people import Register
from carecenter.rules.risk import COLOUR_HEX, COLOUR_MEANING
from ui.care.corrections_dialog import (
    CorrectionDialog,
    NeedCorrection,
    NotesCorrection,
    VisitCorrection,
    take_back,
)
from ui.widgets.colours import colour_text


class CarePanel(QWidget):
    def __init__(self, care: CareBook, register: Register, person_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.care = care
        self.register = register
        self.person_id = person_id
        self.name = name
        self.on_change: list[Callable[[], None]] = []
        self.touched = False  # something was recorded from this panel
        self.summary = QLabel()
        self.summary.setObjectName("care_summary")
        self.summary.setWordWrap(True)
        self.visits = QListWidget()
        self.visits.setObjectName("care_visits")
        self.needs = QListWidget()
        self.needs.setObjectName("care_needs")
        self.needs.setMaximumHeight(110)
        visit = QPushButton("记录走访(Ctrl+R)")
        visit.setObjectName("record_visit")
        visit.clicked.connect(self.record_visit)
        assess = QPushButton("风险评估(Ctrl+E)")
        assess.setObjectName("assess")
        assess.clicked.connect(self.assess)
        self._shortcuts = []
        for keys, slot in (("Ctrl+R", self.record_visit), ("Ctrl+E", self.assess)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)
        buttons = QHBoxLayout()
        buttons.addWidget(visit)
        buttons.addWidget(assess)
        buttons.addStretch(1)
        buttons.addWidget(self._button("更正评估记录…", "fix_notes", self.fix_notes))
        visit_fixes = QHBoxLayout()
        visit_fixes.addWidget(QLabel("走访记录(最近在上)"))
        visit_fixes.addStretch(1)
        visit_fixes.addWidget(self._button("更正走访…", "fix_visit", self.fix_visit))
        visit_fixes.addWidget(self._button("作废走访…", "remove_visit", self.remove_visit))
        need_fixes = QHBoxLayout()
        need_fixes.addWidget(QLabel("待办需求"))
        need_fixes.addStretch(1)
        need_fixes.addWidget(self._button("更正需求…", "fix_need", self.fix_need))
        need_fixes.addWidget(self._button("作废需求…", "remove_need", self.remove_need))
        self.visits.itemDoubleClicked.connect(lambda _item: self.fix_visit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addLayout(visit_fixes)
        layout.addWidget(self.visits, 1)
        layout.addLayout(need_fixes)
        layout.addWidget(self.needs)
        self.reload()

    def set_writable(self, writable: bool) -> None:
        """A 查看 operator reads the visits and needs; recording and correcting is grey."""
        for button in self.findChildren(QPushButton):
            button.setEnabled(writable)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(writable)

    def headline(self) -> str:
        """The colour line for the file's header, as rich text."""
        history = self.care.assessments(self.person_id)
        if not history:
            return "<span style='color:#999'>○</span> 风险等级:未评估"
        latest = history[0]
        return (f"<span style='color:{COLOUR_HEX[latest.colour]}'>●</span> 风险等级:"
                f"{colour_text(latest.colour)}({COLOUR_MEANING[latest.colour]}),"
                f"{latest.assessed_on:%Y-%m-%d} 评定,{latest.review_on:%Y-%m-%d} 再次评估")

    def reload(self) -> None:
        self.summary.setText(self.headline())
        self.visits.clear()
        self.visit_records = self.care.visits(self.person_id, limit=200)
        for v in self.visit_records:
            found = f":{v.found}" if v.found else ""
            self.visits.addItem(f"{v.visited_on:%Y-%m-%d}  {v.kind_label}  {v.visitor}{found}")
        self.needs.clear()
        self.need_records = self.care.needs(open_only=True, person_id=self.person_id)
        for n in self.need_records:
            handling = f"(办理:{n.handling})" if n.handling else ""
            self.needs.addItem(f"{n.raised_on:%Y-%m-%d}  {n.kind_label}:{n.description}"
                               f"{handling}")

    def changed(self) -> None:
        self.touched = True
        self.reload()
        for callback in self.on_change:
            callback()

    def record_visit(self) -> None:
        from ui.care.visit_dialog import VisitDialog

        dialog = VisitDialog(self.care, self.person_id, self.name, self)
        if dialog.exec():
            self.changed()
        dialog.deleteLater()

    def assess(self) -> None:
        from ui.care.assessment_dialog import AssessmentDialog

        dialog = AssessmentDialog(self.care, self.register, self.person_id, self)
        if dialog.exec():
            self.changed()
        dialog.deleteLater()

    # -- corrections (更正 / 作废) --------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _fixes(self) -> Corrections:
        return Corrections(self.care.database, self.care.today)

    def _chosen_visit(self) -> VisitRecord | None:
        row = self.visits.currentRow()
        if 0 <= row < len(self.visit_records):
            return self.visit_records[row]
        QMessageBox.information(self, "走访记录", "请先在走访记录中选中要更正的一条")
        return None

    def _chosen_need(self) -> NeedRecord | None:
        row = self.needs.currentRow()
        if 0 <= row < len(self.need_records):
            return self.need_records[row]
        QMessageBox.information(self, "待办需求", "请先在待办需求中选中一条")
        return None

    @staticmethod
    def _shown(records: QListWidget) -> str:
        item = records.currentItem()
        return item.text() if item is not None else ""

    def _run(self, dialog: CorrectionDialog) -> None:
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.changed()
        elif dialog.refreshed:  # someone else's save was found: show it
            self.reload()

    def fix_visit(self) -> None:
        record = self._chosen_visit()
        if record is not None:
            self._run(VisitCorrection(self._fixes(), record, self))

    def remove_visit(self) -> None:
        record = self._chosen_visit()
        if record is not None and take_back(
                self, "走访记录",
                lambda reason: self._fixes().remove_visit(record.id, reason, seen=record),
                self.reload, self._shown(self.visits)):
            self.changed()

    def fix_need(self) -> None:
        record = self._chosen_need()
        if record is not None:
            self._run(NeedCorrection(self._fixes(), record, self))

    def remove_need(self) -> None:
        record = self._chosen_need()
        if record is not None and take_back(
                self, "需求",
                lambda reason: self._fixes().remove_need(record.id, reason, seen=record),
                self.reload, self._shown(self.needs)):
            self.changed()

    def fix_notes(self) -> None:
        history = self.care.assessments(self.person_id)
        if not history:
            QMessageBox.information(self, "评估记录", "此人尚未评估")
            return
        self._run(NotesCorrection(self._fixes(), history[0], self))
