"""Shapes a held-out check of issue 16 found coming in silently wrong (session 7): sheets
named after a group the village names by a place (上屋组), a group column merged down
over several people, a family-member column holding the spouse and the children, and
column words the importer did not know. Each ledger is built here, with its own names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from carecenter.ledger.importer import LedgerImport, Preview
from carecenter.storage.database import Database
from carecenter.storage.models import person, supporter, village_group
from tests.conftest import TODAY, make_id
from tests.test_ledger_workbooks import book

GOU = make_id("19500101", "064")  # a woman
MU = make_id("19391107", "035")  # a man
NIU = make_id("19420312", "117")  # a man
SANG = make_id("19440618", "228")  # a woman




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


def test_a_group_merged_down_over_several_people_is_each_ones_group(
        database: Database, tmp_path: Path) -> None:
    rows = [["青龙村留守老年人台账"],
            ["组别", "序号", "姓名", "身份证号码", "子女姓名", "子女电话", "子女务工地"],
            ["堰塘组", 1, "钮万福", NIU, "钮平", "13111110003", "广西南宁"],
            [None, 2, "桑秀兰", SANG, "桑平", "13111110004", "广西柳州"],
            ["河坝组", 3, "苟德林", GOU, "苟梅", "13111110005", "东莞"],
            [None, 4, "母国珍", MU, None, None, None]]
    # The couple of the last group share a son: his cells merged down over both.
    path = book(tmp_path / "合并.xlsx", [("台账", rows)],
                merges={"台账": ["A3:A4", "A5:A6", "E5:E6", "F5:F6", "G5:G6"]})
    imported(database, path)
    assert groups_of(database) == {"钮万福": "堰塘组", "桑秀兰": "堰塘组",
                                   "苟德林": "河坝组", "母国珍": "河坝组"}
    with database.session() as session:
        sons = dict(session.execute(select(person.c.name, supporter.c.name).join(
            supporter, supporter.c.person_id == person.c.id)).all())
    assert sons == {"钮万福": "钮平", "桑秀兰": "桑平", "苟德林": "苟梅", "母国珍": "苟梅"}


def test_an_elders_cells_merged_down_over_her_childrens_rows_stay_one_person(
        database: Database, tmp_path: Path) -> None:
    rows = [["序号", "姓名", "身份证号码", "组别", "子女姓名", "子女电话", "务工地点"],
            [1, "桑秀兰", SANG, "二组", "桑平", "13111110004", "广西柳州"],
            [None, None, None, None, "桑安", "13111110006", "广东中山"]]
    path = book(tmp_path / "子女另起行.xlsx", [("台账", rows)],
                merges={"台账": ["A2:A3", "B2:B3", "C2:C3", "D2:D3"]})
    imported(database, path)
    with database.session() as session:
        found = session.execute(select(person.c.name, supporter.c.name).join(
            supporter, supporter.c.person_id == person.c.id).order_by(supporter.c.position)).all()
    assert [tuple(r) for r in found] == [("桑秀兰", "桑平"), ("桑秀兰", "桑安")]


def test_parents_and_guardian_merged_over_brother_and_sister_are_both_childrens(
        database: Database, tmp_path: Path) -> None:
    from carecenter.ledger import kind_import
    from carecenter.register.people import Register

    girl, boy = make_id("20140315", "028"), make_id("20160722", "017")
    rows = [["柏林村留守儿童花名册"],
            ["序号", "儿童姓名", "身份证号", "就读学校", "年级", "父亲姓名", "父亲去向",
             "母亲姓名", "母亲去向", "监护人", "与儿童关系", "监护人电话"],
            [1, "龙梓涵", girl, "柏林小学", "六年级", "龙大军", "广东惠州", "罗春燕", "广东惠州",
             "龙德贵", "祖父", "13011110003"],
            [2, "龙梓轩", boy, "柏林小学", "四年级", None, None, None, None, None, None, None]]
    path = book(tmp_path / "儿童.xlsx", [("留守儿童", rows)],
                merges={"留守儿童": [f"{c}3:{c}4" for c in "DFGHIJKL"]})
    found = kind_import.preview(database, path, "child")
    assert not found.refused, found.lines()
    ids = kind_import.apply(database, found).ids
    register = Register(database, today=lambda: TODAY)
    for file in (register.load(i) for i in ids):
        assert file.values["school"] == "柏林小学"
        assert [(s["role"], s["name"]) for s in file.supporters] == [
            ("parent", "龙大军"), ("parent", "罗春燕"), ("guardian", "龙德贵")], file.name


def test_a_guardian_under_a_heading_over_two_rows_beside_the_parents_comes_in(
        database: Database, tmp_path: Path) -> None:
    """父母情况 › 父亲 | 母亲 over 姓名 | 外出地点 | 电话, and 委托照护人 merged over two rows
    beside them: the caretaker's columns are the guardian's, not the mother's again."""
    from carecenter.ledger import kind_import
    from carecenter.register.people import Register

    boy = make_id("20150504", "015")
    rows = [["新民村农村留守儿童信息表"],
            ["儿童基本信息", None, None, None, "父母情况", None, None, None, None, None,
             "委托照护人", None, None],
            [None, None, None, None, "父亲", None, None, "母亲", None, None, None, None, None],
            ["序号", "姓名", "身份证号码", "学校", "姓名", "外出地点", "电话", "姓名", "外出地点",
             "电话", "姓名", "关系", "电话"],
            [1, "伍家豪", boy, "新民小学", "伍德兵", "福建泉州", "13122220001", "谢小红",
             "福建泉州", "13122220002", "伍老三", "外公", "13122220003"]]
    path = book(tmp_path / "儿童.xlsx", [("儿童", rows)],
                merges={"儿童": ["A2:D3", "E2:J2", "E3:G3", "H3:J3", "K2:M3"]})
    found = kind_import.preview(database, path, "child")
    assert not found.refused and not found.unknown, found.lines()
    file = Register(database, today=lambda: TODAY).load(kind_import.apply(database, found).ids[0])
    assert [(s["role"], s["relation"], s["name"], s.get("phone")) for s in file.supporters] == [
        ("parent", "father", "伍德兵", "13122220001"),
        ("parent", "mother", "谢小红", "13122220002"),
        ("guardian", "maternal_grandfather", "伍老三", "13122220003")]


