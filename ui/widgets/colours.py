"""The risk colour as the clerk sees it: a filled dot of the colour, and its name."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from carecenter.rules.risk import COLOUR_HEX, COLOUR_LABELS

UNASSESSED = "未评估"


@cache
def colour_icon(code: str) -> QIcon:
    """A round dot in the colour (an empty ring for a person not yet assessed)."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if code in COLOUR_HEX:
        painter.setBrush(QColor(COLOUR_HEX[code]))
        painter.setPen(QColor(COLOUR_HEX[code]).darker(130))
    else:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QColor("#999999"))
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pixmap)


def colour_text(code: str | None) -> str:
    return COLOUR_LABELS.get(code or "", UNASSESSED)
