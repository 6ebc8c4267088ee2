"""Every list the clerk sees, on paper and in Excel: the work list, the register as
filtered, a helper's people — an A4 PDF (ruled, the header on each page, embedded font)
and an xlsx (the same columns, ID numbers kept as text).

A list is a title, headers, rows of text and the width of each column; the builders
below read the rows set-wise, the writers never know which list they write. reportlab
and openpyxl load when a list is first written (the window that offers it opens at
start-up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from carecenter.errors import KnownError
from carecenter.rules.risk import COLOUR_LABELS
from carecenter.storage.database import Database
from carecenter.storage.long_work import Steps, write_whole

if TYPE_CHECKING:
    from carecenter.overview.work_list import WorkItem

ROW_HEIGHT = 18.0
MARGIN = 28.0


@dataclass
class PrintedList:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    widths: tuple[float, ...] = ()  # relative widths of the columns
    subtitle: str = ""
    text_columns: tuple[int, ...] = ()  # 1-based: stay text in Excel (ID numbers)


@dataclass
class Pending:
    """A list whose rows are read when it is written (a county's register: seconds),
    so that the reading shows progress too; ``count`` rows are to come."""

    count: int
    title: str
    build: Callable[[Steps], PrintedList]


def _check_folder(path: str | Path) -> Path:
    target = Path(path)
    if not target.parent.is_dir():
        raise KnownError(f"文件夹 {target.parent} 不存在,请另选保存位置")
    return target


def write_pdf(table: PrintedList, path: str | Path, steps: Steps | None = None,
              start: int = 0) -> int:
    """A4, landscape when the list is wide; returns the number of pages. ``steps`` hears
    of each page from ``start`` per mille to the end; a cancel writes nothing."""
    target = _check_folder(path)
    pages = 0

    def write(part: Path) -> None:
        nonlocal pages
        pages = _draw_pdf(table, part, steps or Steps(), start)

    write_whole(target, write)
    return pages


def _draw_pdf(table: PrintedList, target: Path, steps: Steps, start: int) -> int:
    from reportlab.lib.pagesizes import A4, landscape

    from carecenter.documents import fonts, layout

    wide = sum(table.widths) > 60 or len(table.headers) > 7
    size = landscape(A4) if wide else A4
    canvas, _ = layout.new_canvas(str(target), table.title, pagesize=size)
    font = fonts.register()
    page_width, page_height = size
    usable = page_width - 2 * MARGIN
    total = sum(table.widths) or len(table.headers)
    widths = [usable * w / total for w in (table.widths or [1] * len(table.headers))]
    per_page = max(1, int((page_height - 2 * MARGIN - 60) // ROW_HEIGHT))
    pages = max(1, -(-len(table.rows) // per_page))
    for page in range(pages):
        if page % 10 == 0:
            steps.say(start + (1000 - start) * page // pages,
                      f"正在生成第 {page + 1} 页,共 {pages} 页")
        top = page_height - MARGIN
        canvas.setFont(font, 15)
        canvas.drawCentredString(page_width / 2, top - 14, table.title)
        canvas.setFont(font, 9.5)
        canvas.drawString(MARGIN, top - 32, table.subtitle)
        canvas.drawRightString(page_width - MARGIN, top - 32, f"第 {page + 1} 页,共 {pages} 页")
        y = top - 40
        layout.grid_row(canvas, MARGIN, y, widths, ROW_HEIGHT + 2,
                        [layout.Cell(h, label=True) for h in table.headers], size=10)
        y -= ROW_HEIGHT + 2
        for row in table.rows[page * per_page:(page + 1) * per_page]:
            layout.grid_row(canvas, MARGIN, y, widths, ROW_HEIGHT, list(row), size=9.5)
            y -= ROW_HEIGHT
        canvas.showPage()
    canvas.save()
    return pages


def write_xlsx(table: PrintedList, path: str | Path, steps: Steps | None = None,
               start: int = 0) -> int:
    """One sheet: title, subtitle, the header and the rows; returns the rows written.
    ``steps`` hears of the rows from ``start`` per mille; a cancel writes nothing."""
    from carecenter.ledger import style

    steps = steps or Steps()
    target = _check_folder(path)
    book = style.new_workbook()
    sheet = book.create_sheet(table.title[:31])
    minimum = [max(6.0, w) for w in (table.widths or [10] * len(table.headers))]
    widths = style.fitted_widths(table.headers, table.rows, minimum, cap=50)
    rows = steps.rows(table.rows, len(table.rows), start, start + (1000 - start) * 4 // 5,
                      "正在写入表格")
    try:
        count = style.write_table(sheet, table.headers, rows, widths,
                                  text_columns=table.text_columns, title=table.title,
                                  subtitle=table.subtitle)
        steps.say(start + (1000 - start) * 4 // 5, "正在保存文件…")
        write_whole(target, book.save)
    except BaseException:
        style.discard(book)  # a cancel half-way: nothing left open
        raise
    return count


# -- the lists ----------------------------------------------------------------------------

REGISTER_HEADERS = ("序号", "姓名", "性别", "年龄", "村民小组", "风险等级", "帮扶人", "联系电话",
                    "身份证号", "状态")
REGISTER_WIDTHS = (5.0, 9, 5, 5, 9, 8, 9, 13, 20, 10)


def register_list(database: Database, ids: Sequence[int], title: str,
                  subtitle: str = "", steps: Steps | None = None,
                  share: int = 0) -> PrintedList:
    """People in the order shown, with the register's columns; ``steps`` hears of the
    reading up to ``share`` per mille of the whole work."""
    from carecenter.register.listing import Listing

    listing = Listing(database)
    rows: list[tuple[str, ...]] = []
    for start in range(0, len(ids), 500):
        if steps is not None:
            steps.say(share * start // max(len(ids), 1),
                      f"正在读取名单({start}/{len(ids)})")
        chunk = ids[start:start + 500]
        found = listing.rows(chunk)
        for pid in chunk:
            r = found.get(pid)
            if r is None:
                continue
            rows.append((str(len(rows) + 1), r.name, r.sex, "" if r.age is None else str(r.age),
                         r.group, COLOUR_LABELS.get(r.colour, "未评估"), r.helper, r.phone,
                         r.id_number, r.status))
    return PrintedList(title, REGISTER_HEADERS, rows, REGISTER_WIDTHS,
                       subtitle or f"共 {len(rows)} 人", text_columns=(9,))


def pending_register_list(database: Database, ids: Sequence[int], title: str,
                          subtitle: str = "") -> Pending:
    """The register list read when written, with progress (0-40 % reading the rows)."""
    ids = list(ids)
    return Pending(len(ids), title, lambda steps: register_list(
        database, ids, title, subtitle, steps, READING_SHARE))


READING_SHARE = 400  # per mille of printing a register list that goes on reading it


WORK_HEADERS = ("类别", "风险等级", "村民小组", "姓名", "事项", "要求 / 说明", "上次", "应完成",
                "逾期天数", "完成情况")
WORK_WIDTHS = (7.0, 6, 7, 7, 8, 28, 10, 10, 6, 10)


def work_list(items: Iterable[WorkItem], on: date, title: str = "工作台") -> PrintedList:
    """Work list items as shown, with an empty 完成情况 column to fill in by hand on the
    round."""
    from carecenter.overview.work_list import SECTIONS

    rows: list[tuple[str, ...]] = []
    for item in items:
        late = item.days_late(on)
        rows.append((SECTIONS[item.section], item.colour_label, item.group or "未分组",
                     item.name, item.what, item.rule,
                     f"{item.last:%Y-%m-%d}" if item.last else "",
                     f"{item.due:%Y-%m-%d}" if item.due else "", str(late) if late else "",
                     ""))
    return PrintedList(title, WORK_HEADERS, rows, WORK_WIDTHS,
                       f"{on:%Y年%m月%d日},共 {len(rows)} 项")


def helper_people(database: Database, helper_id: int, on: date) -> PrintedList:
    """The people a helper is paired with now (primary and second)."""
    from sqlalchemy import text

    with database.engine.connect() as connection:
        name = connection.execute(text("SELECT name FROM helper WHERE id = :h"),
                                  {"h": helper_id}).scalar() or ""
        ids = list(connection.execute(text(
            "SELECT r.person_id FROM pairing r JOIN person p ON p.id = r.person_id "
            "WHERE r.helper_id = :h AND r.ended_on IS NULL ORDER BY r.rank, p.name_pinyin"),
            {"h": helper_id}).scalars())
    return register_list(database, ids, f"{name} 帮扶对象名单",
                         f"{on:%Y年%m月%d日},共 {len(ids)} 人")
