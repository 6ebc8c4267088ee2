"""风险评估: the four aspects, the factors, the proposed colour and why.

Factors the file already points to are ticked for the assessor to confirm, each with
the fact behind it. The proposal follows every tick; choosing another colour needs a
written reason, and so does lowering a colour within its three months.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecenter.care.care_book import AssessmentInput, CareBook, review_date
from carecenter.errors import KnownError, ValidationFailed
from carecenter.register.people import Register
from carecenter.rules.risk import (
    ASPECTS,
    COLOUR_HEX,
    COLOUR_LABELS,
    COLOUR_SHORT,
    COLOURS,
    FACTORS,
    LOWERING_REASONS,
    propose,
    suggested_factors,
)
from ui.widgets.colours import colour_icon, colour_text
from ui.widgets.dates import date_edit, to_date
from ui.widgets.field_widgets import confirm_buttons


class AssessmentDialog(QDialog):
    def __init__(self, care: CareBook, register: Register, person_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.care = care
        self.person_id = person_id
        self.saved = False
        file = register.load(person_id)
        today = care.today()
        self.setWindowTitle(f"风险评估 — {file.name}")
        history = care.assessments(person_id)

        head = QLabel()
        if history:
            latest = history[0]
            head.setText(
                f"当前:{colour_text(latest.colour)}(自 {latest.assessed_on:%Y-%m-%d},"
                f"{latest.assessor}评估);至少保持至 {latest.review_on:%Y-%m-%d},届时再次评估"
            )
        else:
            head.setText("尚未评估。勾选存在的风险因素,程序按规定给出建议等级。")
        head.setWordWrap(True)

        hints = suggested_factors(file.values, today)
        previous = set(history[0].factors) if history else set()
        self.boxes: dict[str, QCheckBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        aspects = QGridLayout()
        for index, aspect in enumerate(ASPECTS):
            group = QGroupBox(aspect.label)
            column = QVBoxLayout(group)
            for factor in (f for f in FACTORS if f.aspect == aspect):
                box = QCheckBox(f"{factor.label}({COLOUR_SHORT[factor.colour]})")
                box.setObjectName(f"factor_{factor.code}")
                box.setIcon(colour_icon(factor.colour))
                if factor.code in previous:
                    box.setChecked(True)
                    box.setText(box.text() + " · 上次评估")
                    box.setToolTip("上次评估时存在;请核实现在是否仍然存在")
                elif factor.code in hints:
                    box.setChecked(True)
                    box.setText(box.text() + " · 档案提示")
                    box.setToolTip(f"根据档案:{hints[factor.code]};请核实后保留或取消")
                box.toggled.connect(self._update_proposal)
                self.boxes[factor.code] = box
                column.addWidget(box)
            note = QLineEdit()
            note.setObjectName(f"note_{aspect.code}")
            note.setPlaceholderText("说明(可不填)")
            self.notes[aspect.code] = note
            column.addWidget(note)
            column.addStretch(1)
            aspects.addWidget(group, index // 2, index % 2)

        self.proposal = QLabel()
        self.proposal.setObjectName("proposal")
        self.proposal.setWordWrap(True)
        self.colour = QComboBox()
        self.colour.setObjectName("colour")
        self.colour.addItem("按建议", None)
        for code in COLOURS:
            self.colour.addItem(colour_icon(code), COLOUR_LABELS[code], code)
        self.colour.currentIndexChanged.connect(self._update_proposal)
        # seed 002: lowering within three months needs one of the declared reasons.
        self.lowering = QComboBox()
        self.lowering.setObjectName("lowering")
        self.lowering.addItem("(三个月内调低等级时选择)", None)
        for code, label in LOWERING_REASONS.items():
            self.lowering.addItem(label, code)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("改评其他等级时必须写明理由;三个月内调低等级另选调低理由")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(54)
        self.assessor = QLineEdit(history[0].assessor if history else "")
        self.assessor.setObjectName("assessor")
        self.assessed_on = date_edit(today, today)
        self.assessed_on.setObjectName("assessed_on")
        self.review = QLabel()
        self.assessed_on.dateChanged.connect(self._update_proposal)

        choose = QHBoxLayout()
        choose.addWidget(self.colour)
        choose.addWidget(self.review, 1)
        form = QFormLayout()
        form.addRow("建议等级", self.proposal)
        form.addRow("评定等级", choose)
        form.addRow("理由", self.reason)
        form.addRow("调低理由", self.lowering)
        form.addRow("评估人", self.assessor)
        form.addRow("评估日期", self.assessed_on)

        past = "\n".join(
            f"{a.assessed_on:%Y-%m-%d} {colour_text(a.colour)} {a.assessor}"
            + (f"(改评,理由:{a.reason})" if a.overridden else "")
            for a in history[:5]
        )
        self.errors = QLabel()
        self.errors.setObjectName("errors")
        self.errors.setStyleSheet("color: #c0392b")
        self.errors.setWordWrap(True)
        buttons = confirm_buttons(self, "保存评估", self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(aspects)
        layout.addLayout(form)
        if past:
            history_label = QLabel("评估记录:\n" + past)
            history_label.setStyleSheet("color: #555")
            layout.addWidget(history_label)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self._update_proposal()
        self.resize(720, 0)

    def factors(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def _update_proposal(self) -> None:
        proposal = propose(self.factors())
        hexcode = COLOUR_HEX[proposal.colour]
        self.proposal.setText(f"<span style='color:{hexcode}'>●</span> {proposal.text}")
        chosen = self.colour.currentData() or proposal.colour
        review = review_date(to_date(self.assessed_on.date()))
        differs = chosen != proposal.colour
        self.review.setText(
            ("与建议不同,须写明理由。" if differs else "")
            + f"保持至少三个月,{review:%Y-%m-%d} 再次评估"
        )

    def save(self) -> None:
        entry = AssessmentInput(
            to_date(self.assessed_on.date()), self.assessor.text(), self.factors(),
            self.colour.currentData(), self.reason.toPlainText(),
            {code: edit.text() for code, edit in self.notes.items()},
            self.lowering.currentData(),
        )
        try:
            self.care.assess(self.person_id, entry)
        except ValidationFailed as e:
            self.errors.setText("\n".join(err.message for err in e.errors))
            return
        except KnownError as e:
            self.errors.setText(e.message)
            return
        self.saved = True
        self.accept()
