"""Recording one visit (走访, the care card's 打卡) in a few seconds.

Opened from the work list (Enter on a row) or the register (Ctrl+R). Everything has a
default — today, 入户走访, the person's helper (else the last visitor) — so a routine
visit is Enter, Enter.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecenter.care.care_book import NEED_KINDS, CareBook, NeedInput, VisitInput
from carecenter.errors import KnownError, ValidationFailed
from ui.widgets.dates import date_edit, to_date
from ui.widgets.enter_keys import enter_saves
from ui.widgets.field_widgets import confirm_buttons
from ui.widgets.screen_fit import fit_resize


class VisitDialog(QDialog):
    def __init__(self, care: CareBook, person_id: int, person_name: str,
                 parent: QWidget | None = None, kind: str = "home",
                 round_id: int | None = None, note: str = "") -> None:
        super().__init__(parent)
        self.care = care
        self.person_id = person_id
        self.round_id = round_id
        self.saved_id: int | None = None
        self.setWindowTitle(f"记录走访 — {person_name}")
        today = care.today()

        self.visited_on = date_edit(today, today)
        self.visited_on.setObjectName("visited_on")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for code, label in care.record_kinds(person_id).items():
            self.kind.addItem(label, code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        # The person's own helper (帮扶人) visits them: theirs is the default; else whoever
        # entered the last visit (issue 20).
        self.helper = self._paired_helper()
        self.visitor = QLineEdit(self.helper[1] if self.helper else care.last_visitor())
        self.visitor.setObjectName("visitor")
        self.visitor.setPlaceholderText("走访人姓名,如 王网格员")
        self.found = QPlainTextEdit()
        self.found.setObjectName("found")
        self.found.setPlaceholderText("看到的情况:身体、生活、安全、情绪……")
        self.found.setTabChangesFocus(True)
        self.found.setFixedHeight(70)
        self.need_kind = QComboBox()
        self.need_kind.setObjectName("need_kind")
        self.need_kind.addItem("(无新需求)", None)
        for code, label in NEED_KINDS.items():
            self.need_kind.addItem(label, code)
        self.need_text = QLineEdit()
        self.need_text.setObjectName("need_text")
        self.need_text.setPlaceholderText("提出的需求,如:屋顶漏雨需修缮")
        need_row = QHBoxLayout()
        need_row.addWidget(self.need_kind)
        need_row.addWidget(self.need_text, 1)

        recent = care.visits(person_id, limit=3)
        history = ";".join(f"{v.visited_on:%m-%d} {v.kind_label}({v.visitor})" for v in recent)
        form = QFormLayout()
        if note:
            form.addRow(QLabel(note))
        form.addRow("走访日期", self.visited_on)
        form.addRow("走访方式", self.kind)
        form.addRow("走访人", self.visitor)
        form.addRow("走访情况", self.found)
        form.addRow("提出需求", need_row)
        self.errors = QLabel()
        self.errors.setObjectName("errors")
        self.errors.setStyleSheet("color: #c0392b")
        self.errors.setWordWrap(True)
        buttons = confirm_buttons(self, "保存(Enter)", self.save)
        enter_saves(self.found, self.save)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"最近走访:{history or '尚无记录'}"))
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        fit_resize(self, 460, 0)
        # The rest has its default: what the clerk types first is what was seen (Shift+Tab
        # goes back to the visitor, the way and the day); the visitor first if nobody is known.
        (self.found if self.visitor.text() else self.visitor).setFocus()

    def _paired_helper(self) -> tuple[int, str] | None:
        """The person's current helper (the primary one first): id and name."""
        from carecenter.pairing.pairs import PairingBook

        current = PairingBook(self.care.database).current(self.person_id)
        return (current[0].helper_id, current[0].helper_name) if current else None

    def entry(self) -> VisitInput:
        needs = []
        if self.need_kind.currentData() is not None or self.need_text.text().strip():
            needs.append(NeedInput(self.need_kind.currentData() or "", self.need_text.text()))
        return VisitInput(
            self.person_id, to_date(self.visited_on.date()), self.kind.currentData(),
            self.visitor.text(), self.found.toPlainText(), round_id=self.round_id,
            needs=needs,
            # Their helper's visit counts to that helper's duties by id, not by the name.
            helper_id=self.helper[0] if self.helper and self.visitor.text().strip()
            == self.helper[1] else None,
        )

    def save(self) -> None:
        try:
            self.saved_id = self.care.record_visit(self.entry())
        except ValidationFailed as e:
            self.errors.setText("\n".join(err.message for err in e.errors))
            boxes = {"visited_on": self.visited_on, "kind": self.kind,
                     "visitor": self.visitor, "found": self.found}
            first = next((boxes[f] for f in (getattr(err, "field", "") for err in e.errors)
                          if f in boxes), None)
            if first is not None:  # the keys go where the fix is
                first.setFocus()
            return
        except KnownError as e:
            self.errors.setText(e.message)
            return
        self.accept()
