"""A children's (or women's) ledger imported again (issue 21, as issue 7 for the elders):
a row already on the register updates that file, never makes a second one; a row saying
what the file holds is 无变化 and nothing is written; the people around the child are
matched by role and name, updated in place, added, never dropped; a file edited in
another window between the preview and the import is not written over; a row the clerk
hid in Excel is flagged (issue 16)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from carecenter.cli.entry import main
from carecenter.ledger import kind_import
from carecenter.ledger.import_preview import ChangedSincePreview
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import person, supporter
from tests.conftest import make_id
from tests.test_kind_import_export import write

HEADER = ["序号", "姓名", "性别", "身份证号", "组别", "就读学校", "年级", "父亲姓名", "父亲电话",
          "父亲务工地点", "母亲姓名", "母亲电话", "母亲务工地点", "监护人姓名", "与儿童关系",
          "监护人电话"]
XIAOMING = [1, "李小明", "男", make_id("20150610", "021"), "三组", "白竹村小学", "五年级",
            "李建国", "13900002222", "广东省东莞市", "王小红", "13900003333", "浙江省义乌市",
            "李福贵", "爷爷", "13700003333"]
# No ID number: known by name and group the second time.
XIAOHUA = [2, "周小华", "女", None, "一组", "镇中学", "七年级", "周强", "13900004444",
           "广东省深圳市", "刘芳", "13900005555", "湖北省武汉市", "周奶奶", "奶奶",
           "13700004444"]


def ledger(tmp_path: Path, name: str, *rows: list[Any]) -> Path:
    return write(tmp_path / name, [["白竹村农村留守儿童花名册"], HEADER, *rows])


def counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        return (session.execute(select(func.count()).select_from(person)).scalar_one(),
                session.execute(select(func.count()).select_from(supporter)).scalar_one())


def imported(database: Database, path: Path) -> kind_import.KindResult:
    found = kind_import.preview(database, path, "child")
    assert not found.refused, found.lines()
    return kind_import.apply(database, found)


def test_the_same_ledger_again_changes_nothing(tmp_path: Path, database: Database) -> None:
    path = ledger(tmp_path, "c.xlsx", XIAOMING, XIAOHUA)
    first = imported(database, path)
    assert len(first.created) == 2
    before = counts(database)
    again = kind_import.preview(database, path, "child")
    assert [r.action_label for r in again.rows] == ["无变化", "无变化"], again.lines()
    assert [r.basis for r in again.rows] == ["身份证号", "姓名和村民小组"]
    assert "无变化 2 人" in again.summary()
    result = kind_import.apply(database, again)
    assert (result.created, result.updated, result.unchanged) == ([], [], 2)
    assert counts(database) == before


def test_a_changed_phone_guardian_and_place_update_the_file(
        tmp_path: Path, database: Database) -> None:
    first = imported(database, ledger(tmp_path, "c.xlsx", XIAOMING))
    pid = first.created[0]
    moved = list(XIAOMING)
    moved[8] = "13911112222"  # the father's new phone
    moved[9] = "湖南省长沙市"  # and his new place: 县外省内 for a village of 邵阳
    moved[13:16] = ["李奶奶", "奶奶", "13700009999"]  # a new guardian
    found = kind_import.preview(database, ledger(tmp_path, "d.xlsx", moved), "child")
    row = found.rows[0]
    assert row.action_label == "更新" and row.person_id == pid
    assert "父亲李建国的联系电话" in row.changes and "父亲李建国的当前务工地点" in row.changes
    assert "新增委托监护人李奶奶" in row.changes, row.changes
    assert "更新:" in row.why()
    result = kind_import.apply(database, found)
    assert result.updated == [pid] and result.created == []
    file = Register(database).load(pid)
    people = {(s["role"], s["name"]): s for s in file.supporters}
    father = people["parent", "李建国"]
    assert father["phone"] == "13911112222" and father["whereabouts"] == "湖南省长沙市"
    # the guardian the ledger no longer names is kept, as the elders' import keeps them
    assert ("guardian", "李福贵") in people and ("guardian", "李奶奶") in people
    assert counts(database) == (1, 4)
    assert "学校名称" not in " ".join(kind_import.preview(
        database, ledger(tmp_path, "d.xlsx", moved), "child").rows[0].changes)


def test_a_row_without_an_id_is_updated_by_name_and_group(
        tmp_path: Path, database: Database) -> None:
    pid = imported(database, ledger(tmp_path, "c.xlsx", XIAOHUA)).created[0]
    later = list(XIAOHUA)
    later[6] = "八年级"
    later[3] = make_id("20130405", "022")  # the number, found at last
    found = kind_import.preview(database, ledger(tmp_path, "d.xlsx", later), "child")
    row = found.rows[0]
    assert row.person_id == pid and row.basis == "姓名和村民小组"
    assert "年级班级" in row.changes and "身份证号" in row.changes
    assert any("补上身份证号" in w for w in row.warnings)
    kind_import.apply(database, found)
    values = Register(database).load(pid).values
    assert values["grade"] == "八年级" and values["id_number"] == later[3]
    assert counts(database)[0] == 1


def test_two_files_of_one_name_in_a_group_refuse_a_row_without_an_id(
        tmp_path: Path, database: Database) -> None:
    imported(database, ledger(tmp_path, "c.xlsx", XIAOHUA))
    twin = list(XIAOHUA)
    twin[3] = make_id("20130405", "022")
    twin[5] = "另一所学校"
    imported(database, ledger(tmp_path, "t.xlsx", twin))  # has an ID: matched to the first
    other = list(XIAOHUA)
    other[1] = "周小华"
    other[3] = make_id("20140101", "042")  # a second 周小华 with her own number
    found = kind_import.preview(database, ledger(tmp_path, "o.xlsx", other), "child")
    assert found.rows[0].action_label == "新增"
    kind_import.apply(database, found)
    bare = list(XIAOHUA)  # no ID: which 周小华?
    found = kind_import.preview(database, ledger(tmp_path, "b.xlsx", bare), "child")
    assert found.rows[0].action_label == "拒绝"
    assert "补充身份证号" in found.rows[0].why()


def test_a_file_edited_after_the_preview_is_not_written_over(
        tmp_path: Path, database: Database) -> None:
    pid = imported(database, ledger(tmp_path, "c.xlsx", XIAOMING, XIAOHUA)).created[0]
    moved = list(XIAOMING)
    moved[8] = "13911112222"
    other = list(XIAOHUA)
    other[6] = "八年级"
    found = kind_import.preview(database, ledger(tmp_path, "d.xlsx", moved, other), "child")
    assert [r.action_label for r in found.rows] == ["更新", "更新"]
    register = Register(database)
    draft = register.load(pid).draft()  # another window: the clerk types a new school
    draft.values["school"] = "县实验小学"
    register.save(draft, pid)
    with pytest.raises(ChangedSincePreview, match="李小明"):
        kind_import.apply(database, copy.deepcopy(found))
    assert register.load(pid).values["school"] == "县实验小学"
    assert all(s["phone"] != "13911112222" for s in register.load(pid).supporters)
    result = kind_import.apply(database, found, skip_changed=True)
    assert result.changed_meanwhile == ["第 3 行 李小明"] and len(result.updated) == 1
    assert register.load(pid).values["school"] == "县实验小学"  # the window's edit kept


def test_a_child_already_on_the_register_as_another_kind(
        tmp_path: Path, database: Database) -> None:
    from tests.test_kind_child import child

    register = Register(database)
    draft = child(birth="20150610", sequence="021", name="李小明", tekun_since="2020-01-01",
                  tekun_cert="特1")
    draft.kind, draft.kinds = "tekun", ["tekun"]
    draft.supporters = []
    pid = register.save(draft).person_id
    found = kind_import.preview(database, ledger(tmp_path, "c.xlsx", XIAOMING), "child")
    row = found.rows[0]
    assert row.person_id == pid and row.action_label == "更新"
    assert row.changes[0] == "增加为农村留守儿童"
    kind_import.apply(database, found)
    file = register.load(pid)
    assert set(file.kinds) == {"tekun", "child"} and counts(database)[0] == 1
    # an elder with a child's ID number in a children's ledger: refused, not made a child
    elder_row = list(XIAOMING)
    elder_row[1:4] = ["张桂兰", "女", make_id("19500312", "002")]
    from tests.conftest import elder

    register.save(elder())
    found = kind_import.preview(database, ledger(tmp_path, "e.xlsx", elder_row), "child")
    assert found.rows[0].action_label == "拒绝", found.lines()
    assert "请核对身份证号" in found.rows[0].why()


def test_the_command_exits_0_on_a_ledger_imported_again(
        tmp_path: Path, database: Database, capsys: Any) -> None:
    path = ledger(tmp_path, "c.xlsx", XIAOMING, XIAOHUA)
    db = str(database.location)
    assert main(["import", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["import", str(path), "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "[无变化]" in out and "无变化 2 人" in out
    assert main(["import", str(path), "--db", db]) == 0
    assert "无变化 2 人" in capsys.readouterr().out
    moved = list(XIAOMING)
    moved[11] = "13988887777"
    assert main(["import", str(ledger(tmp_path, "d.xlsx", moved, XIAOHUA)), "--db", db,
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "[更新]" in out and "母亲王小红的联系电话" in out
    assert counts(database)[0] == 2
