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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecenter.care.care_book import CareBook
from carecenter.register.people import Register
from carecenter.rules.risk import COLOUR_HEX, COLOUR_MEANING
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
        for keys, slot in (("Ctrl+R", self.record_visit), ("Ctrl+E", self.assess)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        buttons = QHBoxLayout()
        buttons.addWidget(visit)
        buttons.addWidget(assess)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("走访记录(最近在上)"))
        layout.addWidget(self.visits, 1)
        layout.addWidget(QLabel("待办需求"))
        layout.addWidget(self.needs)
        self.reload()

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
        for v in self.care.visits(self.person_id, limit=200):
            found = f":{v.found}" if v.found else ""
            self.visits.addItem(f"{v.visited_on:%Y-%m-%d}  {v.kind_label}  {v.visitor}{found}")
        self.needs.clear()
        for n in self.care.needs(open_only=True, person_id=self.person_id):
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
