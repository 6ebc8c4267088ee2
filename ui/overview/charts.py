"""Charts painted with QPainter: bars a clerk reads at a glance, each bar a way through to
the list behind it.

QtCharts lives in PySide6-Addons (600 MB); four kinds of bar are a few dozen lines of
painting. Each chart draws itself into any rectangle (``draw``), so the same code paints
the tab and the A4 page for the village meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

TEXT = QColor("#222222")
MUTED = QColor("#777777")
TRACK = QColor("#e6e6e6")
DONE = QColor("#2e86c1")
DUE = QColor("#d6e4f0")
LATE = QColor("#c0392b")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    total: int  # the bar's full length (0: scaled to the largest value)
    colour: str  # a hex colour
    key: Any  # what a click on the bar opens
    text: str = ""  # beside the bar; else "value / total (n%)"
    tip: str = ""


def percent(value: int, total: int) -> str:
    return f"{round(100 * value / total)}%" if total else "—"


class Chart(QWidget):
    """A titled chart; ``clicked(key)`` when the clerk clicks a bar."""

    clicked = Signal(object)
    reshaped = Signal()  # its bars or columns changed: its minimum height may have

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.note = ""
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._hits: list[tuple[QRectF, Any, str]] = []

    def sizeHint(self) -> QSize:
        return QSize(460, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.frame_height() + 100)

    def frame_height(self) -> int:
        """The title, the note under the body and the margins: what is not the body."""
        line = QFontMetricsF(self.font()).height()
        return int(16 + line * 1.1 + 6 + (line + 4 if self.note else 0)) + 1

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        self._hits = self.draw(painter, QRectF(self.rect()).adjusted(10, 8, -10, -8))
        painter.end()

    def draw(self, painter: QPainter, rect: QRectF) -> list[tuple[QRectF, Any, str]]:
        """Paint into ``rect``; the clickable rectangles with their keys and tips."""
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(self.font().pointSizeF() * 1.1)
        painter.setFont(font)
        painter.setPen(TEXT)
        line = QFontMetricsF(font).height()
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        body = rect.adjusted(0, line + 6, 0, 0)
        if self.note:
            small = QFontMetricsF(self.font()).height()
            painter.setPen(MUTED)
            painter.drawText(QRectF(body.left(), body.bottom() - small, body.width(), small),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self.note)
            body.setBottom(body.bottom() - small - 4)
        return self.draw_body(painter, body)

    def draw_body(self, painter: QPainter, rect: QRectF) -> list[tuple[QRectF, Any, str]]:
        raise NotImplementedError

    def _hit(self, position: QPointF) -> tuple[QRectF, Any, str] | None:
        return next((h for h in self._hits if h[0].contains(position)), None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)
        if hit and hit[2]:
            QToolTip.showText(event.globalPosition().toPoint(), hit[2], self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(hit[1])

    def hit_point(self, key: Any) -> QPointF:
        """The middle of the bar for ``key`` (tests click it)."""
        return next(h[0].center() for h in self._hits if h[1] == key)


class BarChart(Chart):
    """Horizontal bars, one a line: a label, the bar over a grey track of its total, and
    the figure."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bars: list[Bar] = []
        self.empty_text = "暂无数据"

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.updateGeometry()  # its minimum height follows the number of bars
        self.reshaped.emit()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(460, max(160, 60 + 30 * len(self.bars)))

    def minimumSizeHint(self) -> QSize:
        # A line of text for each bar: twelve groups squeezed into a short window drew
        # their names over each other (the page scrolls instead, ``OverviewPage``).
        row = QFontMetricsF(self.font()).height() + 2
        return QSize(300, self.frame_height() + int(row * max(1, len(self.bars))) + 1)

    def draw_body(self, painter: QPainter, rect: QRectF) -> list[tuple[QRectF, Any, str]]:
        metrics = QFontMetricsF(painter.font())
        if not self.bars:
            painter.setPen(MUTED)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return []
        labels = max(metrics.horizontalAdvance(b.label) for b in self.bars) + 10
        texts = [b.text or f"{b.value} / {b.total}({percent(b.value, b.total)})"
                 for b in self.bars]
        figures = max(metrics.horizontalAdvance(t) for t in texts) + 10
        scale = max((b.total or b.value) for b in self.bars) or 1
        step = min(34.0, rect.height() / len(self.bars))
        thickness = max(6.0, min(20.0, step * 0.62))
        track_width = max(20.0, rect.width() - labels - figures)
        hits = []
        for k, (bar, label) in enumerate(zip(self.bars, texts, strict=True)):
            top = rect.top() + k * step
            row = QRectF(rect.left(), top, rect.width(), step)
            painter.setPen(TEXT)
            painter.drawText(QRectF(row.left(), top, labels - 6, step),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             bar.label)
            y = top + (step - thickness) / 2
            x = rect.left() + labels
            full = track_width * (bar.total or bar.value) / scale
            painter.setPen(Qt.PenStyle.NoPen)
            if bar.total:
                painter.setBrush(TRACK)
                painter.drawRoundedRect(QRectF(x, y, full, thickness), 3, 3)
            length = track_width * bar.value / scale
            if length > 0:
                painter.setBrush(QColor(bar.colour))
                painter.drawRoundedRect(QRectF(x, y, max(length, 3), thickness), 3, 3)
            painter.setPen(TEXT)
            painter.drawText(QRectF(x + max(full, length) + 6, top, figures, step),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
            if bar.key is not None:
                hits.append((row, bar.key, bar.tip))
        return hits


@dataclass(frozen=True)
class Column:
    label: str  # under the column (the month)
    due: int
    done: int
    key: Any
    partial: bool = False
    tip: str = ""


class ColumnChart(Chart):
    """Columns side by side: what was due (light) with what was done (dark) inside it,
    the share done on top."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.columns: list[Column] = []

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(620, 260)

    def draw_body(self, painter: QPainter, rect: QRectF) -> list[tuple[QRectF, Any, str]]:
        if not self.columns:
            painter.setPen(MUTED)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "暂无数据")
            return []
        metrics = QFontMetricsF(painter.font())
        line = metrics.height()
        legend = QRectF(rect.left(), rect.top(), rect.width(), line)
        self._legend(painter, legend)
        plot = rect.adjusted(0, line * 2 + 4, 0, -line - 4)
        scale = max(c.due for c in self.columns) or 1
        step = plot.width() / len(self.columns)
        width = max(6.0, step * 0.6)
        hits = []
        painter.setPen(QPen(MUTED, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        for k, column in enumerate(self.columns):
            x = plot.left() + k * step + (step - width) / 2
            due = plot.height() * column.due / scale
            done = plot.height() * min(column.done, column.due) / scale
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(DUE)
            painter.drawRect(QRectF(x, plot.bottom() - due, width, due))
            colour = QColor(DONE)
            if column.partial:
                colour.setAlpha(150)
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, plot.bottom() - done, width, done))
            painter.setPen(TEXT)
            share = percent(column.done, column.due)
            painter.drawText(QRectF(x - step / 4, plot.bottom() - due - line - 2,
                                    width + step / 2, line),
                             Qt.AlignmentFlag.AlignCenter, share)
            painter.setPen(MUTED if column.partial else TEXT)
            painter.drawText(QRectF(x - step / 4, plot.bottom() + 2, width + step / 2, line),
                             Qt.AlignmentFlag.AlignCenter, column.label)
            hits.append((QRectF(plot.left() + k * step, rect.top() + line, step,
                                rect.bottom() - rect.top() - line), column.key, column.tip))
        return hits

    def _legend(self, painter: QPainter, rect: QRectF) -> None:
        metrics = QFontMetricsF(painter.font())
        x = rect.left()
        for colour, text in ((DUE, "应走访"), (DONE, "走访到")):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, rect.top() + rect.height() / 4, 14, rect.height() / 2))
            painter.setPen(TEXT)
            painter.drawText(QRectF(x + 18, rect.top(), 80, rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            x += 26 + metrics.horizontalAdvance(text)
