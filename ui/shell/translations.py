"""Qt's own Chinese: the standard buttons (是/否/取消), the text boxes' right-click menu,
the file and print dialogs.

Our own texts are written in Chinese; Qt's are English unless its translation catalogues
are loaded before the first window (shared PLATFORM.md: PySide6-Essentials ships
``qtbase_zh_CN.qm`` in QLibraryInfo's TranslationsPath; the frozen bundle carries the
same folder).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("carecenter.translations")

LOCALE = QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript,
                 QLocale.Country.China)
# qtbase holds every string of QtWidgets, QtGui and QtPrintSupport that the app shows.
CATALOGUES = ("qtbase",)
_installed: list[QTranslator] = []  # a QTranslator must outlive its installation


def translations_folder() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install_chinese(app: QCoreApplication) -> list[str]:
    """Load Qt's Simplified Chinese into the application; the catalogues loaded.

    Also makes Chinese the default locale, so dates, numbers and the dialogs' own
    choices (the file dialog's sort order, the print dialog's paper names) follow it.
    Call once, right after the QApplication exists and before any window."""
    QLocale.setDefault(LOCALE)
    if _installed:
        return [t.filePath() for t in _installed]
    folder = translations_folder()
    loaded: list[str] = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(LOCALE, name, "_", folder):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(translator.filePath())
        elif name == "qtbase":
            # The program still works, in English dialogs; the maintainer should know.
            log.warning("找不到 Qt 中文翻译 qtbase_zh_CN.qm(在 %s),标准按钮将显示英文", folder)
    extra = _extra()
    if extra is not None:
        app.installTranslator(extra)
        _installed.append(extra)
        loaded.append(extra.filePath())
    return loaded


def _extra() -> QTranslator | None:
    """The few file-dialog strings qtbase_zh_CN.qm leaves in English (the .ts beside the
    .qm lists them); a compiled catalogue, since a Python QTranslator subclass crashes
    the print dialog."""
    from carecenter.errors import KnownError
    from carecenter.storage.location import resource

    translator = QTranslator()
    try:
        path = resource("translations", "qtbase_extra_zh_CN.qm")
    except KnownError as e:
        log.warning("%s", e.message)
        return None
    return translator if translator.load(str(path)) else None


def loaded_catalogues() -> list[str]:
    """The file names of the catalogues in use (for the log)."""
    from pathlib import Path

    return [Path(t.filePath()).name for t in _installed]
