"""Importing a village's Excel ledger: header detection, the row rules, one transaction."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from carecenter.cli.entry import main
from carecenter.errors import KnownError, ValidationFailed
from carecenter.ledger import mapping
from carecenter.ledger.import_report import save_report
from carecenter.ledger.importer import (
    IGNORED,
    NEW,
    REFUSED,
    UPDATE,
    LedgerImport,
    Preview,
    RowPreview,
)
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import person, supporter, village_group
from tests.conftest import TODAY, elder, make_id, signed_in
from tests.conftest import dump as dump_register
from tests.ledger_books import LI, WANG, ZHANG, ZHOU, messy_ledger, save


def importer(database: Database) -> LedgerImport:
    return LedgerImport(database, today=lambda: TODAY)


def preview_of(database: Database, path: Path, sheet: str | None = None) -> Preview:
    imp = importer(database)
    data, layout = imp.open(path, sheet)
    return imp.preview(path, data, layout)


def by_row(preview: Preview) -> dict[int, RowPreview]:
    return {r.row: r for r in preview.rows}


def people(database: Database) -> dict[str, dict[str, object]]:
    with database.session() as session:
        rows = session.execute(select(person)).mappings().all()
    return {r["name"]: dict(r) for r in rows}


def dump(path: Path) -> str:
    return dump_register(path)


def test_messy_ledger_header_found_below_title_with_two_row_header(
        database: Database, tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    _, layout = importer(database).open(path)
    assert layout.header_rows == (2, 3)
    targets = {c.label: c.target for c in layout.columns}
    assert targets["序号"] == "extra:seq"
    assert targets["身份证号码"] == "person:id_number"
    assert targets["联系电话"] == "person:phone"
    assert targets["所在组"] == "person:group_id"
    supporters = [c.target for c in layout.columns if c.target.startswith("supporter:")]
    assert supporters == [
        "supporter:1:name", "supporter:1:phone", "supporter:1:whereabouts",
        "supporter:2:name", "supporter:2:phone", "supporter:2:whereabouts",
    ]


def test_messy_ledger_rows_are_normalised_and_classified(
        database: Database, tmp_path: Path) -> None:
    preview = preview_of(database, messy_ledger(tmp_path / "台账.xlsx"))
    rows = by_row(preview)
    assert [(r.row, r.action) for r in preview.rows] == [
        (5, NEW), (6, NEW), (7, NEW), (8, NEW), (9, NEW),
        (10, IGNORED), (11, IGNORED), (12, IGNORED),
    ]
    assert rows[5].name == "张桂兰"  # spaces lining up a two-character name
    assert rows[6].id_number == LI  # spaces
    assert rows[7].id_number == WANG  # full-width digits
    assert rows[8].id_number == ZHOU  # lower-case x
    assert rows[9].id_number == ""
    assert "待补充身份证号" in rows[9].problems_text()
    assert "合计" in rows[11].problems_text()
    # 三组, 3组 and 第三村民小组 are one group, to be created once.
    assert list(preview.new_groups.values()) == ["三组", "一组", "五组"]
    assert "还没有,导入时将新建" in rows[5].problems_text()


def test_apply_writes_people_supporters_and_groups(
        database: Database, tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    imp = importer(database)
    data, layout = imp.open(path)
    result = imp.apply(imp.preview(path, data, layout))
    assert (result.created, result.updated) == (5, 0)
    stored = people(database)
    assert stored["张桂兰"]["id_number"] == ZHANG
    assert stored["张桂兰"]["birth_date"] == date(1950, 3, 12)  # from the ID, not 1950.3
    assert stored["张桂兰"]["phone"] == "13800001111"  # a number cell, read as text
    assert stored["赵六"]["birth_date"] == date(1952, 5, 1)
    assert stored["赵六"]["sex"] == "female"
    assert stored["李四"]["note"] == "常年独居"
    with database.session() as session:
        groups = dict(session.execute(select(village_group.c.name, village_group.c.id)).all())
        names = session.execute(
            select(supporter.c.name, supporter.c.location_scope, supporter.c.relation)
            .order_by(supporter.c.id)).all()
    assert set(groups) == {"三组", "一组", "五组"}
    for name in ("张桂兰", "李四", "王五"):
        assert stored[name]["group_id"] == groups["三组"]
    assert names == [("张强", "out_province", "other"), ("张丽", "out_province", "other"),
                     ("李明", "in_county", "other")]


def test_reimport_updates_and_never_duplicates(database: Database, tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    imp = importer(database)
    data, layout = imp.open(path)
    imp.apply(imp.preview(path, data, layout))
    before = people(database)
    again = imp.preview(path, data, layout)
    assert [r.action for r in again.rows if r.action != IGNORED] == [UPDATE] * 5
    assert again.new_groups == {}
    assert all(r.unchanged for r in again.rows if r.action == UPDATE)
    assert "其中 5 人与登记册相同" in again.summary()
    result = imp.apply(again)
    assert (result.created, result.updated) == (0, 5)
    after = people(database)
    assert set(after) == set(before)
    assert len(after) == 5
    with database.session() as session:
        assert session.execute(select(func.count()).select_from(supporter)).scalar() == 3
        assert session.execute(select(func.count()).select_from(village_group)).scalar() == 3


def test_refused_ids_each_say_why(database: Database, tmp_path: Path) -> None:
    good = make_id("19500101", "013")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        ["姓名", "性别", "身份证号", "组别"],
        ["甲", "男", good, "一组"],
        ["乙", "男", wrong_check, "一组"],
        ["丙", "男", "430524" + "20300101" + "0011", "一组"],  # born in the future
        ["丁", "男", "990524195001010011", "一组"],  # no such province
        ["戊", "男", 4.30524195201010e17, "一组"],  # Excel stored a number
        ["己", "男", "4.30524E+17", "一组"],  # and its display copied as text
        ["庚", "男", good, "二组"],  # the same ID again
        ["辛", "男", "430524195002300011", "一组"],  # 30 February
    ]
    preview = preview_of(database, save(rows, tmp_path / "ids.xlsx"))
    rows_ = by_row(preview)
    assert rows_[2].action == NEW
    messages = {n: rows_[n].problems_text() for n in range(3, 10)}
    assert all(rows_[n].action == REFUSED for n in (3, 4, 5, 8, 9))
    # What Excel did to an ID is flagged, not refused: the person comes in without it
    # (reviewer item 6), as one whose number ends in 000 does.
    assert rows_[6].action == rows_[7].action == NEW and not rows_[6].id_number
    assert "校验位" in messages[3]
    assert "在今天之后" in messages[4]
    assert "省份" in messages[5]
    assert "身份证号待核实" in messages[6] and "被 Excel 存成了数字" in messages[6]
    assert "身份证号待核实" in messages[7] and "4.30524E+17" in messages[7]
    assert "与第 2 行身份证号相同" in messages[8]
    assert "不存在" in messages[9]


def test_fifteen_digit_id_is_upgraded(database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "组别"], ["孙八", "430524450101031", "一组"],
            ["钱九", 430524460202042, "一组"]]
    preview = preview_of(database, save(rows, tmp_path / "old.xlsx"))
    assert [r.action for r in preview.rows] == [NEW, NEW]
    assert preview.rows[0].id_number == "430524194501010319"
    assert preview.rows[1].id_number.startswith("43052419460202042")
    assert "15 位旧号" in preview.rows[0].problems_text()


@pytest.mark.parametrize("written", [
    "1950.3", 1950.3, "1950年3月", "1950-03", "1950/3",
])
def test_month_only_birth_dates(database: Database, tmp_path: Path, written: object) -> None:
    rows = [["姓名", "性别", "出生年月", "组别"], ["赵六", "女", written, "五组"]]
    imp = importer(database)
    path = save(rows, tmp_path / "d.xlsx")
    data, layout = imp.open(path)
    imp.apply(imp.preview(path, data, layout))
    assert people(database)["赵六"]["birth_date"] == date(1950, 3, 1)


@pytest.mark.parametrize("written", [
    "19500312", 19500312, "1950年3月12日", "1950.03.12", datetime(1950, 3, 12),
    date(1950, 3, 12), 18334,  # 18334 is Excel's serial number of 1950-03-12
])
def test_full_birth_dates(database: Database, tmp_path: Path, written: object) -> None:
    rows = [["姓名", "性别", "出生日期", "组别"], ["赵六", "女", written, "五组"]]
    imp = importer(database)
    path = save(rows, tmp_path / "d.xlsx")
    data, layout = imp.open(path)
    imp.apply(imp.preview(path, data, layout))
    assert people(database)["赵六"]["birth_date"] == date(1950, 3, 12)


def test_birth_date_that_contradicts_the_id_is_refused(
        database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "出生年月"], ["张桂兰", ZHANG, "1951.3"],
            ["李四", LI, "2030-01-01"]]
    preview = preview_of(database, save(rows, tmp_path / "d.xlsx"))
    assert [r.action for r in preview.rows] == [REFUSED, REFUSED]
    assert "与身份证号不符" in preview.rows[0].problems_text()


def test_future_birth_date_without_id_is_refused(database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "性别", "出生日期"], ["赵六", "女", "2099-01-01"]]
    preview = preview_of(database, save(rows, tmp_path / "d.xlsx"))
    assert preview.rows[0].action == REFUSED
    assert "今天之后" in preview.rows[0].problems_text()


def test_thin_ledger_without_ids_comes_in_flagged(database: Database, tmp_path: Path) -> None:
    """序号, 身份类别, 组别, 姓名, 性别, 年龄, 联系电话, 家庭住址, 备注 (DOMAIN.md)."""
    rows = [
        ["留守老人花名册"],
        ["序号", "身份类别", "组别", "姓名", "性别", "年龄", "联系电话", "家庭住址", "备注"],
        [1, "留守老人", "二组", "陈大", "男", 76, "13812345678", "二组 12 号", None],
        [2, "留守老人", "二组", "陈二", "女", 81, None, "二组 13 号", None],
        ["合计:2人"],
    ]
    imp = importer(database)
    path = save(rows, tmp_path / "thin.xlsx")
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert [r.action for r in preview.rows] == [NEW, NEW, IGNORED]
    assert "待补充身份证号" in preview.rows[0].problems_text()
    assert "按年龄 76 岁" in preview.rows[0].problems_text()
    imp.apply(preview)
    stored = people(database)
    assert stored["陈大"]["id_number"] is None
    assert stored["陈大"]["birth_date"] == date(1950, 1, 1)
    # Next time, the same people are found by name and group.
    again = imp.preview(path, data, layout)
    assert [r.action for r in again.rows[:2]] == [UPDATE, UPDATE]


def test_row_without_id_matches_by_name_and_group(
        register: Register, database: Database, tmp_path: Path) -> None:
    group = register.groups.add("二组")
    saved = register.save(elder("陈大", group_id=group))
    rows = [["姓名", "组别", "联系电话"], ["陈大", "2组", "13912345678"]]
    imp = importer(database)
    path = save(rows, tmp_path / "m.xlsx")
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert preview.rows[0].action == UPDATE
    assert preview.rows[0].person_id == saved.person_id
    imp.apply(preview)
    file = register.load(saved.person_id)
    assert file.values["phone"] == "13912345678"
    assert file.values["id_number"]  # kept, not wiped by the ledger's missing column
    assert len(file.supporters) == 1  # the stored supporter stays


def test_duplicate_name_in_group_without_id_is_refused(
        database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "性别", "出生日期", "组别"], ["陈大", "男", "1950-01-01", "二组"],
            ["陈大", "男", "1950-01-01", "二组"]]
    preview = preview_of(database, save(rows, tmp_path / "m.xlsx"))
    assert [r.action for r in preview.rows] == [NEW, REFUSED]
    assert "第 2 行" in preview.rows[1].problems_text()


def test_unknown_choice_is_kept_in_the_note_not_refused(
        database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "健康状况", "备注"], ["张桂兰", ZHANG, "还行", "腿脚不便"]]
    imp = importer(database)
    path = save(rows, tmp_path / "c.xlsx")
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert preview.rows[0].action == NEW
    assert "健康状况" in preview.rows[0].problems_text()
    imp.apply(preview)
    assert people(database)["张桂兰"]["note"] == "腿脚不便;台账原值:健康状况:还行"


def test_apply_is_one_transaction(database: Database, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    imp = importer(database)
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    before = dump(db_path)
    real = imp.register.create_many

    def failing(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # type: ignore[arg-type]  # the rows are written, then…
        raise KnownError("磁盘已满")

    monkeypatch.setattr(imp.register, "create_many", failing)
    with pytest.raises(KnownError, match="磁盘已满"):
        imp.apply(preview)
    assert dump(db_path) == before  # neither people nor the new groups


def test_reimport_is_one_transaction(database: Database, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    imp = importer(database)
    data, layout = imp.open(path)
    imp.apply(imp.preview(path, data, layout))
    edited = save([["姓名", "身份证号", "联系电话"], ["张桂兰", ZHANG, "13811112222"],
                   ["李四", LI, "13811113333"], ["王五", WANG, "13811114444"]],
                  tmp_path / "edited.xlsx")
    data, layout = imp.open(edited)
    preview = imp.preview(edited, data, layout)
    before = dump(db_path)
    real = imp.register.save_in
    calls = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KnownError("磁盘已满")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imp.register, "save_in", failing)
    with pytest.raises(KnownError, match="磁盘已满"):
        imp.apply(preview)
    assert len(calls) == 3
    assert dump(db_path) == before


def test_create_many_refuses_an_id_already_on_the_register(
        register: Register, database: Database) -> None:
    register.save(elder("张桂兰", "19500312", "002"))
    with database.transaction() as session, pytest.raises(ValidationFailed, match="已登记在"):
        register.create_many(session, [elder("别人", "19500312", "002")])
    with database.transaction() as session, pytest.raises(ValidationFailed, match="出现了 2 次"):
        register.create_many(session, [elder("甲", "19480101", "011"),
                                       elder("乙", "19480101", "011")])
    with database.transaction() as session:
        saved = register.create_many(session, [elder("丙", "19480101", "011")])
    file = register.load(saved[0].person_id)
    assert file.values["birth_date"] == date(1948, 1, 1)
    assert file.supporters[0]["name"] == "张强"
    assert file.events[0][1] == "created"


def test_mapping_is_saved_per_layout_and_reused(database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "老家"], ["张桂兰", ZHANG, "湖南"]]
    imp = importer(database)
    path = save(rows, tmp_path / "a.xlsx")
    _, layout = imp.open(path)
    assert not layout.reused
    column = next(c for c in layout.columns if c.label == "老家")
    assert column.target == ""
    column.target = mapping.person_target("address")
    imp.save_mapping(layout)
    other = save([["姓名", "身份证号", "老家"], ["李四", LI, "湖北"]], tmp_path / "b.xlsx")
    _, again = imp.open(other)
    assert again.reused
    assert {c.label: c.target for c in again.columns}["老家"] == "person:address"


def test_report_lists_skipped_rows_with_field_and_reason(
        database: Database, tmp_path: Path) -> None:
    import openpyxl

    rows = [["姓名", "身份证号"], ["甲", ZHANG], ["乙", ZHANG]]
    preview = preview_of(database, save(rows, tmp_path / "r.xlsx"))
    out = save_report(preview, tmp_path / "报告.xlsx")
    sheet = openpyxl.load_workbook(out)["未导入的行"]
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert values == [
        (3, "拒绝", "乙", ZHANG, "身份证号", "与第 2 行身份证号相同;同一文件中只保留第一行")]
    assert sheet.freeze_panes == "A3"


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"not a workbook at all"), "不是 Excel 工作簿"),
    (lambda p: save([], p), "是空的"),
    (lambda p: save([["甲", "乙"], [1, 2]], p), "找不到表头"),
])
def test_unusable_files_say_why_and_change_nothing(
        db_path: Path, tmp_path: Path, make: object, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    signed_in(Database(db_path)).close()
    main(["import", "--db", str(db_path), str(messy_ledger(tmp_path / "ok.xlsx")), "--skip-bad"])
    before = dump(db_path)
    capsys.readouterr()
    bad = tmp_path / "bad.xlsx"
    make(bad)  # type: ignore[operator]
    assert main(["import", "ledger", str(bad), "--db", str(db_path)]) == 1
    assert message in capsys.readouterr().err
    assert dump(db_path) == before


def test_cli_refuses_whole_file_unless_skip_bad(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["姓名", "身份证号"], ["甲", ZHANG], ["乙", ZHANG]]
    path = save(rows, tmp_path / "x.xlsx")
    signed_in(Database(db_path)).close()
    empty = dump(db_path)
    assert main(["import", "ledger", str(path), "--db", str(db_path)]) == 1
    out = capsys.readouterr()
    assert "拒绝 1 行" in out.out and "未导入任何数据" in out.err
    assert dump(db_path) == empty
    assert main(["import", "ledger", str(path), "--db", str(db_path), "--dry-run"]) == 1
    assert dump(db_path) == empty
    # Written, but not every row: exit 3, never 0 (reviewer item 7).
    assert main(["import", "ledger", str(path), "--db", str(db_path), "--skip-bad"]) == 3
    out = capsys.readouterr().out
    assert "新增 1 人" in out and "跳过 1 行" in out


def test_cli_mapping_file(db_path: Path, tmp_path: Path) -> None:
    rows = [["名字", "号码"], ["张桂兰", ZHANG]]
    path = save(rows, tmp_path / "x.xlsx")
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text('{"A": "姓名", "号码": "id_number"}', encoding="utf-8")
    assert main(["create", "--db", str(db_path)]) == 0
    assert main(["import", str(path), "--db", str(db_path), "--mapping", str(mapping_file)]) == 1
    # 名字/号码 are no header the program knows: the mapping file says what they are, but
    # the header must still be found first; a ledger with one known column is enough.
    rows = [["姓名", "号码"], ["张桂兰", ZHANG]]
    path = save(rows, tmp_path / "y.xlsx")
    mapping_file.write_text('{"号码": "身份证号"}', encoding="utf-8")
    assert main(["import", str(path), "--db", str(db_path), "--mapping", str(mapping_file)]) == 0
    database = signed_in(Database(db_path))
    try:
        assert people(database)["张桂兰"]["id_number"] == ZHANG
    finally:
        database.close()


def test_namesakes_in_a_group_are_told_apart_by_birth_date(
        register: Register, database: Database, tmp_path: Path) -> None:
    group = register.groups.add("二组")
    first = register.save(elder("陈大", id_number=None, birth_date="1950-01-01", sex="男",
                                group_id=group)).person_id
    second = register.save(elder("陈大", id_number=None, birth_date="1948-06-06", sex="男",
                                 group_id=group), allow_duplicate=True).person_id
    rows = [["姓名", "性别", "出生日期", "组别", "联系电话"],
            ["陈大", "男", "1948-06-06", "二组", "13912345678"],
            ["陈大", "男", "1950-01-01", "二组", "13912345679"]]
    preview = preview_of(database, save(rows, tmp_path / "m.xlsx"))
    assert [(r.action, r.person_id) for r in preview.rows] == [
        (UPDATE, second), (UPDATE, first)]


def test_cancel_leaves_the_register_unchanged(database: Database, tmp_path: Path,
                                              db_path: Path) -> None:
    from carecenter.ledger.importer import ImportCancelled

    path = messy_ledger(tmp_path / "台账.xlsx")
    imp = importer(database)
    data, layout = imp.open(path)
    with pytest.raises(ImportCancelled):
        imp.preview(path, data, layout, cancelled=lambda: True)
    preview = imp.preview(path, data, layout)
    before = dump(db_path)
    seen: list[tuple[int, int]] = []
    with pytest.raises(ImportCancelled, match="没有任何改动"):
        imp.apply(preview, progress=lambda d, t: seen.append((d, t)),
                  cancelled=lambda: len(seen) > 0)
    assert dump(db_path) == before