def test_a_childrens_column_naming_what_another_column_gave_is_listed_not_dropped(
        database: Database, tmp_path: Path) -> None:
    from carecenter.ledger import kind_import

    rows = [["序号", "儿童姓名", "身份证号", "父亲姓名", "父亲电话", "父亲手机", "监护人"],
            [1, "熊思琪", make_id("20120109", "026"), "熊伟", "13011110004", "13011119999",
             "熊秀英"]]
    found = kind_import.preview(database, book(tmp_path / "儿童.xlsx", [("儿童", rows)]), "child")
    assert found.unknown == ["父亲手机"]
    assert any("父亲手机" in line for line in found.lines())


def test_family_member_rows_under_the_elder_bring_the_spouse_and_the_children(
        database: Database, tmp_path: Path) -> None:
    from carecenter.register.people import Register

    rows = [["家庭成员登记表"],
            ["序号", "留守老人姓名", "身份证号", "居住组", "家庭成员", "与老人关系", "联系电话",
             "外出地"],
            [1, "钮万福", NIU, "二组", "钮刘氏", "老伴", "13800010001", "在家"],
            [None, None, None, None, "钮小虎", "儿子", "13800010002", "广东中山"],
            [2, "桑秀兰", SANG, "二组", "桑长林", "妻", None, "本村"],
            [None, None, None, None, "桑娟", "女", "13800010007", "浙江温州"]]
    path = book(tmp_path / "家庭成员.xlsx", [("家庭成员", rows)],
                merges={"家庭成员": ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "A5:A6", "B5:B6", "C5:C6",
                          "D5:D6"]})
    preview = imported(database, path)
    assert not preview.not_imported(), preview.not_imported()
    register = Register(database, today=lambda: TODAY)
    with database.session() as session:
        ids = session.execute(select(person.c.id)).scalars().all()
    files = {f.name: f for f in map(register.load, ids)}
    assert {n: (f.values.get("spouse_name"), [(s["name"], s["relation"], s["whereabouts"])
                                              for s in f.supporters])
            for n, f in files.items()} == {
        "钮万福": ("钮刘氏", [("钮小虎", "son", "广东中山")]),
        "桑秀兰": ("桑长林", [("桑娟", "daughter", "浙江温州")])}
    assert groups_of(database) == {"钮万福": "二组", "桑秀兰": "二组"}


CHILD_HEADER = ["序号", "儿童姓名", "身份证号", "就读学校", "父亲姓名", "父亲务工地", "母亲姓名",
                "母亲务工地", "监护人姓名", "监护人关系"]
JIAN, JIAN2 = make_id("20140101", "012"), make_id("20150202", "023")
FAN, FAN2 = make_id("20160303", "034"), make_id("20170404", "045")


def childrens_book(path: Path, second: list[list[Any]]) -> Path:
    """填表说明 (its 项目 column lists 儿童姓名, 监护人姓名), a sheet per group, 汇总."""
    return book(path, [
        ("填表说明", [["项目", "填写要求"], ["儿童姓名", "与户口簿一致"],
                  ["监护人姓名", "实际照料的人"]]),
        ("第一组", [["第一组留守儿童"], CHILD_HEADER,
                 [1, "简一鸣", JIAN, "红旗小学", "简军", "广东东莞", "吴霞", "广东东莞", "简老汉",
                  "爷爷"],
                 [2, "简一诺", JIAN2, "红旗小学", "简军", "广东东莞", "吴霞", "广东东莞", "简老汉",
                  "爷爷"]]),
        ("第二组", [["第二组留守儿童"], CHILD_HEADER, *second]),
        ("汇总", [["组别", "人数"], ["第一组", 2], ["第二组", 2]])])


