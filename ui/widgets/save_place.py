"""Where files are saved: the folder the clerk last saved into, else their Documents
folder (made if the system names one that is not there yet), else their home folder —
never the program's own folder, which is where a bare file name would land."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QWidget

from ui.widgets import file_dialogs

KEY = "save/folder"


def documents() -> Path:
    """The clerk's Documents folder, made if missing; their home folder if it cannot be."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found:
        folder = Path(found)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        except OSError:
            pass
    return Path.home()


def save_folder() -> Path:
    kept = QSettings().value(KEY)
    if isinstance(kept, str) and kept and Path(kept).is_dir():
        return Path(kept)
    return documents()


def remember(path: str | Path) -> None:
    QSettings().setValue(KEY, str(Path(path).parent))


def suggested(name: str) -> str:
    """``name`` in the folder to save into; a full path is kept as it is."""
    return name if Path(name).is_absolute() else str(save_folder() / name)


def ask_save_path(parent: QWidget | None, title: str, name: str, filters: str,
                  suffix: str) -> str | None:
    """The file the clerk chose (with ``suffix`` added if they left it off), or None."""
    # Through the dialog that never reads the register's own folder (issue 15).
    path = file_dialogs.save_file(parent, title, suggested(name), filters)
    if not path:
        return None
    if not path.lower().endswith(suffix):
        path += suffix
    remember(path)
    return path


def missing_folder(path: str | Path) -> str | None:
    """A Chinese message if the file's folder is not there (else None)."""
    folder = Path(path).parent
    if folder.is_dir():
        return None
    return f"文件夹 {folder} 不存在,请另选保存位置"
