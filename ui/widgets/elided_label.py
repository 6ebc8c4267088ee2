"""A label of a few lines that never wraps: each line cut to the width with "…", the
whole text in its tooltip. For a line whose length the window cannot choose (a child's
verdict names both parents and where they work) in a window that must fit the village
PC's screen (issue 19): wrapped, it grew the person editor past 640 px."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

# As narrow as the label lets its window be: the rest of the line is in the tooltip.
_LEAST_WIDTH = 120


class ElidedLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        """The whole text, as set (what shows may be cut)."""
        return self._full

    def shown(self) -> str:
        """What the label shows now."""
        return super().text()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        lines = self._full.split("\n")
        if width > 0:
            lines = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
                     for line in lines]
        super().setText("\n".join(lines))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()  # bold from a style sheet is wider

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(_LEAST_WIDTH, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(_LEAST_WIDTH, super().sizeHint().height())
