"""Reading one sheet of a workbook as rows of plain values.

python-calamine reads a sheet about ten times faster than openpyxl (PLATFORM.md) and
also reads .xls and .ods; openpyxl is the fallback when calamine is missing or cannot
open the file. Row ``i`` of the result is Excel's row ``i + 1``, column ``j`` is
column ``j + 1``, so problems can name the row the clerk sees in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carecenter.errors import KnownError

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # blank cells are None


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


def sheet_names(path: str | Path) -> list[str]:
    path = Path(path)
    _check_path(path)
    try:
        from python_calamine import CalamineWorkbook

        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except ImportError:
        pass
    except Exception as e:
        raise _unreadable(path, e) from e
    return _openpyxl_names(path)


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


def _unreadable(path: Path, error: Exception) -> KnownError:
    return KnownError(
        f"无法读取 {path.name}:它不是 Excel 工作簿(.xlsx/.xls)或文件已损坏。"
        "请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿再试。"
    )


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """The named sheet (default the first) as rows of values, Excel's row numbers kept."""
    path = Path(path)
    _check_path(path)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return _read_openpyxl(path, sheet)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as e:
        raise _unreadable(path, e) from e
    names = list(book.sheet_names)
    name = _pick(names, sheet, path)
    try:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as e:
        raise _unreadable(path, e) from e
    return Sheet(name, [[_plain(v) for v in row] for row in data])


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
    return Sheet(name, rows)


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
