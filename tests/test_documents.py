"""Printed documents: their text holds the person's name, ID and helper, every font is
embedded, and long text stays inside its box."""

from __future__ import annotations

from datetime import date

import pytest

from carecenter import clock
from carecenter.documents import fonts
from carecenter.documents.agreement_pdf import agreement_pdf, compose, load_template
from carecenter.documents.card_batch import print_cards, select_persons
from carecenter.documents.care_card import Cancelled
from carecenter.documents.document_data import CONTACTS, DOCTOR, find_person, printable
from carecenter.documents.layout import fit, new_canvas, text_box, text_width
from carecenter.documents.registration_form import registration_form
from carecenter.documents.visit_sheet_pdf import visit_sheet
from carecenter.errors import KnownError
from carecenter.register.people import Register
from carecenter.settings.settings_store import VILLAGE, Settings
from carecenter.storage.database import Database
from carecenter.storage.models import helper, pairing, person
from tests.conftest import TODAY, elder, make_id
from tests.pdfcheck import pages, text_of, unembedded_fonts

LONG_ADDRESS = "湖南省邵阳市隆回县" + "某某镇某某村第十二村民小组" * 7


def add_helper(database: Database, person_id: int, name: str = "刘建国",
               phone: str = "13700002222", rank: int = 1, ended: date | None = None) -> int:
    now = clock.now()
    with database.transaction() as session:
        helper_id = session.execute(helper.insert().values(
            name=name, role="村干部", phone=phone, active=True, created_at=now,
            updated_at=now).returning(helper.c.id)).scalar_one()
        session.execute(pairing.insert().values(
            person_id=person_id, helper_id=helper_id, rank=rank,
            started_on=date(2026, 1, 1), ended_on=ended, created_at=now))
    return int(helper_id)


@pytest.fixture
def village(database: Database) -> Settings:
    settings = Settings(database)
    settings.set(VILLAGE, {"name": "白竹村", "committee": "白竹村民委员会", "phone": "0739-1234567",
                           "township": "荷田乡", "county": "隆回县"})
    settings.set(CONTACTS, [{"role": "村党支部书记", "name": "王书记", "phone": "13512345678"}])
    settings.set(DOCTOR, {"name": "李医生", "phone": "13612345678"})
    return settings


@pytest.fixture
def zhang(register: Register, database: Database, village: Settings) -> int:
    person_id = register.save(elder()).person_id
    add_helper(database, person_id)
    add_helper(database, person_id, name="旧帮扶人", phone="13000000000",
               ended=date(2026, 6, 1))
    return person_id


def test_registration_form_holds_the_file_and_embeds_its_font(
        database: Database, zhang: int) -> None:
    pdf = registration_form(printable(database, zhang), TODAY)
    assert isinstance(pdf, bytes)
    text = text_of(pdf)
    assert "张桂兰" in text
    assert make_id("19500312", "002") in text
    assert "13800001111" in text  # the elder's phone: digits must not vanish
    assert "张强" in text and "13900001111" in text  # the supporter
    assert "刘建国" in text and "旧帮扶人" not in text  # current pairing only
    assert "基本情况登记表" in text and "隆回县荷田乡白竹村" in text
    assert unembedded_fonts(pdf) == []


def test_care_card_lists_helper_cadres_doctor_and_children(database: Database,
                                                           zhang: int) -> None:
    pdf = print_cards(database, [zhang])
    assert pdf is not None
    text = text_of(pdf)
    for expected in ("张桂兰", make_id("19500312", "002"), "刘建国", "13700002222", "王书记",
                     "13512345678", "李医生", "13612345678", "张强", "13900001111",
                     "走访记录"):
        assert expected in text, expected
    assert "旧帮扶人" not in text
    assert unembedded_fonts(pdf) == []


def test_agreement_names_the_parties_and_the_village_filing_box(database: Database,
                                                                 zhang: int) -> None:
    content = compose(printable(database, zhang),
                      {"name": "李四", "relation": "侄子", "phone": "13911112222",
                       "id_number": make_id("19800101", "011")},
                      date(2026, 12, 1), None, load_template())
    pdf = agreement_pdf(content)
    assert pdf is not None
    text = text_of(pdf)
    for expected in ("委托照顾协议书", "张桂兰", make_id("19500312", "002"), "张强", "李四",
                     "13911112222", make_id("19800101", "011"), "刘建国", "老年人权益保障法",
                     "村民委员会备案登记", "白竹村民委员会"):
        assert expected in text.replace("\n", ""), expected
    assert unembedded_fonts(pdf) == []


def test_agreement_third_party_role_gives_the_committee_a_signature(database: Database,
                                                                    zhang: int) -> None:
    content = compose(printable(database, zhang), {"name": "李四"}, TODAY, None,
                      load_template(), role="third_party")
    text = text_of(agreement_pdf(content) or b"")
    assert "丙方" in text and "备案登记" not in text


