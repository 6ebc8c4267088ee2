"""Sizing a workbook before it is read, so that no file can crash or hang the program.

python-calamine sizes a sheet by its last cell: one value in XFD1048576 makes it ask
for 550 GB and abort the whole process (no exception); one in A1048576 takes ~100 s and
1.5 GB (PLATFORM.md). An .xlsx is a zip of XML parts: here the parts' sizes are checked
(a zip bomb is refused), and each sheet's XML is streamed once to find its real last
row and column, without building anything. A sheet whose area would not fit the
budget is refused within seconds, with a Chinese message saying where the far-out cell
is and how to remove it. An .xls or .et (``biff_shapes``) and an .ods (``ods_shapes``)
are sized by their value cells the same way, as calamine sizes them; a .csv by its
file size.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from carecenter.errors import KnownError
from carecenter.ledger import biff_shapes, hidden_rows, ods_shapes

# Cells (rows × columns of a sheet's area) calamine may build: a county's ledger is
# ~100,000 rows × 40 columns; ~16 bytes a cell in calamine plus 8 in Python's lists.
CELL_BUDGET = 12_000_000
# Uncompressed bytes of all parts of a workbook (a 100,000-row ledger is ~60 MB).
UNPACKED_BUDGET = 1 << 30
# A file that is not a zip (.xls, .et, .csv): bytes on disk.
FILE_BUDGET = 300 << 20
# A sheet reaching far beyond its rows of values (one value, even a space, in
# A1048576 under a 2-row ledger: 11 million cells built, 30 to 100 s and 1 GB, then the
# import's passes over a million empty rows) is refused when its area is above
# SPARSE_AREA cells and it has fewer than one row of values in SPARSE_RATIO rows.
SPARSE_AREA = 1_000_000
SPARSE_RATIO = 10

# Only attributes r="12" (a row) and r="AB12" (a cell) carry a ref. A row number is
# taken from rows, else from cells (a row's r is optional); columns are searched for
# only past the widest seen so far (``_beyond``).
_ROW_REF = re.compile(rb' r="(\d+)"')
_ANY_CELL = re.compile(rb' r="[A-Z]{1,3}(\d{4,})"')
_CELL_REF = re.compile(rb' r="([A-Z]{1,3}\d+)"')
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Extent:
    part: str  # the sheet's part in the package (.xlsx), else its name
    rows: int
    columns: int
    filled_rows: int = 0  # rows holding cells (0: not counted)
    last_cell: str = ""  # the last cell in the sheet (Excel's Ctrl+End), when known
    table_end: int = 0  # the last row before the widest run of empty rows (0: none)

    @property
    def sparse(self) -> bool:
        """Vastly larger than its rows of values: a far-out cell, not a ledger."""
        return (self.cells > SPARSE_AREA and self.filled_rows > 0
                and self.rows > SPARSE_RATIO * self.filled_rows)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def corner(self) -> str:
        return f"{_column_name(self.columns)}{self.rows}"


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name or "A"


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _letters(low: int, high: int = 26) -> bytes:
    """A regex class of the letters numbered low..high (A is 1), or b"" if none."""
    if low > high:
        return b""
    return b"[" + bytes([64 + low]) + b"-" + bytes([64 + high]) + b"]"


def _beyond(columns: int) -> re.Pattern[bytes]:
    """Cell refs in a column after ``columns``: only a new widest cell matches, so a
    sheet is searched, not matched cell by cell."""
    options = [rb"[A-Z]{3}"]
    if columns < 26:
        options += [rb"[A-Z]{2}"]
        if _letters(columns + 1):
            options.append(_letters(columns + 1))
    elif columns < 702:
        first, second = divmod(columns - 1, 26)  # e.g. AD: first 1 (A), second 3 (D)
        if _letters(first + 1):
            options.append(_letters(first + 1) + b"[A-Z]")
        if _letters(second + 2):
            options.append(bytes([64 + first]) + _letters(second + 2))
    return re.compile(rb' r="(' + b"|".join(options) + rb")\d")


def sheet_extent(book: zipfile.ZipFile, part: str) -> Extent:
    """The real last row and column of one sheet's XML, streamed (not parsed)."""
    rows = columns = filled = 0
    numbered = True  # every row says its number (r is optional)
    gap = (0, 0)  # (last row before, first row after) the widest run of empty rows
    last_cell = b""
    tail = b""
    with book.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            data = tail + chunk
            # A tag cut at the chunk's end is read again with the next chunk.
            cut = data.rfind(b"<")
            body, tail = (data[:cut], data[cut:]) if cut > len(data) - 512 else (data, b"")
            # A row's r is optional: cells say where they are when rows do not.
            found = _ROW_REF.findall(body)
            if not found:
                numbered = numbered and b"<row" not in body
                found = _ANY_CELL.findall(body)
            elif numbered:
                # Rows come in order: count them and find the widest gap between them.
                for number in sorted(set(map(int, found))):
                    if number - rows > gap[1] - gap[0]:
                        gap = (rows, number)
                    rows, filled = number, filled + 1
            if found:
                rows = max(rows, *map(int, set(found)))
            cells = _CELL_REF.findall(body[-4096:])
            if cells:
                last_cell = cells[-1]
            pattern = _beyond(columns)
            at = 0
            while (m := pattern.search(body, at)) is not None:
                columns = max(columns, _column_number(m.group(1)))
                pattern, at = _beyond(columns), m.end()
    return Extent(part, rows, columns, filled if numbered else 0,
                  last_cell.decode("ascii"), gap[0])


