"""A workbook is sized before calamine reads it: one far-out cell is refused with a
message, never a crashed process or minutes of work."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from carecenter.errors import KnownError
from carecenter.ledger import workbook_size
from carecenter.ledger.workbook import read_sheet
from tests import workbook_files

ROOT = Path(__file__).resolve().parent.parent


def ledger_with(path: Path, far_cell: str | None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "联系电话"])
    sheet.append(["张桂兰", "430524195003120021", "13800001111"])
    if far_cell:
        sheet[far_cell] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize("cell", ["XFD1048576", "T1048576", "ZZ600000"])
def test_a_far_out_cell_is_refused_naming_where_it_is(tmp_path: Path, cell: str) -> None:
    path = ledger_with(tmp_path / "far.xlsx", cell)
    with pytest.raises(KnownError) as refused:
        read_sheet(path)
    assert cell[-6:] in refused.value.message and "Ctrl+End" in refused.value.message


def test_a_far_out_cell_in_an_xls_or_et_is_refused(tmp_path: Path) -> None:
    """calamine sizes an .xls sheet by its last value too: IV65536 made it build 16
    million cells (1.2 GB). A formatted blank cell so far out is no value: read."""
    rows: list[list[object]] = [["姓名", "身份证号"], ["张桂兰", "430524195003120021"]]
    far = [*rows, *([[]] * 65533), [*([None] * 255), "x"]]
    for suffix in (".xls", ".et"):
        path = workbook_files.xls(tmp_path / f"far{suffix}", [("台账", far, [], [])])
        with pytest.raises(KnownError) as refused:
            read_sheet(path)
        assert "IV65536" in refused.value.message
    path = workbook_files.xls(tmp_path / "ok.xls", [("台账", [*rows, *([[]] * 998), ["x"]],
                                                     [], [])])
    assert len(read_sheet(path).rows) == 1001


def test_a_far_out_cell_in_an_ods_is_refused(tmp_path: Path) -> None:
    """One value after 600,000 rows and 29 blank cells (each run one element in the
    file) would make calamine build 18 million cells; a million hidden blank rows after
    the table, as LibreOffice writes them, are nothing and the sheet is read."""
    rows: list[list[object]] = [["姓名", "身份证号"], ["张桂兰", "430524195003120021"]]
    far = ('<table:table-row table:number-rows-repeated="599997"/><table:table-row>'
           '<table:table-cell table:number-columns-repeated="29"/>'
           + workbook_files.ods_cell("x") + "</table:table-row>")
    path = workbook_files.ods(tmp_path / "far.ods", [("台账", rows, [], [], far)])
    with pytest.raises(KnownError) as refused:
        read_sheet(path)
    assert "AD600000" in refused.value.message and "Ctrl+End" in refused.value.message
    blank = ('<table:table-row table:visibility="collapse" table:number-rows-repeated='
             '"1048574"><table:table-cell table:number-columns-repeated="16384"/>'
             "</table:table-row>")
    path = workbook_files.ods(tmp_path / "ok.ods", [("台账", rows, [], [], blank)])
    assert read_sheet(path).rows == rows


def test_an_ordinary_ledger_is_read(tmp_path: Path) -> None:
    path = ledger_with(tmp_path / "ok.xlsx", "C2000")
    assert len(read_sheet(path).rows) == 2000


def test_the_import_command_refuses_the_far_out_cell_instead_of_aborting(
        tmp_path: Path, db_path: Path) -> None:
    # In a subprocess: before sizing, calamine aborted the whole process (exit 134).
    path = ledger_with(tmp_path / "far.xlsx", "XFD1048576")
    subprocess.run([sys.executable, "-m", "carecenter", "create", "--db", str(db_path)],
                   check=True, cwd=ROOT, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-m", "carecenter", "import", str(path), "--db", str(db_path)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 1
    assert "XFD1048576" in result.stderr and "Traceback" not in result.stderr


def test_a_zip_bomb_is_refused_by_its_unpacked_size(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b" " * (4 << 20))
    monkeypatch.setattr(workbook_size, "UNPACKED_BUDGET", 1 << 20)
    with pytest.raises(KnownError, match="解压后"):
        read_sheet(path)


def test_cells_without_row_numbers_on_their_rows_are_still_sized(tmp_path: Path) -> None:
    path = tmp_path / "norow.xlsx"
    xml = (b'<worksheet><sheetData><row><c r="A1"><v>1</v></c></row>'
           b'<row><c r="AB900000"><v>1</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as book:
        extent = workbook_size.sheet_extent(book, "xl/worksheets/sheet1.xml")
    assert (extent.rows, extent.columns) == (900000, 28)
