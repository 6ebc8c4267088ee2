"""A small layout toolkit for forms on paper: boxes in which text wraps, and shrinks
when it is still too long. Text is never cut off and never drawn over a box's lines.

Coordinates are reportlab points from the bottom-left of the page; a box is
(x, y, width, height) with (x, y) its bottom-left corner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import IO, Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents import fonts

PADDING = 2.5  # points between a box's line and its text
LEADING = 1.25  # line height as a multiple of the font size
SMALLEST = 3.0  # below this nothing is readable; text still never overflows
_NO_LINE_START = set(",。、;:!?)》」』】〕,.;:!?)%")


@cache
def _unit_width(char: str) -> float:
    return float(pdfmetrics.stringWidth(char, fonts.font_for(char), 1.0))


def text_width(text: str, size: float) -> float:
    return sum(_unit_width(c) for c in text) * size


def _tokens(paragraph: str) -> list[str]:
    """Break points: each CJK character alone, runs of Latin letters and digits together
    (an ID or phone number is never split unless it is longer than the line)."""
    tokens: list[str] = []
    for char in paragraph:
        if tokens and char.isascii() and char not in " " and tokens[-1][-1:].isascii() \
                and tokens[-1][-1:] not in (" ", ""):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of text at this size that each fit the width (hard breaks kept)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if text_width(line + token, size) <= width or not line:
                if text_width(token, size) > width and not line:
                    # a token longer than the line: split it by characters
                    for char in token:
                        if line and text_width(line + char, size) > width:
                            lines.append(line)
                            line = ""
                        line += char
                    continue
                line += token
            elif token in _NO_LINE_START and len(line) > 1:
                # keep punctuation with the word before it (禁则)
                lines.append(line[:-1])
                line = line[-1] + token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Fitted:
    """Text fitted to a box: the size chosen, its lines and the height they take."""

    size: float
    lines: list[str]
    leading: float

    @property
    def height(self) -> float:
        return self.leading * len(self.lines)

    def width(self) -> float:
        return max((text_width(line, self.size) for line in self.lines), default=0.0)


def fit(text: str, width: float, height: float, size: float = 11.0,
        single_line: bool = False) -> Fitted:
    """The largest size up to ``size`` at which the text fits width × height.

    ``single_line`` shrinks rather than wraps (for a number or a short name).
    Shrinks in half-points; never returns lines wider or taller than the box.
    """
    current = size
    while True:
        leading = current * LEADING
        if single_line:
            lines = text.split("\n")
            fits = all(text_width(li, current) <= width for li in lines)
        else:
            lines = wrap(text, current, width)
            fits = all(text_width(li, current) <= width + 0.01 for li in lines)
        if fits and leading * len(lines) <= height + 0.01:
            return Fitted(current, lines, leading)
        if current <= SMALLEST:
            # Even the smallest size is too big: keep shrinking in proportion, so the
            # text stays whole and inside the box.
            needed = max(leading * len(lines) / max(height, 0.1),
                         max((text_width(li, current) for li in lines), default=0) / width)
            current = current / max(needed, 1.01)
            lines = wrap(text, current, width) if not single_line else lines
            return Fitted(current, lines, current * LEADING)
        current = max(SMALLEST, current - 0.5)


def draw_runs(canvas: Canvas, x: float, y: float, text: str, size: float) -> None:
    """Draw one line at the baseline (x, y), switching fonts for rare characters."""
    run, run_font = "", ""
    for char in text:
        font = fonts.font_for(char)
        if run and font != run_font:
            canvas.setFont(run_font, size)
            canvas.drawString(x, y, run)
            x += text_width(run, size)
            run = ""
        run += char
        run_font = font
    if run:
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, run)


def text_box(canvas: Canvas, box: tuple[float, float, float, float], text: str,
             size: float = 11.0, align: str = "left", valign: str = "middle",
             border: bool = False, single_line: bool = False,
             padding: float = PADDING) -> Fitted:
    """Draw text inside the box (wrapped, shrunk when needed); returns what was drawn."""
    x, y, w, h = box
    if border:
        canvas.rect(x, y, w, h)
    inner_w, inner_h = max(w - 2 * padding, 1.0), max(h - 2 * padding, 1.0)
    fitted = fit(text, inner_w, inner_h, size, single_line)
    if valign == "top":
        top = y + h - padding
    elif valign == "bottom":
        top = y + padding + fitted.height
    else:
        top = y + h / 2 + fitted.height / 2
    for i, line in enumerate(fitted.lines):
        # baseline: a line's box is `leading` tall, the glyphs sit ~0.8 size above it
        baseline = top - i * fitted.leading - fitted.leading + (fitted.leading - fitted.size) / 2 \
            + fitted.size * 0.15
        line_w = text_width(line, fitted.size)
        if align == "center":
            lx = x + (w - line_w) / 2
        elif align == "right":
            lx = x + w - padding - line_w
        else:
            lx = x + padding
        draw_runs(canvas, lx, baseline, line, fitted.size)
    return fitted


@dataclass
class Cell:
    text: str = ""
    span: int = 1
    align: str = "left"
    size: float | None = None
    label: bool = False  # a printed label (shaded) rather than a filled-in value


def grid_row(canvas: Canvas, x: float, top: float, widths: Sequence[float], height: float,
             cells: Sequence[Cell | str], size: float = 10.5) -> list[Fitted]:
    """One row of a ruled table, each cell's text fitted to its box; returns the fits."""
    fitted: list[Fitted] = []
    column = 0
    cx = x
    for item in cells:
        cell = Cell(item) if isinstance(item, str) else item
        w = sum(widths[column:column + cell.span])
        box = (cx, top - height, w, height)
        if cell.label:
            canvas.saveState()
            canvas.setFillGray(0.93)
            canvas.rect(*box, stroke=0, fill=1)
            canvas.restoreState()
        canvas.rect(*box)
        align = "center" if cell.label and cell.align == "left" else cell.align
        fitted.append(text_box(canvas, box, cell.text, cell.size or size, align=align))
        cx += w
        column += cell.span
    return fitted


def new_canvas(target: str | IO[bytes] | None = None, title: str = "",
               pagesize: tuple[float, float] = A4) -> tuple[Canvas, Any]:
    """A canvas whose initial font is the embedded one (else reportlab writes an
    unembedded Helvetica into the file). Returns (canvas, target)."""
    name = fonts.register()
    out: Any = target if target is not None else BytesIO()
    canvas = Canvas(out, pagesize=pagesize, initialFontName=name, initialFontSize=11,
                    pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("留守关爱")
    canvas.setCreator("留守关爱 carecenter")
    canvas.setLineWidth(0.6)
    return canvas, out
