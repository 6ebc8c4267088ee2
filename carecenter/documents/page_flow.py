"""Blocks laid down the pages of a document: a block is never split between two pages, a
block that keeps with the next goes over with it, and every page is then drawn knowing
how many there are (so a page can say "第 1 页 共 2 页", and a lost page is seen).

Coordinates are reportlab points from the bottom of the page; a block draws itself with
its top at the y it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Block:
    height: float  # what it takes on the page, without the space above it
    draw: Callable[[Canvas, float], None]  # draws it with its top at this y
    before: float = 0.0  # space above it, dropped at the top of a page
    keep: bool = False  # on the same page as the next block


@dataclass(frozen=True)
class Frame:
    top: float  # the first page's first line
    next_top: float  # the other pages' first line (under a running head)
    bottom: float  # no block goes below this


Page = list[tuple[float, Block]]  # each block with the y of its top


def _chains(blocks: Sequence[Block]) -> list[list[Block]]:
    """Runs of blocks that keep together (the last of a run does not keep)."""
    chains: list[list[Block]] = [[]]
    for block in blocks:
        chains[-1].append(block)
        if not block.keep:
            chains.append([])
    return [c for c in chains if c]


def place(blocks: Sequence[Block], frame: Frame) -> list[Page]:
    """The blocks by page. A run that keeps together starts a new page when it does not fit
    under what is there and fits a page of its own; a run taller than any page is broken
    between its blocks (better a break than text below the margin)."""
    pages: list[Page] = [[]]
    y = frame.top
    room = frame.next_top - frame.bottom
    for chain in _chains(blocks):
        height = sum(b.before + b.height for b in chain)
        if pages[-1] and y - height < frame.bottom and height - chain[0].before <= room:
            pages.append([])
            y = frame.next_top
        for block in chain:
            if pages[-1]:
                y -= block.before
                if y - block.height < frame.bottom:
                    pages.append([])
                    y = frame.next_top
            pages[-1].append((y, block))
            y -= block.height
    return pages


def render(canvas: Canvas, pages: list[Page],
           decorate: Callable[[Canvas, int, int], None]) -> None:
    """Draw the pages; ``decorate(canvas, page, of)`` adds each one's head and foot."""
    for number, page in enumerate(pages, 1):
        for y, block in page:
            block.draw(canvas, y)
        decorate(canvas, number, len(pages))
        canvas.showPage()
