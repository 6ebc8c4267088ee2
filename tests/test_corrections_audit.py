"""Corrections in the audit log and between operators (issues 18, 20, 22): each kind of
correction logs each changed field old → new under the operator's name; a record taken
back keeps every value in the log; a correction over what another operator saved
meanwhile is refused with 已被他人修改; a correction the server refused for another
writer's sake runs again and lands once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from carecenter.access import audit
from carecenter.care.care_book import AssessmentInput, CareBook, NeedInput, VisitInput
from carecenter.care.corrections import (
    ChangedSinceOpened,
    Corrections,
    NeedChange,
    VisitChange,
)
from carecenter.errors import NotFound
from carecenter.register.people import Register
from carecenter.storage.backends import Conflict
from carecenter.storage.database import Database
from carecenter.storage.models import person_event
from tests.conftest import as_role, elder

# On the server pass too: corrections are where two offices meet (issue 22).
pytestmark = pytest.mark.backends


@pytest.fixture
def one(database: Database) -> tuple[CareBook, Corrections, int, int]:
    pid = Register(database).save(elder(registered_on="2026-01-05")).person_id
    care = CareBook(database)
    visit_id = care.record_visit(VisitInput(pid, date(2026, 11, 2), "home", "王网格员", "很好",
                                            needs=[NeedInput("daily_care", "需要挑水")]))
    care.assess(pid, AssessmentInput(date(2026, 11, 2), "刘主任", [],
                                     notes={"self": "腿脚不便", "family": "儿子在外"}))
    as_role(database, "clerk")  # the corrections are the clerk's
    return care, Corrections(database), pid, visit_id


def latest(database: Database, entity: str) -> audit.Entry:
    return audit.entries(database, audit.Filter(entity=entity, limit=1))[0]


def changes(entry: audit.Entry) -> dict[str, tuple[str, str]]:
    return {label: (old, new) for label, old, new in entry.changes}


def history_count(database: Database, pid: int) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(person_event).where(
            person_event.c.person_id == pid)).scalar_one()


def test_each_correction_is_logged_old_and_new_under_the_clerks_name(
        database: Database, one: tuple[CareBook, Corrections, int, int]) -> None:
    care, fixes, pid, visit_id = one
    long_note = "老人说最近睡得不好," * 6  # longer than the history's 30 characters
    fixes.edit_visit(visit_id, VisitChange(date(2026, 11, 20), "phone", "李协理员", long_note))
    entry = latest(database, "visit")
    assert (entry.operator, entry.action, entry.record_id, entry.person_id) == (
        "经办人甲", "updated", visit_id, pid)
    assert changes(entry) == {"走访日期": ("2026-11-02", "2026-11-20"),
                              "类别": ("入户走访", "电话问候"),
                              "走访人": ("王网格员", "李协理员"),
                              "走访情况": ("很好", long_note.strip())}  # whole, not cut

    need_id = care.needs(person_id=pid)[0].id
    fixes.edit_need(need_id, NeedChange("daily_care", "需要人帮忙挑水", "已联系邻居"))
    entry = latest(database, "need")
    assert (entry.operator, entry.action, entry.record_id) == ("经办人甲", "updated", need_id)
    assert changes(entry) == {"需求说明": ("需要挑水", "需要人帮忙挑水"),
                              "办理情况": ("", "已联系邻居")}

    assessment = care.assessments(pid)[0]
    fixes.edit_assessment_notes(assessment.id, {"self": "腿脚灵便", "family": "儿子在外"})
    entry = latest(database, "assessment")
    assert (entry.operator, entry.action, entry.record_id) == (
        "经办人甲", "updated", assessment.id)
    assert changes(entry) == {"自身状况说明": ("腿脚不便", "腿脚灵便")}


def test_a_record_taken_back_keeps_every_value_in_the_log_and_in_the_kept_records(
        database: Database, one: tuple[CareBook, Corrections, int, int]) -> None:
    care, fixes, pid, visit_id = one
    fixes.remove_visit(visit_id, "录错了人")
    entry = latest(database, "visit")
    assert (entry.operator, entry.action_label, entry.record_id, entry.person_id) == (
        "经办人甲", "作废", visit_id, pid)
    assert "录错了人" in entry.summary
    assert {"走访日期": ("2026-11-02", ""), "类别": ("入户走访", ""), "走访人": ("王网格员", ""),
            "走访情况": ("很好", "")}.items() <= changes(entry).items()
    kind, kept, reason, _at = fixes.removed(pid)[0]
    assert (kind, kept["visitor"], kept["found"], reason) == (
        "visit", "王网格员", "很好", "录错了人")

    need = care.needs(person_id=pid)[0]
    fixes.remove_need(need.id, "重复登记")
    entry = latest(database, "need")
    assert (entry.action, entry.record_id) == ("removed", need.id)
    assert changes(entry)["需求说明"] == ("需要挑水", "") and "重复登记" in entry.summary
    # The person's 变更记录 (the log by person) has both, after the edits' log entries.
    assert [e.action for e in audit.entries(database, audit.Filter(person_id=pid))][:2] == [
        "removed", "removed"]


def test_a_visit_corrected_meanwhile_by_another_operator_is_refused_not_overwritten(
        database: Database, one: tuple[CareBook, Corrections, int, int]) -> None:
    care, fixes, pid, visit_id = one
    seen = care.visits(pid)[0]  # both operators open the same visit
    fixes.edit_visit(visit_id, VisitChange(seen.visited_on, "home", "李协理员", "很好"),
                     seen=seen)
    logged, events = len(audit.entries(database)), history_count(database, pid)
    with pytest.raises(ChangedSinceOpened, match="已被他人修改") as refused:
        fixes.edit_visit(visit_id, VisitChange(seen.visited_on, "home", "王网格员", "腿疼"),
                         seen=seen)
    assert "走访人:王网格员 → 李协理员" in refused.value.message
    assert care.visits(pid)[0].visitor == "李协理员" and care.visits(pid)[0].found == "很好"
    assert len(audit.entries(database)) == logged and history_count(database, pid) == events
    assert refused.value.current == care.visits(pid)[0]  # as it is now
    # Taken back over the other's correction: refused too, and nothing is kept aside.
    with pytest.raises(ChangedSinceOpened, match="已被他人修改"):
        fixes.remove_visit(visit_id, "录错了", seen=seen)
    assert fixes.removed(pid) == []
    # Seen again as it is now, the clerk's correction goes through.
    assert fixes.edit_visit(visit_id, VisitChange(seen.visited_on, "home", "李协理员", "腿疼"),
                            seen=refused.value.current)
    assert care.visits(pid)[0].found == "腿疼"


def test_needs_and_notes_corrected_meanwhile_are_refused_and_a_removed_one_is_not_found(
        database: Database, one: tuple[CareBook, Corrections, int, int]) -> None:
    care, fixes, pid, visit_id = one
    need = care.needs(person_id=pid)[0]
    care.handle_need(need.id, "村里安排人挑水")  # in the needs window, meanwhile
    with pytest.raises(ChangedSinceOpened, match="办理情况:\\(空\\) → 村里安排人挑水"):
        fixes.edit_need(need.id, NeedChange("daily_care", "需要人帮忙挑水", ""), seen=need)
    assert care.needs(person_id=pid)[0].handling == "村里安排人挑水"
    with pytest.raises(ChangedSinceOpened):
        fixes.remove_need(need.id, "重复登记", seen=need)

    notes = care.assessments(pid)[0]
    fixes.edit_assessment_notes(notes.id, {"self": "能自己做饭", "family": "儿子在外"},
                                seen=notes)
    with pytest.raises(ChangedSinceOpened, match="自身情况:腿脚不便 → 能自己做饭"):
        fixes.edit_assessment_notes(notes.id, {"self": "腿脚不便", "family": "儿子回来了"},
                                    seen=notes)
    assert care.assessments(pid)[0].notes == {"self": "能自己做饭", "care": "", "carer": "",
                                              "family": "儿子在外"}

    visit = care.visits(pid)[0]
    fixes.remove_visit(visit_id, "录错了人", seen=visit)
    with pytest.raises(NotFound, match="可能已被作废"):
        fixes.edit_visit(visit_id, VisitChange(visit.visited_on, "home", "李协理员"),
                         seen=visit)


def _refused_once(monkeypatch: pytest.MonkeyPatch, target: str) -> list[int]:
    """``target`` raises the server's serialization failure the first time it is called
    (inside the write's transaction), then works: what ``retrying`` is for."""
    module, name = target.rsplit(".", 1)
    real = getattr(__import__(module, fromlist=[name]), name)
    calls: list[int] = []

    def refused_first(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise Conflict("保存时另一位操作员正在修改同一条记录")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, refused_first)
    return calls


def test_a_correction_the_server_refused_for_another_writer_runs_again_and_lands_once(
        database: Database, one: tuple[CareBook, Corrections, int, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    care, fixes, pid, visit_id = one
    seen = care.visits(pid)[0]
    events, logged = history_count(database, pid), len(audit.entries(database))
    calls = _refused_once(monkeypatch, "carecenter.care.due_dates.refresh")
    assert fixes.edit_visit(visit_id, VisitChange(date(2026, 11, 20), "home", "李协理员"),
                            seen=seen)
    assert len(calls) == 2  # refused, then run again whole (its own check included)
    assert history_count(database, pid) == events + 1
    assert len(audit.entries(database)) == logged + 1
    assert care.visits(pid)[0].visitor == "李协理员"

    monkeypatch.undo()
    calls = _refused_once(monkeypatch, "carecenter.access.audit.removed")
    fixes.remove_visit(visit_id, "录错了人", seen=care.visits(pid)[0])
    assert len(calls) == 2 and len(fixes.removed(pid)) == 1 and care.visits(pid) == []


def test_leaving_a_kind_reads_and_writes_in_one_transaction_run_again_when_refused(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    register = Register(database)
    draft = elder()
    draft.kinds = ["elder", "tekun"]
    draft.values.update({"tekun_since": "2020-01-01", "tekun_cert": "特2020-01"})
    pid = register.save(draft).person_id
    logged = len(audit.entries(database, audit.Filter(person_id=pid)))
    calls = _refused_once(monkeypatch, "carecenter.care.due_dates.refresh")
    assert not register.leave_kind(pid, "tekun", date(2026, 11, 23))
    assert len(calls) == 2
    file = register.load(pid)
    assert file.kinds == ("elder",) and file.status == "active"
    assert len(audit.entries(database, audit.Filter(person_id=pid))) == logged + 1


def test_a_new_visit_and_need_are_logged_with_their_kinds_in_words(
        database: Database, one: tuple[CareBook, Corrections, int, int]) -> None:
    """The log reads 类别 入户走访 / 日常照料, never the stored code (home, daily_care)."""
    visit = changes(latest(database, "visit"))
    need = changes(latest(database, "need"))
    assert visit["类别"] == ("", "入户走访")
    assert need["类别"][0] == "" and need["类别"][1] not in ("", "daily_care")
