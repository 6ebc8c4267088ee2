"""The shape of each sheet of an OpenDocument spreadsheet (.ods, saved by LibreOffice,
WPS or Excel): how far its values reach and which rows and columns the clerk hid.

All sheets are in one part, ``content.xml``: ``<table:table table:name="…">`` holds
``<table:table-column>`` and ``<table:table-row>`` elements, each standing for
``number-columns-repeated`` / ``number-rows-repeated`` of them, and
``table:visibility="collapsed"`` (hidden) or ``"filter"`` (filtered out) on a row or
column. One element can stand for a million rows, and calamine builds every row and
column up to the last value (one value far out: gigabytes, or an abort), so the part is
streamed once here, row by row, and nothing is built per repeated row: a row is
looked at as bytes (its last ``value-type``: calamine reads only cells with a value
type), hidden rows kept as ranges and cut to the last value at the end of the sheet.
"""

from __future__ import annotations

import html
import logging
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

from carecenter.ledger.sheet_shape import SheetShape

log = logging.getLogger(__name__)

CONTENT = "content.xml"
_TABLE_NS = rb"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CHUNK = 1 << 20
# Hidden rows and columns are listed up to the most a spreadsheet has (Excel's); the
# extent itself is counted as the file says, however far, to be refused by its size.
_MAX_ROWS, _MAX_COLUMNS = 1 << 20, 16384
_LONGEST_ROW = 64 << 20  # bytes of one row element: more is no ledger
_NAME = re.compile(rb""":name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)["']""")
_COLS = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)["']""")
_HIDDEN = re.compile(rb"""visibility\s*=\s*["'](?:collapse|filter)""")


def is_ods(book: zipfile.ZipFile) -> bool:
    names = set(book.namelist())
    return CONTENT in names and "xl/workbook.xml" not in names


def shapes(path: Path) -> dict[str, SheetShape]:
    """Each sheet's shape by its name; empty for a package without ``content.xml``."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _cached(path: str, size: int, mtime: int) -> dict[str, SheetShape]:
    try:
        with zipfile.ZipFile(path) as book:
            if not is_ods(book):
                return {}
            with book.open(CONTENT) as stream:
                return scan(stream)
    except (OSError, zipfile.BadZipFile, EOFError, RuntimeError, ValueError) as e:
        log.warning("无法读取 %s 的工作表结构:%s", Path(path).name, e)
        return {}


@dataclass
class _Table:
    shape: SheetShape = field(default_factory=SheetShape)
    row: int = 1  # the next row's number
    column: int = 0  # the next column's index
    hidden_rows: list[tuple[int, int]] = field(default_factory=list)  # (first, count)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)

    def finish(self) -> SheetShape:
        shape = self.shape
        rows, columns = min(shape.rows, _MAX_ROWS), min(shape.columns, _MAX_COLUMNS)
        for first, count in self.hidden_rows:
            shape.hidden.update(range(first, min(first + count, rows + 1)))
        for first, count in self.hidden_columns:
            shape.hidden_columns.update(range(first, min(first + count, columns)))
        return shape


def scan(stream: IO[bytes]) -> dict[str, SheetShape]:
    """Stream ``content.xml`` once, in chunks: a row is handled when its end tag is in
    the buffer, so a chunk is cut at the start of a row not yet closed."""
    first = stream.read(_CHUNK)
    found = re.search(rb"xmlns:([\w.-]+)\s*=\s*[\"']" + re.escape(_TABLE_NS), first)
    prefix = found.group(1) if found else b"table"
    tag = re.compile(rb"<(/?)" + re.escape(prefix) + rb":(table|table-row|table-column)"
                     rb"(?=[\s/>])")
    row_end = b"</" + prefix + b":table-row>"
    cell, covered = b"<" + prefix + b":table-cell", b"<" + prefix + b":covered-table-cell"
    shapes_found: dict[str, SheetShape] = {}
    table: _Table | None = None
    name = ""
    buffer, chunk = first, first
    while True:
        pos = 0
        while (m := tag.search(buffer, pos)) is not None:
            close = buffer.find(b">", m.end())
            if close < 0:
                break  # the tag goes on in the next chunk
            attributes = buffer[m.end():close]
            kind, ending = m.group(2), m.group(1) == b"/"
            if kind == b"table-row" and not ending:
                if attributes.endswith(b"/"):
                    body, after = b"", close + 1
                else:
                    done = buffer.find(row_end, close)
                    if done < 0:
                        break  # the row goes on in the next chunk
                    body, after = buffer[close + 1:done], done + len(row_end)
                if table is not None:
                    _row(table, attributes, body, cell, covered)
                pos = after
                continue
            pos = close + 1
            if kind == b"table-column" and not ending and table is not None:
                count = _count(_COLS, attributes)
                if _HIDDEN.search(attributes):
                    table.hidden_columns.append((table.column, count))
                table.column += count
            elif kind == b"table" and ending and table is not None:
                shapes_found.setdefault(name, table.finish())
                table = None
            elif kind == b"table" and not ending:
                named = _NAME.search(attributes)
                raw = (named.group(1) or named.group(2) or b"") if named else b""
                name = html.unescape(raw.decode("utf-8", "replace"))
                table = _Table()
        if not chunk:
            if table is not None:  # a part cut short: its last sheet as far as it went
                shapes_found.setdefault(name, table.finish())
            return shapes_found
        # Keep what was not handled: from the tag that went on, else from the last "<".
        keep = m.start() if m is not None else max(pos, buffer.rfind(b"<", pos))
        if len(buffer) - keep > _LONGEST_ROW:
            raise ValueError(f"content.xml 中一行超过 {_LONGEST_ROW >> 20} MB")
        chunk = stream.read(_CHUNK)
        buffer = buffer[keep:] + chunk


def _count(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


def _row(table: _Table, attributes: bytes, body: bytes, cell: bytes, covered: bytes) -> None:
    """One row element (standing for ``count`` rows): the last value in it, by bytes."""
    count = _count(_ROWS, attributes)
    first = table.row
    table.row += count
    if _HIDDEN.search(attributes):
        table.hidden_rows.append((first, count))
    last = body.rfind(b"value-type")
    if last < 0:
        return
    shape = table.shape
    shape.rows = first + count - 1
    shape.filled_rows += count
    # The columns up to and including the cell holding the last value.
    head = body[:body.find(b">", last)]
    columns = head.count(cell) + head.count(covered) + sum(
        int(n) - 1 for n in _COLS.findall(head))
    shape.columns = max(shape.columns, columns)
