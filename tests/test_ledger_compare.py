"""比对: the township's list beside the register, by ID number."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update

from carecenter.cli.entry import main
from carecenter.ledger.compare import compare_file, save_differences
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import person
from tests.conftest import elder, make_id
from tests.ledger_books import save

ZHANG = make_id("19500312", "002")
LI = make_id("19400101", "022")
WANG = make_id("19550505", "013")
ZHAO = make_id("19520202", "015")
OUTSIDER = make_id("19470707", "019")


@pytest.fixture
def township_list(register: Register, database: Database, tmp_path: Path) -> Path:
    one, two = register.groups.add("一组"), register.groups.add("二组")
    register.save(elder("张桂兰", "19500312", "002", group_id=one))
    register.save(elder("李秀英", "19400101", "022", group_id=one))
    wang = register.save(elder("王建国", "19550505", "013", group_id=two)).person_id
    register.save(elder("赵明", "19520202", "015", group_id=two))
    register.save(elder("无号人", id_number=None, birth_date="1950-01-01", sex="男"))
    register.exit(wang, date(2026, 10, 1), "died")
    with database.transaction() as session:
        session.execute(update(person).where(person.c.name == "张桂兰").values(colour="red"))
    rows = [
        ["某某镇农村留守老年人信息库名单"],
        ["序号", "人员姓名", "证件号码", "所属村民小组", "风险等级", "状态"],
        [1, "张桂兰", ZHANG, "1组", "红", "在册"],  # the same, spelled differently
        [2, "李秀音", LI, "第二村民小组", "黄色", "在册"],  # name and group and colour differ
        [3, "王建国", WANG, "二组", "", "在册"],  # died in October: status differs
        [4, "周外人", OUTSIDER, "三组", "", "在册"],  # not on our register
        [5, "错号人", "430524195001010000", "一组", "", "在册"],
        ["合计:5人"],
        ["合计", "197人"],  # the count in the name column (issue 20)
    ]
    return save(rows, tmp_path / "乡镇名单.xlsx")


def test_differences_by_id_number(database: Database, township_list: Path) -> None:
    result = compare_file(database, township_list)
    assert result.matched == 3
    assert [t.name for t in result.theirs_only] == ["周外人"]
    assert sorted(m.name for _, m in result.ours_only) == ["无号人", "赵明"]
    found = {(d.name, d.field): (d.theirs, d.ours) for d in result.differences}
    assert found == {
        ("李秀英", "姓名"): ("李秀音", "李秀英"),
        ("李秀英", "村民小组"): ("第二村民小组", "一组"),
        ("李秀英", "风险等级"): ("黄色", "未评估"),
        ("王建国", "状态"): ("在册", "已退出"),
    }
    assert [(row, why[:5]) for row, _, why in result.unreadable] == [(7, "身份证号校")]


def test_differences_workbook_and_cli(database: Database, township_list: Path, db_path: Path,
                                      tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "差异.xlsx"
    assert main(["compare", str(township_list), "--db", str(db_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "乡镇名单有、本村登记册没有:1 人" in printed
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "比对汇总", "乡镇有本村无", "本村有乡镇无", "信息不一致", "无法比对的行"]
    theirs = book["乡镇有本村无"]
    assert theirs["C4"].value == OUTSIDER and theirs.freeze_panes == "A4"
    assert book["信息不一致"].max_row == 3 + 4
    save_differences(compare_file(database, township_list), tmp_path / "again.xlsx",
                     database)


def test_list_without_id_column_says_so(database: Database, tmp_path: Path,
                                        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save([["姓名", "组别"], ["张三", "一组"]], tmp_path / "x.xlsx")
    assert main(["compare", str(path), "--db", str(db_path), "--out",
                 str(tmp_path / "d.xlsx")]) == 1
    assert "找不到身份证号" in capsys.readouterr().err


def test_a_township_list_of_children_is_compared_with_the_registers_children_only(
        register: Register, database: Database, tmp_path: Path) -> None:
    from tests.test_kind_child import child

    register.save(elder("张桂兰", "19500312", "002"))  # an elder: not missing from it
    register.save(child(name="李小明", sequence="021"))
    register.save(child(name="王小花", birth="20160101", sequence="042"))
    rows = [
        ["某某镇农村留守儿童名单"],
        ["序号", "姓名", "身份证号"],
        [1, "李小明", make_id("20150610", "021")],
        [2, "张桂兰", ZHANG],  # on the register, but as an elder
    ]
    result = compare_file(database, save(rows, tmp_path / "儿童名单.xlsx"))
    assert result.kind == "child"
    assert "按“农村留守儿童”名单比对" in result.summary_lines()[0]
    assert [m.name for _, m in result.ours_only] == ["王小花"]  # the elder is not listed
    assert [(d.name, d.field, d.theirs, d.ours) for d in result.differences] == [
        ("张桂兰", "类别", "农村留守儿童", "农村留守老年人")]
    # a list that does not say its kind is compared with everyone, as before
    rows[0] = ["某某镇名单"]
    everyone = compare_file(database, save(rows, tmp_path / "名单.xlsx"))
    assert everyone.kind is None
    assert sorted(m.name for _, m in everyone.ours_only) == ["王小花"]
    assert not everyone.differences
