"""Windows that fit the village PC's screen (issue 19).

The smallest screens the program is made for are 1366×768 and 1920×1080 at 150% (1280×720
in Qt's units); less a 40 px taskbar and about 40 px of title bar and borders, a window
has 1264×640 to show everything, buttons included. A window opens no larger than that
(``fit_resize``), and what does not fit its minimum scrolls (tests/test_gui_screen_fit.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

SMALLEST_WINDOW = QSize(1264, 640)


def fit_resize(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, but never larger than the smallest screen's room;
    a 0 takes the size the widget asks for (its size hint) in that direction."""
    hint = widget.sizeHint()
    width, height = width or hint.width(), height or hint.height()
    widget.resize(min(width, SMALLEST_WINDOW.width()), min(height, SMALLEST_WINDOW.height()))
