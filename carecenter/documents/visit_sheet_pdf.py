"""走访记录表: a blank paper sheet for one helper and one month, listing the people
paired with the helper, with a box to tick for each kind of visit and room to write
what was found. The clerk types the ticks in afterwards (issue 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from sqlalchemy import or_, select

from carecenter.care.care_book import SHEET_KINDS, VISIT_KINDS
from carecenter.documents.document_data import group_names
from carecenter.documents.layout import Cell, grid_row, new_canvas, text_box
from carecenter.errors import KnownError
from carecenter.pairing.helper_book import ROLES
from carecenter.rules.risk import COLOUR_LABELS
from carecenter.settings.settings_store import Settings
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, helper, pairing, person

PAGE_W, PAGE_H = landscape(A4)
LEFT = 12 * mm
WIDTH = PAGE_W - 2 * LEFT
ROW = 10 * mm


@dataclass(frozen=True)
class SheetRow:
    name: str
    group: str
    colour: str
    phone: str


def find_helper(database: Database, text: str) -> tuple[int, str]:
    """A helper by number or by name (refused when two share the name)."""
    text = text.strip()
    with database.session() as session:
        query = select(helper.c.id, helper.c.name)
        query = query.where(or_(helper.c.id == int(text), helper.c.name == text)) \
            if text.isdigit() else query.where(helper.c.name == text)
        rows = session.execute(query).all()
    if not rows:
        raise KnownError(f"没有叫“{text}”的帮扶人")
    if len(rows) > 1:
        raise KnownError(f"有 {len(rows)} 位帮扶人叫“{text}”,请用编号:"
                         + "、".join(str(r.id) for r in rows))
    return int(rows[0].id), str(rows[0].name)


def sheet_rows(database: Database, helper_id: int) -> list[SheetRow]:
    groups = group_names(database)
    with database.session() as session:
        rows = session.execute(
            select(person.c.name, person.c.group_id, person.c.colour, person.c.phone)
            .join(pairing, pairing.c.person_id == person.c.id)
            .where(pairing.c.helper_id == helper_id, pairing.c.ended_on.is_(None),
                   person.c.status == ACTIVE)
            .order_by(person.c.group_id, person.c.name_pinyin)).all()
    return [SheetRow(r.name, groups.get(r.group_id or -1, ""),
                     COLOUR_LABELS.get(r.colour or "", ""), r.phone or "") for r in rows]


def visit_sheet(database: Database, helper_id: int, month: date,
                target: str | IO[bytes] | None = None) -> bytes | None:
    with database.session() as session:
        who = session.execute(select(helper.c.name, helper.c.role, helper.c.phone,
                                     helper.c.village_id)
                              .where(helper.c.id == helper_id)).first()
    if who is None:
        raise KnownError(f"帮扶人(编号 {helper_id})不存在")
    rows = sheet_rows(database, helper_id)
    village = Settings(database, who.village_id).village()  # the helper's own village
    canvas, out = new_canvas(target, title=f"走访记录表 {who.name} {month:%Y-%m}",
                             pagesize=(PAGE_W, PAGE_H))
    kinds = [VISIT_KINDS[k] for k in SHEET_KINDS]
    fixed = [10 * mm, 22 * mm, 16 * mm, 12 * mm, 28 * mm]
    kind_w = 21 * mm
    date_w = 18 * mm
    found_w = WIDTH - sum(fixed) - kind_w * len(kinds) - date_w
    widths = [*fixed, *[kind_w] * len(kinds), date_w, found_w]
    header = [Cell(t, label=True, size=9) for t in
              ("序号", "姓名", "村民小组", "等级", "电话", *kinds, "走访日期", "发现的情况和需求")]
    per_page = int((PAGE_H - 62 * mm) // ROW)
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    number = 0
    for p, chunk in enumerate(pages, 1):
        top = PAGE_H - 12 * mm
        text_box(canvas, (LEFT, top - 10 * mm, WIDTH, 10 * mm),
                 f"{village['name']}留守老年人走访记录表({month:%Y年%m月})", 16, align="center")
        text_box(canvas, (LEFT, top - 17 * mm, WIDTH, 6 * mm),
                 f"帮扶人:{who.name}({ROLES.get(who.role, who.role)})  电话:{who.phone or ''}    "
                 f"共 {len(rows)} 人    每次走访在对应方式下打“√”，写明日期和情况", 9.5)
        y = top - 19 * mm
        grid_row(canvas, LEFT, y, widths, 10 * mm, header)
        y -= 10 * mm
        blank = [] if chunk or p > 1 else [SheetRow("", "", "", "")] * 3
        for r in [*chunk, *blank]:
            number += 1
            cells: list[Cell | str] = [Cell(str(number) if r.name else "", align="center"),
                     Cell(r.name, align="center"), Cell(r.group, align="center"),
                     Cell(r.colour, align="center"), Cell(r.phone, align="center"),
                     *[Cell("□", align="center", size=14) for _ in kinds], "", ""]
            grid_row(canvas, LEFT, y, widths, ROW, cells, 10)
            y -= ROW
        text_box(canvas, (LEFT, 8 * mm, WIDTH / 2, 8 * mm), "帮扶人签字:", 10.5)
        text_box(canvas, (LEFT + WIDTH / 2, 8 * mm, WIDTH / 2, 8 * mm),
                 f"第 {p} 页 / 共 {len(pages)} 页", 8, align="right")
        canvas.showPage()
    canvas.save()
    return out.getvalue() if target is None else None
