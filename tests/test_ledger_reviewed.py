"""Ledgers a reviewer found coming in silently wrong or missing (issues 15 and 16): a
header repeated below the data, headings and totals in the 姓名 column, far-out cells,
groups called 社 or 队, columns the register has but the import dropped, IDs Excel
damaged, and exit codes that hid skipped rows. Every workbook is built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from carecenter.cli.entry import main
from carecenter.ledger.importer import IGNORED, LedgerImport, Preview
from carecenter.storage.database import Database
from tests.conftest import TODAY, make_id
from tests.test_ledger_unseen import settle_village, stored


def book(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def preview_of(database: Database, path: Path) -> tuple[LedgerImport, Preview]:
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(path)
    return imp, imp.preview(path, data, layout)


# -- 1. a header repeated below the data ---------------------------------------------------

TOP = ["序号", "基本信息", None, None, None, "子女（赡养人）情况", None, None, None]
MIDDLE = [None, "姓名", "身份证号", "组别", "联系电话", "姓名", "关系", "联系方式", None]
BOTTOM = [None, None, None, None, None, None, None, "电话", "务工地址"]
ELDERS = ["赵桂英", "钱德明", "孙秀兰", "李福生", "周玉梅", "吴长根", "郑冬梅", "王春生", "冯金花"]


def three_row_ledger(path: Path, repeat: list[list[Any]]) -> Path:
    """A three-row header (基本信息 / 子女(赡养人)情况 / 联系方式 over 电话 + 务工地址),
    and ``repeat`` (the header again, or part of it) after the sixth elder."""
    rows: list[list[Any]] = [["白竹村农村留守老年人台账"], TOP, MIDDLE, BOTTOM]
    for i, name in enumerate(ELDERS):
        if i == 6:
            rows += repeat
        rows.append([i + 1, name, make_id(f"194{i}0101", f"{i}12"), "一组",
                     f"1380000000{i}", name[0] + "建国", "儿子", f"1390000000{i}", "广东东莞"])
    return book(path, ("台账", rows))


@pytest.mark.parametrize("repeat", [
    [TOP, MIDDLE, BOTTOM],  # a block copied twice, a header on every printed page
    [BOTTOM],  # only the bottom row
    [MIDDLE],
    [["序号", "姓名", "身份证号", "组别", "联系电话", "姓名", "关系", "电话", "务工地址"]],
    [["序号", "姓名", "身份证号", "组别", "联系电话", "子女姓名", "关系", "子女电话", "务工地址"]],
], ids=["whole", "bottom-row", "middle-row", "flattened", "retyped"])
def test_a_header_repeated_below_the_data_keeps_every_row_above_and_below_it(
        tmp_path: Path, database: Database, repeat: list[list[Any]]) -> None:
    settle_village(database)
    imp, preview = preview_of(database, three_row_ledger(tmp_path / "r.xlsx", repeat))
    assert preview.ended is None
    assert [r.name for r in preview.rows if r.accepted] == ELDERS
    said = [r.errors[0].message for r in preview.rows if r.action == IGNORED]
    assert len(said) == len(repeat) and all("重复的表头" in m for m in said), said
    assert not preview.not_imported()
    imp.apply(preview)
    kept = stored(database)
    assert sorted(kept) == sorted(ELDERS)
    assert kept["赵桂英"]["supporters"] == [("赵建国", "广东东莞", "out_province")]


def test_the_dry_run_counts_every_elder_of_a_ledger_with_its_header_repeated(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", "--db", str(db_path)]) == 0
    path = three_row_ledger(tmp_path / "r.xlsx", [TOP, MIDDLE, BOTTOM])
    capsys.readouterr()
    assert main(["import", str(path), "--db", str(db_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 9 人" in out and "第 5 行 [新增] 赵桂英" in out, out


def test_a_person_like_row_above_the_header_is_reported_not_dropped(
        tmp_path: Path, database: Database) -> None:
    rows: list[list[Any]] = [
        ["白竹村农村留守老年人台账"],
        [1, "陈有福", make_id("19440202", "013"), "一组", "13800000009"],
        ["序号", "姓名", "身份证号", "组别", "联系电话"],
        [2, "林秀英", make_id("19450303", "024"), "一组", "13800000008"]]
    _, preview = preview_of(database, book(tmp_path / "a.xlsx", ("台账", rows)))
    assert [r.name for r in preview.rows if r.accepted] == ["林秀英"]
    above = [r for r in preview.rows if r.row == 2]
    assert len(above) == 1 and above[0].action == IGNORED
    assert "表头" in above[0].errors[0].message and "陈有福" in above[0].errors[0].message
