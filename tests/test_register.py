"""The register service on a real SQLite file: saving, refusing, exiting, history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from carecenter.errors import KnownError, ValidationFailed
from carecenter.register.listing import Listing, RegisterQuery
from carecenter.register.people import LikelyDuplicate, PersonDraft, Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, make_id

# Run on SQLite and again on PostgreSQL (dev.py test's server pass).
pytestmark = pytest.mark.backends


def test_a_saved_file_comes_back_whole_after_reopening(db_path: Path,
                                                        register: Register) -> None:
    group = register.groups.add("三组")
    draft = elder(group_id=group, living_with=["独居"], illnesses="高血压、2型糖尿病",
                  annual_income="12,000", address="青山村三组 12 号")
    person_id = register.save(draft).person_id
    register.database.close()

    reopened = Register(Database(db_path), today=lambda: TODAY)
    file = reopened.load(person_id)
    assert file.values["name"] == "张桂兰"
    assert file.values["sex"] == "female"  # from the ID number's sequence
    assert file.values["birth_date"] == date(1950, 3, 12)
    assert file.values["living_with"] == ["alone"]
    assert file.values["illnesses"] == ["hypertension", "diabetes2"]
    assert file.values["annual_income"] == 12000
    assert file.supporters[0]["location_scope"] == "out_province"
    assert file.supporters[0]["away_since"] == date(2023, 3, 1)
    assert reopened.verdict(file).left_behind
    reopened.database.close()


def test_birth_date_typed_differently_from_the_id_is_refused_beside_the_field(
        register: Register) -> None:
    with pytest.raises(ValidationFailed) as caught:
        register.save(elder(birth_date="1951-03-12", sex="男"))
    assert caught.value.for_field("birth_date") == [
        "出生日期 1951-03-12 与身份证号不符(身份证号为 1950-03-12)"]
    assert "与身份证号不符" in caught.value.for_field("sex")[0]


def test_number_already_on_the_register_names_who_has_it(register: Register) -> None:
    register.save(elder("张桂兰"))
    with pytest.raises(ValidationFailed) as caught:
        register.save(elder("李秀英"))
    assert "张桂兰" in caught.value.for_field("id_number")[0]


def test_wrong_check_digit_refuses_the_whole_save(register: Register) -> None:
    draft = elder()
    number = draft.values["id_number"]
    draft.values["id_number"] = number[:17] + ("1" if number[17] == "0" else "0")
    with pytest.raises(ValidationFailed) as caught:
        register.save(draft)
    assert "校验位" in caught.value.for_field("id_number")[0]
    assert register.count() == 0


def test_person_without_id_shows_as_incomplete(register: Register) -> None:
    person_id = register.save(
        PersonDraft({"name": "王秀英", "birth_date": "1948年5月", "sex": "女"})).person_id
    row = Listing(register.database, lambda: TODAY).rows([person_id])[person_id]
    assert row.incomplete and row.id_number == "待补充身份证号"
    assert row.age == 78


def test_same_name_and_birth_date_under_another_number_warns_and_can_be_overridden(
        register: Register) -> None:
    register.save(elder("王秀英", sequence="002"))
    other = elder("王秀英", sequence="004")
    with pytest.raises(LikelyDuplicate, match="王秀英"):
        register.save(other)
    assert register.save(other, allow_duplicate=True).person_id


def test_supporter_errors_name_the_supporter_row(register: Register) -> None:
    draft = elder(supporters=[
        {"name": "张强", "relation": "儿子", "location_scope": "省外", "away_since": "2023-3-1"},
        {"name": "张丽", "relation": "女儿", "phone": "12345", "returned_on": "2020-01-01",
         "away_since": "2021-01-01"},
    ])
    with pytest.raises(ValidationFailed) as caught:
        register.save(draft)
    rows = {(e.row, e.field) for e in caught.value.errors}
    assert (2, "phone") in rows and (2, "returned_on") in rows and (2, "return_kind") in rows
    assert all("第 2 名赡养人" in e.message for e in caught.value.errors)


def test_exit_keeps_the_file_and_records_the_reason_in_its_history(register: Register) -> None:
    person_id = register.save(elder()).person_id
    register.exit(person_id, date(2026, 10, 1), "institution", "入住乡敬老院")
    file = register.load(person_id)
    assert file.status == "exited" and file.exit_reason == "institution"
    assert [e[1] for e in file.events] == ["created", "exited"]
    assert "入住养老机构:入住乡敬老院" in file.events[-1][3]
    listing = Listing(register.database)
    assert listing.ids(RegisterQuery(status="active")) == []
    assert listing.ids(RegisterQuery(status="exited")) == [person_id]
    with pytest.raises(KnownError, match="已于 2026-10-01 退出"):
        register.exit(person_id, date(2026, 10, 2), "died")
    register.reinstate(person_id, "误操作")
    assert register.load(person_id).status == "active"


def test_exit_needs_a_reason_and_a_past_date(register: Register) -> None:
    person_id = register.save(elder()).person_id
    with pytest.raises(ValidationFailed, match="退出原因"):
        register.exit(person_id, TODAY, "")
    with pytest.raises(ValidationFailed, match="今天之后"):
        register.exit(person_id, date(2027, 1, 1), "died")
    with pytest.raises(ValidationFailed, match="写明原因"):
        register.exit(person_id, TODAY, "other", "  ")


def test_an_edit_is_logged_with_the_fields_that_changed(register: Register) -> None:
    person_id = register.save(elder()).person_id
    draft = register.load(person_id).draft()
    draft.values["phone"] = "13700002222"
    register.save(draft, person_id)
    assert register.load(person_id).events[-1][3] == "联系电话"


def test_a_person_is_never_deleted_by_the_database(register: Register) -> None:
    person_id = register.save(elder()).person_id
    with register.database.engine.connect() as connection, pytest.raises(IntegrityError):
        # Supporters and history refer to the person: the foreign keys refuse the delete.
        connection.execute(text("DELETE FROM person WHERE id = :id"), {"id": person_id})
        connection.commit()


def test_search_finds_by_pinyin_initials_full_pinyin_id_digits_and_phone(
        register: Register) -> None:
    zhang = register.save(elder("张桂兰", phone="13800001111")).person_id
    shan = register.save(elder("单雄信", birth="19480101", sequence="001",
                               phone="13600009999")).person_id
    listing = Listing(register.database)

    def find(text: str) -> list[int]:
        return listing.ids(RegisterQuery(text=text))

    assert find("zgl") == [zhang]
    assert find("ZhangGuiLan") == [zhang]
    assert find("sxx") == [shan]  # the surname reading, not 单 as "dan"
    li = register.save(elder("李长春", birth="19470707", sequence="003")).person_id
    assert find("lcc") == [li]  # 长 read in context, as chang
    assert find(make_id("19500312", "002")[6:14]) == [zhang]
    assert find("1360000") == [shan]
    assert find("桂兰") == [zhang]
    assert find("%") == []


def test_village_groups_written_differently_are_one_group(register: Register) -> None:
    register.groups.add("三组")
    for name in ("3组", "第三村民小组", "第3组", " 三 组"):
        with pytest.raises(ValidationFailed, match="同一个组"):
            register.groups.add(name)
    register.groups.add("十二组")
    assert [g.name for g in register.groups.list()] == ["三组", "十二组"]


def test_register_rows_show_the_left_behind_verdict_with_its_reason(register: Register) -> None:
    away = register.save(elder("张桂兰")).person_id
    home = register.save(elder("李秀英", birth="19440505", sequence="004", supporters=[
        {"name": "李军", "relation": "儿子", "location_scope": "本县内",
         "away_since": "2020-01-01"},
    ])).person_id
    rows = Listing(register.database, lambda: TODAY).rows([away, home])
    assert rows[away].verdict == "留守"
    assert rows[home].verdict == "不符合"
    assert "李军在本县内" in rows[home].verdict_reason


@pytest.mark.parametrize("name", ["张三1", "李四?", "王 #五"])
def test_a_name_with_digits_or_symbols_is_refused(register: Register, name: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        register.save(elder(name))
    assert "请核对" in caught.value.for_field("name")[0]


def test_minority_names_with_a_middle_dot_are_accepted(register: Register) -> None:
    assert register.save(elder("阿依古丽·买买提")).person_id


def test_a_supporter_away_without_a_phone_is_saved_with_a_warning(register: Register) -> None:
    result = register.save(elder(supporters=[
        {"name": "张强", "relation": "儿子", "location_scope": "省外", "away_since": "2023-3-1"},
    ]))
    assert any("张强没有登记电话" in w for w in result.warnings)


def test_saving_a_left_behind_elder_records_the_year_for_the_carry_over(
        register: Register) -> None:
    person_id = register.save(elder()).person_id
    assert register.load(person_id).values["left_behind_year"] == 2026
    with pytest.raises(ValidationFailed, match="年度"):
        register.save(elder("李秀英", birth="19440505", sequence="004", left_behind_year=1850))


def test_saving_a_stale_copy_is_refused_instead_of_undoing_another_save(
        register: Register) -> None:
    person_id = register.save(elder()).person_id
    first = register.load(person_id).draft()
    second = register.load(person_id).draft()
    second.values["note"] = "另一窗口写的备注"
    register.save(second, person_id)
    first.values["phone"] = "13700002222"
    with pytest.raises(KnownError, match="已被修改"):
        register.save(first, person_id)
    assert register.load(person_id).values["note"] == "另一窗口写的备注"


def test_editing_a_file_keeps_each_stored_supporter_under_the_same_id(
        register: Register) -> None:
    person_id = register.save(elder()).person_id
    before = register.load(person_id).supporters[0]["id"]
    draft = register.load(person_id).draft()
    draft.supporters[0]["phone"] = "13911112222"
    draft.supporters.append({"name": "张丽", "relation": "女儿", "location_scope": "本县内"})
    register.save(draft, person_id)
    after = register.load(person_id).supporters
    assert after[0]["id"] == before and after[0]["phone"] == "13911112222"
    assert after[1]["name"] == "张丽" and after[1]["id"] != before
    assert register.load(person_id).events[-1][3] == "赡养人"


def test_every_sortable_column_has_its_order_in_sql_and_no_other() -> None:
    from carecenter.register.columns import COLUMNS
    from carecenter.register.listing import SORTS

    assert set(SORTS) == {c.key for c in COLUMNS if c.sortable}
