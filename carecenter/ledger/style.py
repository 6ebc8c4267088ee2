"""How every workbook the program writes looks: 宋体, a centred title, a bold frozen
header, set column widths, text cells (format "@") for ID numbers, and A4 landscape
printing, one page wide, with the header repeated on every page and the grid printed.

Sheets are written in openpyxl's write-only mode (fast and small in memory: PLATFORM.md);
only the title and header cells carry their own style, data cells use the workbook's
default font, which is set to 宋体 so that Excel and WPS show every cell in it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

from carecenter.ledger.row_xml import SplicedRows

FONT_NAME = "宋体"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def new_workbook() -> Workbook:
    """A write-only workbook whose default font is 宋体 11."""
    book = Workbook(write_only=True)
    # The default font is the first of the workbook's fonts; openpyxl has no public setter.
    book._fonts = IndexedList([Font(name=FONT_NAME, sz=11, family=2, scheme=None)])
    return book


def discard(book: Workbook) -> None:
    """A write-only workbook given up half-way (a cancel): its sheets are closed and their
    temporary files removed now, not when the collector finds them (their writers would
    then write into files already closed)."""
    for sheet in book.worksheets:
        with contextlib.suppress(Exception):
            if not sheet.closed:
                sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def text_width(value: Any) -> int:
    """Columns a value takes in 宋体: two for a Chinese character, one for a digit."""
    return len(str(value).encode("gbk", "replace"))


def fitted_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  minimum: Sequence[float], measure: Iterable[int] | None = None,
                  cap: float = 40) -> list[float]:
    """Each column as wide as its longest value (up to ``cap``), and no narrower than
    ``minimum`` or half its header (which wraps onto two lines). Only the columns in
    ``measure`` (0-based; default all) are read: the others keep their minimum, for
    values of a known width (dates, codes), which saves reading a county twice."""
    widest = [0] * len(headers)
    for index in range(len(headers)) if measure is None else measure:
        values = {row[index] for row in rows if len(row) > index}
        values.discard(None)
        widest[index] = max(map(text_width, values), default=0)
    return [max(low, min(cap, w + 2), (text_width(h) + 1) // 2 + 2)
            for low, w, h in zip(minimum, widest, headers, strict=True)]


def write_table(
    sheet: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    text_columns: Iterable[int] = (),
    title: str = "",
    subtitle: str = "",
    print_columns: int = 0,
    spliced: SplicedRows | None = None,
) -> int:
    """Title (and subtitle), header, rows; returns the number of data rows written.

    ``text_columns`` are 1-based columns whose values must stay text (ID numbers): the
    cells are strings with the 文本 format "@", so that Excel and WPS keep all 18 digits
    even when the clerk retypes one. ``print_columns``: print only the first so many
    columns (the rest stays on screen); the title is centred over them. ``spliced``:
    the data rows are written as XML beside the sheet, put in when the workbook is saved
    (``row_xml``: the same bytes, several times faster for a county's ledger).
    """
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 1 + bool(title) + bool(subtitle)
    printed = print_columns or len(headers)
    # Write-only sheets write their views when the first row goes out: set them first.
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    landscape(sheet)
    if any(text_width(h) + 1 > w for h, w in zip(headers, widths, strict=False)):
        sheet.row_dimensions[header_row].height = 30  # two lines of 11 pt
    if title:
        sheet.append([_cell(sheet, title, font=Font(name=FONT_NAME, size=14, bold=True),
                            alignment=Alignment(horizontal="center"))])
        sheet.row_dimensions[1].height = 24
    if subtitle:
        sheet.append([_cell(sheet, subtitle, font=Font(name=FONT_NAME, size=10))])
    last_printed = get_column_letter(printed)
    if printed > 1:
        for n in range(1, header_row):
            sheet.merged_cells.add(f"A{n}:{last_printed}{n}")
    bold = Font(name=FONT_NAME, size=11, bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append([_cell(sheet, h, font=bold, fill=HEADER_FILL, alignment=centre, border=BORDER)
                  for h in headers])
    # One styled cell per text column, reused row after row: a write-only sheet writes a
    # row out as it is appended, so only the value changes (a new cell each time costs).
    text = {i - 1: _cell(sheet, None, number_format="@") for i in set(text_columns)}
    if spliced is not None:
        count = spliced.write(sheet, header_row + 1, rows, text)
    else:
        count = _append(sheet, rows, text)
    last = get_column_letter(len(headers))
    if count:
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    sheet.print_area = f"A1:{last_printed}{header_row + count}"
    return count


def _append(sheet: Any, rows: Iterable[Sequence[Any]], text: dict[int, WriteOnlyCell]) -> int:
    count = 0
    for row in rows:
        if text:
            row = list(row)
            for i, cell in text.items():
                if i < len(row) and row[i] is not None:
                    cell.value = str(row[i])
                    row[i] = cell
        sheet.append(row)
        count += 1
    return count


def landscape(sheet: Any) -> None:
    """A4 landscape, as wide as one page, as long as it needs."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_options.gridLines = True  # the data cells have no borders of their own
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页,共 &N 页"


def save(book: Workbook, path: Any) -> None:
    from carecenter.errors import KnownError

    try:
        book.save(path)
    except OSError as e:
        raise KnownError(f"无法保存 {path}:文件可能正在 Excel 中打开,或没有写入权限") from e
