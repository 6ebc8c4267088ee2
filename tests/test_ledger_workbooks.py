"""Real village ledgers as whole workbooks (issue 16): one sheet per group with a summary
and an instructions sheet, householder columns, IDs Excel truncated, stamps and dates
under the table, a three-row header, codes and words where values belong. Each is built
here with openpyxl, with names and values of its own; each row comes in right, or is
refused or left out with a Chinese reason, and no column is dropped unseen."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from carecenter.cli.entry import main
from carecenter.ledger.importer import IGNORED, NEW, LedgerImport, Preview
from carecenter.storage.database import Database
from carecenter.storage.models import person, supporter, village_group
from tests.conftest import TODAY, dump, make_id, signed_in
from tests.ledger_books import save

HU = make_id("19430217", "042")  # a woman
MA = make_id("19510830", "073")  # a man
QIN = make_id("19470611", "128")  # a woman
DU = make_id("19391125", "255")  # a man


def book(path: Path, sheets: list[tuple[str, list[list[Any]]]],
         hidden: tuple[tuple[str, str], ...] = (),
         merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook of several sheets, in order; (sheet, column) pairs hidden; cell ranges
    merged per sheet (A3:A5)."""
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
    for title, column in hidden:
        workbook[title].column_dimensions[column].hidden = True
    workbook.save(path)
    return path


def previewed(database: Database, path: Path) -> Preview:
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(path)
    return imp.preview(path, data, layout)


def imported(database: Database, path: Path) -> Preview:
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert not preview.refused, [r.problems_text() for r in preview.refused]
    imp.apply(preview)
    return preview


def people(database: Database) -> dict[str, dict[str, Any]]:
    with database.session() as session:
        groups = dict(session.execute(select(village_group.c.id, village_group.c.name)).all())
        return {r.name: {**r._mapping, "group": groups.get(r.group_id)}
                for r in session.execute(select(person))}


def supporters(database: Database) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    with database.session() as session:
        rows = session.execute(select(person.c.name.label("elder"), supporter)
                               .join(supporter, supporter.c.person_id == person.c.id)
                               .order_by(supporter.c.person_id, supporter.c.position))
        for r in rows.mappings():
            found.setdefault(r["elder"], []).append(dict(r))
    return found


INSTRUCTIONS = [
    ["留守老年人台账填表说明"],
    ["项目", "填写要求"],
    ["姓名", "按身份证上的姓名填写"],
    ["性别", "男或女"],
    ["组别", "填写所在村民小组,如一组"],
    ["联系电话", "老人本人或家中固定电话"],
    ["身份证号", "18位,请先把单元格设为文本"],
]
SUMMARY = [
    ["各组留守老年人汇总"],
    ["村民小组", "组长姓名", "联系电话", "留守老人人数"],
    ["第一村民小组", "龚建华", "13907390001", 2],
    ["第二村民小组", "简水生", "13907390002", 1],
    ["合计", None, None, 3],
]


def group_book(path: Path) -> Path:
    """填写说明 first, then 汇总 with the group leaders, one sheet per group with no
    group column, and a blank sheet at the end."""
    header = ["序号", "姓名", "性别", "身份证号", "联系电话", "子女姓名", "关系", "务工地"]
    return book(path, [
        ("填写说明", INSTRUCTIONS),
        ("汇总", SUMMARY),
        ("第一村民小组", [header,
                    [1, "胡翠娥", "女", HU, "13574000001", "胡国庆", "儿子", "广东东莞"],
                    [2, "马长贵", "男", MA, None, "马丽", "女儿", "浙江义乌"]]),
        ("第二村民小组", [header, [1, "秦玉莲", "女", QIN, None, "秦勇", "儿子", "县城"]]),
        ("Sheet3", []),
    ])


