"""How every workbook the program writes looks: 宋体, a title, a bold frozen header,
set column widths, text cells for numbers that are not quantities (ID, phone), and A4
landscape printing with the header repeated on every page.

Sheets are written in openpyxl's write-only mode (fast and small in memory: PLATFORM.md);
only the title and header cells carry their own style, data cells use the workbook's
default font, which is set to 宋体 so that Excel and WPS show every cell in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

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


def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def write_table(
    sheet: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    text_columns: Iterable[int] = (),
    title: str = "",
    subtitle: str = "",
) -> int:
    """Title (and subtitle), header, rows; returns the number of data rows written.

    ``text_columns`` are 1-based columns whose values must stay text (ID numbers).
    """
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 1 + bool(title) + bool(subtitle)
    # Write-only sheets write their views when the first row goes out: set them first.
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    landscape(sheet)
    if title:
        sheet.append([_cell(sheet, title, font=Font(name=FONT_NAME, size=14, bold=True))])
    if subtitle:
        sheet.append([_cell(sheet, subtitle, font=Font(name=FONT_NAME, size=10))])
    bold = Font(name=FONT_NAME, size=11, bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append([_cell(sheet, h, font=bold, fill=HEADER_FILL, alignment=centre, border=BORDER)
                  for h in headers])
    text = set(text_columns)
    count = 0
    for row in rows:
        if text:
            row = [str(v) if (i + 1) in text and v is not None else v for i, v in enumerate(row)]
        sheet.append(row)
        count += 1
    if count:
        last = get_column_letter(len(headers))
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    return count


def landscape(sheet: Any) -> None:
    """A4 landscape, as wide as one page, as long as it needs."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页,共 &N 页"


def save(book: Workbook, path: Any) -> None:
    from carecenter.errors import KnownError

    try:
        book.save(path)
    except OSError as e:
        raise KnownError(f"无法保存 {path}:文件可能正在 Excel 中打开,或没有写入权限") from e
