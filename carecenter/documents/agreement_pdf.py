"""委托照顾协议书: composed from the file, the trustee and the village's template, and
drawn from that composition alone, so a re-print shows exactly what was signed.

The wording lives in ``carecenter/resources/templates/agreement.toml`` (a village edits
it without code); the village's name, committee and phone come from the settings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import IO, Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.agreement_signatures import signatures_block
from carecenter.documents.document_data import Printable
from carecenter.documents.layout import Cell, draw_runs, grid_row, new_canvas, text_box, wrap
from carecenter.documents.page_flow import Block, Frame, Page, place, render
from carecenter.errors import KnownError
from carecenter.settings.agreement_template import (  # noqa: F401 (re-exported)
    TEMPLATE,
    TEMPLATE_SETTING,
    load_template,
)

ROLES = {"filing": "备案", "witness": "见证", "third_party": "三方签署"}
NUMERALS = "一二三四五六七八九十"

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm  # no less: the page must survive a village office's printer
LEFT = MARGIN
WIDTH = PAGE_W - 2 * LEFT
# The first page starts at the margin; the others under a running head that names the
# elder (a loose page 2 still says whose agreement it is).
FRAME = Frame(top=PAGE_H - MARGIN, next_top=PAGE_H - MARGIN - 2 * mm, bottom=MARGIN)
BODY_SIZES = (11.0, 10.5)  # read by elderly signers: 11 pt, 10.5 pt if that saves a page
LINE = 1.45  # line height as a multiple of the size
HEADING_SIZE = 12.0
TABLE_SIZE = 10.5
TITLE_SIZE = 18.0
TITLE_H = 10 * mm
ROW_H = 7 * mm
CONTACT_H = 6.5 * mm
INDENT = 7 * mm
PREAMBLE_GAP = 2.5 * mm
SECTION_GAP = 1.5 * mm
CLOSING_GAP = 2 * mm


def blank_content(database: Any, data: Printable) -> dict[str, Any]:
    """An agreement with the 受托人 left blank, to fill in by hand, in the village's
    wording and committee role (settings)."""
    from carecenter.settings.preferences import COMMITTEE_ROLE
    from carecenter.settings.settings_store import Settings

    settings = Settings(database)
    return compose(data, {}, None, None, load_template(settings.get(TEMPLATE_SETTING)),
                   settings.get(COMMITTEE_ROLE) or None)


class _Blanks(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "____"


def _day(value: date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else "    年    月    日"


def compose(data: Printable, trustee: dict[str, str], starts_on: date | None,
            ends_on: date | None, template: dict[str, Any], role: str | None = None,
            drawn_on: date | None = None) -> dict[str, Any]:
    """Everything the agreement will print, as plain JSON-able data."""
    role = role or str(template.get("committee_role", "filing"))
    if role not in ROLES:
        raise KnownError(f"村委会角色“{role}”无效,可选:filing(备案)、witness(见证)、"
                         "third_party(三方签署)")
    village = data.village
    supporters = [{"name": s.name, "relation": s.role, "phone": s.phone}
                  for s in data.supporters]
    words = _Blanks(
        elder=data.name, village=village["name"], committee=village["committee"],
        township=village["township"], trustee=trustee.get("name") or "____",
        supporters="、".join(s["name"] for s in supporters),
        starts_on=_day(starts_on), ends_on=_day(ends_on) if ends_on else "委托人返乡之日",
        copies="3",
    )
    committee = template["committee"]
    return {
        "title": str(template["title"]).format_map(words),
        "role": role,
        "village": dict(village),
        "elder": {"name": data.name, "id_number": data.id_number,
                  "phone": str(data.value("phone") or ""),
                  "address": str(data.value("address") or ""), "group": data.group},
        "supporters": supporters,
        "trustee": {k: trustee.get(k) or "" for k in ("name", "relation", "phone", "id_number")},
        "preamble": str(template["preamble"]).format_map(words),
        "entrusted": [str(t).format_map(words) for t in template["entrusted"]],
        "clauses": [str(t).format_map(words) for t in template["clauses"]],
        "term": (f"自{_day(starts_on)}起至{_day(ends_on)}止。" if ends_on else
                 f"自{_day(starts_on)}起,至委托人返乡能够自行照顾老人之日止。"),
        "starts_on": starts_on.isoformat() if starts_on else None,
        "ends_on": ends_on.isoformat() if ends_on else None,
        "contacts": [{"role": h.role, "name": h.name, "phone": h.phone}
                     for h in [*data.helpers, *data.cadres]],
        "closing": str(template["closing"]).format_map(words),
        "committee_title": str(committee.get(role, ROLES[role])),
        "filing_note": str(committee.get("filing_note", "")),
        "drawn_on": drawn_on.isoformat() if drawn_on else None,
    }


# -- on paper ---------------------------------------------------------------------------
# One A4 page for one or two supporters (the common case), in type an elderly signer still
# reads: body 11 pt, nothing under 10.5 pt, margins 18 mm. More supporters or contacts
# flow onto a second page, and the signatures go over together with the closing words and
# the whole section before them: a signature block alone on a page signs nothing that can
# be seen (issue 20: it sat alone on page 2).


def _paragraph(text: str, size: float, indent: float = 0.0, before: float = 0.0,
               keep: bool = False) -> Block:
    """A paragraph as one block: an item is never split between two pages."""
    leading = size * LINE
    lines = wrap(text, size, WIDTH - indent)

    def draw(canvas: Canvas, top: float) -> None:
        for i, line in enumerate(lines, 1):
            draw_runs(canvas, LEFT + indent, top - i * leading + size * 0.3, line, size)

    return Block(len(lines) * leading, draw, before, keep)


def _row(widths: list[float], cells: list[Cell | str], height: float,
         keep: bool = False) -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        grid_row(canvas, LEFT, top, widths, height, cells, TABLE_SIZE)

    return Block(height, draw, keep=keep)


def _title(title: str) -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        text_box(canvas, (LEFT, top - TITLE_H, WIDTH, TITLE_H), title, TITLE_SIZE,
                 align="center")

    return Block(TITLE_H, draw, keep=True)


def _named(person: dict[str, str]) -> str:
    return f"{person['name']}({person['relation']})" if person["relation"] else person["name"]


def _parties(content: dict[str, Any]) -> list[Block]:
    """Who the agreement binds, as a table that stays whole under the title."""
    elder, t = content["elder"], content["trustee"]
    label = 28 * mm  # "受托人身份证号" whole at 10.5 pt
    quarter = [label, WIDTH / 2 - label, label, WIDTH / 2 - label]
    rows: list[list[Cell | str]] = [
        [Cell("委托人(甲方)", label=True), Cell(_named(s)), Cell("联系电话", label=True),
         Cell(s["phone"])]
        for s in content["supporters"] or [{"name": "", "relation": "", "phone": ""}]]
    rows += [
        [Cell("受托人(乙方)", label=True), Cell(_named(t)), Cell("联系电话", label=True),
         Cell(t["phone"])],
        [Cell("受托人身份证号", label=True), Cell(t["id_number"], span=3)],
        [Cell("被照顾老人", label=True), Cell(elder["name"]), Cell("身份证号", label=True),
         Cell(elder["id_number"])],
        [Cell("家庭住址", label=True), Cell(elder["address"]), Cell("老人电话", label=True),
         Cell(elder["phone"])],
    ]
    blocks = [_row(quarter, cells, ROW_H, keep=True) for cells in rows]
    return [*blocks[:-1], replace(blocks[-1], keep=False)]


def _section(heading: str, items: list[str], size: float, last: bool) -> list[Block]:
    """A numbered section, its heading on the page of its first item; the ``last`` ones
    go over whole with the signatures."""
    blocks = [_paragraph(heading, HEADING_SIZE, before=SECTION_GAP, keep=True)]
    for i, item in enumerate(items, 1):
        prefix = f"{i}. " if len(items) > 1 else ""
        blocks.append(_paragraph(prefix + item, size, indent=INDENT, keep=last))
    return blocks


def _contacts(heading: str, contacts: list[dict[str, str]]) -> list[Block]:
    """Whom to call, two to a row when there are several (a village lists its helpers
    and cadres; one to a row they pushed the signatures onto a second page)."""
    per_row = 2 if len(contacts) > 1 else 1
    share = [0.42, 0.24, 0.34]
    widths = [WIDTH / per_row * s for s in share] * per_row
    rows: list[Block] = []
    for i in range(0, len(contacts), per_row):
        cells: list[Cell | str] = []
        for c in contacts[i:i + per_row]:
            cells += [Cell(c["role"], label=True), Cell(c["name"], align="center"),
                      Cell(c["phone"], align="center")]
        cells += [Cell(span=3)] if len(cells) < len(widths) else []
        rows.append(_row(widths, cells, CONTACT_H, keep=True))
    return [_paragraph(heading, HEADING_SIZE, before=SECTION_GAP, keep=True), *rows]


def agreement_blocks(content: dict[str, Any], size: float = BODY_SIZES[0]) -> list[Block]:
    """The agreement from top to bottom, each part with how it keeps together; the body
    in ``size`` points."""
    blocks = [_title(content["title"]), *_parties(content),
              _paragraph("\u3000\u3000" + content["preamble"], size, before=PREAMBLE_GAP)]
    sections = [("委托照顾事项", content["entrusted"]), ("各方责任", content["clauses"]),
                ("委托期限", [content["term"]])]
    for n, (heading, items) in enumerate(sections):
        # The term and the contacts go over with the signatures: the page that is signed
        # says for how long, and starts at a heading rather than mid-list.
        blocks += _section(f"{NUMERALS[n]}、{heading}", items, size,
                           last=n == len(sections) - 1)
    if content["contacts"]:
        blocks += _contacts(f"{NUMERALS[len(sections)]}、联系方式", content["contacts"])
    blocks.append(_paragraph("\u3000\u3000" + content["closing"], size, before=CLOSING_GAP,
                             keep=True))
    blocks.append(signatures_block(content, LEFT, WIDTH))
    return blocks


def agreement_pages(content: dict[str, Any]) -> list[Page]:
    """The blocks by page, at the largest body size that needs the fewest pages."""
    layouts = [place(agreement_blocks(content, size), FRAME) for size in BODY_SIZES]
    return min(layouts, key=len)


def draw_agreement(canvas: Canvas, content: dict[str, Any]) -> int:
    """Draw the agreement's pages; how many there are."""
    pages = agreement_pages(content)
    running = f"{content['title']}(续)  被照顾老人:{content['elder']['name']}"

    def decorate(c: Canvas, page: int, of: int) -> None:
        if page > 1:  # a loose second page still says whose agreement it belongs to
            text_box(c, (LEFT, PAGE_H - 15 * mm, WIDTH, 6 * mm), running, 9)
        text_box(c, (LEFT, 8 * mm, WIDTH, 6 * mm), f"第 {page} 页 共 {of} 页", 9,
                 align="center")

    render(canvas, pages, decorate)
    return len(pages)


def agreement_pdf(content: dict[str, Any], target: str | IO[bytes] | None = None
                  ) -> bytes | None:
    canvas, out = new_canvas(target, title=f"{content['title']} {content['elder']['name']}")
    draw_agreement(canvas, content)
    canvas.save()
    return out.getvalue() if target is None else None
