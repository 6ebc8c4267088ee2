"""操作员管理 (administrators only): add an operator, change a role, stop or restart
one, set a forgotten password, make a new recovery code. Nobody is deleted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecenter.access.operators import OperatorBook
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.rules.roles import ROLE_SCOPE, ROLES, VIEWER
from carecenter.storage.database import Database
from ui.access.login import RecoveryCodeDialog
from ui.widgets.error_form import ErrorForm
from ui.widgets.field_widgets import confirm_buttons


class AddOperatorDialog(QDialog):
    def __init__(self, book: OperatorBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.setWindowTitle("添加操作员")
        self.form = ErrorForm()
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for code, label in ROLES.items():
            self.role.addItem(f"{label}:{ROLE_SCOPE[code]}", code)
        self.role.setCurrentIndex(self.role.findData(VIEWER))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("name", "姓名", self.name)
        self.form.add("role", "角色", self.role)
        self.form.add("password", "初始密码(至少 6 位)", self.password)
        self.form.add("again", "再输一遍", self.again)
        buttons = confirm_buttons(self, "添加", self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.form.general)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            if self.password.text() != self.again.text():
                raise ValidationFailed([FieldError("again", "两次输入的密码不一样")])
            self.book.add(self.name.text(), self.password.text(), self.role.currentData())
        except KnownError as e:
            self.form.show_error(e)
            return
        self.accept()


class OperatorsWindow(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("操作员管理")
        self.resize(640, 380)
        self.book = OperatorBook(database)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("operators")
        self.table.setHorizontalHeaderLabels(["姓名", "角色", "状态"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.role = QComboBox()
        self.role.setObjectName("set_role")
        for code, label in ROLES.items():
            self.role.addItem(label, code)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, name, slot in (("添加…", "add", self.add),
                                 ("改为所选角色", "change_role", self.change_role),
                                 ("停用/启用", "toggle", self.toggle),
                                 ("重设密码…", "reset", self.reset),
                                 ("更换恢复码…", "new_code", self.new_code)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            if name == "add":
                buttons.addWidget(self.role)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.load()

    def load(self) -> None:
        self.rows = self.book.list()
        self.table.setRowCount(len(self.rows))
        for row, info in enumerate(self.rows):
            for column, text in enumerate((info.name, info.role_label,
                                           "在用" if info.active else "停用")):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def _current(self) -> int | None:
        row = self.table.currentRow()
        if row < 0:
            self.message.setText("请先在表中选一位操作员")
            return None
        return self.rows[row].id

    def _do(self, action: object, done: str) -> None:
        try:
            assert callable(action)
            action()
        except KnownError as e:
            self.message.setText(e.message)
            return
        self.message.setText(done)
        self.load()

    def add(self) -> None:
        if AddOperatorDialog(self.book, self).exec():
            self.message.setText("已添加。")
            self.load()

    def change_role(self) -> None:
        chosen = self._current()
        if chosen is not None:
            self._do(lambda: self.book.set_role(chosen, self.role.currentData()),
                     f"已改为{self.role.currentText()}。")

    def toggle(self) -> None:
        chosen = self._current()
        if chosen is not None:
            active = self.book.get(chosen).active
            self._do(lambda: self.book.set_active(chosen, not active),
                     "已停用。" if active else "已启用。")

    def reset(self) -> None:
        chosen = self._current()
        if chosen is None:
            return
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self, "重设密码", "新密码(至少 6 位):",
                                        QLineEdit.EchoMode.Password)
        if ok:
            self._do(lambda: self.book.reset_password(chosen, text), "密码已重设。")

    def new_code(self) -> None:
        answer = QMessageBox.question(self, "更换恢复码",
                                      "更换后,原来打印的恢复码就不能用了。确定更换吗?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            code = self.book.new_recovery_code()
        except KnownError as e:
            self.message.setText(e.message)
            return
        RecoveryCodeDialog(code, self, self.book.database).exec()
