"""Assessments, visits, needs and special rounds: the care a person receives.

Every write is one transaction through ``Database.transaction``; bad input is refused
whole with a Chinese message naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import CursorResult, Insert, func, select
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.care import due_dates as duestore
from carecenter.care import duty_tally, visit_tally
from carecenter.care.care_records import (  # noqa: F401 (read from here too)
    CALLS,
    FLOOD_ROUND,
    FLOOD_RULE,
    IN_PERSON,
    NEED_KINDS,
    RECORD_KINDS,
    SHEET_KINDS,
    VISIT_KINDS,
    AssessmentInput,
    AssessmentRecord,
    ChangedSinceOpened,
    NeedInput,
    NeedRecord,
    RoundRecord,
    VisitInput,
    VisitRecord,
    review_date,
)
from carecenter.errors import FieldError, KnownError, NotFound, ValidationFailed
from carecenter.rules.kinds import combined
from carecenter.rules.risk import (
    ASPECTS,
    COLOUR_LABELS,
    COLOURS,
    FACTOR,
    FACTORS,
    LOWERING_REASONS,
    RANK,
    propose,
)
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.mapped import Person
from carecenter.storage.models import (
    ACTIVE,
    assessment,
    care_round,
    need,
    person,
    round_member,
    visit,
)


def _text(value: str | None, field_name: str, label: str, limit: int, errors: list[FieldError],
          row: int | None = None, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.append(FieldError(field_name, f"{_row(row)}请填写{label}", row))
    elif len(text) > limit:
        errors.append(FieldError(field_name, f"{_row(row)}{label}最多 {limit} 个字", row))
    return text


# What the audit log calls each table's records.
_ENTITIES = {"assessment": "assessment", "visit": "visit", "need": "need", "care_round": "round"}
# A kind as the clerk reads it in the log (入户走访, not "home"), as the corrections show it.
_SHOWN: dict[str, dict[str, Callable[[Any], str]]] = {
    "visit": {"kind": lambda code: RECORD_KINDS.get(code, code)},
    "need": {"kind": lambda code: NEED_KINDS.get(code, code)},
}


def _insert(session: Session, statement: Insert) -> int:
    """Insert one record; the audit log gets its values (issue 18)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult) and result.inserted_primary_key is not None
    new_id = int(result.inserted_primary_key[0])
    table = statement.table
    audit.created(session, table, new_id, _ENTITIES.get(table.name, table.name),
                  shown=_SHOWN.get(table.name))
    return new_id


def _row(row: int | None) -> str:
    return f"第 {row} 行:" if row is not None else ""


