"""Agreements as records: drawn up, printed, signed, filed; coverage and warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecenter.documents.agreement_book import FILED, SIGNED, Agreements, Terms
from carecenter.documents.agreement_pdf import agreement_pdf
from carecenter.errors import ValidationFailed
from carecenter.register.people import Register
from carecenter.settings.settings_store import VILLAGE, Settings
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, make_id
from tests.pdfcheck import text_of


@pytest.fixture
def book(database: Database) -> Agreements:
    return Agreements(database, today=lambda: TODAY)


def terms(**changes: object) -> Terms:
    base = Terms("李四", "侄子", "13911112222", make_id("19800101", "011"),
                 starts_on=TODAY, ends_on=None)
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_coverage_counts_signed_or_filed_current_agreements(
        register: Register, book: Agreements) -> None:
    ids = [register.save(elder(name=n, sequence=s)).person_id
           for n, s in (("王一", "012"), ("王二", "014"), ("王三", "016"), ("王四", "018"))]
    signed = book.draw_up(ids[0], terms())
    book.mark_signed(signed)
    filed = book.draw_up(ids[1], terms())
    book.mark_filed(filed)
    book.draw_up(ids[2], terms())  # drawn up only: not covered
    coverage = book.coverage()
    assert (coverage.active, coverage.covered) == (4, 2)
    assert coverage.share == 0.5
    assert book.get(filed).state == FILED and book.get(filed).signed_on == TODAY
    # an exited person leaves both counts
    register.exit(ids[0], TODAY, "moved")
    assert (book.coverage().active, book.coverage().covered) == (3, 1)
    assert book.state_of(ids[3]) == "未起草"


def test_a_new_agreement_supersedes_the_old_one_which_is_kept(
        register: Register, book: Agreements) -> None:
    person_id = register.save(elder()).person_id
    first = book.draw_up(person_id, terms())
    book.mark_signed(first)
    second = book.draw_up(person_id, terms(trustee_name="王五"))
    history = book.history(person_id)
    assert [a.id for a in history] == [first, second]
    assert history[0].ended_on == TODAY and history[0].state == SIGNED
    current = book.current(person_id)
    assert current is not None and current.trustee_name == "王五"
    assert book.coverage().covered == 0  # the signed one is superseded


def test_reprint_shows_what_was_drawn_up_even_after_the_file_changes(
        register: Register, database: Database, book: Agreements) -> None:
    Settings(database).set(VILLAGE, {"name": "白竹村", "committee": "白竹村民委员会"})
    person_id = register.save(elder()).person_id
    agreement_id = book.draw_up(person_id, terms())
    before = agreement_pdf(book.get(agreement_id).content)
    file = register.load(person_id)
    draft = file.draft()
    draft.supporters[0]["name"] = "张勇"
    register.save(draft, person_id)
    Settings(database).set(VILLAGE, {"name": "新村", "committee": "新村民委员会"})
    after = agreement_pdf(book.get(agreement_id).content)
    assert text_of(before or b"") == text_of(after or b"")
    assert "张强" in text_of(after or b"") and "张勇" not in text_of(after or b"")
    warnings = book.warnings(person_id)
    assert [w.kind for w in warnings] == ["supporters_changed"]
    assert "张强" in warnings[0].message and "张勇" in warnings[0].message


def test_term_ending_soon_or_ended_is_a_warning(register: Register, database: Database
                                                ) -> None:
    person_id = register.save(elder()).person_id
    drawn = Agreements(database, today=lambda: date(2026, 1, 10))
    agreement_id = drawn.draw_up(person_id, terms(starts_on=date(2026, 1, 10),
                                                  ends_on=TODAY + timedelta(days=20)))
    assert [w.kind for w in Agreements(database, today=lambda: TODAY).warnings()] == ["ending"]
    later = Agreements(database, today=lambda: TODAY + timedelta(days=21))
    assert [w.kind for w in later.warnings()] == ["ended"]
    assert "到期" in later.warnings()[0].message
    later.end(agreement_id)
    assert later.warnings() == []


def test_dates_and_fields_are_checked_with_chinese_messages(
        register: Register, book: Agreements) -> None:
    person_id = register.save(elder()).person_id
    with pytest.raises(ValidationFailed) as caught:
        book.draw_up(person_id, terms(trustee_name=" ", trustee_phone="12345",
                                      ends_on=TODAY - timedelta(days=1)))
    message = caught.value.message
    assert "受托人姓名不能为空" in message and "不像电话号码" in message
    assert "应在开始日期" in message
    agreement_id = book.draw_up(person_id, terms())
    with pytest.raises(ValidationFailed, match="早于起草日期"):
        book.mark_signed(agreement_id, TODAY - timedelta(days=3))
    with pytest.raises(ValidationFailed, match="在今天之后"):
        book.mark_filed(agreement_id, TODAY + timedelta(days=1))
    book.mark_printed(agreement_id)
    book.mark_printed(agreement_id, TODAY)  # a re-print keeps the first date
    assert book.get(agreement_id).printed_on == TODAY
