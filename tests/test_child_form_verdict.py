"""The children's registration form (民发〔2016〕42号 附件1) says what its 认定结论 says: a
parent back home for good is not ticked as away, nor printed at a place of work (issue 21)."""

from __future__ import annotations

from datetime import date

from carecenter.documents.document_data import printable
from carecenter.documents.person_form import person_form
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY
from tests.pdfcheck import text_of
from tests.test_kind_child import child, parents


def form_text(database: Database, pid: int) -> str:
    pdf = person_form(printable(database, pid), TODAY)
    assert pdf is not None
    return text_of(pdf).replace(" ", "").replace("\n", "")


def test_a_mother_home_for_good_is_not_ticked_away_on_the_form(
        register: Register, database: Database) -> None:
    rows = parents(whereabouts="广东省东莞市", returned_on=date(2026, 10, 1),
                   return_kind="permanent")  # the mother, back on 1 October for good
    pid = register.save(child(supporters=rows)).person_id
    assert not register.verdict(register.load(pid)).left_behind
    text = form_text(database, pid)
    assert "父母双方同时外出是()否(√)" in text
    assert "另一方无监护能力是()否(√)" in text
    assert "广东省东莞市" not in text  # not her 当前务工地点 any more
    assert "当前务工地点已长期返乡" in text
    assert "不符合" in text and "王小红已于2026-10-01长期返乡" in text


def test_both_parents_away_is_ticked_as_the_verdict_finds_them(
        register: Register, database: Database) -> None:
    rows = parents(whereabouts="广东省东莞市", returned_on=date(2026, 2, 10),
                   return_kind="temporary")  # home for the Spring Festival only
    pid = register.save(child(supporters=rows)).person_id
    assert register.verdict(register.load(pid)).left_behind
    text = form_text(database, pid)
    assert "父母双方同时外出是(√)否()" in text
    assert "广东省东莞市" in text
