"""Workbooks in every format a clerk may bring, written for the tests: .xlsx (openpyxl),
.xls and WPS's .et (xlwt writes BIFF8, the format both are), .ods (content.xml written
here, as LibreOffice lays it out). Each sheet is (title, rows, hidden rows as Excel
numbers them, hidden columns 0-based)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import openpyxl

SheetSpec = tuple[str, list[list[Any]], list[int], list[int]]
FORMATS = (".xlsx", ".xls", ".et", ".ods")


def write(path: Path, sheets: list[SheetSpec]) -> Path:
    """``path`` in the format its suffix names."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return xlsx(path, sheets)
    if suffix in (".xls", ".et"):
        return xls(path, sheets)
    if suffix == ".ods":
        return ods(path, [(title, rows, hidden, columns, "")
                          for title, rows, hidden, columns in sheets])
    raise ValueError(suffix)


def xlsx(path: Path, sheets: list[SheetSpec]) -> Path:
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows, hidden, columns in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for number in hidden:
            sheet.row_dimensions[number].hidden = True
        for index in columns:
            sheet.column_dimensions[get_column_letter(index + 1)].hidden = True
    book.save(path)
    return path


def xls(path: Path, sheets: list[SheetSpec], hidden_by_default: bool = False) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows, hidden, columns in sheets:
        sheet = book.add_sheet(title)
        sheet.row_default_hidden = hidden_by_default
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    sheet.write(i, j, value)
        for number in hidden:
            sheet.row(number - 1).hidden = True
        for index in columns:
            sheet.col(index).hidden = True
    book.save(str(path))
    return path


def ods(path: Path, sheets: list[tuple[str, list[list[Any]], list[int], list[int], str]]) -> Path:
    """An .ods; the fifth item of a sheet is raw row XML put after its rows (repeated
    blocks as LibreOffice writes them)."""
    tables = []
    for title, rows, hidden, columns, tail in sheets:
        width = max((len(r) for r in rows), default=1)
        cols = "".join(
            '<table:table-column table:visibility="collapse"/>' if j in columns
            else "<table:table-column/>" for j in range(width))
        body = "".join(_row(row, i + 1 in hidden) for i, row in enumerate(rows))
        tables.append(f"<table:table table:name={quoteattr(title)}>{cols}{body}{tail}"
                      "</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet>'
        "</office:body></office:document-content>")
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", mime, compress_type=zipfile.ZIP_STORED)
        package.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>')
        package.writestr("content.xml", content)
    return path


def ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def _row(row: list[Any], hidden: bool) -> str:
    shown = ' table:visibility="collapse"' if hidden else ""
    return f"<table:table-row{shown}>{''.join(ods_cell(v) for v in row)}</table:table-row>"