def test_a_childrens_workbook_with_a_sheet_per_group_is_read_whole_by_the_command(
        database: Database, tmp_path: Path, capsys: Any) -> None:
    from carecenter.cli.entry import main

    path = childrens_book(tmp_path / "儿童.xlsx", [
        [1, "樊雨欣", FAN, "红旗小学", "樊刚", "浙江宁波", "彭丽", "浙江宁波", "樊婆婆", "奶奶"],
        [2, "樊雨轩", FAN2, "红旗幼儿园", "樊刚", "浙江宁波", "彭丽", "浙江宁波", "樊婆婆",
         "奶奶"]])
    db = str(database.location)
    assert main(["import", str(path), "--db", db, "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "读取工作表:第一组、第二组" in said and "不读取工作表:填表说明、汇总" in said, said
    assert "工作表“第二组”第 4 行 樊雨轩 [新增]" in said, said
    assert main(["import", str(path), "--db", db]) == 0
    assert groups_of(database) == {"简一鸣": "第一组", "简一诺": "第一组",
                                   "樊雨欣": "第二组", "樊雨轩": "第二组"}
    assert main(["import", str(path), "--db", db]) == 0  # again: nobody twice
    assert len(groups_of(database)) == 4


def test_the_same_child_on_two_group_sheets_comes_in_once_and_the_second_row_says_why(
        database: Database, tmp_path: Path) -> None:
    from carecenter.ledger import kind_import

    path = childrens_book(tmp_path / "儿童.xlsx", [
        [1, "简一诺", JIAN2, "红旗小学", "简军", "广东东莞", "吴霞", "广东东莞", "简老汉", "爷爷"]])
    found = kind_import.preview(database, path, "child")
    assert [(r.where, r.name) for r in found.refused] == [("工作表“第二组”第 3 行", "简一诺")]
    assert "与工作表“第一组”第 4 行简一诺是同一人" in found.refused[0].why()
    assert len(kind_import.apply(database, found).created) == 2


def test_a_sons_and_a_daughters_columns_are_theirs_with_their_relation_not_the_elders(
        database: Database, tmp_path: Path) -> None:
    from carecenter.register.people import Register

    rows = [["序号", "姓名", "身份证号", "儿子姓名", "女儿姓名", "儿子电话", "女儿电话",
             "儿子务工地", "女儿务工地"],
            [1, "钮万福", NIU, "钮勇", "钮琴", "13500000001", "13500000002", "广东揭阳",
             "浙江温州"],
            [2, "桑秀兰", SANG, None, "桑芳", None, "13500000003", None, "江苏苏州"]]
    imported(database, book(tmp_path / "儿女.xlsx", [("台账", rows)]))
    register = Register(database, today=lambda: TODAY)
    with database.session() as session:
        ids = session.execute(select(person.c.id).order_by(person.c.id)).scalars().all()
    files = [register.load(i) for i in ids]
    assert [(f.name, f.values.get("phone"), [
        (s["name"], s["relation"], s["phone"], s["whereabouts"]) for s in f.supporters])
        for f in files] == [
        ("钮万福", None, [("钮勇", "son", "13500000001", "广东揭阳"),
                        ("钮琴", "daughter", "13500000002", "浙江温州")]),
        ("桑秀兰", None, [("桑芳", "daughter", "13500000003", "江苏苏州")])]


def test_died_written_in_brackets_after_the_name_proposes_the_exit(
        database: Database, tmp_path: Path) -> None:
    rows = [["序号", "姓名", "身份证号", "子女姓名", "子女电话", "务工地点"],
            [1, "钮万福（已故）", NIU, "钮勇", "13600002222", "广州"]]
    imp = LedgerImport(database, today=lambda: TODAY)
    path = book(tmp_path / "已故.xlsx", [("台账", rows)])
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert not preview.refused, [r.problems_text() for r in preview.refused]
    assert [(r.name, r.exit.reason if r.exit else None) for r in preview.rows] == [
        ("钮万福", "died")]


def test_a_refused_row_far_down_a_long_ledger_is_printed_with_its_reason(
        database: Database, tmp_path: Path, capsys: Any) -> None:
    from carecenter.cli.entry import main

    rows: list[list[Any]] = [["序号", "姓名", "身份证号", "子女姓名", "务工地点"]]
    stems = "甲乙丙丁戊己庚辛壬癸"
    for n in range(230):  # each with something to say: no relation, no phone
        name = "钮" + stems[n % 10] + stems[n // 10 % 10] + "甲乙丙"[n // 100]
        number = make_id(f"19{40 + n // 28:02d}{n % 12 + 1:02d}{n % 28 + 1:02d}", "013")
        rows.append([n + 1, name, number, "钮平", "东莞"])
    rows.append([231, "桑秀兰", rows[5][2], "桑平", "东莞"])  # the ID of row 6 again
    path = book(tmp_path / "长.xlsx", [("台账", rows)])
    assert main(["import", str(path), "--db", str(database.location)]) == 1
    said = capsys.readouterr().out
    assert "第 232 行 [拒绝] 桑秀兰:身份证号:与第 6 行身份证号相同" in said, said[-500:]
    assert "另有 30 行(都会导入)未列出" in said