class CareBook:
    """Assessments, visits, needs and special rounds, one transaction per call."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today

    # -- assessments -----------------------------------------------------------------

    @retrying
    def assess(self, person_id: int, entry: AssessmentInput) -> AssessmentRecord:
        """Record an assessment; the person's colour becomes it if it is their latest."""
        errors: list[FieldError] = []
        assessor = _text(entry.assessor, "assessor", "评估人", 30, errors, required=True)
        on = entry.assessed_on
        if on is None:
            errors.append(FieldError("assessed_on", "请填写评估日期"))
        elif on > self.today():
            errors.append(FieldError("assessed_on", "评估日期不能在今天之后"))
        unknown = [code for code in entry.factors if code not in FACTOR]
        if unknown:
            errors.append(FieldError("factors", f"不认识的风险因素:{'、'.join(unknown)}"))
        factors = [f.code for f in FACTORS if f.code in entry.factors]
        proposal = propose(factors)
        colour = entry.colour or proposal.colour
        if colour not in COLOURS:
            errors.append(FieldError("colour", "风险等级只能是红色、黄色或绿色"))
        reason = _text(entry.reason, "reason", "理由", 500, errors)
        if colour in COLOURS and colour != proposal.colour and not reason:
            errors.append(FieldError(
                "reason",
                f"按所选因素应评为{COLOUR_LABELS[proposal.colour]},改评为"
                f"{COLOUR_LABELS[colour]}须写明理由",
            ))
        notes = {}
        for aspect in ASPECTS:
            notes[aspect.code] = _text(entry.notes.get(aspect.code), f"note_{aspect.code}",
                                       aspect.label + "说明", 500, errors)
        with self.database.transaction() as session:
            record = self._person(session, person_id)
            if record.status != ACTIVE:
                errors.append(FieldError("person", f"{record.name} 已退出登记册,不能再评估"))
            held: tuple[str, date] | None = None
            if on is not None and colour in COLOURS:
                held = self._check_hold(session, person_id, on, colour, entry.lowering,
                                        errors)
            if errors:
                raise ValidationFailed(errors)
            assert on is not None
            if held is not None:
                reason = LOWERING_REASONS[entry.lowering or ""] + (f":{reason}" if reason else "")
            new_id = _insert(session, assessment.insert().values(
                person_id=person_id, assessed_on=on, assessor=assessor, factors=factors,
                proposed=proposal.colour, colour=colour, reason=reason or None,
                note_self=notes["self"] or None, note_care=notes["care"] or None,
                note_carer=notes["carer"] or None, note_family=notes["family"] or None,
                created_at=clock.now(),
            ))
            if record.colour_on is None or on >= record.colour_on:
                keep = _hold_kept(held, record.held_colour, record.held_until, colour, on)
                session.execute(person.update().where(person.c.id == person_id).values(
                    colour=colour, colour_on=on, factors=factors,
                    held_colour=keep[0] if keep else None,
                    held_until=keep[1] if keep else None))
            duestore.refresh(session.connection(), [person_id], self.today())
        return AssessmentRecord(new_id, person_id, on, assessor, tuple(factors),
                                proposal.colour, colour, reason, notes)

    def _check_hold(self, session: Session, person_id: int, on: date, colour: str,
                    lowering: str | None, errors: list[FieldError]
                    ) -> tuple[str, date] | None:
        """Lowering a colour within its three months needs a reason from the declared
        list (seed 002: 持续不低于三个月的关爱服务); the higher colour's visits then go on
        until the three months are over: (that colour, the day they are over)."""
        previous = session.execute(
            select(assessment.c.colour, assessment.c.assessed_on)
            .where(assessment.c.person_id == person_id, assessment.c.assessed_on <= on)
            .order_by(assessment.c.assessed_on.desc(), assessment.c.id.desc()).limit(1)
        ).first()
        if previous is None:
            return None
        held_until = review_date(previous.assessed_on)
        if not (on < held_until and RANK[colour] > RANK[previous.colour]):
            return None
        if lowering not in LOWERING_REASONS:
            choices = "、".join(LOWERING_REASONS.values())
            errors.append(FieldError(
                "lowering",
                f"{COLOUR_LABELS[previous.colour]}自 {previous.assessed_on:%Y-%m-%d} 定级,"
                f"至少保持三个月(至 {held_until:%Y-%m-%d});提前调低为"
                f"{COLOUR_LABELS[colour]}须选择理由:{choices}",
            ))
            return None
        return previous.colour, held_until

    def assessments(self, person_id: int) -> list[AssessmentRecord]:
        """The person's assessments, latest first."""
        with self.database.session() as session:
            rows = session.execute(
                select(assessment).where(assessment.c.person_id == person_id)
                .order_by(assessment.c.assessed_on.desc(), assessment.c.id.desc())
            ).all()
        return [
            AssessmentRecord(
                r.id, r.person_id, r.assessed_on, r.assessor, tuple(r.factors), r.proposed,
                r.colour, r.reason or "",
                {"self": r.note_self or "", "care": r.note_care or "",
                 "carer": r.note_carer or "", "family": r.note_family or ""},
            )
            for r in rows
        ]

    # -- visits ----------------------------------------------------------------------

    def record_visit(self, entry: VisitInput) -> int:
        return self.record_visits([entry], numbered=False)[0]

    @retrying
    def record_visits(self, entries: Sequence[VisitInput], numbered: bool = True) -> list[int]:
        """Record visits (and the needs they raised) all at once, or none of them.

        ``numbered``: errors name the row (第 N 行), as for a paper sheet entered in a grid.
        """
        errors: list[FieldError] = []
        cleaned = []
        today = self.today()
        for index, entry in enumerate(entries, start=1):
            row = index if numbered else None
            if entry.visited_on is None:
                errors.append(FieldError("visited_on", f"{_row(row)}请填写走访日期", row))
            elif entry.visited_on > today:
                errors.append(FieldError("visited_on", f"{_row(row)}走访日期不能在今天之后", row))
            elif entry.visited_on.year < 2000:
                errors.append(FieldError("visited_on", f"{_row(row)}走访日期不对", row))
            if entry.kind not in RECORD_KINDS:
                errors.append(FieldError("kind", f"{_row(row)}请选择走访方式", row))
            visitor = _text(entry.visitor, "visitor", "走访人", 30, errors, row, required=True)
            found = _text(entry.found, "found", "走访情况", 500, errors, row)
            needs = []
            for need_entry in entry.needs:
                if need_entry.kind not in NEED_KINDS:
                    errors.append(FieldError("need_kind", f"{_row(row)}请选择需求类别", row))
                text = _text(need_entry.description, "need", "需求说明", 300, errors, row,
                             required=True)
                needs.append((need_entry, text))
            cleaned.append((row, entry, visitor, found, needs))
        if errors:
            raise ValidationFailed(errors)
        ids = []
        written: list[duty_tally.Visit] = []
        now = clock.now()
        with self.database.transaction() as session:
            for row, entry, visitor, found, needs in cleaned:
                record = self._person(session, entry.person_id, row)
                if record.status != ACTIVE and entry.visited_on and record.exit_date and \
                        entry.visited_on > record.exit_date:
                    errors.append(FieldError(
                        "person", f"{_row(row)}{record.name} 已于 {record.exit_date:%Y-%m-%d}"
                        "退出登记册,之后的走访不能登记", row))
                    continue
                if numbered and _already_recorded(session, entry, visitor):
                    # A paper sheet's row entered meanwhile elsewhere (another window, the
                    # same sheet twice) is refused rather than recorded twice (issue 15);
                    # one visit recorded on its own is always a new one.
                    errors.append(FieldError(
                        "person", f"{_row(row)}{record.name} {entry.visited_on:%Y-%m-%d} 由"
                        f"{visitor}的{VISIT_KINDS.get(entry.kind, entry.kind)}已经登记过"
                        "(可能已在别处录入),请删去这一行", row))
                    continue
                visit_id = _insert(session, visit.insert().values(
                    person_id=entry.person_id, visited_on=entry.visited_on, kind=entry.kind,
                    visitor=visitor, helper_id=entry.helper_id, found=found or None,
                    round_id=entry.round_id, created_at=now,
                ))
                ids.append(visit_id)
                assert entry.visited_on is not None  # checked above
                written.append((entry.person_id, entry.kind, entry.visited_on,
                                entry.helper_id, visitor))
                for need_entry, text in needs:
                    _insert(session, need.insert().values(
                        person_id=entry.person_id, kind=need_entry.kind,
                        raised_on=need_entry.raised_on or entry.visited_on,
                        raised_by=(need_entry.raised_by or visitor)[:30], description=text,
                        visit_id=visit_id, created_at=now, updated_at=now,
                    ))
            if errors:
                raise ValidationFailed(errors)  # rolls the whole sheet back
            duestore.refresh(session.connection(), [e.person_id for e in entries], today)
            visit_tally.added(session.connection(), [
                (e.person_id, visit_tally.month_of(e.visited_on)) for e in entries
                if e.visited_on is not None and e.kind in IN_PERSON])
            duty_tally.added(session.connection(), written)
        return ids

    def record_kinds(self, person_id: int) -> dict[str, str]:
        """What a record of this person may be: the visits, then what the person's
        kinds bring (a child's 监护人联系交流)."""
        with self.database.session() as session:
            row = session.execute(select(person.c.kind, person.c.kinds)
                                  .where(person.c.id == person_id)).first()
        if row is None:
            return dict(VISIT_KINDS)
        return {**VISIT_KINDS, **combined(row.kinds, row.kind).records}

    def visits(self, person_id: int, limit: int | None = None) -> list[VisitRecord]:
        """The person's visits, latest first."""
        query = (select(visit).where(visit.c.person_id == person_id)
                 .order_by(visit.c.visited_on.desc(), visit.c.id.desc()))
        if limit:
            query = query.limit(limit)
        with self.database.session() as session:
            rows = session.execute(query).all()
        return [VisitRecord(r.id, r.person_id, r.visited_on, r.kind, r.visitor, r.found or "",
                            r.round_id) for r in rows]

    def last_visitor(self) -> str:
        """Who entered the latest visit: the default for the next one."""
        with self.database.session() as session:
            return session.execute(
                select(visit.c.visitor).order_by(visit.c.id.desc()).limit(1)
            ).scalar() or ""

    # -- needs (需求台账) --------------------------------------------------------------

    @retrying
    def raise_need(self, person_id: int, entry: NeedInput) -> int:
        errors: list[FieldError] = []
        if entry.kind not in NEED_KINDS:
            errors.append(FieldError("kind", "请选择需求类别"))
        text = _text(entry.description, "description", "需求说明", 300, errors, required=True)
        raised_by = _text(entry.raised_by, "raised_by", "提出人", 30, errors, required=True)
        raised_on = entry.raised_on or self.today()
        if raised_on > self.today():
            errors.append(FieldError("raised_on", "提出日期不能在今天之后"))
        if errors:
            raise ValidationFailed(errors)
        now = clock.now()
        with self.database.transaction() as session:
            self._person(session, person_id)
            return int(_insert(session, need.insert().values(
                person_id=person_id, kind=entry.kind, raised_on=raised_on, raised_by=raised_by,
                description=text, created_at=now, updated_at=now,
            )))

    @retrying
    def handle_need(self, need_id: int, handling: str, seen: str | None = None) -> None:
        """Write down what is being done about a need (it stays open). ``seen``: the
        办理情况 the clerk's dialog opened with; refused when someone saved another
        since (issue 22: never overwritten silently)."""
        errors: list[FieldError] = []
        text = _text(handling, "handling", "办理情况", 500, errors, required=True)
        if errors:
            raise ValidationFailed(errors)
        with self.database.transaction() as session:
            row = self._need(session, need_id, lock=True)
            now = row.handling or ""
            if seen is not None and now.strip() != seen.strip():
                raise ChangedSinceOpened("需求", [("办理情况", seen, now)], now)
            with audit.watch(session, need, need_id, "need"):
                session.execute(need.update().where(need.c.id == need_id).values(
                    handling=text, updated_at=clock.now()))

    @retrying
    def resolve_need(self, need_id: int, resolved_on: date, resolution: str) -> None:
        errors: list[FieldError] = []
        text = _text(resolution, "resolution", "解决情况", 500, errors, required=True)
        if resolved_on > self.today():
            errors.append(FieldError("resolved_on", "解决日期不能在今天之后"))
        with self.database.transaction() as session:
            row = self._need(session, need_id)
            if row.resolved_on is not None:
                raise KnownError(f"该需求已于 {row.resolved_on:%Y-%m-%d} 解决")
            if resolved_on < row.raised_on:
                errors.append(FieldError(
                    "resolved_on", f"解决日期不能早于提出日期 {row.raised_on:%Y-%m-%d}"))
            if errors:
                raise ValidationFailed(errors)
            with audit.watch(session, need, need_id, "need", summary="需求办结"):
                session.execute(need.update().where(need.c.id == need_id).values(
                    resolved_on=resolved_on, resolution=text, updated_at=clock.now()))

    def needs(self, open_only: bool | None = True, person_id: int | None = None,
              limit: int | None = None) -> list[NeedRecord]:
        """The needs ledger: open (True), resolved (False) or all (None); oldest first."""
        query = (select(need, person.c.name.label("person_name"))
                 .join(person, person.c.id == need.c.person_id)
                 .order_by(need.c.raised_on, need.c.id))
        if open_only is True:
            query = query.where(need.c.resolved_on.is_(None), person.c.status == ACTIVE)
        elif open_only is False:
            query = query.where(need.c.resolved_on.is_not(None))
        if person_id is not None:
            query = query.where(need.c.person_id == person_id)
        if limit:
            query = query.limit(limit)
        with self.database.session() as session:
            rows = session.execute(query).all()
        return [NeedRecord(r.id, r.person_id, r.person_name or "", r.kind, r.raised_on,
                           r.raised_by, r.description, r.handling or "", r.resolved_on,
                           r.resolution or "") for r in rows]

    # -- special rounds (专项走访) -------------------------------------------------------

    @retrying
    def declare_round(self, name: str, starts_on: date, ends_on: date,
                      person_ids: Sequence[int], note: str = "") -> int:
        errors: list[FieldError] = []
        title = _text(name, "name", "专项走访名称", 60, errors, required=True)
        if ends_on < starts_on:
            errors.append(FieldError("ends_on", "结束日期不能早于开始日期"))
        if not person_ids:
            errors.append(FieldError("persons", "请选择要走访的人员"))
        if errors:
            raise ValidationFailed(errors)
        with self.database.transaction() as session:
            round_id = int(_insert(session, care_round.insert().values(
                name=title, starts_on=starts_on, ends_on=ends_on, note=note.strip() or None,
                created_at=clock.now(),
            )))
            members = list(dict.fromkeys(person_ids))
            session.execute(round_member.insert(), [
                {"round_id": round_id, "person_id": pid} for pid in members])
            audit.record(session, "updated", "round", round_id, summary=f"{title}:纳入人员",
                         count=len(members))
        return round_id

    def start_flood_round(self, starts_on: date, ends_on: date) -> int:
        """The flood-season check (seed 001): a special round of everyone on the register
        whose file marks a housing risk (危房, 地质灾害隐患点, 洪涝易发区)."""
        with self.database.session() as session:
            ids = session.execute(
                select(person.c.id).where(person.c.status == ACTIVE,
                                          person.c.housing_risks.is_not(None))
                .order_by(person.c.id)).scalars().all()
        if not ids:
            raise KnownError("登记册上没有标记住房安全隐患(危房、地质灾害隐患点、洪涝易发区)"
                             "的在册人员,无需开展汛期安全排查")
        return self.declare_round(f"{FLOOD_ROUND}({starts_on.year}年)", starts_on, ends_on,
                                  ids, FLOOD_RULE)

    def rounds(self, open_on: date | None = None) -> list[RoundRecord]:
        """Special rounds (those not yet ended on ``open_on``, if given), with progress."""
        visited = (
            select(func.count(func.distinct(round_member.c.person_id)))
            .select_from(round_member.join(visit, visit.c.person_id == round_member.c.person_id))
            .where(round_member.c.round_id == care_round.c.id,
                   visit.c.kind.in_(IN_PERSON),
                   visit.c.visited_on >= care_round.c.starts_on)  # late visits count too
            .scalar_subquery()
        )
        members = (select(func.count()).select_from(round_member)
                   .where(round_member.c.round_id == care_round.c.id).scalar_subquery())
        query = select(care_round, members.label("members"), visited.label("visited")) \
            .order_by(care_round.c.starts_on.desc())
        with self.database.session() as session:
            rows = session.execute(query).all()
        out = [RoundRecord(r.id, r.name, r.starts_on, r.ends_on, r.note or "", r.members,
                           r.visited) for r in rows]
        if open_on is not None:
            out = [r for r in out if r.remaining > 0 or r.ends_on >= open_on]
        return out

    # -- helpers ---------------------------------------------------------------------

    def _person(self, session: Session, person_id: int, row: int | None = None) -> Person:
        record = session.get(Person, person_id)
        if record is None:
            raise NotFound(f"{_row(row)}档案号 {person_id} 不在登记册上")
        return record

    def _need(self, session: Session, need_id: int, lock: bool = False) -> Any:
        query = select(need).where(need.c.id == need_id)
        row = session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound(f"需求 {need_id} 不存在")
        return row


