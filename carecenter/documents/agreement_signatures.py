"""The foot of the 委托照顾协议书: a line to sign and a date for each party, and the village
committee's part (a filing box to stamp, or a signature as witness or third party).

Drawn as one block of the page flow (``page_flow``), so it is never split from itself.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.layout import PADDING, Cell, grid_row, text_box, text_width
from carecenter.documents.page_flow import Block

SIZE = 11.0
SIGN_ROW = 18 * mm  # room to write a name above the line (~8 mm) and the date below it
FILING_GAP = 3 * mm
FILING_BOX = 17 * mm
FILING_LABEL = 38 * mm  # "村民委员会备案登记" on one line


def parties(content: dict[str, Any]) -> list[str]:
    signers = ["委托人(甲方)签字:", "受托人(乙方)签字:", "老人本人签字(或按手印):"]
    if content["role"] in ("witness", "third_party"):
        signers.append(f"{content['committee_title']}(盖章):")
    return signers


def signing_rows(content: dict[str, Any]) -> list[list[str]]:
    """The signers two to a row; several supporters all sign as 甲方, so their line then
    takes a row of its own (room for every name)."""
    signers = parties(content)
    if len(content["supporters"]) > 1:
        return [signers[:1], *(signers[i:i + 2] for i in range(1, len(signers), 2))]
    return [signers[i:i + 2] for i in range(0, len(signers), 2)]


def signatures_block(content: dict[str, Any], left: float, width: float) -> Block:
    """Every party's line to sign with its date, and the committee's filing box."""
    rows = signing_rows(content)
    filing = content["role"] == "filing"
    height = len(rows) * SIGN_ROW + (FILING_GAP + FILING_BOX if filing else 0)

    def draw(c: Canvas, top: float) -> None:
        y = top
        for row in rows:
            y -= SIGN_ROW
            span = width / 2
            for i, who in enumerate(row):
                x = left + i * span
                room = width if len(row) == 1 else span
                label_w = min(text_width(who, SIZE) + 2 * PADDING + 1, span - 30 * mm)
                fitted = text_box(c, (x, y + 7 * mm, label_w, 8 * mm), who, SIZE,
                                  single_line=True)
                baseline = y + 7 * mm + 4 * mm - fitted.size * 0.35
                c.line(x + label_w, baseline - 1.5, x + room - 6 * mm, baseline - 1.5)
                text_box(c, (x, y, span - 4 * mm, 7 * mm), "日期:      年    月    日", 10.5)
        if filing:
            _filing_box(c, content, left, width, y - FILING_GAP)

    return Block(height, draw)


def _filing_box(c: Canvas, content: dict[str, Any], left: float, width: float,
                top: float) -> None:
    """备案登记: a row of the form the committee fills in and stamps when the agreement
    is filed with it (the round stamp goes over the words, as on any 公章)."""
    bottom = top - FILING_BOX
    grid_row(c, left, top, [FILING_LABEL, width - FILING_LABEL],
             FILING_BOX, [Cell(content["committee_title"], label=True), Cell()], SIZE)
    inner = left + FILING_LABEL + 3 * mm
    inner_w = width - FILING_LABEL - 6 * mm
    text_box(c, (inner, bottom + FILING_BOX / 2, inner_w, FILING_BOX / 2 - 1 * mm),
             content["filing_note"], SIZE)
    village = content["village"]
    committee = village.get("committee") or f"{village.get('name') or '____'}村民委员会"
    text_box(c, (inner, bottom + 1 * mm, inner_w, FILING_BOX / 2 - 1 * mm),
             f"{committee}(盖章)", SIZE, align="right")
