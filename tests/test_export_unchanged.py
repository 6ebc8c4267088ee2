"""The quarterly export's speed-ups change no byte of the workbook.

Each speed-up of the county export (issue 20) keeps beside it, here, the plain code it
replaced. A demo register with every kind is exported twice, once as the program does and
once with the plain code put back (and every row appended through openpyxl), and the two
workbooks must be the same part for part (cells, styles, widths, print setup), all but
the file's own timestamps. The rows written as XML (``ledger.row_xml``) are also set
beside openpyxl's for values a register seldom holds.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, type_coerce

from carecenter import clock
from carecenter.demo import register_demo as demo
from carecenter.ledger import figures, kind_sheets, row_xml, style
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.rules.cadences import Cadence
from carecenter.rules.periods import mostly_inside
from carecenter.storage.database import Database
from carecenter.storage.models import person
from tests.conftest import TODAY

pytestmark = pytest.mark.backends


def plain_of_kind(code: str) -> Any:
    """The kind's test as the export read it before ``figures.of_kind``."""
    return type_coerce(person.c.kinds, String).like(f"%{code}%")


def plain_owed(cadence: Cadence, records: Sequence[date], first: date, last: date
               ) -> tuple[int, int]:
    """``kind_sheets.owed`` before its periods were worked out once and counted by
    bisection."""
    period = cadence.period
    if period.rolling:
        return (min(1, len(records)), 1)
    if period.months == 12:
        return (min(1, sum(1 for d in records if d.year == last.year)), 1)
    done = due = 0
    for span in period.spans(first, last):
        whole = period.span(span[0])
        if not mostly_inside(whole, first, last) and span != whole:
            continue
        due += cadence.count
        done += min(cadence.count, sum(1 for d in records if span[0] <= d <= span[1]))
    return done, due


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the workbook but its timestamps (docProps)."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()
                if not name.startswith("docProps/")}


def export_both(database: Database, folder: Path, quarter: Quarter,
                monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, bytes], dict[str, bytes]]:
    fast, plain = folder / f"fast-{quarter.code}.xlsx", folder / f"plain-{quarter.code}.xlsx"
    export_quarter(database, quarter, fast, today=TODAY)
    with monkeypatch.context() as patched:
        patched.setattr(figures, "of_kind", plain_of_kind)
        patched.setattr(kind_sheets, "of_kind", plain_of_kind)
        patched.setattr(kind_sheets, "owed", plain_owed)
        patched.setattr(row_xml, "available", lambda: False)
        export_quarter(database, quarter, plain, today=TODAY)
    return parts(fast), parts(plain)


def test_the_export_is_the_same_with_and_without_its_speed_ups(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo.generate(database, 260, seed=5, today=TODAY)
    # Both workbooks say the same 导出时间.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 10, 0))
    # A past quarter and the one under way (partial, 截至 today).
    for quarter in (Quarter(2026, 3), Quarter(2026, 4)):
        fast, plain = export_both(database, tmp_path, quarter, monkeypatch)
        assert fast.keys() == plain.keys()
        sheets = [name for name in fast if name.startswith("xl/worksheets/sheet")]
        # The elders' ledger, the children's, women's and 特困 sheets, the summary.
        assert len(sheets) == 5, sheets
        for name in fast:
            assert fast[name] == plain[name], f"{quarter.code}: {name} differs"


# Values a ledger seldom holds, each of which openpyxl writes in its own way.
ODD_VALUES = [
    "刘桂英", "A&B <c> d>e", " 前有空格", "后有空格 ", "   ", "", "=SUM(A1)", "=", "#N/A",
    "#REF!", "两行\n文字", "tab\there", "\u00e9\u4e00\U0001F600", "x" * 40000, 0, -7,
    430524195001010011, 2**70, 1.5, 0.1, 1e20, -0.0, float("nan"), float("inf"), True, False,
    date(2026, 11, 23), datetime(2026, 11, 23, 9, 30), None,
]


@pytest.mark.parametrize("text_column", [False, True])
def test_rows_written_as_xml_are_the_bytes_openpyxl_writes(
        tmp_path: Path, text_column: bool) -> None:
    rows: list[list[Any]] = [[n, value, "尾"] for n, value in enumerate(ODD_VALUES, start=1)]
    rows += [[None, None, None], [], [1], list(range(40))]  # empty, short and wide rows
    written = {}
    for how in ("openpyxl", "xml"):
        book = style.new_workbook()
        sheet = book.create_sheet("表")
        spliced = row_xml.SplicedRows() if how == "xml" else None
        count = style.write_table(sheet, ["序号", "值", "尾"], rows, [8.0, 8.0, 8.0],
                                  text_columns={2} if text_column else (), title="标题",
                                  subtitle="副标题", spliced=spliced)
        assert count == len(rows)
        path = tmp_path / f"{how}.xlsx"
        book.save(path)
        if spliced is not None:
            path.write_bytes(spliced.into(path.read_bytes()))
        written[how] = parts(path)
    assert written["xml"] == written["openpyxl"]
