"""A village's 特困 list imported as 特困群众, by its header or by ``--kind tekun``, with its
own fields kept (issue 21: 供养方式, 特困供养证号 and 认定时间 were dropped)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from carecenter.cli.entry import main
from carecenter.ledger import kind_import
from carecenter.register.people import Register
from carecenter.rules.kinds import KINDS
from carecenter.storage.database import Database
from tests.conftest import elder, make_id
from tests.test_kind_import_export import write

TEKUN_LIST: list[list[Any]] = [
    ["白竹村特困供养人员花名册"],
    ["序号", "姓名", "性别", "身份证号码", "组别", "供养方式", "特困供养证号", "认定时间",
     "生活自理能力", "联系电话", "备注"],
    [1, "赵老汉", "男", make_id("19450101", "011"), "二组", "分散供养", "TK0012",
     "2019-05-01", "全自理", "13900001111", None],
    [2, "钱秀英", "女", make_id("19520705", "022"), "三组", "集中", "TK0031", "2021年3月",
     "半自理", None, "入住镇敬老院"],
]


def test_a_tekun_list_is_known_by_its_header(tmp_path: Path) -> None:
    path = write(tmp_path / "tekun.xlsx", TEKUN_LIST)
    assert kind_import.detect(path) == "tekun"
    assert kind_import.detect(path, "Sheet") == "tekun"


def test_a_tekun_list_comes_in_as_tekun_with_certificate_date_and_mode(
        tmp_path: Path, database: Database) -> None:
    found = kind_import.preview(database, write(tmp_path / "tekun.xlsx", TEKUN_LIST), "tekun")
    assert set(found.columns.values()) >= {"name", "tekun_cert", "tekun_since",
                                           "support_mode", "self_care", "group_id"}
    assert [r.name for r in found.accepted] == ["赵老汉", "钱秀英"], found.lines()
    qian = found.rows[1]
    assert any("半自理" in w and "半护理" in w for w in qian.warnings)
    ids = kind_import.apply(database, found).created
    register = Register(database)
    zhao, qian_file = (register.load(i) for i in ids)
    assert zhao.kinds == ("tekun",)
    assert zhao.values["tekun_cert"] == "TK0012"
    assert zhao.values["tekun_since"] == date(2019, 5, 1)
    assert zhao.values["support_mode"] == "dispersed"
    assert qian_file.values["support_mode"] == "concentrated"
    assert qian_file.values["self_care"] == "partial"
    assert qian_file.values["tekun_since"] == date(2021, 3, 1)
    assert register.verdict(zhao).left_behind  # 特困 from 2019: the status the list gives


def test_a_tekun_list_names_an_elder_on_the_register_and_adds_the_kind(
        tmp_path: Path, database: Database) -> None:
    register = Register(database)
    pid = register.save(elder("赵老汉", birth="19450101", sequence="011")).person_id
    found = kind_import.preview(database, write(tmp_path / "tekun.xlsx", TEKUN_LIST), "tekun")
    zhao = found.rows[0]
    assert zhao.person_id == pid and "增加为特困群众" in zhao.changes
    kind_import.apply(database, found)
    file = register.load(pid)
    assert file.kinds == ("elder", "tekun")  # one file, both kinds
    assert file.values["tekun_cert"] == "TK0012"
    assert [s["name"] for s in file.supporters] == [s["name"] for s in elder().supporters]


def test_the_import_command_takes_kind_tekun_and_finds_it_without(
        tmp_path: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "tekun.xlsx", TEKUN_LIST)
    db = str(database.location)
    assert main(["import", str(path), "--db", db, "--kind", "tekun", "--dry-run"]) == 0
    assert "按“特困群众”台账读取" in capsys.readouterr().out
    assert main(["import", str(path), "--db", db]) == 0
    assert "新增特困群众 2 人" in capsys.readouterr().out
    register = Register(database)
    assert register.count() == 2
    for row in TEKUN_LIST[2:]:
        pid = register.find_by_id_number(row[3])
        assert pid is not None and register.load(pid).kinds == ("tekun",)


def test_every_declared_kind_is_a_choice_of_the_import_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "x.xlsx", "--kind", "nobody"])
    said = capsys.readouterr().err
    for code in KINDS:
        assert f"'{code}'" in said


def test_an_elders_ledger_with_a_support_mode_column_stays_the_elders(tmp_path: Path) -> None:
    rows = [["序号", "姓名", "身份证号", "供养方式", "子女姓名", "子女电话", "务工地点"],
            [1, "张桂兰", make_id("19500312", "002"), "分散供养", "张强", "13900001111",
             "广东省"]]
    assert kind_import.detect(write(tmp_path / "elders.xlsx", rows)) is None
