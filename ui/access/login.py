"""Signing in: the first administrator, the login, the recovery code, one's own password.

``SignInPage`` is what the main window shows while nobody is signed in (at start and
when locked): on a register with no operator it makes the administrator and shows the
recovery code once; otherwise a name and a password, and 忘记密码 for the recovery code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QPageSize, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.errors import FieldError, KnownError, ValidationFailed
from ui.widgets.error_form import ErrorForm
from ui.widgets.field_widgets import confirm_buttons

if TYPE_CHECKING:
    from pathlib import Path

    from carecenter.rules.roles import Operator
    from carecenter.storage.database import Database


class Door:
    """An encrypted register before sign-in (issue 18): the operators its key file
    names, and its key once a password (or the recovery code) has unwrapped it. The
    register opens only then."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.key: bytes | None = None

    @property
    def shut(self) -> bool:
        return self.key is None

    def names(self) -> list[str]:
        from carecenter.storage import key_file

        found = key_file.read(self.path)
        return found.names() if found is not None else []

    def unlock(self, name: str, password: str) -> None:
        from carecenter.access import register_keys

        self.key = register_keys.unlock(self.path, name, password)

    def unlock_with_code(self, code: str) -> None:
        from carecenter.access import register_keys

        self.key = register_keys.unlock_with_code(self.path, code)


def _password() -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    return box


def _same(first: QLineEdit, again: QLineEdit, field: str) -> None:
    if first.text() != again.text():
        raise ValidationFailed([FieldError(field, "两次输入的密码不一样")])


