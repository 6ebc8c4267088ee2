"""更正与作废 (carecenter.care.corrections): each correction in one transaction, the
history old → new, a record taken back kept whole with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from carecenter.care.care_book import AssessmentInput, CareBook, NeedInput, VisitInput
from carecenter.care.corrections import Corrections, NeedChange, VisitChange
from carecenter.errors import NotFound, ValidationFailed
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder

# On the server pass too: corrections are where two offices meet (issue 22).
pytestmark = pytest.mark.backends


@pytest.fixture
def one(database: Database) -> tuple[Register, CareBook, int, int]:
    register = Register(database)
    pid = register.save(elder(registered_on="2026-01-05")).person_id
    care = CareBook(database)
    visit_id = care.record_visit(VisitInput(pid, date(2026, 11, 2), "home", "王网格员", "很好",
                                            needs=[NeedInput("daily_care", "需要挑水")]))
    return register, care, pid, visit_id


def test_a_corrected_visit_says_old_and_new_and_moves_the_due_date(
        database: Database, one: tuple[Register, CareBook, int, int]) -> None:
    register, care, pid, visit_id = one
    fixes = Corrections(database)
    assert fixes.edit_visit(visit_id, VisitChange(date(2026, 11, 20), "home", "李协理员", "很好"))
    event = register.load(pid).events[-1]
    assert event[1] == "visit_edited"
    assert event[3] == ("2026-11-02的走访:日期:2026-11-02 → 2026-11-20、"
                        "走访人:王网格员 → 李协理员")
    assert care.visits(pid)[0].visited_on == date(2026, 11, 20)
    # nothing differs: nothing written
    assert not fixes.edit_visit(visit_id, VisitChange(date(2026, 11, 20), "home", "李协理员",
                                                      "很好"))
    with pytest.raises(ValidationFailed, match="走访人"):
        fixes.edit_visit(visit_id, VisitChange(date(2026, 11, 20), "home", "  "))
    with pytest.raises(ValidationFailed, match="今天之后"):
        fixes.edit_visit(visit_id, VisitChange(date(2027, 1, 1), "home", "李协理员"))


def test_a_visit_taken_back_needs_a_reason_and_is_kept_with_it(
        database: Database, one: tuple[Register, CareBook, int, int]) -> None:
    register, care, pid, visit_id = one
    fixes = Corrections(database)
    with pytest.raises(ValidationFailed, match="原因"):
        fixes.remove_visit(visit_id, "  ")
    fixes.remove_visit(visit_id, "录错了人")
    assert care.visits(pid) == []
    assert [n.description for n in care.needs(person_id=pid)] == ["需要挑水"]  # stays
    kind, record, reason, _at = fixes.removed(pid)[0]
    assert (kind, record["visitor"], record["visited_on"], reason) == (
        "visit", "王网格员", "2026-11-02", "录错了人")
    assert "录错了人" in register.load(pid).events[-1][3]
    with pytest.raises(NotFound):
        fixes.remove_visit(visit_id, "再来一次")


def test_a_correction_that_fails_half_way_leaves_everything_as_it_was(
        database: Database, one: tuple[Register, CareBook, int, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    register, care, pid, visit_id = one
    fixes = Corrections(database)
    events = len(register.load(pid).events)

    def power_cut(*args: object, **kwargs: object) -> None:
        raise RuntimeError("断电")

    monkeypatch.setattr("carecenter.care.due_dates.refresh", power_cut)
    with pytest.raises(RuntimeError):
        fixes.remove_visit(visit_id, "录错了人")
    with pytest.raises(RuntimeError):
        fixes.edit_visit(visit_id, VisitChange(date(2026, 11, 20), "home", "李协理员"))
    assert care.visits(pid)[0].visitor == "王网格员"
    assert len(register.load(pid).events) == events and fixes.removed(pid) == []


def test_needs_and_assessment_notes_are_corrected_with_the_history(
        database: Database, one: tuple[Register, CareBook, int, int]) -> None:
    register, care, pid, _visit_id = one
    fixes = Corrections(database)
    need = care.needs(person_id=pid)[0]
    assert fixes.edit_need(need.id, NeedChange("daily_care", "需要人帮忙挑水", "已联系邻居"))
    assert "需求说明:需要挑水 → 需要人帮忙挑水" in register.load(pid).events[-1][3]
    care.assess(pid, AssessmentInput(date(2026, 11, 2), "刘主任", [],
                                     notes={"self": "腿脚不便"}))
    record = care.assessments(pid)[0]
    assert fixes.edit_assessment_notes(record.id, {"self": "腿脚灵便", "family": "儿子常来电话"})
    assert care.assessments(pid)[0].notes["self"] == "腿脚灵便"
    assert "自身情况:腿脚不便 → 腿脚灵便" in register.load(pid).events[-1][3]
    fixes.remove_need(need.id, "重复登记")
    assert care.needs(person_id=pid) == []
    assert fixes.removed(pid)[0][0] == "need"
