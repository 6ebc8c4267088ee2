"""The program's icon (a house sheltering a heart, on the red of the village notice
board): the window's, the exe's and the installer's, drawn by ``scripts/make_icon.py``
into ``carecenter/resources/icons``."""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon

from carecenter.errors import KnownError
from carecenter.storage.location import resource

log = logging.getLogger("carecenter")


def app_icon() -> QIcon:
    """The icon in every size shipped; an empty icon (and a warning) if it is missing,
    since a program without its icon still works."""
    icon = QIcon()
    try:
        icon.addFile(str(resource("icons", "carecenter.ico")))
        icon.addFile(str(resource("icons", "carecenter.png")))
    except KnownError as e:
        log.warning("%s", e.message)
    return icon