class RecoveryCodeDialog(QDialog):
    """The recovery code, shown this once: to be printed (or written down) and kept.

    ``database``: the register it opens, named on the printed page (打印… / 存为 PDF…)."""

    def __init__(self, code: str, parent: QWidget | None = None,
                 database: Database | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.database = database
        self.setWindowTitle("恢复码(只显示这一次)")
        layout = QVBoxLayout(self)
        words = QLabel(
            "忘记管理员密码时,凭这个恢复码可以重设密码。它只显示这一次,程序里不保存原文。\n"
            "请打印出来(或抄在纸上),和公章一样锁好保管;不要存在这台电脑上。")
        words.setWordWrap(True)
        # Each sentence on its line, not broken mid-word in a narrow box.
        words.setMinimumWidth(38 * words.fontMetrics().horizontalAdvance("码"))
        layout.addWidget(words)
        shown = QLabel(code)
        shown.setObjectName("recovery_code")
        font = QFont("monospace")
        font.setPointSize(20)
        font.setBold(True)
        shown.setFont(font)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(shown)
        row = QHBoxLayout()
        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("print_code")
        self.print_button.setToolTip("打印一页 A4:恢复码、登记册、日期和保管办法")
        self.print_button.clicked.connect(self.print_code)
        self.save_button = QPushButton("存为 PDF…")
        self.save_button.setObjectName("save_code")
        self.save_button.setToolTip("没有打印机时:存到 U 盘,到有打印机的电脑上打印后删除")
        self.save_button.clicked.connect(self.save_code)
        copy = QPushButton("复制")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(code))
        for button in (self.print_button, self.save_button, copy):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.said = QLabel()
        self.said.setObjectName("said")
        self.said.setWordWrap(True)
        layout.addWidget(self.said)
        self.kept = QCheckBox("我已打印或抄下,并会妥善保管恢复码")
        self.kept.setObjectName("kept")
        layout.addWidget(self.kept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("完成")
        self.ok.setEnabled(False)
        self.kept.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.print_button.setFocus()

    def pdf(self) -> bytes:
        """The page: the code, the register, today's date, where to keep it."""
        from carecenter.documents.recovery_sheet import RecoverySheet, recovery_pdf, sheet_for

        sheet = (sheet_for(self.database) if self.database is not None
                 else RecoverySheet("留守关爱登记册", "", "", clock.today()))
        made = recovery_pdf(self.code, sheet)
        assert made is not None
        return made

    def print_code(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from ui.widgets import pdf_pages

        try:
            made = self.pdf()
        except KnownError as e:
            self.said.setText(e.message)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印恢复码")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if pdf_pages.print_pdf(made, printer):
            self.said.setText("已送打印机。请取回打印的一页,和公章一样锁好。")

    def save_code(self) -> None:
        from ui.widgets.save_place import ask_save_path

        path = ask_save_path(self, "存为 PDF(请存到 U 盘)", "恢复码.pdf", "PDF 文件 (*.pdf)",
                             ".pdf")
        if not path:
            return
        try:
            made = self.pdf()
            with open(path, "wb") as f:
                f.write(made)
        except KnownError as e:
            self.said.setText(e.message)
            return
        except OSError as e:
            self.said.setText(f"无法写入 {path}:{e.strerror or e}")
            return
        self.said.setText(f"已存为 {path}。打印后请删除这个文件,不要留在电脑或 U 盘上。")

    def reject(self) -> None:
        if self.kept.isChecked():  # Esc before ticking would lose the code unseen
            super().reject()


class SignInPage(QWidget):
    """The page over the data while nobody is signed in. ``on_signed_in`` is called
    with the operator once the database says the password is right."""

    def __init__(self, database: Callable[[], Database | None],
                 on_signed_in: Callable[[Operator], None],
                 show_code: Callable[[str], None] | None = None,
                 door: Door | None = None) -> None:
        super().__init__()
        self.setObjectName("sign_in")
        self._database = database
        self.door = door
        self._on_signed_in = on_signed_in
        self._show_code = show_code or (
            lambda code: RecoveryCodeDialog(code, self, self._database()).exec())
        self.title = QLabel("留守关爱 — 请登录")
        self.title.setObjectName("sign_in_title")
        big = self.title.font()
        big.setPointSize(big.pointSize() + 6)
        self.title.setFont(big)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._login_page())
        self.pages.addWidget(self._first_page())
        self.pages.addWidget(self._recover_page())
        # Each form as tall as itself: the login's button sat under the room of the
        # four-row recovery form.
        self.pages.currentChanged.connect(self._fit_form)
        self._fit_form(0)
        box = QWidget()
        # A column wide enough for a line of the note: as wide as its form alone, the
        # lock's "请重新输入密码" broke 密码 over two lines (issue 20).
        box.setFixedWidth(28 * self.fontMetrics().horizontalAdvance("密"))
        column = QVBoxLayout(box)
        column.addWidget(self.title)
        column.addWidget(self.note)
        column.addWidget(self.pages)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def _fit_form(self, current: int) -> None:
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            if page is None:
                continue
            ignored = QSizePolicy.Policy.Ignored
            page.setSizePolicy(QSizePolicy.Policy.Preferred,
                               QSizePolicy.Policy.Preferred if index == current else ignored)
        self.pages.adjustSize()

    # -- the three forms --------------------------------------------------------------

    def _login_page(self) -> QWidget:
        page = QWidget()
        self.login_form = ErrorForm()
        self.login_name = QComboBox()
        self.login_name.setObjectName("login_name")
        self.login_name.setEditable(True)
        self.login_password = _password()
        self.login_password.setObjectName("login_password")
        self.login_form.add("name", "操作员", self.login_name)
        self.login_form.add("password", "密码", self.login_password)
        self.login_button = QPushButton("登录")
        self.login_button.setObjectName("login")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.sign_in)
        self.login_password.returnPressed.connect(self.sign_in)
        forgot = QPushButton("忘记密码(用恢复码)…")
        forgot.setObjectName("forgot")
        forgot.setFlat(True)
        forgot.clicked.connect(lambda: self.show_form("recover"))
        column = QVBoxLayout(page)
        column.addLayout(self.login_form)
        column.addWidget(self.login_form.general)
        column.addWidget(self.login_button)
        column.addWidget(forgot)
        return page

    def _first_page(self) -> QWidget:
        page = QWidget()
        self.first_form = ErrorForm()
        self.first_name = QLineEdit()
        self.first_name.setObjectName("first_name")
        self.first_password = _password()
        self.first_password.setObjectName("first_password")
        self.first_again = _password()
        self.first_again.setObjectName("first_again")
        self.first_form.add("name", "管理员姓名", self.first_name)
        self.first_form.add("password", "密码(至少 6 位)", self.first_password)
        self.first_form.add("again", "再输一遍", self.first_again)
        create = QPushButton("建立管理员并登录")
        create.setObjectName("create_admin")
        create.clicked.connect(self.create_first)
        self.first_again.returnPressed.connect(self.create_first)
        column = QVBoxLayout(page)
        column.addLayout(self.first_form)
        column.addWidget(self.first_form.general)
        column.addWidget(create)
        return page

    def _recover_page(self) -> QWidget:
        page = QWidget()
        self.recover_form = ErrorForm()
        self.recover_name = QLineEdit()
        self.recover_name.setObjectName("recover_name")
        self.recover_code = QLineEdit()
        self.recover_code.setObjectName("recover_code")
        self.recover_code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX")
        self.recover_password = _password()
        self.recover_password.setObjectName("recover_password")
        self.recover_again = _password()
        self.recover_again.setObjectName("recover_again")
        self.recover_form.add("name", "管理员姓名", self.recover_name)
        self.recover_form.add("code", "恢复码", self.recover_code)
        self.recover_form.add("password", "新密码", self.recover_password)
        self.recover_form.add("again", "再输一遍", self.recover_again)
        reset = QPushButton("重设密码并登录")
        reset.setObjectName("recover")
        reset.clicked.connect(self.recover)
        back = QPushButton("返回登录")
        back.setFlat(True)
        back.clicked.connect(lambda: self.show_form("login"))
        column = QVBoxLayout(page)
        column.addLayout(self.recover_form)
        column.addWidget(self.recover_form.general)
        column.addWidget(reset)
        column.addWidget(back)
        return page

    # -- what the forms do ------------------------------------------------------------

    def prepare(self, locked_by: str | None = None) -> None:
        """Show the right form for the register: first administrator, or the login
        (with the names to choose from; after a lock, the one who was signed in)."""
        if self.door is not None and self.door.shut:
            # Encrypted: the names come from the key file, the register opens after.
            self._show_login(self.door.names(), locked_by)
            return
        from carecenter.access import operators

        database = self._database()
        if database is None:
            return
        if not operators.has_operators(database):
            self.title.setText("留守关爱 — 首次使用")
            self.note.setText("先建立管理员:管理员可以添加其他操作员(经办人、查看),"
                              "修改本村设置,恢复备份。")
            self.show_form("first")
            return
        self._show_login([o.name for o in operators.OperatorBook(database).list() if o.active],
                         locked_by)

    def _show_login(self, names: list[str], locked_by: str | None) -> None:
        self.login_name.clear()
        self.login_name.addItems(names)
        if locked_by in names:
            self.login_name.setCurrentText(locked_by)
        self.title.setText("留守关爱 — 已锁定" if locked_by else "留守关爱 — 请登录")
        self.note.setText("离开期间数据已隐藏。请重新输入密码。" if locked_by else "")
        self.login_password.clear()
        self.show_form("login")

    def show_form(self, which: str) -> None:
        index = {"login": 0, "first": 1, "recover": 2}[which]
        self.pages.setCurrentIndex(index)
        self._fit()
        focus = {0: self.login_password, 1: self.first_name, 2: self.recover_name}[index]
        focus.setFocus()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()  # a narrower page wraps a message into more lines

    def _fit(self) -> None:
        """Room for the whole refusal: a stacked widget sizes itself by its pages'
        hints, not by the height a wrapped message needs at its width, and cut a long
        one (a register held open elsewhere) after three lines."""
        page = self.pages.currentWidget()
        if page is not None:
            self.pages.setMinimumHeight(max(0, page.heightForWidth(self.pages.width())))

    def _opened(self, unlock: Callable[[], None]) -> Database | None:
        """The register, opened with the key ``unlock`` unwraps when it is encrypted and
        still shut (a wrong password raises here, before anything is opened)."""
        if self.door is not None and self.door.shut:
            unlock()
        return self._database()

    def _tell(self, notice: str | None) -> None:
        """What happened to the register (its conversion), without holding the clerk."""
        if notice:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(QMessageBox.Icon.Information, "登记册已加密", notice,
                              QMessageBox.StandardButton.Ok, self.window())
            box.setObjectName("encrypted_notice")
            box.open()

    def sign_in(self) -> None:
        from carecenter.access import operators

        name, password = self.login_name.currentText(), self.login_password.text()
        door = self.door

        def unlock() -> None:
            assert door is not None
            door.unlock(name, password)

        try:
            database = self._opened(unlock)
            if database is None:
                return
            who = operators.sign_in(database, name, password)
            notice = self._protect(database, name, password)
        except KnownError as e:
            self.login_form.show_error(e)
            self._fit()
            self.login_password.selectAll()
            self.login_password.setFocus()
            return
        self.login_form.clear()
        self.login_password.clear()
        self._on_signed_in(who)
        self._tell(notice)

    @staticmethod
    def _protect(database: Database, name: str, password: str) -> str | None:
        # A register from before encryption is encrypted once, at its first sign-in.
        from carecenter.access import register_keys

        return register_keys.protect(database, name, password)

    def create_first(self) -> None:
        from carecenter.access import operators

        database = self._database()
        if database is None:
            return
        try:
            _same(self.first_password, self.first_again, "again")
            code = operators.create_first(database, self.first_name.text(),
                                          self.first_password.text())
        except KnownError as e:
            self.first_form.show_error(e)
            self._fit()
            return
        self.first_form.clear()
        self._show_code(code)
        assert database.operator is not None
        self._on_signed_in(database.operator)
        self._tell(database.notice)

    def recover(self) -> None:
        from carecenter.access import operators

        try:
            _same(self.recover_password, self.recover_again, "again")
            typed = self.recover_code.text()
            door = self.door

            def unlock() -> None:
                assert door is not None
                door.unlock_with_code(typed)

            database = self._opened(unlock)
            if database is None:
                return
            code = operators.recover(database, typed, self.recover_name.text(),
                                     self.recover_password.text())
        except KnownError as e:
            self.recover_form.show_error(e)
            self._fit()
            return
        self.recover_form.clear()
        self._show_code(code)
        assert database.operator is not None
        self._on_signed_in(database.operator)


class ChangePasswordDialog(QDialog):
    """The signed-in operator's own password: the old one, the new one twice."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        who = database.operator
        self.setWindowTitle(f"修改密码 — {who.name if who else ''}")
        self.form = ErrorForm()
        self.old = _password()
        self.old.setObjectName("old")
        self.new = _password()
        self.new.setObjectName("new")
        self.again = _password()
        self.again.setObjectName("again")
        self.form.add("old", "原密码", self.old)
        self.form.add("new", "新密码(至少 6 位)", self.new)
        self.form.add("again", "再输一遍", self.again)
        buttons = confirm_buttons(self, "保存", self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.form.general)
        layout.addWidget(buttons)

    def save(self) -> None:
        from carecenter.access.operators import OperatorBook

        try:
            _same(self.new, self.again, "again")
            OperatorBook(self.database).change_own_password(self.old.text(), self.new.text())
        except KnownError as e:
            self.form.show_error(e)
            return
        self.accept()
