"""基本情况登记表: the person's file on paper for the archive (一人一档), laid out from
the field declarations in ``carecenter.rules.fields`` (a new field appears here by itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO, Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.document_data import Printable
from carecenter.documents.layout import Cell, grid_row, new_canvas, text_box
from carecenter.rules.fields import BASIC as BASIC_SECTION
from carecenter.rules.fields import (
    HEALTH,
    NEEDS,
    PERSON_FIELDS,
    SUPPORTER_FIELDS,
    Field,
    FieldType,
    in_section,
)
from carecenter.rules.kinds import ELDER, PersonKind, Role
from carecenter.storage.models import STATUS_LABELS

PAGE_W, PAGE_H = A4
LEFT = 18 * mm
WIDTH = PAGE_W - 2 * LEFT
BOTTOM = 18 * mm
ROW = 8.5 * mm
TALL = 14 * mm
# The group is printed by name; the ledger's own fields the clerk fills on screen.
_SKIP = {"group_id"}


class Flow:
    """Rows down the page, starting a new page (with the title repeated) when full."""

    def __init__(self, canvas: Canvas, title: str, subtitle: str) -> None:
        self.canvas = canvas
        self.title = title
        self.subtitle = subtitle
        self.page = 0
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        c = self.canvas
        title = self.title if self.page == 1 else f"{self.title}(续)"
        text_box(c, (LEFT, PAGE_H - 26 * mm, WIDTH, 12 * mm), title, 18, align="center")
        text_box(c, (LEFT, PAGE_H - 33 * mm, WIDTH, 6 * mm), self.subtitle, 9.5)
        text_box(c, (LEFT, 8 * mm, WIDTH, 6 * mm), f"第 {self.page} 页", 8, align="center")
        self.y = PAGE_H - 34 * mm

    def row(self, widths: list[float], cells: Sequence[Cell | str], height: float = ROW,
            keep: float = 0.0) -> None:
        if self.y - height - keep < BOTTOM:
            self.new_page()
        grid_row(self.canvas, LEFT, self.y, widths, height, cells)
        self.y -= height


def _pairs(flow: Flow, data: Printable, fields: list[Field]) -> None:
    """Short fields two to a row (label, value, label, value); long text a full row."""
    label_w = 26 * mm
    value_w = WIDTH / 2 - label_w
    widths = [label_w, value_w, label_w, value_w]
    pending: list[Cell] = []
    for f in fields:
        if f.name in _SKIP:
            continue
        text = f.display(data.value(f.name))
        if f.type is FieldType.LONGTEXT or f.max_length >= 100:
            if pending:
                flow.row(widths, [*pending, Cell(span=2)])
                pending = []
            tall = TALL if f.type is FieldType.LONGTEXT else ROW
            flow.row(widths, [Cell(f.label, label=True), Cell(text, span=3)], tall)
            continue
        pending += [Cell(f.label, label=True), Cell(text)]
        if len(pending) == 4:
            flow.row(widths, list(pending))
            pending = []
    if pending:
        flow.row(widths, [*pending, Cell(span=2)])


def _role_table(flow: Flow, role: Role, rows: list[dict[str, Any]]) -> None:
    """Every row of a role (赡养人, 丈夫...) in a table built from its fields."""
    quarter = [WIDTH / 4] * 4
    flow.row(quarter, [Cell(f"{role.label}({len(rows)} 人)", span=4, align="center",
                            label=True, size=11.5)], keep=2 * ROW)
    fields = [f for f in role.fields if f.name != "id_number"] or list(role.fields)
    shares = {"whereabouts": 1.5, "phone": 1.3, "address": 1.5}
    total = sum(shares.get(f.name, 1.0) for f in fields)
    widths = [WIDTH * shares.get(f.name, 1.0) / total for f in fields]
    flow.row(widths, [Cell(f.label, label=True, size=9.5) for f in fields], keep=ROW)
    for s in rows or [{}]:
        flow.row(widths, [Cell(f.display(s.get(f.name)), size=9.5, align="center")
                          for f in fields])


def extra_sections(flow: Flow, data: Printable, skip: PersonKind) -> None:
    """What the file's other kinds add to a kind's own form (a 特困 elder's 特困供养):
    each of their tabs whose fields the form did not print."""
    printed = {f.name for f in skip.fields}
    quarter = [WIDTH / 4] * 4
    for section, content in data.file.kindset.tabs():
        if isinstance(content, Role):
            if content in skip.roles:
                continue
            _role_table(flow, content,
                        [s for s in data.file.supporters if s.get("role") == content.code])
            continue
        fields = [f for f in content if f.name not in printed]
        if not fields:
            continue
        flow.row(quarter, [Cell(section.label, span=4, align="center", label=True,
                                size=11.5)], keep=ROW)
        _pairs(flow, data, fields)


def draw_declared(canvas: Canvas, data: Printable, today: date) -> None:
    """A kind's form with no layout of its own (留守妇女, 特困群众): its tabs in order,
    fields two to a row and each role's table, from the declarations."""
    kinds = data.file.kindset
    village = data.village
    place = "".join(v for v in (village["county"], village["township"], village["name"]) if v)
    subtitle = (f"{place or '____村'}    档案号:{data.file.id}    类别:{kinds.label}    "
                f"状态:{STATUS_LABELS.get(data.file.status, data.file.status)}    "
                f"打印日期:{today:%Y年%m月%d日}")
    flow = Flow(canvas, kinds.primary.form_title, subtitle)
    quarter = [WIDTH / 4] * 4
    for section, content in kinds.tabs():
        if isinstance(content, Role):
            _role_table(flow, content,
                        [s for s in data.file.supporters if s.get("role") == content.code])
            continue
        flow.row(quarter, [Cell(section.label, span=4, align="center", label=True,
                                size=11.5)], keep=ROW)
        if any(f.name == "group_id" for f in content):
            flow.row([26 * mm, WIDTH - 26 * mm], [Cell("村民小组", label=True), Cell(data.group)])
        _pairs(flow, data, content)
    _foot(canvas, flow, data)


def _foot(canvas: Canvas, flow: Flow, data: Printable) -> None:
    helpers = "、".join(f"{h.name}({h.role} {h.phone})".replace(" )", ")")
                       for h in data.helpers) or "(未结对)"
    flow.row([26 * mm, WIDTH - 26 * mm], [Cell("结对帮扶人", label=True), Cell(helpers)],
             keep=ROW)
    if flow.y - 22 * mm < BOTTOM:
        flow.new_page()
    y = flow.y - 14 * mm
    third = WIDTH / 3
    for i, who in enumerate(("本人或家属签字:", "填表人签字:", "村委会(盖章)")):
        text_box(canvas, (LEFT + i * third, y, third, 8 * mm), who, 10.5)
    text_box(canvas, (LEFT + 2 * third, y - 9 * mm, third, 8 * mm), "    年    月    日", 10.5)


def draw_form(canvas: Canvas, data: Printable, today: date) -> None:
    village = data.village
    place = "".join(v for v in (village["county"], village["township"], village["name"]) if v)
    subtitle = (f"{place or '____村'}    档案号:{data.file.id}    "
                f"状态:{STATUS_LABELS.get(data.file.status, data.file.status)}    "
                f"打印日期:{today:%Y年%m月%d日}")
    flow = Flow(canvas, "农村留守老年人基本情况登记表", subtitle)
    header = [Cell(BASIC_SECTION.label, span=4, align="center", label=True, size=11.5)]
    quarter = [WIDTH / 4] * 4
    flow.row(quarter, header, keep=ROW)
    basic = in_section(PERSON_FIELDS, BASIC_SECTION)
    # the village group by name, right after the address
    _pairs(flow, data, basic[:7])
    flow.row([26 * mm, WIDTH - 26 * mm], [Cell("村民小组", label=True), Cell(data.group)])
    _pairs(flow, data, basic[7:])

    # 赡养人: every one, in a table built from the supporter fields
    flow.row(quarter, [Cell(f"赡养人({len(data.file.supporters)} 人)", span=4,
                            align="center", label=True, size=11.5)], keep=2 * ROW)
    shares = {"name": 1.0, "relation": 0.8, "phone": 1.3, "whereabouts": 1.6,
              "location_scope": 0.9, "away_since": 1.05, "returned_on": 1.05,
              "return_kind": 0.9}
    total = sum(shares.get(f.name, 1.0) for f in SUPPORTER_FIELDS)
    widths = [WIDTH * shares.get(f.name, 1.0) / total for f in SUPPORTER_FIELDS]
    flow.row(widths, [Cell(f.label, label=True, size=9.5) for f in SUPPORTER_FIELDS],
             keep=ROW)
    supporters = data.file.supporters or [{}]
    for s in supporters:
        flow.row(widths, [Cell(f.display(s.get(f.name)), size=9.5, align="center")
                          for f in SUPPORTER_FIELDS])

    for section in (HEALTH, NEEDS):
        flow.row(quarter, [Cell(section.label, span=4, align="center", label=True,
                                size=11.5)], keep=ROW)
        _pairs(flow, data, in_section(PERSON_FIELDS, section))
    extra_sections(flow, data, skip=ELDER)
    _foot(canvas, flow, data)


def registration_form(data: Printable, today: date, target: str | IO[bytes] | None = None
                      ) -> bytes | None:
    """The form as a PDF: written to ``target``, or returned as bytes."""
    canvas, out = new_canvas(target, title=f"基本情况登记表 {data.name}")
    draw_form(canvas, data, today)
    canvas.showPage()
    canvas.save()
    return out.getvalue() if target is None else None
