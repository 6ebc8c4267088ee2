"""关爱服务卡: one per person, two to an A4 sheet (cut along the dashed line), kept at
home: whom to call (helpers, village cadres, village doctor, the children) and a grid
where each visit is written down by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import IO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.document_data import Contact, Printable
from carecenter.documents.layout import Cell, grid_row, new_canvas, text_box
from carecenter.rules.kinds import ROLES
from carecenter.rules.risk import COLOUR_LABELS

PAGE_W, PAGE_H = A4
CARD_H = PAGE_H / 2
MARGIN = 10 * mm
VISIT_ROWS = 10


class Cancelled(Exception):
    """The clerk cancelled a batch; nothing was written."""


def contacts_of(data: Printable) -> list[Contact]:
    """Helpers, cadres, the doctor, then the people around the person, each named by
    relation and role: 儿子(赡养人), 父亲(父母), 祖母(委托监护人)."""
    rows = list(data.helpers)
    rows += data.cadres
    if data.doctor is not None:
        rows.append(data.doctor)
    for contact, row in zip(data.supporters, data.file.supporters, strict=False):
        role = ROLES.get(row.get("role") or "supporter")
        label = role.label if role else "赡养人"
        named = f"{contact.role}({label})" if contact.role and contact.role != label else label
        rows.append(Contact(named, contact.name, contact.phone))
    return rows


def draw_card(canvas: Canvas, data: Printable, bottom: float) -> None:
    """One card in the half page whose lower edge is ``bottom``."""
    c = canvas
    x0, top = MARGIN, bottom + CARD_H - 8 * mm
    width = PAGE_W - 2 * MARGIN
    village = data.village
    place = "".join(v for v in (village["township"], village["name"]) if v)
    kinds = data.file.kindset
    # The card is the primary kind's: 留守老年人关爱服务卡, 留守儿童关爱服务卡…
    text_box(c, (x0, top - 10 * mm, width, 10 * mm),
             f"{place}{kinds.primary.label.removeprefix('农村')}关爱服务卡", 16, align="center")
    top -= 12 * mm
    left_w = width * 0.5 - 2 * mm
    right_x = x0 + width * 0.5 + 2 * mm
    right_w = width * 0.5 - 2 * mm

    # left: the person, then whom to call
    colour = COLOUR_LABELS.get(data.colour, "")
    lw = [16 * mm, left_w / 2 - 16 * mm, 16 * mm, left_w / 2 - 16 * mm]
    y = top
    row_h = 7 * mm
    rows: list[tuple[float, list[Cell | str]]] = [
        (row_h, [Cell("姓名", label=True), Cell(data.name, span=3, size=12)]),
        (row_h, [Cell("村民小组", label=True), Cell(data.group),
                 Cell("关爱等级", label=True), Cell(colour)]),
        (row_h, [Cell("身份证号", label=True), Cell(data.id_number, span=3)]),
        (row_h, [Cell("本人电话", label=True), Cell(str(data.value("phone") or ""), span=3)]),
        (10 * mm, [Cell("家庭住址", label=True),
                   Cell(str(data.value("address") or ""), span=3)]),
    ]
    for height, cells in rows:
        grid_row(c, x0, y, lw, height, cells, 9.5)
        y -= height
    y -= 2 * mm
    cw = [left_w * 0.34, left_w * 0.28, left_w * 0.38]
    grid_row(c, x0, y, cw, 6.5 * mm, [Cell("联系人", label=True), Cell("姓名", label=True),
                                       Cell("电话", label=True)], 9.5)
    y -= 6.5 * mm
    contacts = contacts_of(data) or [Contact("帮扶人", "", "")]
    space = y - (bottom + 6 * mm)
    row_h = min(6.5 * mm, space / len(contacts))
    for contact in contacts:
        grid_row(c, x0, y, cw, row_h, [Cell(contact.role, align="center"),
                                       Cell(contact.name, align="center"),
                                       Cell(contact.phone, align="center")], 9.5)
        y -= row_h

    # right: the visit record, filled in by hand
    text_box(c, (right_x, top - 7 * mm, right_w, 7 * mm), "走访记录(每次走访请填写)", 10.5,
             align="center")
    vw = [right_w * 0.2, right_w * 0.2, right_w * 0.38, right_w * 0.22]
    y = top - 7 * mm
    grid_row(c, right_x, y, vw, 6.5 * mm, [Cell("日期", label=True), Cell("方式", label=True),
                                            Cell("情况", label=True),
                                            Cell("走访人", label=True)], 9.5)
    y -= 6.5 * mm
    row_h = (y - (bottom + 14 * mm)) / VISIT_ROWS
    for _ in range(VISIT_ROWS):
        grid_row(c, right_x, y, vw, row_h, ["", "", "", ""])
        y -= row_h
    ways = "、".join(dict.fromkeys(w for k in kinds.members for w in k.card_ways))
    text_box(c, (right_x, bottom + 5 * mm, right_w, 8 * mm),
             f"方式:{ways}。遇紧急情况请拨打 120、110,并告知帮扶人。", 8)


def draw_sheet(canvas: Canvas, cards: list[Printable]) -> None:
    """Up to two cards on one A4 page, with a dashed cutting line between them."""
    for i, data in enumerate(cards[:2]):
        draw_card(canvas, data, CARD_H if i == 0 else 0)
    canvas.saveState()
    canvas.setDash(4, 3)
    canvas.setLineWidth(0.4)
    canvas.line(5 * mm, CARD_H, PAGE_W - 5 * mm, CARD_H)
    canvas.restoreState()
    text_box(canvas, (PAGE_W - 40 * mm, CARD_H + 0.5 * mm, 35 * mm, 4 * mm), "沿虚线剪开", 7,
             align="right", padding=0)


def care_cards(items: Iterable[Printable], total: int,
               target: str | IO[bytes] | None = None,
               progress: Callable[[int, int], bool] | None = None) -> bytes | None:
    """Cards for many people, two per page, into one PDF.

    ``progress(done, total)`` is called after each card; returning False cancels
    (raises Cancelled, and nothing is written to a file target).
    """
    from io import BytesIO

    buffer = BytesIO()
    canvas, _ = new_canvas(buffer, title="关爱服务卡")
    page: list[Printable] = []
    for done, data in enumerate(items, 1):
        page.append(data)
        if len(page) == 2:
            draw_sheet(canvas, page)
            canvas.showPage()
            page = []
        if progress is not None and not progress(done, total):
            raise Cancelled()
    if page:
        draw_sheet(canvas, page)
        canvas.showPage()
    canvas.save()
    pdf = buffer.getvalue()
    if target is None:
        return pdf
    if isinstance(target, str):
        with open(target, "wb") as f:
            f.write(pdf)
    else:
        target.write(pdf)
    return None


def care_card(data: Printable, target: str | IO[bytes] | None = None) -> bytes | None:
    return care_cards([data], 1, target)


def today_label(day: date) -> str:
    return f"{day:%Y年%m月%d日}"