def check(path: Path) -> None:
    """Refuse, within seconds, a workbook that reading would take too much memory for."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader says what is wrong with the path
    if not zipfile.is_zipfile(path):
        if size > FILE_BUDGET:
            raise KnownError(
                f"{path.name} 有 {size >> 20} MB,远大于一个村或一个县的台账,不能导入。"
                "请确认选对了文件;如确是台账,请在 Excel 中删除多余的内容后另存为 .xlsx。")
        if biff_shapes.is_ole(path):
            for name, shape in biff_shapes.shapes(path).items():
                _refuse_beyond(path, name, Extent(name, shape.rows, shape.columns,
                                                  shape.filled_rows))
        return
    try:
        with zipfile.ZipFile(path) as book:
            infos = book.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > UNPACKED_BUDGET:
                raise KnownError(
                    f"{path.name} 解压后有 {unpacked >> 20} MB,远大于任何台账,不能导入"
                    "(文件可能已损坏,或不是台账)。")
            if ods_shapes.is_ods(book):
                for name, shape in ods_shapes.shapes(path).items():
                    _refuse_beyond(path, name, Extent(name, shape.rows, shape.columns,
                                                      shape.filled_rows))
                return
            names = _names(book)
            for info in infos:
                if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                    continue
                _refuse_beyond(path, names.get(info.filename, ""),
                               sheet_extent(book, info.filename))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return  # damaged or encrypted: the reader explains it


def _names(book: zipfile.ZipFile) -> dict[str, str]:
    """The sheets' names by part, for the message; none from an odd package."""
    try:
        return hidden_rows.sheet_names_by_part(book)
    except (KeyError, ValueError, SyntaxError):  # ParseError is a SyntaxError
        return {}


def _refuse_beyond(path: Path, sheet: str, extent: Extent) -> None:
    if extent.cells > CELL_BUDGET:
        raise too_large(path, extent)
    if extent.sparse:
        raise far_out(path, sheet, extent)


def far_out(path: Path, sheet: str, extent: Extent) -> KnownError:
    """A cell far below (or right of) the table: named, with how to remove it."""
    cell = extent.last_cell or extent.corner()
    where = f"的工作表“{sheet}”" if sheet else "的一个工作表"
    end = extent.table_end
    table = f",表格到第 {end} 行为止" if end else ""
    rows = f"删除第 {end + 1} 行到第 {extent.rows} 行" if end else "删除表格下方和右侧多余的行和列"
    return KnownError(
        f"{path.name} {where}只有 {extent.filled_rows} 行有内容,却一直延伸到第 {extent.rows} 行:"
        f"{cell} 单元格里有内容(哪怕只是一个空格){table}。按这个范围读取要很长时间和大量内存,"
        f"不能导入。请在 Excel 中按 Ctrl+End 跳到该单元格,{rows}(选中整行后右键“删除”,"
        "不是按 Delete 键),保存后再导入。")


def too_large(path: Path, extent: Extent) -> KnownError:
    return KnownError(
        f"{path.name} 的一个工作表的内容一直延伸到第 {extent.rows} 行、第 {extent.columns} 列"
        f"({extent.corner()} 单元格),按这个范围读取需要约 "
        f"{max(1, extent.cells * 24 >> 30)} GB 内存,不能导入。请在 Excel 中找到该单元格"
        "(按 Ctrl+End 跳到最后一个单元格),删除表格以外多余的行和列,保存后再导入。")
