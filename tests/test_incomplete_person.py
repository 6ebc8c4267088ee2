"""A person from a thin ledger: no ID number, no birth date, no sex (issue 7).

Such a row comes in flagged 待补充, and everything that reads the register copes with
the blanks: the table and its search, the 留守 verdict, risk, due dates and the work
list, the printed documents, the quarterly export and its re-import, the comparison
with the township, ``check`` and the demo.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.cli.entry import main
from carecenter.documents.agreement_pdf import agreement_pdf, compose, load_template
from carecenter.documents.card_batch import print_cards
from carecenter.documents.document_data import printable
from carecenter.documents.registration_form import registration_form
from carecenter.errors import ValidationFailed
from carecenter.ledger.compare import compare_file
from carecenter.ledger.importer import NEW, UPDATE, LedgerImport
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.overview import work_list as worklist
from carecenter.register import register_check as check
from carecenter.register.columns import COLUMN_KEYS
from carecenter.register.listing import Listing, RegisterQuery
from carecenter.register.people import IncompleteFile, PersonDraft, Register
from carecenter.rules.leftbehind import PersonFacts, assess
from carecenter.rules.risk import suggested_factors
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, signed_in
from tests.conftest import dump as dump_register
from tests.ledger_books import save
from tests.pdfcheck import text_of

# The clerk's thin ledger of the bug report: a title, 序号, no ID numbers at all.
THIN = [
    ["某村留守老人花名册"],
    ["序号", "姓名", "性别", "身份证号", "所在组", "联系电话"],
    [1, "张三", "男", "", "三组", "13800000000"],
    [2, "李四", "", "", "第二村民小组", ""],
]


def thin_ledger(path: Path) -> Path:
    return save(THIN, path)


def dump(path: Path) -> str:
    return dump_register(path)


@pytest.fixture
def li(register: Register) -> int:
    """李四 as the thin ledger brings him: a name, a group and nothing else."""
    group = register.groups.add("二组")
    return register.save(PersonDraft({"name": "李四", "group_id": group}),
                         allow_incomplete=True).person_id


def test_rows_without_id_birth_date_or_sex_come_in_flagged(
        database: Database, tmp_path: Path) -> None:
    imp = LedgerImport(database, today=lambda: TODAY)
    path = thin_ledger(tmp_path / "thin.xlsx")
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert [r.action for r in preview.rows] == [NEW, NEW]
    zhang, li = (r.problems_text() for r in preview.rows)
    assert "待补充身份证号" in zhang and "待补充出生日期" in zhang and "待补充性别" not in zhang
    assert "待补充身份证号" in li and "待补充出生日期" in li and "待补充性别" in li
    assert "2 人还缺出生日期或性别" in preview.summary()
    imp.apply(preview)
    register = Register(database, today=lambda: TODAY)
    files = {f.name: f for f in (register.load(i) for i in (1, 2))}
    assert files["张三"].values["sex"] == "male" and files["张三"].values["birth_date"] is None
    assert files["李四"].values["sex"] is None and files["李四"].values["birth_date"] is None
    again = imp.preview(path, data, layout)
    assert [(r.action, r.unchanged) for r in again.rows] == [(UPDATE, True), (UPDATE, True)]


def test_cli_imports_the_thin_ledger(db_path: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = thin_ledger(tmp_path / "thin.xlsx")
    assert main(["create", "--db", str(db_path)]) == 0
    assert main(["import", "ledger", str(path), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "新增 2 人" in out and "拒绝 0 行" in out and "待补充性别" in out


def test_a_new_file_without_id_asks_for_birth_date_and_sex_but_can_be_saved(
        register: Register) -> None:
    for blank in (None, "   ", "\u3000"):
        with pytest.raises(IncompleteFile) as caught:
            register.save(PersonDraft({"name": "王秀英", "id_number": blank}))
        assert caught.value.fields == ["birth_date", "sex"]
        assert "待补充出生日期、性别" in caught.value.message
        assert {e.field for e in caught.value.field_errors()} == {"birth_date", "sex"}
    assert register.count() == 0
    saved = register.save(PersonDraft({"name": "王秀英"}), allow_incomplete=True)
    assert saved.warnings == ["待补充出生日期", "待补充性别"]
    assert register.count() == 1


def test_an_incomplete_file_saves_an_edit_of_another_field_with_a_warning(
        register: Register, li: int) -> None:
    draft = register.load(li).draft()
    draft.values["phone"] = "13912345678"
    saved = register.save(draft, li)  # no question: the blanks were there before
    assert saved.warnings == ["待补充出生日期", "待补充性别"]
    assert register.load(li).values["phone"] == "13912345678"


def test_emptying_what_a_file_without_id_knew_asks_first(register: Register) -> None:
    pid = register.save(PersonDraft({"name": "王秀英", "birth_date": "1948-05-01",
                                     "sex": "女"})).person_id
    draft = register.load(pid).draft()
    draft.values["birth_date"] = None
    with pytest.raises(IncompleteFile) as caught:
        register.save(draft, pid)
    assert caught.value.fields == ["birth_date"]
    register.save(draft, pid, allow_incomplete=True)
    assert register.load(pid).values["birth_date"] is None


def test_a_wrong_value_is_still_refused_beside_its_field(register: Register) -> None:
    with pytest.raises(ValidationFailed) as caught:
        register.save(PersonDraft({"name": "王秀英", "birth_date": "2099-01-01"}),
                      allow_incomplete=True)
    assert "今天之后" in caught.value.for_field("birth_date")[0]


def test_verdict_without_a_birth_date_says_it_cannot_tell(register: Register, li: int) -> None:
    verdict = assess(PersonFacts(None), TODAY)
    assert verdict.undecided and not verdict.left_behind
    assert verdict.label == "无法判断"
    assert "缺少出生日期" in verdict.text and "暂无法认定" in verdict.text
    assert register.verdict(register.load(li)).undecided


def test_register_table_search_and_sorting_cope_with_blanks(
        register: Register, database: Database, li: int) -> None:
    register.save(elder("李秀英", birth="19440505", sequence="004"))
    listing = Listing(database, lambda: TODAY)
    row = listing.rows([li])[li]
    assert (row.sex, row.age, row.verdict, row.id_number) == ("", None, "无法判断",
                                                            "待补充身份证号")
    assert listing.ids(RegisterQuery(text="ls")) == [li]  # pinyin initials
    for key in ("age", "sex"):
        for descending in (False, True):
            query = RegisterQuery(sort_key=key, descending=descending)
            assert len(listing.ids(query)) == 2
    assert "age" in COLUMN_KEYS


def test_risk_due_dates_and_work_list_cope_with_no_birth_date(
        register: Register, database: Database, li: int) -> None:
    values = register.load(li).values
    assert "advanced_age" not in suggested_factors(values, TODAY)
    care = CareBook(database, today=lambda: TODAY)
    items = [i for i in worklist.build(database, TODAY).items if i.person_id == li]
    assert items and items[0].name == "李四"
    care.assess(li, AssessmentInput(date(2026, 11, 1), "李主任", ["poor"]))
    care.record_visit(VisitInput(li, date(2026, 11, 2), "home", "王网格员"))
    assert worklist.build(database, TODAY).items is not None
    report = check.run(database, today=TODAY)
    assert report.clean, report.problems


def test_documents_print_with_blank_birth_date_and_sex(database: Database, li: int) -> None:
    data = printable(database, li)
    assert "李四" in text_of(registration_form(data, TODAY))
    assert "李四" in text_of(print_cards(database, [li]) or b"")
    content = compose(data, {"name": "王五"}, TODAY, None, load_template())
    assert "李四" in text_of(agreement_pdf(content) or b"")


def test_export_reimport_and_compare_keep_the_incomplete_person(
        register: Register, database: Database, li: int, tmp_path: Path,
        db_path: Path) -> None:
    register.save(elder("李秀英", birth="19440505", sequence="004"))
    out = tmp_path / "季度.xlsx"
    export_quarter(database, Quarter(2026, 4), out, today=TODAY)
    sheet = openpyxl.load_workbook(out)["台账"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]}
    headers = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    blank = dict(zip(headers, rows["李四"], strict=False))
    assert (blank["性别"], blank["出生日期"], blank["年龄"]) == (None, None, None)
    assert blank["身份证号"] == "待补充"
    # Back into the same register: an update found by name and group, never a second file.
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(out)
    preview = imp.preview(out, data, layout)
    assert {r.name: r.action for r in preview.rows if r.name} == {"李四": UPDATE,
                                                                  "李秀英": UPDATE}
    before = dump(db_path)
    imp.apply(preview)
    assert register.count() == 2
    assert dump(db_path).count("INSERT INTO \"person\"") == before.count(
        "INSERT INTO \"person\"")
    # Into a fresh register: the same people, the blanks still blank.
    fresh = signed_in(Database(tmp_path / "fresh.db"))
    try:
        imp = LedgerImport(fresh, today=lambda: TODAY)
        data, layout = imp.open(out)
        imp.apply(imp.preview(out, data, layout))
        again = Register(fresh, today=lambda: TODAY)
        files = [again.load(i) for i in (1, 2)]
        assert {f.name: (f.values["sex"], f.values["birth_date"]) for f in files}[
            "李四"] == (None, None)
    finally:
        fresh.close()
    result = compare_file(database, out)
    # The person without an ID number is found by name and group, not listed twice.
    assert (result.matched, result.ours_only, result.unreadable) == (2, [], [])


def test_check_counts_files_waiting_for_birth_date_or_sex_without_calling_them_faults(
        database: Database, li: int) -> None:
    report = check.run(database, today=TODAY)
    assert report.clean, report.problems
    assert (report.without_id, report.without_birth) == (1, 1)
    assert "  其中出生日期或性别也待补充:1 人" in report.lines()


def test_township_rows_without_id_are_matched_by_name_and_group(
        register: Register, database: Database, li: int, tmp_path: Path) -> None:
    theirs = save([["姓名", "身份证号", "组别", "风险等级"],
                   ["李四", "", "2组", "黄"],
                   ["查无此人", "", "二组", ""]], tmp_path / "乡镇.xlsx")
    result = compare_file(database, theirs)
    assert result.matched == 1 and result.ours_only == []
    assert [(d.name, d.field) for d in result.differences] == [("李四", "风险等级")]
    assert result.unreadable == [(3, "查无此人", "没有身份证号,按姓名和村民小组在登记册上也未找到")]
