"""File dialogs kept out of the register's own folder.

On Linux, a file dialog that shows the register file may open and close it to guess its
type; that drops SQLite's locks of this whole process on it (PLATFORM.md, "SQLite locks
on POSIX"), and another program's next close can then delete the WAL the app still
writes into. The dialogs therefore never start in the register's folder, and Qt's own
dialog (used off Windows) hides the register's files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

_protected: set[Path] = set()  # the folders of the registers this process has open
_REGISTER_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".db.lock")


def protect(register: Path) -> None:
    """Keep file dialogs out of this register's folder (the app calls it at start)."""
    _protected.add(register.resolve().parent)


def documents() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def start_in(suggested: str | Path | None) -> str:
    """Where a dialog opens: the suggestion, unless it is in a register's folder."""
    if not suggested:
        return str(documents())
    path = Path(suggested).expanduser()
    folder = path if path.is_dir() else path.parent
    try:
        resolved = folder.resolve()
    except OSError:
        return str(documents())
    if resolved in _protected:
        return str(documents() / path.name) if not path.is_dir() else str(documents())
    return str(path)


class _HideRegisters(QSortFilterProxyModel):
    def filterAcceptsRow(self, row: int, parent: object) -> bool:  # noqa: N802 (Qt)
        model = self.sourceModel()
        index = model.index(row, 0, parent)  # type: ignore[arg-type]
        name = str(model.data(index)).lower()
        folder = getattr(model, "filePath", None)
        if folder is not None and name.endswith(_REGISTER_SUFFIXES):
            return Path(folder(index)).resolve().parent not in _protected
        return True


def _dialog(parent: QWidget | None, title: str, start: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start_in(start), filters)
    if _protected:
        # Qt's own dialog reads only what its model shows: the register files are not.
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setProxyModel(_HideRegisters(dialog))
    return dialog


def open_file(parent: QWidget | None, title: str, start: str | Path | None,
              filters: str) -> str:
    dialog = _dialog(parent, title, str(start or ""), filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""


def save_file(parent: QWidget | None, title: str, start: str | Path | None,
              filters: str) -> str:
    dialog = _dialog(parent, title, str(start or ""), filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""


def choose_folder(parent: QWidget | None, title: str, start: str | Path | None) -> str:
    dialog = _dialog(parent, title, str(start or ""), "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""
