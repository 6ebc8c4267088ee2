"""The 委托协议 tab of a person's file: the agreement as a record (issue 6).

Shows the current agreement (受托人, term, the dates it was printed, signed and filed)
and what is wrong with it (running out, supporters changed); draws up a new one from
the file and the village's template, registers the signing and the filing with their
dates, ends one (after a confirmation), and prints it. Every change goes through
``carecenter.documents.agreement_book.Agreements``, one transaction each.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecenter.documents.agreement_book import Agreement, Agreements, Terms
from carecenter.errors import KnownError
from carecenter.register.people import PersonFile
from carecenter.storage.database import Database
from ui.widgets.error_form import ErrorForm
from ui.widgets.field_widgets import ERROR_STYLE, confirm_buttons


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _date_edit(day: date, name: str, latest: date | None = None) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(_qdate(latest))
    return edit


def describe(a: Agreement, rich: bool = True) -> str:
    """The agreement as the clerk reads it: lines of rich text, or one plain line."""
    relation = f"({a.trustee_relation})" if a.trustee_relation else ""
    phone = f",电话 {a.trustee_phone}" if a.trustee_phone else ""
    term = (f"{a.starts_on:%Y-%m-%d} 至 {a.ends_on:%Y-%m-%d}" if a.ends_on
            else f"{a.starts_on:%Y-%m-%d} 起,至赡养人返乡")
    dates = [f"起草 {a.drawn_on:%Y-%m-%d}"]
    for label, day in (("打印", a.printed_on), ("签订", a.signed_on), ("备案", a.filed_on),
                       ("终止", a.ended_on)):
        if day is not None:
            dates.append(f"{label} {day:%Y-%m-%d}")
    supporters = "、".join(a.supporter_names) or "(未登记)"
    parts = [f"受托人:{a.trustee_name}{relation}{phone}", f"委托人:{supporters}",
             f"期限:{term}", ";".join(dates)]
    if rich:
        return f"<b>{a.state_label}</b>  " + "<br>".join(parts)
    return f"{a.state_label}  " + ";".join(parts)


class DrawUpDialog(QDialog):
    """起草协议: the 受托人 and the term; the rest comes from the file and the template."""

    def __init__(self, book: Agreements, file: PersonFile, suggestions: list[tuple[str, str, str]],
                 previous: Agreement | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.file = file
        self.agreement_id: int | None = None
        self.setWindowTitle(f"起草委托照顾协议:{file.name}")
        today = book.today()
        self.suggestions = suggestions
        self.trustee = QComboBox()
        self.trustee.setObjectName("trustee_name")
        self.trustee.setEditable(True)
        line = self.trustee.lineEdit()
        if line is not None:
            line.setPlaceholderText("受托照顾老人的亲属、邻居或其他人")
        self.trustee.addItem("")
        for name, relation, phone in suggestions:
            hint = "、".join(x for x in (relation, phone) if x)
            self.trustee.addItem(f"{name}({hint})" if hint else name, name)
        self.trustee.activated.connect(self._picked)
        self.relation = QLineEdit()
        self.relation.setObjectName("trustee_relation")
        self.relation.setPlaceholderText("如:侄子、邻居")
        self.phone = QLineEdit()
        self.phone.setObjectName("trustee_phone")
        self.id_number = QLineEdit()
        self.id_number.setObjectName("trustee_id_number")
        self.id_number.setPlaceholderText("可不填")
        self.starts = _date_edit(today, "starts_on")
        self.open_ended = QCheckBox("至赡养人返乡为止(不定期限)")
        self.open_ended.setObjectName("open_ended")
        self.ends = _date_edit(date(today.year + 1, today.month, min(today.day, 28)), "ends_on")
        self.open_ended.toggled.connect(lambda on: self.ends.setEnabled(not on))
        if previous is not None:  # a re-draw starts from the last agreement
            self.trustee.setEditText(previous.trustee_name)
            self.relation.setText(previous.trustee_relation)
            self.phone.setText(previous.trustee_phone)
            self.id_number.setText(previous.trustee_id_number)
            if previous.ends_on is None:
                self.open_ended.setChecked(True)
        self.form = ErrorForm()
        self.form.add("trustee_name", "受托人", self.trustee)
        self.form.add("trustee_relation", "与老人关系", self.relation)
        self.form.add("trustee_phone", "受托人电话", self.phone)
        self.form.add("trustee_id_number", "受托人身份证号", self.id_number)
        self.form.add("starts_on", "开始日期", self.starts)
        self.form.add("ends_on", "终止日期", self.ends)
        self.form.addRow("", self.open_ended)
        explain = QLabel("委托人(赡养人)、老人的情况和协议条款从档案和本村的协议模板中填入。"
                         + ("原协议将被新协议取代(原协议保留在历史中)。" if previous else ""))
        explain.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(self.form)
        layout.addWidget(self.form.general)
        layout.addWidget(confirm_buttons(self, "起草", self.confirm))
        self.trustee.setFocus()

    def _picked(self, index: int) -> None:
        if 1 <= index <= len(self.suggestions):
            name, relation, phone = self.suggestions[index - 1]
            self.trustee.setEditText(name)
            self.relation.setText(relation)
            self.phone.setText(phone)

    def terms(self) -> Terms:
        text = self.trustee.currentText().strip()
        index = self.trustee.currentIndex()
        if index >= 1 and text == self.trustee.itemText(index):
            text = str(self.trustee.itemData(index))  # the name, not "name(relation)"
        return Terms(text, self.relation.text(), self.phone.text(), self.id_number.text(),
                     _pydate(self.starts.date()),
                     None if self.open_ended.isChecked() else _pydate(self.ends.date()))

    def confirm(self) -> None:
        try:
            self.agreement_id = self.book.draw_up(self.file.id, self.terms())
        except KnownError as e:
            self.form.show_error(e)
            return
        self.accept()


class DateDialog(QDialog):
    """One date, for 签订 / 备案 / 终止, never after today."""

    def __init__(self, title: str, label: str, today: date, action: Callable[[date], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        self.date = _date_edit(today, "date", latest=today)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(label))
        row.addWidget(self.date, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(confirm_buttons(self, "确定", self.confirm))

    def confirm(self) -> None:
        try:
            self.action(_pydate(self.date.date()))
        except KnownError as e:
            self.error.setText(e.message)
            return
        self.accept()


class AgreementPanel(QWidget):
    def __init__(self, database: Database, file: PersonFile, today: Callable[[], date],
                 suggestions: Callable[[], list[tuple[str, str, str]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = Agreements(database, today=today)
        self.database = database
        self.file = file
        self.today = today
        self.suggestions = suggestions
        self.on_change: list[Callable[[], None]] = []
        self.writable = True  # False for a 查看 operator: printing only
        self.current: Agreement | None = None
        self.summary = QLabel()
        self.summary.setObjectName("agreement_summary")
        self.summary.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("agreement_warnings")
        self.warnings.setStyleSheet(ERROR_STYLE)
        self.warnings.setWordWrap(True)
        self.history = QListWidget()
        self.history.setObjectName("agreement_history")
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)
        self.draw = QPushButton("起草协议…")
        self.draw.setObjectName("draw_up")
        self.draw.clicked.connect(self.draw_up)
        self.sign = QPushButton("登记签订…")
        self.sign.setObjectName("mark_signed")
        self.sign.clicked.connect(lambda: self._date_action(
            "登记签订", "签订日期", self.book.mark_signed))
        self.file_it = QPushButton("登记备案…")
        self.file_it.setObjectName("mark_filed")
        self.file_it.clicked.connect(lambda: self._date_action(
            "登记备案", "备案日期", self.book.mark_filed))
        self.end_it = QPushButton("终止协议…")
        self.end_it.setObjectName("end_agreement")
        self.end_it.clicked.connect(self.end)
        self.print_it = QPushButton("打印协议…")
        self.print_it.setObjectName("print_agreement")
        self.print_it.clicked.connect(self.print_agreement)
        buttons = QHBoxLayout()
        for button in (self.draw, self.sign, self.file_it, self.end_it, self.print_it):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("协议记录(最近在上)"))
        layout.addWidget(self.history, 1)
        self.reload()

    def reload(self) -> None:
        self.current = self.book.current(self.file.id)
        a = self.current
        if a is None:
            self.summary.setText("<b>未起草</b>:还没有委托照顾协议。按“起草协议”填写受托人和期限,"
                                 "打印后由各方签字,再登记签订和备案。")
            self.warnings.clear()
        else:
            self.summary.setText(describe(a))
            self.warnings.setText("\n".join(
                w.message for w in self.book.warnings(self.file.id)))
        self.draw.setText("重新起草…" if a is not None else "起草协议…")
        self.draw.setEnabled(self.writable)
        self.end_it.setEnabled(self.writable and a is not None)
        self.sign.setEnabled(self.writable and a is not None and a.signed_on is None)
        self.file_it.setEnabled(self.writable and a is not None and a.filed_on is None)
        self.history.clear()
        for old in reversed(self.book.history(self.file.id)):
            self.history.addItem(describe(old, rich=False))

    def set_writable(self, writable: bool) -> None:
        self.writable = writable
        self.reload()

    def _changed(self) -> None:
        self.reload()
        for callback in self.on_change:
            callback()

    def draw_up(self) -> None:
        dialog = DrawUpDialog(self.book, self.file, self.suggestions(), self.current, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def _date_action(self, title: str, label: str,
                     mark: Callable[[int, date | None], None]) -> None:
        if self.current is None:
            return
        agreement_id = self.current.id
        dialog = DateDialog(f"{title}:{self.file.name}", label, self.today(),
                            lambda on: mark(agreement_id, on), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def end(self) -> None:
        if self.current is None:
            return
        answer = QMessageBox.question(
            self, "终止协议",
            f"终止{self.file.name}与{self.current.trustee_name}的委托照顾协议?\n"
            "协议记录会保留;终止后此人不再计入协议覆盖,需要时重新起草。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        agreement_id = self.current.id
        dialog = DateDialog(f"终止协议:{self.file.name}", "终止日期", self.today(),
                            lambda on: self.book.end(agreement_id, on), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def print_agreement(self) -> None:
        from ui.documents.print_dialog import PrintDialog

        dialog = PrintDialog(self.database, self.file.id, parent=self, today=self.today,
                             document="agreement")
        dialog.exec()
        self._changed()  # printing marks it printed
