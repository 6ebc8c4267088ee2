"""The first thing a new clerk sees on an empty register: the three ways in, each one
click — bring in the village's Excel ledger, fill in the village's own details, or add
the first person by hand — and where the user guide is."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

WAYS = (
    ("start_import", "导入台账…", "村里已有 Excel 台账:一次导入全部人员,导入前可预览、可核对"),
    ("start_settings", "本村设置…", "填写村名、村委会、联系人:打印协议和关爱服务卡时要用"),
    ("start_new", "新增一人…(Ctrl+N)", "从第一位留守老年人开始,逐人登记"),
)


class StartPage(QWidget):
    """``StartPage({"start_import": slot, ...}, guide)``: a button for each way in."""

    def __init__(self, slots: dict[str, Callable[[], object]], guide: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_page")
        title = QLabel("欢迎使用留守关爱台账")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel("登记册里还没有人。从下面任选一项开始:")
        panel = QFrame()
        panel.setMaximumWidth(620)
        layout = QVBoxLayout(panel)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(12)
        self.buttons: dict[str, QPushButton] = {}
        for name, text, hint in WAYS:
            button = QPushButton(text)
            button.setObjectName(name)
            button.setMinimumHeight(44)
            big = QFont(button.font())
            big.setPointSizeF(big.pointSizeF() * 1.15)
            button.setFont(big)
            button.clicked.connect(slots[name])
            note = QLabel(hint)
            note.setStyleSheet("color: #555")
            note.setWordWrap(True)
            layout.addWidget(button)
            layout.addWidget(note)
            layout.addSpacing(8)
            self.buttons[name] = button
        help_link = QLabel('<a href="guide">第一次使用?看《使用说明》(F1)</a>')
        help_link.setObjectName("start_guide")
        help_link.linkActivated.connect(lambda _link: guide())
        layout.addSpacing(8)
        layout.addWidget(help_link)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.setFocusProxy(self.buttons["start_import"])
