"""Ledgers in shapes the importer's own tests did not have (issue 16, probed from outside):
remarks about a relative, a 共计 row, a column headed just 赡养人, 村组, the same person
on a 总表 and a group's sheet with the supporters only on the latter, a children's
ledger behind a 填表说明 sheet with totals and signatures under it, and parents working
in another province. Each workbook is built here."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select

from carecenter.cli.entry import main
from carecenter.ledger import kind_import
from carecenter.ledger.cells import date_cell
from carecenter.ledger.exits import proposed_exit
from carecenter.ledger.importer import IGNORED, LedgerImport, Preview
from carecenter.rules.fields import normalise_phone
from carecenter.settings.settings_store import VILLAGE, Settings
from carecenter.storage.database import Database
from carecenter.storage.models import person, supporter, village_group
from tests.conftest import TODAY, make_id


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


def stored(database: Database) -> dict[str, dict[str, Any]]:
    with database.session() as session:
        people = session.execute(
            select(person.c.id, person.c.name, person.c.status, village_group.c.name.label("g"))
            .select_from(person.outerjoin(village_group,
                                          person.c.group_id == village_group.c.id))).all()
        found = {}
        for p in people:
            kept = session.execute(select(supporter.c.name, supporter.c.whereabouts,
                                          supporter.c.location_scope)
                                   .where(supporter.c.person_id == p.id)
                                   .order_by(supporter.c.position)).all()
            found[p.name] = {"status": p.status, "group": p.g,
                             "supporters": [tuple(s) for s in kept]}
        return found


def settle_village(database: Database) -> None:
    Settings(database).set(VILLAGE, {"name": "白竹村", "county": "隆回县", "province": "湖南省"})


def test_a_remark_about_a_relative_or_a_visit_home_proposes_no_exit() -> None:
    today = date(2026, 11, 23)
    for text in ("老伴已去世，独居", "配偶于2025年病故", "丈夫入住敬老院，本人独居",
                 "女儿在县敬老院上班", "子女春节回家过年", "儿子每年过年回来"):
        assert proposed_exit(text, today) is None, text
    said = {text: proposed_exit(text, today) for text in (
        "已故", "本人于2026年3月去世", "老人已入住养老院", "儿子已返乡照顾", "独居，已故")}
    assert {t: (p.reason if p else None) for t, p in said.items()} == {
        "已故": "died", "本人于2026年3月去世": "died", "老人已入住养老院": "institution",
        "儿子已返乡照顾": "supporter_returned", "独居，已故": "died"}
    assert said["本人于2026年3月去世"].on == date(2026, 3, 1)  # type: ignore[union-attr]


def test_remarks_about_relatives_import_the_elder_as_active(tmp_path: Path,
                                                            database: Database) -> None:
    rows = [["序号", "姓名", "身份证号", "组别", "备注"],
            [1, "贺六生", make_id("19450606", "231"), "四组", "老伴已去世，独居"],
            [2, "贺七姑", make_id("19460707", "242"), "四组", "女儿在县敬老院上班"],
            [3, "贺兰英", make_id("19400101", "182"), "四组", "2026年10月病故"]]
    imp, preview = preview_of(database, book(tmp_path / "g.xlsx", ("Sheet1", rows)))
    assert [r.name for r in preview.exits] == ["贺兰英"]
    preview.confirm_exits = True
    imp.apply(preview)
    assert {n: p["status"] for n, p in stored(database).items()} == {
        "贺六生": "active", "贺七姑": "active", "贺兰英": "exited"}


def test_a_gongji_total_and_a_heading_in_the_number_column_are_not_people(
        tmp_path: Path, database: Database) -> None:
    rows = [["序号", "姓名", "身份证号", "组别", "联系电话"],
            [1, "蒋玉梅", make_id("19460101", "282"), "一组", "13800000001"],
            ["共计", None, None, None, "1人"],
            [None] * 5,
            ["本季度新增人员"],
            ["序号", "姓名", "性别", "组别", "新增原因"],
            [1, "覃石头", "男", "二组", "子女外出满半年"]]
    _, preview = preview_of(database, book(tmp_path / "h.xlsx", ("台账", rows)))
    assert not preview.refused
    said = {r.row: r.errors[0].message for r in preview.rows if r.action == IGNORED}
    assert "共计" in said[3]
    assert "本季度新增人员" in said[5]  # shown as a heading, not hidden as a blank row
    assert [r.name for r in preview.rows if r.accepted] == ["蒋玉梅"]


def test_a_column_headed_just_zhanyangren_holds_the_supporters_names(
        tmp_path: Path, database: Database) -> None:
    settle_village(database)
    rows = [["序号", "姓名", "身份证号", "村组", "赡养人", "赡养人电话", "赡养人去向"],
            [1, "江春兰", make_id("19440404", "602"), "一组", "江海", "13000000011", "广东东莞"]]
    imp, preview = preview_of(database, book(tmp_path / "o.xlsx", ("Sheet1", rows)))
    assert not preview.not_imported(), preview.not_imported()
    imp.apply(preview)
    assert stored(database)["江春兰"] == {
        "status": "active", "group": "一组",
        "supporters": [("江海", "广东东莞", "out_province")]}


def test_the_same_person_on_the_total_and_a_groups_sheet_keeps_the_supporters(
        tmp_path: Path, database: Database) -> None:
    """The 总表 has no supporter columns; the group's sheet has them: nothing of the
    second row is dropped, and the preview says it was joined."""
    settle_village(database)
    wang = make_id("19440101", "702")
    total = [["序号", "姓名", "身份证号", "组别", "联系电话"],
             [1, "汪大妈", wang, "一组", "13400000001"],
             [2, "汪二爷", None, "二组", "13400000002"]]
    one = [["序号", "姓名", "身份证号", "联系电话", "子女姓名", "关系", "务工地"],
           [1, "汪大妈", wang, "13400000009", "汪军", "儿子", "广东东莞"]]
    two = [["序号", "姓名", "身份证号", "联系电话", "子女姓名", "关系", "务工地"],
           [1, "汪二爷", None, "13400000002", "汪民", "儿子", "浙江宁波"]]
    path = book(tmp_path / "s.xlsx", ("总表", total), ("一组", one), ("二组", two))
    imp, preview = preview_of(database, path)
    joined = [r for r in preview.rows if r.action == IGNORED]
    assert all("赡养人汪" in r.errors[0].message for r in joined), [r.why() for r in joined]
    first = next(r for r in preview.rows if r.name == "汪大妈" and r.accepted)
    assert any("13400000009" in w.message for w in first.warnings)  # two phones: flagged
    imp.apply(preview)
    people = stored(database)
    assert people["汪大妈"]["supporters"] == [("汪军", "广东东莞", "out_province")]
    assert people["汪二爷"]["supporters"] == [("汪民", "浙江宁波", "out_province")]


def test_dates_and_phones_as_clerks_write_them() -> None:
    assert date_cell("2020年")[:2] == (date(2020, 1, 1), True)
    assert normalise_phone("139-0739-1235") == "13907391235"
    assert normalise_phone("0739-7123456") == "0739-7123456"


def childrens_ledger(path: Path) -> Path:
    rows = [["白竹村农村留守儿童花名册"],
            ["序号", "儿童姓名", "性别", "身份证号", "监护人姓名", "与儿童关系", "监护人电话",
             "父亲姓名", "父亲务工地", "父亲电话", "母亲姓名", "母亲务工地", "母亲电话", "组别"],
            [1, "周小宇", "男", make_id("20160301", "011"), "周大爷", "爷爷", "13300000001",
             "周强", "广东东莞", "13300000011", "李娟", "湖南长沙", "13300000012", "一组"],
            [2, "胡天天", "男", None, "胡爷爷", "外公", "13300000003",
             "胡伟", "浙江杭州", "13300000013", "刘芳", "浙江杭州", "13300000014", "三组"],
            ["合计", None, None, None, None, None, None, None, None, None, None, None, None,
             "2人"],
            ["填表人：", "周督导", None, None, "审核人：", "村主任"]]
    return book(path, ("填表说明", [["填表说明：父母外出情况填写“父母均外出”"]]),
                ("花名册", rows))


def test_a_childrens_ledger_behind_instructions_with_totals_under_it(
        tmp_path: Path, database: Database) -> None:
    settle_village(database)
    path = childrens_ledger(tmp_path / "j.xlsx")
    assert kind_import.detect(path) == "child"
    found = kind_import.preview(database, path, "child")
    assert [r.name for r in found.rows] == ["周小宇", "胡天天"]
    assert all(r.accepted for r in found.rows), found.lines()
    assert [n for n, _ in found.ignored] == [5, 6]
    kind_import.apply(database, found)
    scopes = {name: scope for p in stored(database).values()
              for name, _, scope in p["supporters"]}
    assert scopes["周强"] == "out_province"  # 广东东莞 from a Hunan village
    assert scopes["李娟"] == "out_county"  # 湖南长沙
    again = kind_import.preview(database, path, "child")
    # neither the child with an ID nor the one without comes in twice: both unchanged
    assert [(r.name, r.action_label) for r in again.rows] == [
        ("周小宇", "无变化"), ("胡天天", "无变化")], again.lines()
    kind_import.apply(database, again)
    assert len(stored(database)) == 2


def test_the_import_command_finds_a_childrens_sheet_and_exits_0(
        tmp_path: Path, database: Database, capsys: Any) -> None:
    path = childrens_ledger(tmp_path / "j.xlsx")
    db = str(database.location)
    assert main(["import", str(path), "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "留守儿童" in out and "第 5 行:忽略" in out


def test_a_childrens_sheet_in_an_elders_workbook_is_not_read_as_elders(
        tmp_path: Path, database: Database) -> None:
    elders = [["序号", "姓名", "身份证号", "组别", "子女姓名", "关系", "务工地"],
              [1, "柳大娘", make_id("19450101", "722"), "一组", "柳军", "儿子", "广东东莞"]]
    children = [["序号", "姓名", "身份证号", "组别", "监护人姓名", "与儿童关系", "父亲姓名",
                 "父亲务工地", "母亲姓名", "母亲务工地"],
                [1, "柳小明", make_id("20150101", "731"), "一组", "柳大娘", "奶奶", "柳军",
                 "广东东莞", "何芳", "广东东莞"]]
    path = book(tmp_path / "u.xlsx", ("留守老人", elders), ("留守儿童", children))
    imp, preview = preview_of(database, path)
    assert [r.name for r in preview.rows if r.accepted] == ["柳大娘"]
    skipped = next(p for p in preview.sheets if p.name == "留守儿童")
    assert not skipped.read and "--sheet 留守儿童" in skipped.describe()
    assert kind_import.detect(path, "留守儿童") == "child"
