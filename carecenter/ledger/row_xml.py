"""A county's ledger rows written as sheet XML directly, the same bytes openpyxl writes.

openpyxl's write-only sheet makes a cell object and an XML element for each of the
quarterly export's 2.3 million cells, then serialises each element in pure Python
(``et_xmlfile``): 30 of the export's 50 seconds at 100,000 people (measured). The cells
of a ledger are plain text and numbers, whose XML is a fixed pattern:

    <row r="4"><c r="A4" t="n"><v>1</v></c><c r="B4" t="inlineStr"><is><t>蔡国平</t></is></c>…

``SplicedRows`` writes the data rows of a table in that pattern into a temporary file,
beside the sheet, and ``into`` puts them in the saved workbook where openpyxl would
have: at the end of the sheet's ``sheetData``, after its title and header rows. Any
value that is not plain (a formula-like "=…", an error code, a date, a float that is
not finite, text openpyxl would mark or refuse) is written by openpyxl itself, cell by
cell, so the workbook is the same byte for byte (``tests/test_export_unchanged.py``).
With lxml installed openpyxl serialises differently: then nothing is spliced.
"""

from __future__ import annotations

import io
import math
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from typing import IO, Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import xmlfile

END = "</sheetData>"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CHUNK = 1 << 20


def available() -> bool:
    """Whether openpyxl writes its cells the way this module does (without lxml)."""
    return not openpyxl.LXML


class SplicedRows:
    """The data rows of some sheets of one write-only workbook, kept until it is saved."""

    def __init__(self) -> None:
        self._files: dict[Any, IO[bytes]] = {}  # sheet -> its rows' XML (UTF-8)

    def write(self, sheet: Any, first: int, rows: Iterable[Sequence[Any]],
              styled: dict[int, WriteOnlyCell]) -> int:
        """Rows numbered from ``first``; ``styled`` maps a 0-based column to the cell
        whose style its values take (the text columns). Returns how many rows."""
        # Open until ``into`` or ``close``: the rows wait there for the workbook's save.
        out = self._files[sheet] = tempfile.TemporaryFile()  # noqa: SIM115
        letters: list[str] = []
        styles = {i: f' s="{cell.style_id}"' for i, cell in styled.items()}
        number = first - 1
        pending: list[str] = []
        for number, values in enumerate(rows, start=first):  # noqa: B007 (the last one)
            while len(letters) < len(values):
                letters.append(get_column_letter(len(letters) + 1))
            if styled:  # a text column's value is written as its text (style.write_table)
                values = [str(v) if i in styled and v is not None else v
                          for i, v in enumerate(values)]
            cells = _cells(values, number, letters, styles)
            if cells is None:  # something openpyxl has to say itself
                cells = _by_openpyxl(sheet, values, number, styled)
            pending.append(f'<row r="{number}">{cells}</row>')
            if len(pending) >= 500:
                out.write(_encoded(pending))
                pending.clear()
        out.write(_encoded(pending))
        return number - first + 1

    def into(self, workbook: bytes) -> bytes:
        """The saved workbook with each sheet's rows put at the end of its sheetData."""
        parts = {sheet.path.lstrip("/"): rows for sheet, rows in self._files.items()}
        result = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
                zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
            for info in source.infolist():
                rows = parts.get(info.filename)
                if rows is None:
                    target.writestr(info, source.read(info))
                    continue
                xml = source.read(info)
                cut = xml.index(END.encode())
                with target.open(info, "w") as part:
                    part.write(xml[:cut])
                    rows.seek(0)
                    shutil.copyfileobj(rows, part, _CHUNK)
                    part.write(xml[cut:])
        self.close()
        return result.getvalue()

    def close(self) -> None:
        for rows in self._files.values():
            rows.close()
        self._files.clear()


def _encoded(rows: list[str]) -> bytes:
    # As openpyxl's xmlfile encodes the sheet (ElementTree's writer).
    return "".join(rows).encode("utf-8", "xmlcharrefreplace")


def _cells(values: Sequence[Any], number: int, letters: list[str],
           styles: dict[int, str]) -> str | None:
    """The row's cells as openpyxl writes them, or None if any is not plain."""
    out = []
    for index, value in enumerate(values):
        if value is None:
            continue  # openpyxl writes no cell for nothing
        kind = type(value)
        if kind is str:
            if not value or (value[0] == "=" and len(value) > 1) or value in ERROR_CODES \
                    or value[0].isspace() or value[-1].isspace() or len(value) > 32767 \
                    or ILLEGAL_CHARACTERS_RE.search(value):
                return None  # a formula, an error code, xml:space, cut or refused
            if "&" in value or "<" in value or ">" in value:
                value = value.translate(_ESCAPES)
            out.append(f'<c r="{letters[index]}{number}"{styles.get(index, "")} '
                       f't="inlineStr"><is><t>{value}</t></is></c>')
        elif kind is int or (kind is float and math.isfinite(value)):
            out.append(f'<c r="{letters[index]}{number}"{styles.get(index, "")} '
                       f't="n"><v>{value:.16g}</v></c>')
        else:
            return None  # "" too: openpyxl writes it as an empty element
    return "".join(out)


def _by_openpyxl(sheet: Any, values: Sequence[Any], number: int,
                 styled: dict[int, WriteOnlyCell]) -> str:
    """One row's cells written by openpyxl's own cell writer (the rare row with a value
    that is not plain text or a number), as the sheet would have."""
    from openpyxl.cell._writer import write_cell

    buffer = io.BytesIO()
    with xmlfile(buffer) as xf, xf.element("sheetData"):
        for index, value in enumerate(values):
            if value is None:
                continue
            cell = WriteOnlyCell(sheet, value=value)
            template = styled.get(index)
            if template is not None:
                cell._style = copy(template._style)  # the text column's style (format @)
            cell.column, cell.row = index + 1, number
            write_cell(xf, sheet, cell, cell.has_style)
    xml = buffer.getvalue().decode()
    return xml[len("<sheetData>"):-len(END)]
