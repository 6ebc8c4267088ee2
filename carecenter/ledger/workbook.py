"""Reading one sheet of a workbook as rows of plain values.

python-calamine reads a sheet about ten times faster than openpyxl (PLATFORM.md) and
also reads .xls, WPS's .et and .ods; openpyxl is the fallback when calamine is missing.
A workbook whose name does not match its content (an .xlsx renamed .xls) is read by its
content; a .csv is read as text (UTF-8 or GBK, as Excel and WPS save it). Anything
else gets a message saying what the file is and what to do. Row ``i`` of the result
is Excel's row ``i + 1``, column ``j`` is column ``j + 1``, so problems can name the
row the clerk sees in Excel.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carecenter.errors import KnownError
from carecenter.ledger import workbook_size
from carecenter.ledger.hidden_rows import hidden_parts

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv")
CSV_SHEET = "CSV"  # the one "sheet" of a .csv file


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # blank cells are None
    # Excel's numbers of the rows the clerk hid (``hidden_rows``; none in a .csv).
    hidden: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based, like the rows' cells
    # Merged cells as (first row, first column, last row, last column), 0-based: a cell
    # merged down over several people is each one's (``merged_down``).
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def _plain(value: Any) -> Any:
    if value == "" or value is None:
        return None
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def _check_path(path: Path) -> None:
    if not path.exists():
        raise KnownError(f"文件 {path} 不存在")
    if path.is_dir():
        raise KnownError(f"{path} 是文件夹,请选择一个 Excel 工作簿")
    # Before calamine sees it: one far-out cell can make it abort the process.
    workbook_size.check(path)


def sheet_names(path: str | Path) -> list[str]:
    path = Path(path)
    _check_path(path)
    if _is_csv(path):
        return [CSV_SHEET]
    try:
        from python_calamine import CalamineWorkbook  # noqa: F401
    except ImportError:
        return _openpyxl_names(path)
    return list(_calamine(path).sheet_names)


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".txt")


def _calamine(path: Path) -> Any:
    """The workbook by its name's suffix, else by its content (a renamed file)."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as first:
        try:
            with path.open("rb") as handle:
                return CalamineWorkbook.from_filelike(handle)
        except Exception:
            raise _unreadable(path, first) from first


def _openpyxl_names(path: Path) -> list[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as e:
        raise _unreadable(path, e) from e
    try:
        return list(book.sheetnames)
    finally:
        book.close()


_SAVE_AS = "请在 Excel 或 WPS 中打开它,“另存为”Excel 工作簿(.xlsx)后再导入。"


def _unreadable(path: Path, error: Exception) -> KnownError:
    """What the file is, as far as its first bytes tell, and what to do about it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        head = b""
    suffix = path.suffix.lower()
    if not head.strip():
        what = "文件是空的(0 字节或只有空白)"
    elif head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<table", b"<?xml")) or (
            b"<html" in head.lower()):
        what = "它其实是网页(HTML)格式,只是扩展名是表格(网上系统导出的“xls”常是这样)"
    elif head.startswith(b"%PDF"):
        what = "它是 PDF 文件,不是表格"
    elif suffix in (".doc", ".docx", ".wps", ".txt", ".pdf"):
        what = "它不是表格文件"
    elif suffix in (".et", ".ett"):
        what = "这个 WPS 表格文件无法直接读取"
    elif head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0"):
        what = "工作簿已损坏或被加密(设了打开密码)"
    else:
        what = "它不是 Excel 工作簿(.xlsx/.xls),或文件已损坏"
    return KnownError(f"无法读取 {path.name}:{what}。{_SAVE_AS}")


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """The named sheet (default the first) as rows of values, Excel's row numbers kept."""
    path = Path(path)
    _check_path(path)
    if _is_csv(path):
        return _read_csv(path)
    try:
        from python_calamine import CalamineWorkbook  # noqa: F401
    except ImportError:
        return _read_openpyxl(path, sheet)
    book = _calamine(path)
    return _calamine_sheet(book, _pick(list(book.sheet_names), sheet, path), path)


def read_sheets(path: str | Path) -> Iterator[Sheet]:
    """Every sheet in order, each read only when asked for (the workbook opened once)."""
    path = Path(path)
    _check_path(path)
    if _is_csv(path):
        yield _read_csv(path)
        return
    try:
        from python_calamine import CalamineWorkbook  # noqa: F401
    except ImportError:
        for name in _openpyxl_names(path):
            yield _read_openpyxl(path, name)
        return
    book = _calamine(path)
    names = list(book.sheet_names)
    _pick(names, None, path)
    for name in names:
        yield _calamine_sheet(book, name, path)


def heads(path: str | Path, rows: int = 30) -> list[Sheet]:
    """The first ``rows`` rows of every sheet, cheaply: enough to tell what a sheet is
    (a children's ledger behind a 填表说明 sheet) before reading the one wanted."""
    path = Path(path)
    _check_path(path)
    if _is_csv(path):
        whole = _read_csv(path)
        return [Sheet(whole.name, whole.rows[:rows])]
    try:
        from python_calamine import CalamineWorkbook  # noqa: F401
    except ImportError:
        return [Sheet(s.name, s.rows[:rows]) for s in read_sheets(path)]
    book = _calamine(path)
    found = []
    for name in book.sheet_names:
        try:
            data = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=rows)
        except Exception as e:
            raise _unreadable(path, e) from e
        found.append(Sheet(name, [[_plain(v) for v in row] for row in data]))
    return found


def _calamine_sheet(book: Any, name: str, path: Path) -> Sheet:
    try:
        found = book.get_sheet_by_name(name)
        data = found.to_python(skip_empty_area=False)
    except Exception as e:
        raise _unreadable(path, e) from e
    sheet = Sheet(name, [[_plain(v) for v in row] for row in data],
                  *hidden_parts(path, name, len(data)))
    sheet.merged = _merged(found)
    return sheet


def _merged(sheet: Any) -> list[tuple[int, int, int, int]]:
    """calamine's merged ranges (.xlsx, .xls; older calamine has none to give)."""
    try:
        ranges = getattr(sheet, "merged_cell_ranges", None) or []
        return [(int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in ranges]
    except Exception:  # a workbook calamine cannot say it for: the values still read
        return []


def _pick(names: list[str], wanted: str | None, path: Path) -> str:
    if not names:
        raise KnownError(f"{path.name} 里没有工作表")
    if wanted is None:
        return names[0]
    if wanted not in names:
        raise KnownError(f"{path.name} 里没有名为“{wanted}”的工作表(有:{'、'.join(names)})")
    return wanted


def _read_openpyxl(path: Path, sheet: str | None) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise _unreadable(path, e) from e
    try:
        name = _pick(list(book.sheetnames), sheet, path)
        rows = [[_plain(v) for v in row] for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    return Sheet(name, rows, *hidden_parts(path, name, len(rows)))


def _read_csv(path: Path) -> Sheet:
    """A .csv as Excel or WPS saves it: UTF-8 (with or without BOM) or GBK; every
    cell text, so an ID number keeps all its digits."""
    import csv

    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _unreadable(path, ValueError("encoding"))
    if "\0" in text:
        raise _unreadable(path, ValueError("binary"))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [[_plain(v.strip()) for v in row] for row in csv.reader(text.splitlines(), dialect)]
    return Sheet(CSV_SHEET, rows)


def text_of(value: Any) -> str:
    """A cell as text: whole floats without '.0', dates as 2024-03-05."""
    if type(value) is str:  # most cells: an import asks 120,000 times
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()
