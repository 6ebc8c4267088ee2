"""Shapes a held-out check of issue 16 found coming in silently wrong (session 7): sheets
named after a group the village names by a place (上屋组), a group column merged down
over several people, a family-member column holding the spouse and the children, and
column words the importer did not know. Each ledger is built here, with its own names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select

from carecenter.ledger.importer import LedgerImport, Preview
from carecenter.storage.database import Database
from carecenter.storage.models import person, village_group
from tests.conftest import TODAY, make_id

GOU = make_id("19500101", "064")  # a woman
MU = make_id("19391107", "035")  # a man
NIU = make_id("19420312", "117")  # a man
SANG = make_id("19440618", "228")  # a woman


def book(path: Path, sheets: list[tuple[str, list[list[Any]]]],
         merges: dict[str, list[str]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


def imported(database: Database, path: Path) -> Preview:
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert not preview.refused, [r.problems_text() for r in preview.refused]
    imp.apply(preview)
    return preview


def groups_of(database: Database) -> dict[str, str | None]:
    with database.session() as session:
        return {name: group for name, group in session.execute(
            select(person.c.name, village_group.c.name).select_from(
                person.outerjoin(village_group, person.c.group_id == village_group.c.id)))}


HEADER = ["序号", "姓名", "身份证号码", "联系电话", "子女姓名", "子女电话", "务工地点"]


def test_a_sheet_named_after_a_group_the_village_names_by_a_place_is_its_rows_group(
        database: Database, tmp_path: Path) -> None:
    path = book(tmp_path / "分组.xlsx", [
        ("上屋组", [HEADER, [1, "苟德林", GOU, "13551110004", "苟梅", "18780004444", "东莞"]]),
        ("石板社", [HEADER, [1, "母国珍", MU, None, "母长春", "18780005555", "浙江义乌"]]),
        ("帮扶组", [["组别", "组长", "人数"], ["上屋组", "何大勇", 1], ["石板社", "谯明军", 1]]),
    ])
    preview = imported(database, path)
    assert groups_of(database) == {"苟德林": "上屋组", "母国珍": "石板社"}
    said = [p.describe() for p in preview.sheets]
    assert any("上屋组" in s and "其中的人记入“上屋组”" in s for s in said), said
