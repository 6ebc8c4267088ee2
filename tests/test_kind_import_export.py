"""A children's ledger imported in its own layouts, and the quarter's export with a sheet
and figures for each kind (issue 21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from carecenter.errors import KnownError
from carecenter.ledger import kind_import
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, make_id
from tests.test_kind_child import child


def write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


FLAT = [
    ["白竹村农村留守儿童花名册"],
    ["序号", "姓名", "性别", "身份证号", "组别", "就读学校", "年级", "父亲姓名", "父亲电话",
     "父亲务工地点", "母亲姓名", "母亲电话", "母亲务工地点", "监护人姓名", "与儿童关系",
     "监护人电话"],
    [1, "李小明", "男", make_id("20150610", "021"), "三组", "白竹村小学", "五年级", "李建国",
     "13900002222", "广东省东莞市", "王小红", "13900003333", "浙江省义乌市", "李福贵",
     "爷爷", "13700003333"],
    [2, "张丽", "女", make_id("20120301", "022"), "一组", "镇中学", "八年级", "张强",
     "13900004444", "广东省深圳市", "刘芳", "13900005555", "在家", "张奶奶", "奶奶",
     "13700004444"],
    [3, "王五", "男", "430524201502301234", "一组", "", "", "", "", "", "", "", "", "", "", ""],
]


def test_a_flat_childrens_ledger_comes_in_with_parents_and_guardian(
        tmp_path: Path, database: Database) -> None:
    path = write(tmp_path / "children.xlsx", FLAT)
    found = kind_import.preview(database, path, "child")
    assert found.header_row == 2
    assert set(found.columns.values()) >= {"name", "father.whereabouts", "mother.phone",
                                           "guardian.relation", "school", "grade"}
    by_name = {r.name: r for r in found.rows}
    assert by_name["李小明"].accepted
    assert by_name["王五"].errors  # 30 February: no such day
    # the mother at home: the child is not (yet) 留守, said before anything is written
    assert any("母亲刘芳在家" in w for w in by_name["张丽"].warnings)
    ids = kind_import.apply(database, found).created
    assert len(ids) == 2
    register = Register(database)
    file = register.load(ids[0])
    assert file.kinds == ("child",)
    assert file.values["school"] == "白竹村小学"
    roles = [(s["role"], s["relation"], s["name"]) for s in file.supporters]
    assert roles == [("parent", "father", "李建国"), ("parent", "mother", "王小红"),
                     ("guardian", "grandfather", "李福贵")]
    assert register.verdict(file).left_behind
    assert {"一组", "三组"} <= {g.name for g in register.groups.list()}  # made on import
    # the same ledger again adds nobody twice: each child's file is found, and unchanged
    again = kind_import.preview(database, path, "child")
    assert [(r.name, r.action_label) for r in again.rows] == [
        ("李小明", "无变化"), ("张丽", "无变化"), ("王五", "拒绝")]


def test_a_two_row_header_with_headings_over_each_parent(tmp_path: Path,
                                                         database: Database) -> None:
    rows = [
        ["序号", "儿童姓名", "身份证号", "父亲", None, None, "母亲", None, None, "委托监护人",
         None],
        [None, None, None, "姓名", "电话", "务工地", "姓名", "电话", "务工地", "姓名",
         "关系"],
        [1, "陈小华", make_id("20160105", "041"), "陈军", "13911110000", "上海市", "周敏",
         "13922220000", "江苏省苏州市", "陈德明", "外公"],
    ]
    found = kind_import.preview(database, write(tmp_path / "two.xlsx", rows), "child")
    assert [r.name for r in found.accepted] == ["陈小华"]
    draft = found.accepted[0].draft
    assert draft is not None
    assert [(s["role"], s.get("relation"), s["name"], s.get("whereabouts"))
            for s in draft.supporters] == [
        ("parent", "father", "陈军", "上海市"), ("parent", "mother", "周敏", "江苏省苏州市"),
        ("guardian", "外祖父", "陈德明", None)]


def test_an_elders_ledger_is_not_taken_for_a_childrens(tmp_path: Path,
                                                        database: Database) -> None:
    rows = [["序号", "姓名", "身份证号", "子女姓名", "子女电话", "务工地点"],
            [1, "张桂兰", make_id("19500312", "002"), "张强", "13900001111", "广东省"]]
    with pytest.raises(KnownError, match="没有找到"):
        kind_import.preview(database, write(tmp_path / "elders.xlsx", rows), "child")


def test_the_quarter_has_a_sheet_and_figures_for_each_kind(
        tmp_path: Path, database: Database) -> None:
    register = Register(database)
    register.save(elder())
    register.save(child(hardship="孤儿", registered_on="2026-10-01"))
    out = tmp_path / "q.xlsx"
    result = export_quarter(database, Quarter.parse("2026Q4"), out)
    book = openpyxl.load_workbook(out)
    assert "台账" in book.sheetnames and "留守儿童" in book.sheetnames
    ledger = [r for r in book["台账"].iter_rows(values_only=True)]
    assert any("张桂兰" in r for r in ledger) and not any("李小明" in r for r in ledger)
    children = [r for r in book["留守儿童"].iter_rows(values_only=True)]
    header = next(r for r in children if r and "姓名" in r)
    row = next(r for r in children if r and "李小明" in r)
    line = dict(zip(header, row, strict=False))
    assert line["认定"] == "留守"
    assert "李建国" in line["父母"] and "李福贵" in line["委托监护人"]
    # on the register from Thursday 1 October: the weeks from 28 September (mostly
    # inside) to 22 November, and October and November (23 of 30 days), nothing recorded
    assert line["监护人联系(已/应)"] == "0/8"
    assert line["入户走访(已/应)"] == "0/2"
    figures = result.figures["kinds"]["农村留守儿童"]
    assert figures["在册"] == 1 and figures["孤儿"] == 1
    summary = [r for r in book["汇总"].iter_rows(values_only=True)]
    assert any(r[0] == "农村留守儿童" and r[1] == "孤儿" and r[2] == 1 for r in summary)


def test_the_import_command_knows_a_childrens_ledger_by_its_header(
        tmp_path: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    from carecenter.cli.entry import main

    path = write(tmp_path / "children.xlsx", FLAT)
    db = str(database.location)
    assert main(["import", str(path), "--db", db]) == 1  # 王五's 30 February: nothing written
    out = capsys.readouterr()
    assert "按“农村留守儿童”台账读取" in out.out and "未导入任何数据" in out.err
    assert Register(database).count() == 0
    assert main(["import", str(path), "--db", db, "--skip-bad"]) == 3  # 王五 left out
    assert "新增农村留守儿童 2 人" in capsys.readouterr().out
    assert Register(database).count() == 2


def test_an_elders_ledger_update_keeps_a_childs_file_a_childs(database: Database) -> None:
    from carecenter.register.people import PersonDraft

    register = Register(database)
    pid = register.save(child()).person_id
    file = register.load(pid)
    # an import row names no kind: the file keeps its own
    register.save(PersonDraft({**file.values, "phone": "13812345678"}, file.supporters,
                              version=file.updated_at), pid)
    again = register.load(pid)
    assert again.kinds == ("child",) and again.values["phone"] == "13812345678"
    assert len(again.supporters) == 3
