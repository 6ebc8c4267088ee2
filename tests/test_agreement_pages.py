"""The printed 委托照顾协议书 on paper: one A4 page for one or two supporters (the common
case), the signatures never apart from the closing clause and the term, every clause of
the village's template printed, in type an elderly signer reads."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from carecenter import clock
from carecenter.documents.agreement_book import Agreements, Terms
from carecenter.documents.agreement_pdf import agreement_pdf, load_template
from carecenter.register.people import Register
from carecenter.settings.preferences import COMMITTEE_ROLE, CONTACTS
from carecenter.settings.settings_store import VILLAGE, Settings
from carecenter.storage.database import Database
from carecenter.storage.models import helper, pairing
from tests.conftest import TODAY, elder, make_id

MM = 72 / 25.4
CHILDREN = [("张强", "儿子"), ("张丽", "女儿"), ("张伟", "儿子"), ("张芳", "女儿"),
            ("张军", "儿子")]


def _supporters(count: int) -> list[dict[str, Any]]:
    return [{"name": name, "relation": relation, "phone": f"1390000{i:04d}",
             "whereabouts": "广东省东莞市", "location_scope": "省外", "away_since": "2023-03-01"}
            for i, (name, relation) in enumerate(CHILDREN[:count], 1)]


def _add_helper(database: Database, person_id: int) -> None:
    now = clock.now()
    with database.transaction() as session:
        helper_id = session.execute(helper.insert().values(
            name="刘建国", role="村干部", phone="13700002222", active=True, created_at=now,
            updated_at=now).returning(helper.c.id)).scalar_one()
        session.execute(pairing.insert().values(
            person_id=person_id, helper_id=helper_id, rank=1,
            started_on=date(2026, 1, 1), created_at=now))


@pytest.fixture
def village(database: Database) -> Settings:
    """A village as a clerk sets it up: its name, and the cadres to call (with the
    elder's helper, three contacts on the agreement)."""
    settings = Settings(database)
    settings.set(VILLAGE, {"name": "白竹村", "committee": "白竹村民委员会",
                           "phone": "0739-1234567", "township": "荷田乡", "county": "隆回县"})
    settings.set(CONTACTS, [{"role": "村党支部书记", "name": "王书记", "phone": "13512345678"},
                            {"role": "村委会主任", "name": "李主任", "phone": "13612345678"}])
    return settings


def _agreement(register: Register, database: Database, supporters: int,
               role: str = "filing", template: dict[str, Any] | None = None) -> bytes:
    """The agreement as the clerk prints it for an elder with this many supporters."""
    Settings(database).set(COMMITTEE_ROLE, role)
    person_id = register.save(elder(address="白竹村四组11号",
                                    supporters=_supporters(supporters))).person_id
    _add_helper(database, person_id)
    book = Agreements(database, today=lambda: TODAY)
    book.draw_up(person_id, Terms("李四", "侄子", "13911112222", make_id("19800101", "011")),
                 template=template)
    current = book.current(person_id)
    assert current is not None and len(current.content["supporters"]) == supporters
    pdf = agreement_pdf(current.content)
    assert pdf is not None
    return pdf


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with the line breaks and spaces taken out."""
    return ["".join((page.extract_text() or "").split())
            for page in PdfReader(BytesIO(pdf)).pages]


def _clauses(template: dict[str, Any] | None = None) -> list[str]:
    template = template or load_template()
    return [str(t) for t in [*template["entrusted"], *template["clauses"]]]


@pytest.mark.parametrize("role", ["filing", "witness", "third_party"])
@pytest.mark.parametrize("supporters", [1, 2])
def test_an_agreement_with_one_or_two_supporters_is_one_page(
        register: Register, database: Database, village: Settings, supporters: int,
        role: str) -> None:
    pages = _pages(_agreement(register, database, supporters, role))
    assert len(pages) == 1
    text = pages[0]
    for clause in _clauses():  # nothing of the village's wording dropped to fit
        assert "".join(clause.split()) in text, clause
    for party in ("委托人(甲方)签字", "受托人(乙方)签字", "老人本人签字"):
        assert party in text, party
    assert "第1页共1页" in text


def test_five_supporters_flow_onto_a_second_page_signed_with_the_last_clauses(
        register: Register, database: Database, village: Settings) -> None:
    pages = _pages(_agreement(register, database, 5))
    assert len(pages) == 2
    first, last = pages
    assert all(name in first for name, _ in CHILDREN)  # who signs, whole on page 1
    # The signatures, the closing clause and the term before them are on the last page;
    # no line to sign is left behind on the first.
    for signed in ("委托人(甲方)签字", "受托人(乙方)签字", "老人本人签字", "村民委员会备案登记",
                   "本协议自签订之日起生效", "三、委托期限", "四、联系方式", "刘建国"):
        assert signed in last and signed not in first, signed
    for clause in _clauses():  # each one whole on one page, none cut in two
        assert any("".join(clause.split()) in page for page in pages), clause
    assert "第1页共2页" in first and "第2页共2页" in last
    assert "(续)被照顾老人:张桂兰" in last  # a loose page 2 says whose agreement it is


def test_a_village_s_longer_wording_flows_over_pages_and_still_signs_with_the_last_clauses(
        register: Register, database: Database, village: Settings) -> None:
    """A village that writes three times the clauses into its own template gets more
    pages, never a clause cut between two, nor a page of signatures alone."""
    template = load_template()
    template["clauses"] = [f"{clause}(第{n}稿)" for n in range(1, 4)
                           for clause in template["clauses"]]
    pages = _pages(_agreement(register, database, 2, "third_party", template))
    assert len(pages) >= 2 and all(pages)
    for clause in _clauses(template):
        assert any("".join(clause.split()) in page for page in pages), clause
    last = pages[-1]
    for signed in ("本协议自签订之日起生效", "三、委托期限", "丙方", "委托人(甲方)签字"):
        assert signed in last and all(signed not in page for page in pages[:-1]), signed
    assert f"共{len(pages)}页" in last


def test_the_agreement_is_printed_no_smaller_than_10_5_pt_inside_18_mm_margins(
        register: Register, database: Database, village: Settings) -> None:
    """The elderly read and sign it: every word of it (the page's number and running head
    aside) is at least 10.5 pt, and nothing is printed into the 18 mm margins."""
    pdf = _agreement(register, database, 2)
    found: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            found.append((text.strip(), size * tm[0], tm[4], tm[5]))

    for page in PdfReader(BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    width, height = 210 * MM, 297 * MM
    body = [f for f in found if 18 * MM <= f[3] <= height - 18 * MM]
    margins = "".join(f[0] for f in found if f not in body)
    assert "".join(margins.split()) == "第1页共1页"  # only the page's number is down there
    assert len(body) > 40
    for text, size, x, _ in body:
        assert size >= 10.5 - 1e-6, (text, size)
        assert 18 * MM - 0.5 <= x <= width - 18 * MM, text
