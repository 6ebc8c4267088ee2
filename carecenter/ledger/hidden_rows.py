"""Which rows and columns of a sheet the clerk hid (issue 16): calamine, the fast reader,
reads hidden rows like any other and does not say which they are.

A clerk hides rows for a reason (people who left, drafts, a filter showing one group),
so an import flags each one rather than taking it in unseen, whatever the workbook's
format: .xls and WPS's .et (``biff_shapes``), .ods (``ods_shapes``) and .xlsx, here.
An .xlsx sheet's XML says it: ``<row r="7" hidden="1">``, a row of height zero
(``ht="0"``), or ``<sheetFormatPr zeroHeight="1">`` (every row hidden that does not say
otherwise). The sheet part alone (found through ``xl/workbook.xml`` and its
relationships) is streamed in chunks and only its ``<row>`` start tags are looked at:
20 ms for a 20,000-row sheet, where a full XML parse (iterparse, expat) of its 300,000
cells took 2 to 4 s, as long as the rest of the import. A .csv has no hidden rows.
"""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError, iterparse

from carecenter.ledger import biff_shapes, ods_shapes
from carecenter.ledger.sheet_shape import SheetShape

log = logging.getLogger(__name__)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 1 << 20
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*:))?worksheet\b")
_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_COL = re.compile(rb"<col\b([^>]*)>")
_MIN = re.compile(rb"""\smin\s*=\s*["'](\d+)["']""")
_MAX = re.compile(rb"""\smax\s*=\s*["'](\d+)["']""")
# A row 0 high or a column 0 wide shows nothing: as good as hidden.
_ZERO = re.compile(rb"""\s(?:ht|width)\s*=\s*["'](?:0+(?:\.0*)?|\.0+)["']""")
_ZERO_HEIGHT = re.compile(
    rb"""<(?:[\w.-]+:)?sheetFormatPr\b[^>]*\szeroHeight\s*=\s*["'](?:1|true)["']""")
HIDDEN_WARNING = "此行在表格中被隐藏,请核对是否仍在册"


def hidden_rows(path: str | Path, sheet: str, upto: int | None = None) -> set[int]:
    """Excel's numbers (1 = the first row) of the rows hidden in ``sheet``, up to row
    ``upto`` (the rows read; needed for a sheet whose rows are hidden by default);
    empty for a file with no such thing (a .csv) or a sheet not found."""
    return hidden_parts(path, sheet, upto)[0]


def hidden_parts(path: str | Path, sheet: str,
                 upto: int | None = None) -> tuple[set[int], set[int]]:
    """(hidden rows as Excel numbers them, hidden columns 0-based) of ``sheet``."""
    shape = sheet_shape(Path(path), sheet)
    if shape is None:
        return set(), set()
    return shape.hidden_rows(upto), set(shape.hidden_columns)


def sheet_shape(path: Path, sheet: str) -> SheetShape | None:
    """The sheet's hidden rows and columns as its file says them, by its content (an
    .xlsx renamed .xls is read as what it is), None when the file has none to say."""
    if biff_shapes.is_ole(path):
        return biff_shapes.shapes(path).get(sheet)
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as book:
            if ods_shapes.is_ods(book):
                return ods_shapes.shapes(path).get(sheet)
            part = _sheet_part(book, sheet)
            if part is None:
                return None
            with book.open(part) as stream:
                return _hidden_in(stream)
    except (OSError, KeyError, ParseError, zipfile.BadZipFile, ValueError) as e:
        # calamine read the sheet, so this is an odd package rather than no workbook:
        # said in the log; the import goes on as before this check existed.
        log.warning("无法读取 %s 工作表“%s”的隐藏行:%s", path.name, sheet, e)
        return None


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the sheet named ``sheet`` (xl/worksheets/sheet3.xml)."""
    return next((part for part, name in sheet_names_by_part(book).items() if name == sheet),
                None)


def sheet_names_by_part(book: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's zip member (xl/worksheets/sheet3.xml) → the sheet's name, through
    ``xl/workbook.xml`` and its relationships; empty for a package without them."""
    names = set(book.namelist())
    workbook, rels = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    if workbook not in names or rels not in names:
        return {}
    sheets: dict[str, str] = {}  # relationship id → name
    with book.open(workbook) as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{_MAIN}sheet":
                sheets[element.get(f"{_REL}id") or ""] = element.get("name") or ""
    found: dict[str, str] = {}
    with book.open(rels) as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{_PKG}Relationship" and element.get("Id") in sheets:
                target = element.get("Target") or ""
                # Relative to xl/ (worksheets/sheet1.xml), or from the root (/xl/...).
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
                if part in names:
                    found[part] = sheets[element.get("Id") or ""]
    return found


