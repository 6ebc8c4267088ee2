"""A child's 16th birthday on the work list (issue 21): one item, 到龄退出, and none of
the child's duties falling due from that day on, on fixed dates."""

from __future__ import annotations

from datetime import date

from carecenter import clock
from carecenter.overview.work_list import build
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder
from tests.test_kind_child import child


def mine(database: Database, pid: int) -> list[tuple[str, str, date | None]]:
    """The person's items, less 帮扶人履职: that one is about the helper (seed 001's calls
    and visits of the month), naming the person only as an example."""
    return [(i.section, i.what, i.due) for i in build(database, clock.today()).items
            if i.person_id == pid and i.section != "helper"]


def paired(database: Database, pid: int) -> None:
    """The child has a teacher as helper (not 未结对)."""
    helper = HelperBook(database).add(HelperDraft("周老师", "教师", phone="13900007777"))
    PairingBook(database, clock.today).pair(pid, helper)


def test_on_the_sixteenth_birthday_the_child_is_one_item_to_leave(database: Database) -> None:
    register = Register(database)
    with clock.at("2026-11-02"):  # a Monday, five weeks before the birthday
        pid = register.save(child(birth="20101205")).person_id
        paired(database, pid)
        # someone who no longer qualifies, for the section to have something to show
        other = register.save(elder(supporters=[{
            "name": "张强", "relation": "儿子", "location_scope": "本县内"}])).person_id
    with clock.at("2026-12-05"):
        items = mine(database, pid)
        work = build(database, clock.today())
        assert [i.person_id for i in work.section("not_qualifying")] == [other]
        assert work.counts()["not_qualifying"] == 1
    assert items == [("age_out", "农村留守儿童", date(2026, 12, 5))]


def test_no_duty_of_the_child_falls_due_from_the_sixteenth_birthday(
        database: Database) -> None:
    register = Register(database)
    with clock.at("2026-11-02"):
        pid = register.save(child(birth="20101205")).person_id
        paired(database, pid)
    with clock.at("2026-11-20"):  # a child: the weeks' contacts and the month's visit
        before = mine(database, pid)
    assert ("overdue", "监护人联系", date(2026, 11, 8)) in before
    assert ("month", "入户走访", date(2026, 11, 30)) in before
    with clock.at("2026-12-04"):  # the last day as a child
        last_day = mine(database, pid)
    # owed before the birthday still shows; none of the child's falls due on or after it
    duties = [(what, due) for section, what, due in last_day
              if section in ("overdue", "week", "month")]
    assert ("监护人联系", date(2026, 11, 8)) in duties
    assert all(due is not None and due < date(2026, 12, 5) for _, due in duties), duties
    for day in ("2026-12-05", "2026-12-06", "2027-01-15"):
        with clock.at(day):  # not yet taken off: still only the proposal to leave
            assert [s for s, _, _ in mine(database, pid)] == ["age_out"], day


def test_a_child_who_is_also_tekun_keeps_the_tekun_duties_after_sixteen(
        database: Database) -> None:
    register = Register(database)
    draft = child(birth="20101205", tekun_since="2020-01-01", tekun_cert="特2020-01")
    draft.kinds = ["child", "tekun"]
    with clock.at("2026-11-02"):
        pid = register.save(draft).person_id
    with clock.at("2026-12-07"):
        whats = {what for _, what, _ in mine(database, pid)}
    assert "农村留守儿童" in whats  # to leave the child kind
    assert not whats & {"监护人联系", "入户走访"}
    assert "服务送达" in whats  # the quarter's 特困 service goes on
