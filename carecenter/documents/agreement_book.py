"""委托照顾协议 as records: drawn up from the file and the village's template, then
printed, signed and filed (备案), each with its date; ended or superseded, never deleted.

The printed content is stored with the record (JSON), so a re-print shows exactly what
was signed even after the template or the file changed. Coverage and warnings feed the
work list and the quarterly figures (DOMAIN.md "Reporting": agreement coverage).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.rules import idnumber
from carecenter.rules.fields import Field, FieldType, Section
from carecenter.settings.settings_store import Settings
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, agreement, person, supporter

DRAWN, PRINTED, SIGNED, FILED = "drawn", "printed", "signed", "filed"
STATE_LABELS = {DRAWN: "已起草", PRINTED: "已打印", SIGNED: "已签订", FILED: "已备案"}
NOT_DRAWN = "未起草"
COVERED = frozenset({SIGNED, FILED})
WARN_DAYS = 30  # warn this many days before the term ends

_PHONE = Field("trustee_phone", "受托人电话", FieldType.PHONE, Section("agreement", "协议"))


@dataclass
class Terms:
    """What the clerk fills in to draw up an agreement."""

    trustee_name: str
    trustee_relation: str = ""
    trustee_phone: str = ""
    trustee_id_number: str = ""
    starts_on: date | None = None
    ends_on: date | None = None  # None: until the supporters come back


@dataclass(frozen=True)
class Agreement:
    id: int
    person_id: int
    trustee_name: str
    trustee_relation: str
    trustee_phone: str
    trustee_id_number: str
    supporter_names: list[str]
    starts_on: date
    ends_on: date | None
    state: str
    printed_on: date | None
    signed_on: date | None
    filed_on: date | None
    ended_on: date | None
    drawn_on: date
    content: dict[str, Any]

    @property
    def state_label(self) -> str:
        return "已终止" if self.ended_on else STATE_LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class Coverage:
    active: int
    covered: int  # with a current agreement signed or filed

    @property
    def share(self) -> float:
        return self.covered / self.active if self.active else 0.0


@dataclass(frozen=True)
class Warning:
    person_id: int
    agreement_id: int
    kind: str  # "ending", "ended", "supporters_changed"
    message: str


def _drawn_on(r: Any) -> date:
    """The date the agreement was drawn up (as printed), else when it was stored."""
    drawn = json.loads(r.content or "{}").get("drawn_on")
    return date.fromisoformat(drawn) if drawn else r.created_at.date()


def _row(r: Any) -> Agreement:
    return Agreement(
        id=r.id, person_id=r.person_id, trustee_name=r.trustee_name,
        trustee_relation=r.trustee_relation or "", trustee_phone=r.trustee_phone or "",
        trustee_id_number=r.trustee_id_number or "",
        supporter_names=json.loads(r.supporter_names or "[]"),
        starts_on=r.starts_on, ends_on=r.ends_on, state=r.state, printed_on=r.printed_on,
        signed_on=r.signed_on, filed_on=r.filed_on, ended_on=r.ended_on,
        drawn_on=_drawn_on(r), content=json.loads(r.content or "{}"),
    )


class Agreements:
    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today

    # -- drawing up ------------------------------------------------------------------

    def clean(self, terms: Terms) -> Terms:
        errors: list[FieldError] = []
        name = " ".join(terms.trustee_name.split())
        if not name:
            errors.append(FieldError("trustee_name", "受托人姓名不能为空"))
        elif len(name) > 30:
            errors.append(FieldError("trustee_name", "受托人姓名太长:最多 30 个字"))
        phone = ""
        try:
            phone = _PHONE.clean(terms.trustee_phone) or ""
        except FieldError as e:
            errors.append(e)
        number = ""
        if idnumber.normalise(terms.trustee_id_number):
            try:
                number = idnumber.parse(terms.trustee_id_number,
                                        field="trustee_id_number").number
            except FieldError as e:
                errors.append(FieldError("trustee_id_number", f"受托人{e.message}"))
        starts = terms.starts_on or self.today()
        if terms.ends_on is not None and terms.ends_on <= starts:
            errors.append(FieldError(
                "ends_on", f"协议终止日期 {terms.ends_on:%Y-%m-%d} 应在开始日期 "
                           f"{starts:%Y-%m-%d} 之后"))
        if errors:
            raise ValidationFailed(errors)
        return Terms(name, terms.trustee_relation.strip()[:20], phone, number, starts,
                     terms.ends_on)

    @retrying
    def draw_up(self, person_id: int, terms: Terms, template: dict[str, Any] | None = None,
                role: str | None = None) -> int:
        """Record a new agreement for the person; a current one is superseded (kept)."""
        from carecenter.documents.agreement_pdf import TEMPLATE_SETTING, compose, load_template
        from carecenter.documents.document_data import COMMITTEE_ROLE, printable

        terms = self.clean(terms)
        data = printable(self.database, person_id)
        if data.file.status != ACTIVE:
            raise KnownError(f"{data.name}已退出登记册,不能起草委托照顾协议")
        settings = Settings(self.database)
        if template is None:
            template = load_template(settings.get(TEMPLATE_SETTING))
        role = role or settings.get(COMMITTEE_ROLE) or None
        today = self.today()
        content = compose(data, {"name": terms.trustee_name,
                                 "relation": terms.trustee_relation,
                                 "phone": terms.trustee_phone,
                                 "id_number": terms.trustee_id_number},
                          terms.starts_on, terms.ends_on, template, role, drawn_on=today)
        now = clock.now()
        with self.database.transaction() as session:
            session.execute(
                agreement.update()
                .where(agreement.c.person_id == person_id, agreement.c.ended_on.is_(None))
                .values(ended_on=today, updated_at=now))
            return int(session.execute(agreement.insert().values(
                person_id=person_id, trustee_name=terms.trustee_name,
                trustee_relation=terms.trustee_relation or None,
                trustee_phone=terms.trustee_phone or None,
                trustee_id_number=terms.trustee_id_number or None,
                supporter_names=json.dumps([s["name"] for s in content["supporters"]],
                                           ensure_ascii=False),
                starts_on=terms.starts_on, ends_on=terms.ends_on, state=DRAWN,
                content=json.dumps(content, ensure_ascii=False),
                created_at=now, updated_at=now,
            ).returning(agreement.c.id)).scalar_one())

    # -- its life --------------------------------------------------------------------

    def _get(self, session: Session, agreement_id: int) -> Any:
        row = session.execute(select(agreement).where(agreement.c.id == agreement_id)).first()
        if row is None:
            raise KnownError(f"协议(编号 {agreement_id})不存在")
        return row

    @retrying
    def _mark(self, agreement_id: int, state: str, on: date | None) -> None:
        on = on or self.today()
        label = {PRINTED: "打印", SIGNED: "签订", FILED: "备案"}[state]
        column = {PRINTED: "printed_on", SIGNED: "signed_on", FILED: "filed_on"}[state]
        if on > self.today():
            raise ValidationFailed([FieldError(column, f"{label}日期 {on:%Y-%m-%d} 在今天之后")])
        with self.database.transaction() as session:
            row = self._get(session, agreement_id)
            if row.ended_on is not None:
                raise KnownError(f"这份协议已于 {row.ended_on:%Y-%m-%d} 终止,不能再标记{label}")
            drawn = _drawn_on(row)
            if on < drawn:
                raise ValidationFailed([FieldError(
                    column, f"{label}日期 {on:%Y-%m-%d} 早于起草日期 {drawn:%Y-%m-%d}")])
            if state == FILED and row.signed_on is not None and on < row.signed_on:
                raise ValidationFailed([FieldError(
                    column, f"备案日期 {on:%Y-%m-%d} 早于签订日期 {row.signed_on:%Y-%m-%d}")])
            if state == SIGNED and row.filed_on is not None and on > row.filed_on:
                raise ValidationFailed([FieldError(
                    column, f"签订日期 {on:%Y-%m-%d} 晚于备案日期 {row.filed_on:%Y-%m-%d}")])
            order = [DRAWN, PRINTED, SIGNED, FILED]
            values: dict[str, Any] = {column: on, "updated_at": clock.now()}
            if order.index(state) > order.index(row.state):
                values["state"] = state
            if state in (SIGNED, FILED) and row.printed_on is None:
                values["printed_on"] = min(on, row.signed_on or on)
            if state == FILED and row.signed_on is None:
                values["signed_on"] = on
            session.execute(agreement.update().where(agreement.c.id == agreement_id)
                            .values(**values))

    def mark_printed(self, agreement_id: int, on: date | None = None) -> None:
        """A re-print keeps the first printing date."""
        current = self.get(agreement_id)
        if current.printed_on is None:
            self._mark(agreement_id, PRINTED, on)

    def mark_signed(self, agreement_id: int, on: date | None = None) -> None:
        self._mark(agreement_id, SIGNED, on)

    def mark_filed(self, agreement_id: int, on: date | None = None) -> None:
        self._mark(agreement_id, FILED, on)

    @retrying
    def end(self, agreement_id: int, on: date | None = None) -> None:
        on = on or self.today()
        with self.database.transaction() as session:
            row = self._get(session, agreement_id)
            if row.ended_on is not None:
                raise KnownError(f"这份协议已于 {row.ended_on:%Y-%m-%d} 终止")
            if on < _drawn_on(row):
                raise ValidationFailed([FieldError(
                    "ended_on", f"终止日期 {on:%Y-%m-%d} 早于起草日期 {_drawn_on(row):%Y-%m-%d}")])
            session.execute(agreement.update().where(agreement.c.id == agreement_id)
                            .values(ended_on=on, updated_at=clock.now()))

    # -- reading ---------------------------------------------------------------------

    def get(self, agreement_id: int) -> Agreement:
        with self.database.session() as session:
            return _row(self._get(session, agreement_id))

    def current(self, person_id: int) -> Agreement | None:
        with self.database.session() as session:
            row = session.execute(
                select(agreement).where(agreement.c.person_id == person_id,
                                        agreement.c.ended_on.is_(None))
                .order_by(agreement.c.id.desc())).first()
        return _row(row) if row is not None else None

    def history(self, person_id: int) -> list[Agreement]:
        with self.database.session() as session:
            rows = session.execute(select(agreement).where(agreement.c.person_id == person_id)
                                   .order_by(agreement.c.id)).all()
        return [_row(r) for r in rows]

    def state_of(self, person_id: int) -> str:
        current = self.current(person_id)
        return current.state_label if current else NOT_DRAWN

    def coverage(self) -> Coverage:
        """Active persons, and those with a current agreement signed or filed."""
        with self.database.session() as session:
            active = session.execute(select(func.count()).select_from(person)
                                     .where(person.c.status == ACTIVE)).scalar_one()
            covered = session.execute(
                select(func.count(func.distinct(agreement.c.person_id)))
                .join(person, person.c.id == agreement.c.person_id)
                .where(person.c.status == ACTIVE, agreement.c.ended_on.is_(None),
                       agreement.c.state.in_(COVERED))).scalar_one()
        return Coverage(int(active), int(covered))

    def warnings(self, person_id: int | None = None) -> list[Warning]:
        """Current agreements of active persons whose term ends within 30 days or has
        ended, or whose supporters are no longer those written in the agreement."""
        today = self.today()
        with self.database.session() as session:
            query = (select(agreement, person.c.name.label("person_name"))
                     .join(person, person.c.id == agreement.c.person_id)
                     .where(agreement.c.ended_on.is_(None), person.c.status == ACTIVE))
            if person_id is not None:
                query = query.where(agreement.c.person_id == person_id)
            rows = session.execute(query.order_by(agreement.c.person_id)).all()
            names: dict[int, list[str]] = {}
            ids = [r.person_id for r in rows]
            for chunk in range(0, len(ids), 500):
                for pid, name in session.execute(
                        select(supporter.c.person_id, supporter.c.name)
                        .where(supporter.c.person_id.in_(ids[chunk:chunk + 500]))
                        .order_by(supporter.c.position)):
                    names.setdefault(pid, []).append(name)
        found: list[Warning] = []
        for r in rows:
            who = r.person_name
            if r.ends_on is not None and r.ends_on < today:
                found.append(Warning(r.person_id, r.id, "ended",
                                     f"{who}的委托照顾协议已于 {r.ends_on:%Y-%m-%d} 到期,请续签"))
            elif r.ends_on is not None and r.ends_on <= today + timedelta(days=WARN_DAYS):
                days = (r.ends_on - today).days
                found.append(Warning(r.person_id, r.id, "ending",
                                     f"{who}的委托照顾协议 {days} 天后({r.ends_on:%Y-%m-%d})到期"))
            written = json.loads(r.supporter_names or "[]")
            now = names.get(r.person_id, [])
            if sorted(written) != sorted(now):
                gone = [n for n in written if n not in now]
                new = [n for n in now if n not in written]
                parts = ([f"不再登记:{'、'.join(gone)}"] if gone else []) + \
                        ([f"新增:{'、'.join(new)}"] if new else [])
                found.append(Warning(r.person_id, r.id, "supporters_changed",
                                     f"{who}的赡养人与协议中的委托人不一致({';'.join(parts)}),"
                                     "请重新签订"))
        return found
