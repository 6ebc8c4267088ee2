"""The shape of each sheet of an .xls (Excel 95 to 2003) or a WPS .et: how far its values
reach and which rows and columns the clerk hid.

Both are an OLE2 compound file (read by ``olefile``) holding a BIFF stream, a list of
records ``[type:2][length:2][body]``. The workbook's globals name each sheet and where
its records start (BOUNDSHEET); a sheet says a row is hidden in its ROW record (bit
fDyZero), that empty rows are hidden by default in DEFAULTROWHEIGHT, that columns are
hidden in COLINFO. Its extent is taken from its value cells, as calamine sizes a sheet
(PLATFORM.md): one value in IV65536 makes calamine build 65536 × 256 cells, 1.2 GB and
3 s, where the whole walk of a 20,000-row sheet's records takes a fraction of a second.
The layouts are those of [MS-XLS] 2.4 (BIFF8) and the Excel 5 format (BIFF5).
"""

from __future__ import annotations

import logging
import struct
from functools import lru_cache
from pathlib import Path

from carecenter.ledger.sheet_shape import SheetShape

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_BOF, _EOF, _BOUNDSHEET, _CODEPAGE, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x0042, 0x002F
_ROW, _COLINFO, _DEFAULTROWHEIGHT, _MULRK = 0x0208, 0x007D, 0x0225, 0x00BD
# Records holding a value (calamine reads no other: a formatted blank is not one).
_VALUES = frozenset({0x00FD, 0x0204, 0x00D6, 0x0203, 0x027E, _MULRK, 0x0205, 0x0006})
_COLUMNS = 256  # an .xls sheet has columns A..IV
_ROW_HIDDEN = 0x20  # ROW: fDyZero
_DEFAULT_HIDDEN = 0x02  # DEFAULTROWHEIGHT: fDyZero
_COLUMN_HIDDEN = 0x01  # COLINFO: fHidden
_HEAD = struct.Struct("<HHHH").unpack_from  # type, length, and a cell's row and column
_LAST = struct.Struct("<H").unpack_from
_COLINFO_BODY = struct.Struct("<HHHHH").unpack_from


def is_ole(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(8) == OLE_MAGIC
    except OSError:
        return False


def shapes(path: Path) -> dict[str, SheetShape]:
    """Each worksheet's shape by its name; empty for a file without a readable BIFF
    stream (damaged, encrypted: calamine says what is wrong with it)."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _cached(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _cached(path: str, size: int, mtime: int) -> dict[str, SheetShape]:
    """One walk per file as it is: an import asks for the sizes, then each sheet."""
    import olefile

    try:
        with olefile.OleFileIO(path) as compound:
            name = next((n for n in ("Workbook", "Book") if compound.exists(n)), None)
            if name is None:
                return {}
            data = compound.openstream(name).read()
    except (OSError, ValueError, struct.error, IndexError) as e:
        log.warning("无法读取 %s 的工作表结构:%s", Path(path).name, e)
        return {}
    try:
        return walk(data)
    except (struct.error, IndexError) as e:  # a record cut short
        log.warning("%s 的工作表结构不完整:%s", Path(path).name, e)
        return {}


def walk(data: bytes) -> dict[str, SheetShape]:
    """The worksheets of a BIFF5/BIFF8 workbook stream, by name."""
    if len(data) < 8 or struct.unpack_from("<H", data, 0)[0] != _BOF:
        return {}
    biff8 = struct.unpack_from("<H", data, 4)[0] >= 0x0600
    codepage = 1200 if biff8 else 1252
    sheets: list[tuple[int, bytes, bool]] = []
    pos, end = 0, len(data)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        if kind == _EOF:
            break
        if kind == _FILEPASS:
            return {}  # the rest is encrypted
        if kind == _CODEPAGE and length >= 2:
            codepage = struct.unpack_from("<H", data, body)[0]
        elif kind == _BOUNDSHEET and length >= 8 and data[body + 5] == 0:  # a worksheet
            start = struct.unpack_from("<I", data, body)[0]
            count = data[body + 6]
            wide = biff8 and bool(data[body + 7] & 1)
            text = body + (8 if biff8 else 7)
            sheets.append((start, data[text:text + count * (2 if wide else 1)], wide))
        pos = body + length
    found: dict[str, SheetShape] = {}
    for start, raw, wide in sheets:
        name = raw.decode("utf-16-le" if wide else _encoding(codepage, biff8), "replace")
        if start < end:
            found[name] = _sheet(data, start)
    return found


def _encoding(codepage: int, biff8: bool) -> str:
    """A BIFF8 name not stored wide is Latin-1; a BIFF5 one is in the workbook's code
    page (936 for a Chinese Excel 95)."""
    import codecs

    if biff8:
        return "latin-1"
    name = "mac-roman" if codepage == 0x8000 else f"cp{codepage}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "latin-1"
    return name


def _sheet(data: bytes, start: int) -> SheetShape:
    """One sheet's records, from its BOF to its EOF (a chart inside the sheet has a BOF
    and EOF of its own: only the sheet's own records count). Every record's head is
    read with the row and column a value record starts with: one call a record, ~0.2 s
    for 300,000 cells (calamine reads them in ~0.1 s)."""
    shape = SheetShape()
    rows = columns = depth = 0
    filled: set[int] = set()  # rows holding a value
    hidden, shown, hidden_columns = shape.hidden, shape.shown, shape.hidden_columns
    head, values = _HEAD, _VALUES
    pos, end = start, len(data) - 8
    while pos <= end:
        kind, length, row, column = head(data, pos)
        body = pos + 4
        pos = body + length
        if kind in values:
            if depth == 1:
                if kind == _MULRK:  # [row][first column][RK values…][last column]
                    column = _LAST(data, pos - 2)[0]
                if row >= rows:
                    rows = row + 1
                filled.add(row)
                if column >= columns:
                    columns = column + 1
        elif kind == _ROW:
            if depth == 1:
                (hidden if data[body + 12] & _ROW_HIDDEN else shown).add(row + 1)
        elif kind == _BOF:
            depth += 1
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif kind == _COLINFO:
            if depth == 1:
                first, last, width, _, flags = _COLINFO_BODY(data, body)
                if flags & _COLUMN_HIDDEN or width == 0:
                    hidden_columns.update(range(first, min(last, _COLUMNS - 1) + 1))
        elif kind == _DEFAULTROWHEIGHT and depth == 1:
            shape.hidden_by_default = bool(row & _DEFAULT_HIDDEN)  # its flags come first
    shape.rows, shape.columns = rows, min(columns, _COLUMNS)
    shape.filled_rows = len(filled)
    return shape
