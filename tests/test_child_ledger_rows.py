"""A children's ledger as villages write it loses no row (issue 21): 出生年月 to the month
beside an ID number born later that month, and the guardian's relation in the village's
words (祖孙, 爷孙, 外祖孙, 姥姥 …), under a one-row or a two-row header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carecenter.ledger import kind_import
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import make_id
from tests.test_kind_import_export import write

HEADER = ["序号", "儿童姓名", "性别", "出生年月", "身份证号", "组别", "父亲姓名",
          "父亲务工地点", "母亲姓名", "母亲务工地点", "监护人姓名", "与儿童关系",
          "监护人身份证号", "监护人电话"]


def line(seq: int, name: str, birth: Any, born: str, relation: str,
         guardian_id: str | None = None) -> list[Any]:
    return [seq, name, None, birth, make_id(born, f"{seq:02d}1"), "二组", "李军",
            "广东省东莞市", "王芳", "浙江省温州市", "李老汉", relation, guardian_id,
            "13700001111"]


def test_a_birth_month_beside_an_id_born_later_that_month_is_the_ids_day(
        tmp_path: Path, database: Database) -> None:
    rows = [HEADER,
            line(1, "李小雨", "2010年11月", "20101124", "爷爷"),
            line(2, "李小雪", 2012.3, "20120317", "奶奶"),  # typed as the number 2012.3
            line(3, "李小雷", "2014.6", "20140630", "爷爷"),
            line(4, "李小电", "2013", "20130905", "爷爷")]  # the year only
    found = kind_import.preview(database, write(tmp_path / "c.xlsx", rows), "child")
    assert [r.name for r in found.accepted] == ["李小雨", "李小雪", "李小雷", "李小电"], \
        found.lines()
    ids = kind_import.apply(database, found).created
    register = Register(database)
    assert str(register.load(ids[0]).values["birth_date"]) == "2010-11-24"


def test_a_birth_month_that_is_not_the_ids_month_is_still_refused_by_name(
        tmp_path: Path, database: Database) -> None:
    rows = [HEADER, line(1, "李小雨", "2010年10月", "20101124", "爷爷")]
    [row] = kind_import.preview(database, write(tmp_path / "c.xlsx", rows), "child").rows
    assert not row.accepted
    assert "出生日期" in row.errors[0] and "与身份证号不符" in row.errors[0]


def test_a_birth_month_without_an_id_comes_in_on_the_first_with_a_warning(
        tmp_path: Path, database: Database) -> None:
    rows = [HEADER, line(1, "李小雨", "2010年11月", "20101124", "爷爷")]
    rows[1][4] = None
    [row] = kind_import.preview(database, write(tmp_path / "c.xlsx", rows), "child").rows
    assert row.accepted
    assert any("2010年11月" in w and "2010-11-01" in w for w in row.warnings)


@pytest.mark.parametrize(("written", "stored"), [
    ("爷爷", "grandfather"), ("奶奶", "grandmother"), ("姥姥", "maternal_grandmother"),
    ("姥爷", "maternal_grandfather"), ("外公", "maternal_grandfather"),
    ("外婆", "maternal_grandmother"), ("祖父", "grandfather"), ("外祖母", "maternal_grandmother"),
    ("爷孙", "grandfather"), ("叔叔", "relative"), ("姑姑", "relative"), ("哥哥", "sibling"),
])
def test_the_guardians_relation_in_the_villages_words(
        tmp_path: Path, database: Database, written: str, stored: str) -> None:
    rows = [HEADER, line(1, "李小雨", None, "20101124", written)]
    found = kind_import.preview(database, write(tmp_path / "c.xlsx", rows), "child")
    [row] = found.rows
    assert row.accepted and not any("关系" in w for w in row.warnings), row.why()
    [pid] = kind_import.apply(database, found).created
    guardian = next(s for s in Register(database).load(pid).supporters
                    if s["role"] == "guardian")
    assert guardian["relation"] == stored


def test_a_grandparent_pair_takes_the_guardians_sex_from_the_id_number(
        tmp_path: Path, database: Database) -> None:
    rows = [HEADER,
            line(1, "李小雨", None, "20101124", "祖孙", make_id("19550101", "012")),  # a woman
            line(2, "李小雪", None, "20120317", "外祖孙", make_id("19560101", "013")),
            line(3, "李小雷", None, "20140630", "祖孙")]  # no number: the clerk is asked
    found = kind_import.preview(database, write(tmp_path / "c.xlsx", rows), "child")
    assert len(found.accepted) == 3, found.lines()
    third = found.rows[2]
    assert any("与儿童关系写作“祖孙”" in w and "其他亲属" in w for w in third.warnings)
    ids = kind_import.apply(database, found).created
    register = Register(database)
    relations = [next(s["relation"] for s in register.load(i).supporters
                      if s["role"] == "guardian") for i in ids]
    assert relations == ["grandmother", "maternal_grandfather", "relative"]


def test_an_unknown_relation_is_other_kin_with_a_warning_naming_row_and_field(
        tmp_path: Path, database: Database) -> None:
    rows = [HEADER, line(1, "李小雨", None, "20101124", "干爹"),
            line(2, "李小雪", None, "20120317", "爷爷")]
    found = kind_import.preview(database, write(tmp_path / "c.xlsx", rows), "child")
    assert [r.name for r in found.accepted] == ["李小雨", "李小雪"]
    said = [text for text in found.lines(every=False) if "干爹" in text]
    assert len(said) == 1
    assert said[0].startswith("第 2 行 李小雨") and "委托监护人李老汉的与儿童关系“干爹”" in said[0]
    assert "按“其他亲属”记" in said[0]


def test_a_two_row_header_with_birth_month_and_grandparent_pair(
        tmp_path: Path, database: Database) -> None:
    rows = [
        ["白竹村留守儿童信息表"],
        ["序号", "儿童基本情况", None, None, "父亲", None, None, "母亲", None, None,
         "委托监护人", None, None],
        [None, "姓名", "出生年月", "身份证号", "姓名", "联系电话", "务工地点", "姓名",
         "联系电话", "务工地点", "姓名", "关系", "联系电话"],
        [1, "陈小华", "2016年1月", make_id("20160105", "041"), "陈军", "13911110000",
         "上海市", "周敏", "13922220000", "江苏省苏州市", "陈德明", "外祖孙", "13933330000"],
    ]
    found = kind_import.preview(database, write(tmp_path / "two.xlsx", rows), "child")
    assert found.header_row == 3
    assert [r.name for r in found.accepted] == ["陈小华"], found.lines()
    [pid] = kind_import.apply(database, found).created
    file = Register(database).load(pid)
    assert str(file.values["birth_date"]) == "2016-01-05"
    assert [(s["role"], s["relation"], s["name"]) for s in file.supporters] == [
        ("parent", "father", "陈军"), ("parent", "mother", "周敏"),
        ("guardian", "relative", "陈德明")]
