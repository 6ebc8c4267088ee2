"""委托照顾协议书: composed from the file, the trustee and the village's template, and
drawn from that composition alone, so a re-print shows exactly what was signed.

The wording lives in ``carecenter/resources/templates/agreement.toml`` (a village edits
it without code); the village's name, committee and phone come from the settings.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.document_data import Printable
from carecenter.documents.layout import (
    PADDING,
    Cell,
    draw_runs,
    grid_row,
    new_canvas,
    text_box,
    text_width,
    wrap,
)
from carecenter.errors import KnownError
from carecenter.settings.agreement_template import (  # noqa: F401 (re-exported)
    TEMPLATE,
    TEMPLATE_SETTING,
    load_template,
)

ROLES = {"filing": "备案", "witness": "见证", "third_party": "三方签署"}
NUMERALS = "一二三四五六七八九十"

PAGE_W, PAGE_H = A4
LEFT = 22 * mm
WIDTH = PAGE_W - 2 * LEFT
BOTTOM = 20 * mm
SIZE = 11.5


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


class _Writer:
    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.y = PAGE_H - 22 * mm
        self.page = 1

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            text_box(self.canvas, (LEFT, 8 * mm, WIDTH, 6 * mm), f"第 {self.page} 页", 8,
                     align="center")
            self.canvas.showPage()
            self.page += 1
            self.y = PAGE_H - 20 * mm

    @staticmethod
    def height(text: str, size: float = SIZE, indent: float = 0.0, first: str = "") -> float:
        """How tall ``paragraph`` draws this text."""
        return len(wrap(first + text, size, WIDTH - indent)) * size * 1.55

    def paragraph(self, text: str, size: float = SIZE, indent: float = 0.0,
                  first: str = "") -> None:
        leading = size * 1.55
        lines = wrap(first + text, size, WIDTH - indent)
        for line in lines:
            self.need(leading)
            self.y -= leading
            draw_runs(self.canvas, LEFT + indent, self.y + size * 0.3, line, size)

    def gap(self, height: float) -> None:
        self.y -= height

    def table(self, widths: list[float], rows: list[list[Cell | str]], height: float) -> None:
        self.need(height * min(len(rows), 3))
        for cells in rows:
            self.need(height)
            grid_row(self.canvas, LEFT, self.y, widths, height, cells, 10.5)
            self.y -= height


def draw_agreement(canvas: Canvas, content: dict[str, Any]) -> None:
    w = _Writer(canvas)
    text_box(canvas, (LEFT, w.y - 12 * mm, WIDTH, 12 * mm), content["title"], 20,
             align="center")
    w.y -= 16 * mm
    elder = content["elder"]
    label = 24 * mm
    quarter = [label, WIDTH / 2 - label, label, WIDTH / 2 - label]
    rows: list[list[Cell | str]] = []
    for s in content["supporters"] or [{"name": "", "relation": "", "phone": ""}]:
        rows.append([Cell("委托人(甲方)", label=True), Cell(f"{s['name']}({s['relation']})"
                                                         if s["relation"] else s["name"]),
                     Cell("联系电话", label=True), Cell(s["phone"])])
    t = content["trustee"]
    rows.append([Cell("受托人(乙方)", label=True),
                 Cell(f"{t['name']}({t['relation']})" if t["relation"] else t["name"]),
                 Cell("联系电话", label=True), Cell(t["phone"])])
    rows.append([Cell("受托人身份证号", label=True), Cell(t["id_number"], span=3)])
    rows.append([Cell("被照顾老人", label=True), Cell(elder["name"]),
                 Cell("身份证号", label=True), Cell(elder["id_number"])])
    rows.append([Cell("家庭住址", label=True), Cell(elder["address"]),
                 Cell("老人电话", label=True), Cell(elder["phone"])])
    w.table(quarter, rows, 8.5 * mm)
    w.gap(3 * mm)
    w.paragraph(content["preamble"], first="\u3000\u3000")
    sections = [("委托照顾事项", content["entrusted"]), ("各方责任", content["clauses"]),
                ("委托期限", [content["term"]])]
    contacts = content["contacts"]
    # The signatures go over with the closing words and the whole section before them:
    # a signature block alone on a page, under one line, signs nothing that can be seen
    # (issue 20: four trustees pushed it onto page 2 by itself).
    tail = (2 * mm + w.height(content["closing"], first="\u3000\u3000")
            + _signatures_height(content))
    for n, (heading, items) in enumerate(sections):
        if n == len(sections) - 1 and not contacts:
            w.need(_section_height(heading, items) + tail)
        _section(w, f"{NUMERALS[n]}、{heading}", items)
    if contacts:
        heading = f"{NUMERALS[len(sections)]}、联系方式"
        w.need(1.5 * mm + w.height(heading, size=12.5) + len(contacts) * 7 * mm + tail)
        w.gap(1.5 * mm)
        w.paragraph(heading, size=12.5)
        w.table([WIDTH / 3] * 3, [[Cell(c["role"], align="center"),
                                   Cell(c["name"], align="center"),
                                   Cell(c["phone"], align="center")] for c in contacts],
                7 * mm)
    w.gap(2 * mm)
    w.need(tail - 2 * mm)
    w.paragraph(content["closing"], first="\u3000\u3000")
    _signatures(w, content)
    text_box(canvas, (LEFT, 8 * mm, WIDTH, 6 * mm), f"第 {w.page} 页", 8, align="center")


def _section_height(heading: str, items: list[str]) -> float:
    prefix = "1. " if len(items) > 1 else ""
    return (1.5 * mm + _Writer.height(f"一、{heading}", size=12.5)
            + sum(_Writer.height(item, indent=7 * mm, first=prefix) for item in items))


def _section(w: _Writer, heading: str, items: list[str]) -> None:
    w.gap(1.5 * mm)
    w.paragraph(heading, size=12.5)
    for i, item in enumerate(items, 1):
        prefix = f"{i}. " if len(items) > 1 else ""
        w.paragraph(item, indent=7 * mm, first=prefix)


def _parties(content: dict[str, Any]) -> list[str]:
    parties = ["委托人(甲方)签字:", "受托人(乙方)签字:", "老人本人签字(或按手印):"]
    if content["role"] in ("witness", "third_party"):
        parties.append(f"{content['committee_title']}(盖章):")
    return parties


def _signatures_height(content: dict[str, Any]) -> float:
    rows = (len(_parties(content)) + 1) // 2
    return rows * 20 * mm + (34 * mm if content["role"] == "filing" else 0)


def _signatures(w: _Writer, content: dict[str, Any]) -> None:
    c = w.canvas
    role = content["role"]
    parties = _parties(content)
    half = WIDTH / 2
    rows = [parties[i:i + 2] for i in range(0, len(parties), 2)]
    w.need(_signatures_height(content))
    for row in rows:
        w.y -= 20 * mm
        for i, who in enumerate(row):
            x = LEFT + i * half
            label_w = min(text_width(who, SIZE) + 2 * PADDING + 1, half - 30 * mm)
            fitted = text_box(c, (x, w.y + 8 * mm, label_w, 8 * mm), who, SIZE,
                              single_line=True)
            baseline = w.y + 8 * mm + 4 * mm - fitted.size * 0.35
            c.line(x + label_w, baseline - 1.5, x + half - 6 * mm, baseline - 1.5)
            text_box(c, (x, w.y, half - 4 * mm, 7 * mm), "日期:      年    月    日", 10.5)
    if role == "filing":
        w.y -= 6 * mm
        box = (LEFT, w.y - 26 * mm, WIDTH, 26 * mm)
        c.rect(*box)
        text_box(c, (LEFT, w.y - 8 * mm, WIDTH, 8 * mm), content["committee_title"], 12,
                 align="center")
        village = content["village"]
        committee = village.get("committee") or f"{village.get('name') or '____'}村民委员会"
        text_box(c, (LEFT + 4 * mm, w.y - 17 * mm, WIDTH - 8 * mm, 8 * mm),
                 content["filing_note"], SIZE)
        text_box(c, (LEFT + WIDTH / 2, w.y - 25 * mm, WIDTH / 2 - 4 * mm, 8 * mm),
                 f"{committee}(盖章)", SIZE, align="right")
        w.y -= 26 * mm


def agreement_pdf(content: dict[str, Any], target: str | IO[bytes] | None = None
                  ) -> bytes | None:
    canvas, out = new_canvas(target, title=f"{content['title']} {content['elder']['name']}")
    draw_agreement(canvas, content)
    canvas.showPage()
    canvas.save()
    return out.getvalue() if target is None else None