def _hold_kept(new: tuple[str, date] | None, held_colour: str | None,
               held_until: date | None, colour: str, on: date) -> tuple[str, date] | None:
    """The hold a person keeps after an assessment on ``on`` gives ``colour``.

    A colour lowered within its three months: the higher one's visits go on until then
    (seed 002: 持续不低于三个月的关爱服务). Lowered again while a higher colour is still
    held (red, then yellow, then green within red's three months), red's hold stands: it
    is the higher care the seed keeps. A hold still running for a colour above the new
    one stands too; one over by ``on`` is kept as it was, harmless to the days after it
    (``CareFacts.colour_on_day``), so the figures of the quarters it covered come out the
    same when worked out again after a later assessment."""
    if held_colour is None or held_until is None:
        return new
    if on < held_until:  # running
        if RANK[held_colour] < RANK[colour] and (new is None or RANK[held_colour] < RANK[new[0]]):
            return held_colour, held_until
        return new
    return new or (held_colour, held_until)


def _already_recorded(session: Session, entry: VisitInput, visitor: str | None) -> bool:
    """The same visit (person, day, kind, visitor) is on the register already."""
    return session.execute(
        select(visit.c.id).where(visit.c.person_id == entry.person_id,
                                 visit.c.visited_on == entry.visited_on,
                                 visit.c.kind == entry.kind,
                                 visit.c.visitor == visitor).limit(1)).first() is not None