def test_every_group_sheet_is_read_in_one_import_with_its_group(
        database: Database, tmp_path: Path) -> None:
    preview = imported(database, group_book(tmp_path / "groups.xlsx"))
    stored = people(database)
    assert set(stored) == {"胡翠娥", "马长贵", "秦玉莲"}  # no 性别, no 龚建华 (a leader)
    assert {n: p["group"] for n, p in stored.items()} == {
        "胡翠娥": "第一村民小组", "马长贵": "第一村民小组", "秦玉莲": "第二村民小组"}
    kinds = {p.name: (p.kind, p.read) for p in preview.sheets}
    assert kinds == {"填写说明": ("instructions", False), "汇总": ("summary", False),
                     "第一村民小组": ("register", True), "第二村民小组": ("register", True),
                     "Sheet3": ("blank", False)}
    assert "读取工作表:第一村民小组、第二村民小组" in preview.summary()
    assert "填写说明(填表说明)" in preview.summary()
    assert preview.rows[2].where == "工作表“第二村民小组”第 2 行"


def test_the_dry_run_names_each_sheet_and_why_and_exits_0(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = group_book(tmp_path / "groups.xlsx")
    signed_in(Database(db_path)).close()
    assert main(["import", "ledger", str(path), "--db", str(db_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "工作表“汇总”:汇总表,不读取" in out
    assert "工作表“填写说明”:填表说明,不读取" in out
    assert "工作表“第二村民小组”:人员台账,读取" in out
    assert "新增 3 人" in out


def test_a_group_named_in_the_title_row_is_its_rows_group(
        database: Database, tmp_path: Path) -> None:
    header = ["序号", "姓名", "身份证号", "联系电话"]
    path = book(tmp_path / "titles.xlsx", [
        ("Sheet1", [["白竹村四组农村留守老年人花名册"], header, [1, "杜福生", DU, None]]),
        ("Sheet2", [["白竹村五组农村留守老年人花名册"], header, [1, "秦玉莲", QIN, None]]),
    ])
    imported(database, path)
    assert {n: p["group"] for n, p in people(database).items()} == {
        "杜福生": "四组", "秦玉莲": "五组"}


def test_the_same_person_on_the_master_sheet_and_a_group_sheet_comes_in_once(
        database: Database, tmp_path: Path) -> None:
    path = book(tmp_path / "twice.xlsx", [
        ("总表", [["姓名", "身份证号", "联系电话"], ["胡翠娥", HU, None], ["杜福生", DU, None],
                ["龚桂香", None, None]]),
        ("三组", [["姓名", "身份证号", "联系电话"], ["胡翠娥", HU, "13574000001"],
                ["龚桂香", "待补充", None]]),
    ])
    preview = imported(database, path)
    assert [r.action for r in preview.rows] == [NEW, NEW, NEW, IGNORED, IGNORED]
    assert "与工作表“总表”第 2 行是同一人" in preview.rows[3].problems_text()
    assert "与工作表“总表”第 4 行同名、都没有身份证号" in preview.rows[4].problems_text()
    stored = people(database)
    assert stored["胡翠娥"]["group"] == stored["龚桂香"]["group"] == "三组"
    assert len(stored) == 3


def test_an_instructions_sheet_alone_is_refused_with_the_reason(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = book(tmp_path / "only_notes.xlsx", [("填写说明", INSTRUCTIONS), ("汇总", SUMMARY)])
    signed_in(Database(db_path)).close()
    assert main(["import", "ledger", str(path), "--db", str(db_path), "--skip-bad"]) == 1
    err = capsys.readouterr().err
    assert "栏目名或说明,不是人名" in err and "汇总表" in err


def test_householder_columns_never_become_the_elders(database: Database, tmp_path: Path) -> None:
    path = book(tmp_path / "household.xlsx", [("花名册", [
        ["户号", "户主姓名", "与户主关系", "户主身份证号", "老人姓名", "身份证号", "组别",
         "子女姓名", "关系", "电话"],
        ["0012", "马建国", "母亲", MA, "胡翠娥", HU, "一组", "马建国", "儿子", "13574000011"],
        ["0013", "秦玉莲", "户主", QIN, "秦玉莲", QIN, "一组", "秦勇", "儿子", "13574000012"],
    ])], hidden=(("花名册", "B"), ("花名册", "C")))
    preview = imported(database, path)
    stored = people(database)
    assert set(stored) == {"胡翠娥", "秦玉莲"}
    assert stored["胡翠娥"]["id_number"] == HU
    assert [s["name"] for s in supporters(database)["胡翠娥"]] == ["马建国"]
    assert [s["name"] for s in supporters(database)["秦玉莲"]] == ["秦勇"]  # not herself
    skipped = {label: why for _, label, why in preview.not_imported()}
    assert set(skipped) == {"户号", "户主姓名", "与户主关系", "户主身份证号"}
    assert all("户主" in why for why in skipped.values())


def truncated(number: str) -> str:
    return number[:15] + "000"


def test_an_id_excel_truncated_comes_in_as_to_be_completed_with_its_birth_date(
        database: Database, tmp_path: Path) -> None:
    cut = truncated(MA)
    path = save([["姓名", "身份证号", "组别"], ["马长贵", cut, "一组"], ["杜福生", DU, "一组"]],
                tmp_path / "cut.xlsx")
    preview = imported(database, path)
    text = preview.rows[0].problems_text()
    assert "末三位为 000,疑被 Excel 截断" in text and "请对照身份证补录" in text
    stored = people(database)["马长贵"]
    assert stored["id_number"] is None and cut in stored["note"]
    assert stored["birth_date"] == date(1951, 8, 30)
    assert "待补充身份证号" in preview.summary() or not preview.rows[0].id_number


def test_the_id_command_flags_a_number_that_looks_truncated(
        capsys: pytest.CaptureFixture[str]) -> None:
    body = "43052419580916"  # find a truncated-looking number whose check digit is 0
    from carecenter.rules.idnumber import check_char

    number = next(body[:14] + f"{n}00" + "0" for n in range(10)
                  if check_char(body[:14] + f"{n}00") == "0")
    assert main(["id", number]) == 0
    out = capsys.readouterr().out
    assert "疑被 Excel 截断" in out


def test_a_stamp_and_a_date_under_the_table_are_nobodys(
        database: Database, tmp_path: Path) -> None:
    path = save([
        ["姓名", "身份证号", "组别", "子女姓名", "关系", "务工地址"],
        ["胡翠娥", HU, "一组", "胡国庆", "儿子", "广东东莞"],
        ["杜福生", DU, "二组", "杜小红", "女儿", "江苏昆山"],
        [None, None, None, "白竹村村民委员会（盖章）", None, "2026年12月5日"],
        ["经办人:简水生", None, None, None, None, "联系电话:13907390002"],
        [None, None, None, None, "（盖章）", None],
    ], tmp_path / "stamp.xlsx")
    preview = imported(database, path)
    assert [r.action for r in preview.rows] == [NEW, NEW, IGNORED, IGNORED, IGNORED]
    assert "落款、日期或签名行" in preview.rows[2].problems_text()
    assert [s["name"] for s in supporters(database)["杜福生"]] == ["杜小红"]


def test_supporters_whereabouts_under_a_three_row_header_come_in(
        database: Database, tmp_path: Path) -> None:
    path = save([
        ["序号", "基本信息", None, None, "子女（赡养人）情况", None, None, None],
        [None, "姓名", "身份证号", "组别", "姓名", "关系", "联系方式", None],
        [None, None, None, None, None, None, "电话", "务工地址"],
        [1, "胡翠娥", HU, "一组", "胡国庆", "儿子", "13574000021", "广东东莞"],
        [2, "杜福生", DU, "二组", "杜小红", "女儿", "13574000022", "浙江义乌"],
    ], tmp_path / "three.xlsx", merges=("A1:A3", "B1:D1", "E1:H1", "G2:H2", "B2:B3", "C2:C3",
                                         "D2:D3", "E2:E3", "F2:F3"))
    preview = imported(database, path)
    assert preview.layout.header_rows == (0, 1, 2)
    found = supporters(database)
    assert [(s["name"], s["phone"], s["whereabouts"]) for s in found["胡翠娥"]] == [
        ("胡国庆", "13574000021", "广东东莞")]
    assert found["杜福生"][0]["whereabouts"] == "浙江义乌"
    assert preview.not_imported() == []


def test_codes_and_words_where_values_belong_are_read_and_flagged(
        database: Database, tmp_path: Path) -> None:
    path = save([
        ["姓名", "性别", "年龄", "组别"],
        ["胡翠娥", "F", "七十五", "一组"],
        ["杜福生", "1", "八十三岁", "一组"],
        ["姓名", "性别", "年龄", "组别"],  # the header again, as a printed ledger repeats it
        ["秦玉莲", "2", 79, "二组"],
        ["马长贵", "M", "七十", "二组"],
    ], tmp_path / "codes.xlsx")
    preview = imported(database, path)
    assert [r.action for r in preview.rows] == [NEW, NEW, IGNORED, NEW, NEW]
    assert "重复的表头行" in preview.rows[2].problems_text()
    stored = people(database)
    assert {n: p["sex"] for n, p in stored.items()} == {
        "胡翠娥": "female", "杜福生": "male", "秦玉莲": "female", "马长贵": "male"}
    assert stored["胡翠娥"]["birth_date"] == date(TODAY.year - 75, 1, 1)
    assert stored["杜福生"]["birth_date"] == date(TODAY.year - 83, 1, 1)
    assert "性别写作“F”,按 女 记" in preview.rows[0].problems_text()
    assert "台账写作“七十五”" in preview.rows[0].problems_text()


def settle_village(database: Database, county: str = "隆回县", province: str = "湖南省") -> None:
    from carecenter.settings.settings_store import VILLAGE, Settings

    Settings(database).set(VILLAGE, {"name": "白竹村", "county": county, "province": province})


def test_where_each_supporter_is_comes_from_what_the_ledger_says(
        database: Database, tmp_path: Path) -> None:
    settle_village(database)
    path = save([
        ["姓名", "身份证号", "组别", "子女姓名", "关系", "务工地", "子女姓名", "关系", "务工地"],
        ["胡翠娥", HU, "一组", "胡国庆", "儿子", "广东东莞", "胡国英", "女儿", "湖南长沙"],
        ["杜福生", DU, "一组", "杜小红", "女儿", "县城", "杜小军", "儿子", "隆回县桃洪镇"],
        ["马长贵", MA, "二组", "马丽", "女儿", "在外打工", "马强", "儿子", "邵阳"],
        ["秦玉莲", QIN, "二组", "秦勇", "儿子", "新加坡", "秦芳", "女儿", "浙江义乌"],
    ], tmp_path / "places.xlsx")
    preview = imported(database, path)
    scopes = {s["name"]: s["location_scope"] for found in supporters(database).values()
              for s in found}
    assert scopes == {"胡国庆": "out_province", "胡国英": "out_county", "杜小红": "in_county",
                      "杜小军": "in_county", "马丽": None, "马强": None, "秦勇": "abroad",
                      "秦芳": "out_province"}
    flagged = preview.rows[2].problems_text()
    assert "马丽的所在范围未填:“在外打工”不是能认出的地名" in flagged
    assert "马强的所在范围未填:“邵阳”" in flagged  # 邵阳市 holds 隆回县 too: not guessed


def test_a_supporter_who_moved_gets_the_range_of_the_new_place_on_reimport(
        database: Database, tmp_path: Path) -> None:
    settle_village(database)
    header = ["姓名", "身份证号", "组别",
              "子女姓名", "关系", "务工地", "子女姓名", "关系", "务工地"]
    imported(database, save([header,
                             ["胡翠娥", HU, "一组", "胡国庆", "儿子", "广东东莞",
                              "胡国英", "女儿", "湖南长沙"]], tmp_path / "before.xlsx"))
    # A quarter later: the son works in the county town, the daughter somewhere unclear.
    preview = imported(database, save([header,
                                       ["胡翠娥", HU, "一组", "胡国庆", "儿子", "隆回县桃洪镇",
                                        "胡国英", "女儿", "在外打工"]], tmp_path / "after.xlsx"))
    scopes = {s["name"]: s["location_scope"] for found in supporters(database).values()
              for s in found}
    assert scopes == {"胡国庆": "in_county", "胡国英": "out_county"}
    said = preview.rows[0].problems_text()
    assert "胡国英的去向改为“在外打工”" in said and "请在档案中核对" in said


def test_without_the_villages_county_places_are_judged_from_the_elders_id(
        database: Database, tmp_path: Path) -> None:
    path = save([["姓名", "身份证号", "子女姓名", "关系", "去向"],
                 ["杜福生", DU, "杜小红", "女儿", "江苏昆山"],
                 ["秦玉莲", None, "秦勇", "儿子", "长沙"]], tmp_path / "noset.xlsx")
    preview = imported(database, path)
    scopes = {s["name"]: s["location_scope"] for found in supporters(database).values()
              for s in found}
    assert scopes == {"杜小红": "out_province", "秦勇": None}
    assert "本村设置中没有填写所在县" in preview.rows[1].problems_text()


@pytest.mark.parametrize("column, said, reason, on", [
    ("备注", "2026年10月3日病故", "died", date(2026, 10, 3)),
    ("备注", "已入住荷田乡敬老院", "institution", TODAY),
    ("状态", "子女已返乡照顾(2026.9)", "supporter_returned", date(2026, 9, 1)),
    ("状态", "户口已迁出", "moved", TODAY),
])
def test_a_ledger_saying_someone_left_proposes_the_exit_for_the_clerk_to_confirm(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        column: str, said: str, reason: str, on: date) -> None:
    path = save([["姓名", "身份证号", "组别", column], ["杜福生", DU, "一组", said],
                 ["秦玉莲", QIN, "一组", None]], tmp_path / "left.xlsx")
    signed_in(Database(db_path)).close()
    args = ["import", "ledger", str(path), "--db", str(db_path)]
    assert main([*args, "--dry-run"]) == 1  # as the import itself would without --confirm-exits
    out = capsys.readouterr().out
    assert f"台账写明“{said}”:建议办理退出" in out and "须确认" in out
    assert main([*args, "--dry-run", "--confirm-exits"]) == 0
    capsys.readouterr()
    assert main(args) == 1  # not as active, and not without the clerk
    assert "--confirm-exits" in capsys.readouterr().err
    database = signed_in(Database(db_path))
    assert people(database) == {}
    database.close()
    assert main([*args, "--confirm-exits"]) == 0
    assert "按台账办理退出 1 人" in capsys.readouterr().out
    database = signed_in(Database(db_path))
    stored = people(database)
    database.close()
    assert (stored["杜福生"]["status"], stored["杜福生"]["exit_reason"],
            stored["杜福生"]["exit_date"]) == ("exited", reason, on)
    assert stored["秦玉莲"]["status"] == "active"


def test_words_that_deny_leaving_propose_nothing(database: Database, tmp_path: Path) -> None:
    path = save([["姓名", "身份证号", "备注"], ["杜福生", DU, "不愿入住敬老院"],
                 ["秦玉莲", QIN, "子女未返乡"]], tmp_path / "stay.xlsx")
    preview = imported(database, path)
    assert preview.exits == []


def test_the_dry_run_says_for_every_row_what_will_happen_and_why(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save([["姓名", "身份证号", "组别", "户主姓名"],
                 ["杜福生", DU, "一组", "杜小军"],
                 ["秦玉莲", None, "一组", None],
                 ["马长贵", MA[:17] + ("0" if MA[-1] != "0" else "1"), "二组", None],
                 ["合计", "3人", None, None]], tmp_path / "why.xlsx")
    signed_in(Database(db_path)).close()
    main(["import", "ledger", str(path), "--db", str(db_path), "--skip-bad"])
    capsys.readouterr()
    assert main(["import", "ledger", str(path), "--db", str(db_path), "--dry-run",
                 "--report", str(tmp_path / "r.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "第 2 行 [更新] 杜福生:按身份证号找到登记册上的此人,内容相同,无需改动" in out
    assert "第 3 行 [更新] 秦玉莲:按姓名和村民小组找到登记册上的此人" in out
    assert "第 4 行 [拒绝] 马长贵:身份证号:身份证号校验位不对" in out
    assert "第 5 行 [忽略] (无姓名):合计、签名或说明行" in out or "第 5 行 [忽略]" in out
    assert "未导入的列:D 列“户主姓名”——户主(户)的信息,不是老人本人的" in out
    report = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert {"逐行预览", "未导入的列"} <= set(report.sheetnames)


def test_an_id_with_an_abolished_county_code_is_flagged_not_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    number = make_id("19500312", "002", area="430521")  # 邵东县 until 2018
    assert main(["id", number]) == 0
    assert "不在现行行政区划(GB/T 2260)中" in capsys.readouterr().out
    assert main(["id", HU]) == 0
    out = capsys.readouterr().out
    assert "湖南省 隆回县" in out and "注意" not in out


def test_a_column_whose_values_do_not_fit_its_header_is_not_imported_and_said_so(
        database: Database, tmp_path: Path) -> None:
    path = save([
        ["姓名", "身份证号", "性别", "子女姓名", "关系", "电话"],
        ["胡翠娥", HU, "女", "马建国", "母亲", "一组12号"],
        ["杜福生", DU, "男", "杜小军", "户主", "二组3号"],
        ["秦玉莲", QIN, "女", "秦勇", "本人", "二组5号"],
    ], tmp_path / "misfit.xlsx")
    preview = imported(database, path)
    skipped = {label: why for _, label, why in preview.not_imported()}
    assert "列标题像赡养人与老人的关系,但内容不像(如母亲、户主、本人)" in skipped["关系"]
    assert "电话" in skipped and "不像" in skipped["电话"]
    found = supporters(database)
    assert found["胡翠娥"][0]["relation"] == "other"  # not 母亲 taken as a relation
    assert found["胡翠娥"][0]["phone"] is None


def test_an_import_broken_off_while_writing_exits_leaves_the_register_as_it_was(
        db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    from carecenter.register.people import Register

    path = save([["姓名", "身份证号", "备注"], ["杜福生", DU, "已故"], ["秦玉莲", QIN, "已故"],
                 ["马长贵", MA, None]], tmp_path / "cut.xlsx")
    signed_in(Database(db_path)).close()
    before = dump(db_path)
    real = Register.exit_in
    calls: list[int] = []

    def power_cut(self: Register, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 2:  # the second exit: the machine goes off
            raise RuntimeError("power cut")
        real(self, *args, **kwargs)

    monkeypatch.setattr(Register, "exit_in", power_cut)
    database = signed_in(Database(db_path))
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    preview.confirm_exits = True
    with pytest.raises(RuntimeError):
        imp.apply(preview)
    database.close()
    assert dump(db_path) == before


def test_a_cover_sheet_and_groups_named_by_number_with_signatures_under_each(
        database: Database, tmp_path: Path) -> None:
    header = ["编号", "老人姓名", "公民身份号码", "手机"]
    signed = [["审核人:简水生", None, "填报人:龚建华", "日期:2026.12.5"]]
    path = book(tmp_path / "cover.xlsx", [
        ("封面", [["荷田乡白竹村"], ["农村留守老年人关爱服务台账"], ["二〇二六年十二月"]]),
        ("1组", [header, [1, "杜福生", DU, "13574000031"], *signed]),
        ("2组（8户）", [header, [1, "秦玉莲", QIN, None], [2, "胡翠娥", HU, None], *signed]),
    ])
    preview = imported(database, path)
    assert {n: p["group"] for n, p in people(database).items()} == {
        "杜福生": "1组", "秦玉莲": "2组", "胡翠娥": "2组"}
    assert [r.action for r in preview.rows] == [NEW, IGNORED, NEW, NEW, IGNORED]
    assert {p.name: p.kind for p in preview.sheets}["封面"] == "no_table"