def _hidden_in(stream: IO[bytes]) -> SheetShape:
    """The hidden rows' numbers, from the ``<row …>`` start tags as the part streams past
    in chunks (cut before the last ``<``, so no tag is ever split). A row without ``r``
    is the one after the previous row (the attribute is optional)."""
    shape = SheetShape()
    number = 0
    row: re.Pattern[bytes] | None = None
    col = _COL
    end = b"</sheetData>"
    in_data = False
    buffer = b""
    while True:
        chunk = stream.read(_CHUNK)
        buffer += chunk
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        if cut <= 0 and chunk:
            continue
        text, buffer = buffer[:cut], buffer[cut:]
        if row is None:
            row, col, end = _tags(text)
        if not in_data:  # <sheetFormatPr> and <cols> come before the rows
            head = text.split(b"sheetData", 1)[0]
            _columns(col, head, shape.hidden_columns)
            shape.hidden_by_default |= _ZERO_HEIGHT.search(head) is not None
            in_data = b"sheetData" in text
        number = _scan(row, text, number, shape)
        if not chunk or end in text:
            shape.rows = number
            return shape  # merged cells, filters and the rest follow


def _tags(text: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes], bytes]:
    """``<row …>``, ``<col …>`` and ``</sheetData>`` with the prefix this file gives the
    spreadsheet namespace (none as Excel and WPS write it; ``x:`` from some generators)."""
    found = _ROOT.search(text)
    prefix = re.escape(found.group(1)) if found and found.group(1) else b""
    return (re.compile(rb"<" + prefix + rb"row\b([^>]*)>"),
            re.compile(rb"<" + prefix + rb"col\b([^>]*)>"),
            b"</" + (found.group(1) if found and found.group(1) else b"") + b"sheetData>")


def _columns(col: re.Pattern[bytes], head: bytes, columns: set[int]) -> None:
    """``<col min="6" max="7" hidden="1"/>`` (or ``width="0"``): columns F and G
    (0-based 5 and 6)."""
    for match in col.finditer(head):
        attributes = match.group(1)
        if not (_HIDDEN.search(attributes) or _ZERO.search(attributes)):
            continue
        low, high = _MIN.search(attributes), _MAX.search(attributes)
        if low and high:
            columns.update(range(int(low.group(1)) - 1, min(int(high.group(1)), 16384)))


def _scan(row: re.Pattern[bytes], text: bytes, number: int, shape: SheetShape) -> int:
    """The rows of ``text``: hidden (``hidden="1"`` or ``ht="0"``), and on a sheet whose
    rows are hidden by default, the others too (they are the ones shown)."""
    hidden, shown = shape.hidden, shape.shown if shape.hidden_by_default else None
    for match in row.finditer(text):
        attributes = match.group(1)
        number = _number(attributes, number)
        if (b"hidden" in attributes and _HIDDEN.search(attributes)) or (
                (b'ht="0' in attributes or b"ht='0" in attributes)
                and _ZERO.search(attributes)):
            hidden.add(number)
        elif shown is not None:
            shown.add(number)
    return number


def _number(attributes: bytes, previous: int) -> int:
    """The row's ``r``: found with ``bytes.find`` (a regular expression per row would
    cost more than the rest of the scan), the general form only when that fails."""
    at = attributes.find(b' r="')
    if at >= 0:
        end = attributes.find(b'"', at + 4)
        value = attributes[at + 4:end]
        if value.isdigit():
            return int(value)
    found = _R.search(attributes)
    return int(found.group(1)) if found else previous + 1
