"""帮助 → 关于: which program this is and where it keeps what it holds.

The version, the database file in use, its folder and the log folder, so that a
maintainer on the telephone can ask the clerk to read them out, and a button that opens
the data folder in Explorer (to copy the register onto a USB stick, say).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecenter import __version__
from carecenter.storage.location import default_path, shown, sqlite_file
from ui.shell.logfile import log_folder

PRODUCT = "留守关爱"
DESCRIPTION = "农村留守老年人关爱服务台账"


def data_folder(location: str) -> Path:
    """The folder of the database in use; the default data folder for a server."""
    path = sqlite_file(location)
    return (path if path is not None else default_path()).parent


def open_folder(folder: Path) -> bool:
    """Open a folder in the system's file manager (made first if it is not there yet)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class AboutDialog(QDialog):
    def __init__(self, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"关于{PRODUCT}")
        self.location = location
        self.folder = data_folder(location)
        self.logs = log_folder()

        title = QLabel(f"<b style='font-size:16pt'>{PRODUCT}</b><br>{DESCRIPTION}")
        icon = QLabel()
        window_icon = self.windowIcon()
        if not window_icon.isNull():
            icon.setPixmap(window_icon.pixmap(64, 64))
        form = QFormLayout()
        form.addRow("版本:", self._value(__version__, "version"))
        form.addRow("数据库:", self._value(shown(location), "database"))
        form.addRow("数据文件夹:", self._value(str(self.folder), "data_folder"))
        form.addRow("日志文件夹:", self._value(str(self.logs), "log_folder"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_data = QPushButton("打开数据文件夹")
        self.open_data.setObjectName("open_data_folder")
        self.open_data.clicked.connect(lambda: open_folder(self.folder))
        self.open_logs = QPushButton("打开日志文件夹")
        self.open_logs.setObjectName("open_log_folder")
        self.open_logs.clicked.connect(lambda: open_folder(self.logs))
        buttons.addButton(self.open_data, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(title)
        layout.addLayout(form)
        note = QLabel("请定期把数据文件夹复制到U盘等其他位置保存。卸载程序不会删除数据文件夹。")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.open_data.setFocus()

    def _value(self, text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        # Paths are long: selectable, so they can be copied into a message to a maintainer.
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        label.setMinimumWidth(360)
        return label