def test_a_village_changes_the_wording_in_its_own_template(database: Database, zhang: int,
                                                           tmp_path: object) -> None:
    from pathlib import Path

    from carecenter.documents.agreement_pdf import TEMPLATE

    own = Path(str(tmp_path)) / "own.toml"
    own.write_text(TEMPLATE.read_text(encoding="utf-8").replace(
        "紧急处置", "遇事先打村委电话{committee}"), encoding="utf-8")
    content = compose(printable(database, zhang), {"name": "李四"}, TODAY, None,
                      load_template(own))
    assert any("遇事先打村委电话白竹村民委员会" in item for item in content["entrusted"])
    broken = Path(str(tmp_path)) / "broken.toml"
    broken.write_text("title = \n", encoding="utf-8")
    with pytest.raises(KnownError, match="格式有误"):
        load_template(broken)


def test_visit_sheet_lists_the_helpers_people_with_tick_boxes(database: Database,
                                                              zhang: int) -> None:
    with database.session() as session:
        helper_id = session.execute(helper.select().where(helper.c.name == "刘建国")).first()
    assert helper_id is not None
    pdf = visit_sheet(database, helper_id.id, date(2026, 11, 1))
    assert pdf is not None
    text = text_of(pdf)
    assert "张桂兰" in text and "13800001111" in text and "2026年11月" in text
    assert "入户走访" in text and "健康随访" in text and "□" in text
    assert unembedded_fonts(pdf) == []


def test_long_text_shrinks_and_wraps_but_stays_inside_its_box() -> None:
    fitted = fit(LONG_ADDRESS, 60, 20, size=11)
    assert fitted.size < 11
    assert fitted.height <= 20
    assert all(text_width(line, fitted.size) <= 60 for line in fitted.lines)
    assert "".join(fitted.lines) == LONG_ADDRESS  # nothing cut off


def test_an_id_number_is_not_split_across_lines_when_it_fits() -> None:
    number = make_id("19500312", "002")
    fitted = fit(f"身份证号码{number}", 120, 40, size=11)
    assert any(number in line for line in fitted.lines)


def test_even_absurd_text_in_a_tiny_box_is_whole_and_inside() -> None:
    canvas, _ = new_canvas()
    fitted = text_box(canvas, (0, 0, 30, 8), LONG_ADDRESS * 3)
    assert "".join(fitted.lines) == LONG_ADDRESS * 3
    assert fitted.height <= 8
    assert fitted.width() <= 30


def test_long_name_and_address_on_the_card_stay_in_their_cells(
        register: Register, database: Database) -> None:
    person_id = register.save(elder(name="阿依古丽·买买提·艾则孜·托乎提",
                                    address=LONG_ADDRESS[:100])).person_id
    pdf = print_cards(database, [person_id])
    assert pdf is not None
    text = text_of(pdf).replace("\n", "")
    assert "阿依古丽·买买提·艾则孜·托乎提" in text
    assert LONG_ADDRESS[:100] in text


def test_the_font_has_digits_latin_and_common_names() -> None:
    fonts.register()
    assert fonts.missing("0123456789X张桂兰ABCxyz-:()√□①") == []


def test_batch_by_colour_and_group_with_progress_and_cancel(
        register: Register, database: Database) -> None:
    ids = [register.save(elder(name=n, sequence=s, group_id=None)).person_id
           for n, s in (("王一", "012"), ("王二", "014"), ("王三", "016"))]
    with database.transaction() as session:
        session.execute(person.update().where(person.c.id == ids[0]).values(colour="red"))
    assert select_persons(database, colour="red") == [ids[0]]
    assert select_persons(database, ids=[ids[2], ids[1]]) == [ids[1], ids[2]]
    with pytest.raises(KnownError, match="没有“九组”这个村民小组"):
        select_persons(database, group="九组")
    seen: list[tuple[int, int]] = []
    pdf = print_cards(database, ids, progress=lambda d, t: seen.append((d, t)) is None)
    assert pdf is not None and pages(pdf) == 2  # two cards to a sheet
    assert seen[-1] == (3, 3)
    assert all(name in text_of(pdf) for name in ("王一", "王二", "王三"))
    with pytest.raises(Cancelled):
        print_cards(database, ids, progress=lambda done, total: done < 2)


def test_find_person_by_id_number_or_register_number(register: Register,
                                                     database: Database) -> None:
    with_id = register.save(elder()).person_id
    without = register.save(elder(name="李秀英", id_number="", sex="女",
                                  birth_date="1948-02-03")).person_id
    assert find_person(database, make_id("19500312", "002")) == with_id
    assert find_person(database, str(without)) == without
    with pytest.raises(KnownError, match="档案号 999 不在登记册上"):
        find_person(database, "999")


def test_a_helper_is_named_on_paper_by_the_role_in_words(
        database: Database, register: Register, village: Settings) -> None:
    person_id = register.save(elder("王秀英", sequence="004")).person_id
    helper_id = add_helper(database, person_id, name="赵立新")
    with database.transaction() as session:
        session.execute(helper.update().where(helper.c.id == helper_id)
                        .values(role="volunteer"))
    text = text_of(print_cards(database, [person_id]) or b"")
    assert "帮扶人(志愿者)" in text and "volunteer" not in text
    sheet = text_of(visit_sheet(database, helper_id, date(2026, 11, 1)) or b"")
    assert "赵立新(志愿者)" in sheet and "volunteer" not in sheet
