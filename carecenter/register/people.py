"""The register service: the one way people and supporters are written.

Every change is one call here and one transaction. Bad input is refused whole with a
``ValidationFailed`` naming each field (and supporter row) in Chinese; a person is never
deleted, only exited with a date and a reason, and every change leaves an event in the
file's history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.calendar import festival_year_start
from carecenter.care import due_dates as duestore
from carecenter.care.corrections import CORRECTION_EVENTS
from carecenter.errors import FieldError, KnownError, NotFound, ValidationFailed
from carecenter.register import pinyin, verdicts
from carecenter.register.groups import GroupBook
from carecenter.rules import idnumber
from carecenter.rules.fields import (
    OUTSIDE_COUNTY,
    PERSON,
    STATUS_LABELS,
    Field,
    FieldType,
)
from carecenter.rules.kinds import (
    ANY_PERSON,
    KINDS,
    ROLES,
    SUPPORTER_COLUMNS,
    Kinds,
    PersonKind,
    combined,
)
from carecenter.rules.kinds.elder import SUPPORTER_ROLE
from carecenter.rules.leftbehind import (
    NOT_QUALIFYING,
    SPOUSE,
    PersonFacts,
    SupporterFacts,
    Verdict,
)
from carecenter.storage.backends import retrying
from carecenter.storage.bulk import insert_rows
from carecenter.storage.database import Database
from carecenter.storage.models import (
    ACTIVE,
    EXIT_REASONS,
    EXITED,
    Person,
    PersonEvent,
    Supporter,
    pairing,
    person,
    person_event,
    supporter,
    village_group,
)


@dataclass
class PersonDraft:
    """What the editor (or an import row) wants the file to say."""

    values: dict[str, Any] = field(default_factory=dict)
    supporters: list[dict[str, Any]] = field(default_factory=list)
    # The primary kind: the file's form and first tab. Empty: a new file is an elder's,
    # an edit keeps the file's kinds (an elders' ledger updating a child's phone).
    kind: str = ""
    # Every kind the person is of (a 特困 elder: ["elder", "tekun"]); empty: ``kind``.
    kinds: list[str] = field(default_factory=list)
    # When the file was last saved as the editor read it: a save over a newer one
    # (another window on the shared PC) is refused rather than silently undone.
    version: datetime | None = None

    @property
    def kindset(self) -> Kinds:
        return combined(self.kinds or (self.kind,), self.kind)


@dataclass
class PersonFile:
    """A person's file as stored: typed values, supporters, status and history."""

    id: int
    kind: str
    status: str
    values: dict[str, Any]
    supporters: list[dict[str, Any]]
    exit_date: date | None = None
    exit_reason: str | None = None
    exit_note: str | None = None
    events: list[tuple[datetime, str, date | None, str]] = field(default_factory=list)
    updated_at: datetime | None = None
    kinds: tuple[str, ...] = ()  # every kind of the file, the primary first

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    @property
    def kindset(self) -> Kinds:
        return combined(self.kinds or (self.kind,), self.kind)

    def facts(self) -> PersonFacts:
        return PersonFacts(
            birth_date=self.values.get("birth_date"),
            supporters=[
                SupporterFacts(
                    name=s.get("name") or "",
                    location_scope=s.get("location_scope"),
                    away_since=s.get("away_since"),
                    returned_on=s.get("returned_on"),
                    return_kind=s.get("return_kind"),
                    relation=s.get("relation"),
                )
                for s in self.supporters if (s.get("role") or "supporter") == "supporter"
            ],
            left_behind_year=self.values.get("left_behind_year"),
        )

    def draft(self) -> PersonDraft:
        return PersonDraft(dict(self.values), [dict(s) for s in self.supporters], self.kind,
                           list(self.kinds or (self.kind,)), self.updated_at)


# What ``Register.clean`` returns: typed values, supporters, warnings.
Cleaned = tuple[dict[str, Any], list[dict[str, Any]], list[str]]


@dataclass
class SaveResult:
    person_id: int
    warnings: list[str]


class LikelyDuplicate(KnownError):
    """Someone on the register looks like the same person under another number.

    A warning, not a refusal: save again with ``allow_duplicate=True`` to override.
    """

    def __init__(self, candidates: list[str]) -> None:
        self.candidates = candidates
        super().__init__("登记册上可能已有此人:" + ";".join(candidates))


class IncompleteFile(KnownError):
    """Saving would leave a file without birth date or sex, and no ID number to give
    them: a question, not a refusal. Save again with ``allow_incomplete=True`` to keep
    it flagged 待补充 (a thin ledger's people arrive like that; the clerk is never stuck).
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        labels = "、".join(PERSON[name].label for name in fields)
        super().__init__(
            f"没有身份证号,{labels}也没有填写:保存后标记为“待补充{labels}”,"
            "在补上之前无法判断是否年满 60 周岁" if "birth_date" in fields else
            f"没有身份证号,{labels}也没有填写:保存后标记为“待补充{labels}”"
        )

    def field_errors(self) -> list[FieldError]:
        """Beside each field the editor should ask for."""
        return [FieldError(name, f"没有身份证号时请填写{PERSON[name].label}"
                                 "(也可先保存,标记为待补充)") for name in self.fields]


# What an ID number gives a file, and a file without one must be told (or flagged).
FACTS_FROM_ID = ("birth_date", "sex")


def missing_facts(values: dict[str, Any]) -> list[str]:
    """Birth date and sex a file lacks with no ID number to give them."""
    if values.get("id_number"):
        return []
    return [name for name in FACTS_FROM_ID if values.get(name) is None]


EVENT_LABELS = {"created": "建档", "updated": "修改", "exited": "退出", "reinstated": "恢复在册",
                **CORRECTION_EVENTS}


class Register:
    """People on the register, read and written through one transaction per call."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today
        self.groups = GroupBook(database)
        # Name → (pinyin sort key, search terms): an import's names repeat (3,400 different
        # ones in a 10,000-row ledger) and pypinyin takes ~0.1 ms to read one.
        self._pinyin: dict[str, tuple[str, list[str]]] = {}

    # -- validation ------------------------------------------------------------------

    def clean(
        self, draft: PersonDraft, person_id: int | None = None, session: Session | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
        """Typed values and supporters, plus warnings; or ValidationFailed naming fields."""
        for code in [draft.kind] if draft.kind else []:
            self._kind(code)
        for code in draft.kinds:
            self._kind(code)
        kinds = draft.kindset
        errors: list[FieldError] = []
        values: dict[str, Any] = {}
        for f in kinds.fields:
            try:
                values[f.name] = f.clean(draft.values.get(f.name, f.default))
            except FieldError as e:
                errors.append(e)
        warnings: list[str] = []
        self._check_id(draft, values, errors, warnings)
        supporters = self._clean_supporters(draft.supporters, errors)
        if any(f.name == "spouse_name" for f in kinds.fields):
            supporters = _spouse_to_living_with(values, supporters, warnings)
        for s in supporters:
            # DOMAIN.md: supporters away must report where they are and a phone number.
            if s.get("location_scope") in OUTSIDE_COUNTY and not s.get("phone"):
                label = ROLES[s["role"]].label
                warnings.append(f"外出{label}{s.get('name')}没有登记电话,紧急时联系不上")
        if not errors and session is not None:
            self._check_unique_id(session, values, person_id, errors)
            if values.get("group_id") is not None and not self.groups.exists(
                session, values["group_id"]
            ):
                errors.append(FieldError("group_id", "所选村民小组不存在"))
        if errors:
            raise ValidationFailed(errors)
        return values, supporters, warnings

    def _kind(self, code: str) -> PersonKind:
        if code not in KINDS:
            raise KnownError(f"未知的关爱对象类别:{code}")
        return KINDS[code]

    def _check_id(
        self,
        draft: PersonDraft,
        values: dict[str, Any],
        errors: list[FieldError],
        warnings: list[str],
    ) -> None:
        number = values.get("id_number")
        if not number:
            if any(e.field == "id_number" for e in errors):
                return
            # Issue 7: a ledger row without a number still comes in, flagged; what the
            # number would have given is flagged too, and ``save`` asks before a file
            # is left without it (``IncompleteFile``).
            warnings.extend(f"待补充{PERSON[name].label}" for name in missing_facts(values))
            return
        info = idnumber.parse(number, today=self.today())
        typed_birth = values.get("birth_date")
        if typed_birth is not None and typed_birth != info.birth_date:
            errors.append(FieldError(
                "birth_date",
                f"出生日期 {typed_birth:%Y-%m-%d} 与身份证号不符"
                f"(身份证号为 {info.birth_date:%Y-%m-%d})",
            ))
        typed_sex = values.get("sex")
        if typed_sex is not None and typed_sex != info.sex:
            errors.append(FieldError(
                "sex", f"性别“{PERSON['sex'].choice_label(typed_sex)}”与身份证号不符"
                f"(身份证号为{info.sex_label}性)",
            ))
        values["birth_date"] = info.birth_date
        values["sex"] = info.sex
        warnings.extend(idnumber.warnings_for(info, self.today()))
        if info.upgraded_from:
            warnings.append(f"15 位旧身份证号 {info.upgraded_from} 已升为 18 位 {info.number}")

    def _clean_supporters(
        self, rows: list[dict[str, Any]], errors: list[FieldError]
    ) -> list[dict[str, Any]]:
        """Each row by the fields of its role (the elder's 赡养人 when it names none);
        ``row`` in an error counts the rows in the order given, whatever their role."""
        cleaned: list[dict[str, Any]] = []
        for index, row in enumerate(rows, start=1):
            role = ROLES.get(row.get("role") or SUPPORTER_ROLE.code)
            if role is None:
                errors.append(FieldError("role", f"第 {index} 行:未知的身份“{row.get('role')}”",
                                         index))
                continue
            if all(row.get(f.name) in (None, "", [], f.default) for f in role.fields):
                continue  # a blank line left in the table is not a supporter
            who = f"第 {index} 名{role.label}" if role.code == "supporter" else \
                f"{role.label}第 {sum(1 for r in rows[:index] if r.get('role') == role.code)} 行"
            values: dict[str, Any] = {"role": role.code}
            for f in role.fields:
                try:
                    values[f.name] = f.clean(row.get(f.name, f.default), row=index)
                except FieldError as e:
                    errors.append(FieldError(e.field, f"{who}:{e.message}", index))
            away, back = values.get("away_since"), values.get("returned_on")
            if away and back and back < away:
                errors.append(FieldError(
                    "returned_on", f"{who}:返乡时间早于外出时间", index
                ))
            if back and not values.get("return_kind"):
                errors.append(FieldError(
                    "return_kind",
                    f"{who}:填了返乡时间,请选返乡类型(临时返乡或长期返乡)",
                    index,
                ))
            if values.get("return_kind") and not back:
                values["return_kind"] = None
            if row.get("id") is not None:
                values["id"] = row["id"]  # the stored supporter this row edits
            cleaned.append(values)
        return cleaned

    def _check_unique_id(
        self,
        session: Session,
        values: dict[str, Any],
        person_id: int | None,
        errors: list[FieldError],
    ) -> None:
        number = values.get("id_number")
        if not number:
            return
        holder = session.execute(
            select(person.c.id, person.c.name, person.c.status).where(
                person.c.id_number == number
            )
        ).first()
        if holder and holder.id != person_id:
            where = "已退出" if holder.status == EXITED else "在册"
            errors.append(FieldError(
                "id_number",
                f"身份证号 {number} 已登记在 {holder.name}(档案号 {holder.id},{where})名下",
            ))

    def likely_duplicates(
        self, session: Session, values: dict[str, Any], person_id: int | None
    ) -> list[str]:
        """Same name and birth date, or same name and phone, under another number."""
        name = values.get("name")
        if not name:
            return []
        conditions = []
        if values.get("birth_date"):
            conditions.append(person.c.birth_date == values["birth_date"])
        if values.get("phone"):
            conditions.append(person.c.phone == values["phone"])
        if not conditions:
            return []
        query = select(person.c.id, person.c.name, person.c.id_number, person.c.birth_date,
                       person.c.phone).where(person.c.name == name, or_(*conditions))
        if person_id is not None:
            query = query.where(person.c.id != person_id)
        found = []
        for row in session.execute(query):
            if values.get("id_number") and row.id_number == values["id_number"]:
                continue
            same = "出生日期" if row.birth_date == values.get("birth_date") else "电话"
            number = row.id_number or "无身份证号"
            found.append(f"{row.name}(档案号 {row.id},{number}),姓名和{same}相同")
        return found

    # -- writing ---------------------------------------------------------------------

    @retrying
    def save(
        self, draft: PersonDraft, person_id: int | None = None, allow_duplicate: bool = False,
        allow_incomplete: bool = False,
    ) -> SaveResult:
        """Create (person_id None) or update a file in one transaction."""
        with self.database.transaction() as session:
            return self.save_in(session, draft, person_id, allow_duplicate,
                                allow_incomplete=allow_incomplete)

    def save_in(
        self,
        session: Session,
        draft: PersonDraft,
        person_id: int | None = None,
        allow_duplicate: bool = False,
        refresh_due: bool = True,
        allow_incomplete: bool = False,
        ended_note: str = "在档案中移除",
    ) -> SaveResult:
        """``save`` inside a transaction the caller holds: a ledger import writes all its
        rows in one transaction, each by the same rules as the editor's save, and then
        refreshes everyone's due dates at once (``refresh_due=False`` per row).

        A new file without ID number, birth date or sex, or an edit that empties what
        the file knew, raises ``IncompleteFile`` unless ``allow_incomplete``; a file
        that was already incomplete saves, with 待补充 warnings, so an imported
        person's phone can be corrected before anyone knows the birth date."""
        if not draft.kind and not draft.kinds and person_id is not None:
            stored = self._get(session, person_id)
            draft = replace(draft, kind=stored.kind,
                            kinds=list(combined(stored.kinds, stored.kind).codes))
        values, supporters, warnings = self.clean(draft, person_id, session)
        missing = missing_facts(values)
        if missing and not allow_incomplete:
            if person_id is not None:
                stored = self._get(session, person_id)
                missing = [name for name in missing if getattr(stored, name) is not None]
            if missing:
                raise IncompleteFile(missing)
        verdict = self._record_left_behind_year(draft.kindset, values, supporters)
        if not allow_duplicate:
            candidates = self.likely_duplicates(session, values, person_id)
            if candidates:
                raise LikelyDuplicate(candidates)
        now = clock.now()
        if person_id is None:
            record = Person()
            record.status = ACTIVE
            record.created_at = now  # type: ignore[attr-defined]
            session.add(record)
            changed = ["新建档案"]
            trail = audit.diff({}, values, _LABELS, _DISPLAY) + _supporter_changes([], supporters)
        else:
            record = self._get(session, person_id, lock=True)
            saved_at = record.updated_at  # type: ignore[attr-defined]
            if draft.version is not None and saved_at != draft.version:
                raise KnownError(
                    f"{record.name}的档案在您打开之后已被修改并保存过({saved_at:%H:%M:%S})。"
                    "为免覆盖别人的修改,本次未保存;请关闭后重新打开档案再改。"
                )
            changed = self._changes(record, values, supporters)
            trail = audit.diff({name: getattr(record, name) for name in values}, values,
                               _LABELS, _DISPLAY) + _supporter_changes(
                [{"id": s.id, **_stored_supporter(s)} for s in record.supporters], supporters)
            before_kinds = combined(record.kinds, record.kind)
            if before_kinds.codes != draft.kindset.codes:
                changed.append("关爱对象类别")
                trail.append(("关爱对象类别", before_kinds.label, draft.kindset.label))
        record.kind = draft.kindset.primary.code
        record.kinds = list(draft.kindset.codes)
        for name, value in values.items():
            setattr(record, name, value)
        for name, value in verdicts.stored(verdict, self.today()).items():
            setattr(record, name, value)
        record.updated_at = now  # type: ignore[attr-defined]
        self._index(record, values)
        # Edit stored supporters in place, so that what refers to one (an agreement's
        # 委托人, a call log) keeps referring to the same person; add the new ones; end
        # the ones no longer named, keeping them (issue 15: never deleted).
        current = [] if person_id is None else list(record.supporters)
        by_id = {s.id: s for s in current}
        kept_ids = {s.get("id") for s in supporters}
        for stored_supporter in current:
            if stored_supporter.id not in kept_ids:
                stored_supporter.ended_on = self.today()
                stored_supporter.end_note = ended_note
                stored_supporter.position = -1 - stored_supporter.position
        for position, s in enumerate(supporters):
            found = by_id.get(s.get("id", -1))
            saved_supporter = self._supporter(position, s, found)
            if found is None:
                record.all_supporters.append(saved_supporter)
        session.flush()
        if person_id is None or changed:
            session.add(self._event(record.id, "created" if person_id is None else "updated",
                                    None, "、".join(changed), now))
        if person_id is None or trail:
            audit.record(session, "created" if person_id is None else "updated", "person",
                         record.id, person_id=record.id, summary=record.name,
                         changes=trail)
        if refresh_due:
            session.flush()
            duestore.refresh(session.connection(), [record.id], self.today())
        return SaveResult(record.id, warnings)

    def create_many(
        self,
        session: Session,
        drafts: Sequence[PersonDraft],
        cleaned_already: Sequence[Cleaned] | None = None,
    ) -> list[SaveResult]:
        """New files in the caller's transaction with a few bulk statements (a ledger
        import of thousands of rows): each draft cleaned by the same rules as ``save``
        (or passed as ``clean`` returned it moments before, when the caller has just
        shown the clerk that very result); ID numbers already on the register or twice
        in the batch, and unknown groups, are refused whole."""
        if not drafts:
            return []
        cleaned = []
        for index, draft in enumerate(drafts):
            if cleaned_already is not None:
                values, supporters, warnings = cleaned_already[index]
            else:
                values, supporters, warnings = self.clean(draft)
            verdict = self._record_left_behind_year(draft.kindset, values, supporters)
            cleaned.append((draft.kindset, {**values, **verdicts.stored(verdict, self.today())},
                            supporters, warnings))
        numbers = [c[1]["id_number"] for c in cleaned if c[1].get("id_number")]
        errors = [FieldError("id_number", f"身份证号 {n} 在这批档案中出现了 {k} 次")
                  for n, k in Counter(numbers).items() if k > 1]
        for start in range(0, len(numbers), 500):
            for number, name in session.execute(
                    select(person.c.id_number, person.c.name)
                    .where(person.c.id_number.in_(numbers[start:start + 500]))):
                errors.append(FieldError("id_number", f"身份证号 {number} 已登记在 {name} 名下"))
        groups = {c[1]["group_id"] for c in cleaned if c[1].get("group_id") is not None}
        known = set(session.execute(select(village_group.c.id)
                                    .where(village_group.c.id.in_(groups))).scalars())
        if groups - known:
            errors.append(FieldError("group_id", "所选村民小组不存在"))
        if errors:
            raise ValidationFailed(errors)
        now = clock.now()
        rows = []
        for kind, values, _, _ in cleaned:
            name = values.get("name") or ""
            if name not in self._pinyin:
                self._pinyin[name] = pinyin.keys(name)
            sort, terms = self._pinyin[name]
            rows.append({**values, "kind": kind.primary.code, "kinds": list(kind.codes),
                         "status": ACTIVE, "created_at": now,
                         "updated_at": now, "name_pinyin": sort,
                         "search_key": search_key(name, values.get("id_number"),
                                                  values.get("phone"), terms)})
        ids = _insert_people(session, rows)
        supporter_rows = [
            {"person_id": pid, "position": position, **_supporter_row(s)}
            for pid, (_, _, supporters, _) in zip(ids, cleaned, strict=True)
            for position, s in enumerate(supporters)
        ]
        insert_rows(session.connection(), supporter, supporter_rows)
        insert_rows(session.connection(), person_event, [
            {"person_id": pid, "at": now, "event": "created", "effective": None,
             "detail": "新建档案"} for pid in ids])
        # One entry per new file; its values are the file itself (old: none), so the
        # thousands of rows of a ledger are not written twice.
        audit.record_many(session, ({
            "action": "created", "entity": "person", "record_id": pid, "person_id": pid,
            "summary": f"{row.get('name') or ''}(成批新建)"}
            for pid, row in zip(ids, rows, strict=True)))
        return [SaveResult(pid, c[3]) for pid, c in zip(ids, cleaned, strict=True)]

    def _record_left_behind_year(self, kinds: Kinds, values: dict[str, Any],
                                 supporters: list[dict[str, Any]]) -> Verdict:
        """Remember the festival year the person is found left-behind in, so that the
        carry-over rule (seed 002) still knows it once the children are home for the
        Spring Festival. A carried-over verdict does not renew it. Only a kind whose
        file keeps that year (the elder's) records it. The file's verdict, stored with
        it (``carecenter.register.verdicts``)."""
        today = self.today()
        for k in kinds.members:
            if not any(f.name == "left_behind_year" for f in k.fields):
                continue
            verdict = k.judge(values, supporters, today)
            if verdict.left_behind and not verdict.carried_over:
                year = festival_year_start(today).year
                values["left_behind_year"] = max(values.get("left_behind_year") or year, year)
        return kinds.verdict(values, supporters, today)

    @staticmethod
    def _supporter(position: int, values: dict[str, Any],
                   stored: Supporter | None) -> Supporter:
        s = stored or Supporter()
        s.position = position
        for name, value in _supporter_row(values).items():
            setattr(s, name, value)
        return s

    @staticmethod
    def _index(record: Person, values: dict[str, Any]) -> None:
        name = values.get("name") or ""
        record.name_pinyin = pinyin.sort_key(name)  # type: ignore[attr-defined]
        record.search_key = search_key(  # type: ignore[attr-defined]
            name, values.get("id_number"), values.get("phone")
        )

    def _changes(
        self, record: Person, values: dict[str, Any], supporters: list[dict[str, Any]]
    ) -> list[str]:
        changed = [
            _old_to_new(ANY_PERSON[name], getattr(record, name), value)
            for name, value in values.items() if getattr(record, name) != value
        ]
        changed += supporter_changes(record.supporters, supporters)
        return changed

    @staticmethod
    def _event(person_id: int, kind: str, effective: date | None, detail: str,
               at: datetime | None = None) -> PersonEvent:
        event = PersonEvent()
        event.person_id = person_id
        event.at = at or clock.now()
        event.event = kind
        event.effective = effective
        event.detail = detail
        return event

    @retrying
    def exit(self, person_id: int, on: date, reason: str, note: str = "") -> None:
        """Take a person off the active register; the file and its history stay."""
        with self.database.transaction() as session:
            self.exit_in(session, person_id, on, reason, note)

    def exit_in(self, session: Session, person_id: int, on: date, reason: str,
                note: str = "", refresh_due: bool = True) -> None:
        """``exit`` inside the caller's transaction (an import's confirmed exits)."""
        if reason not in EXIT_REASONS:
            raise ValidationFailed([FieldError("exit_reason", "请选择退出原因")])
        if on > self.today():
            raise ValidationFailed([FieldError("exit_date", "退出日期不能在今天之后")])
        if reason == "other" and not note.strip():
            raise ValidationFailed([FieldError("exit_note", "退出原因选“其他”时请写明原因")])
        record = self._get(session, person_id, lock=True)
        if record.status == EXITED:
            raise KnownError(
                f"{record.name} 已于 {record.exit_date:%Y-%m-%d} 退出,无需重复办理"
            )
        record.status = EXITED
        record.exit_date = on
        record.exit_reason = reason
        record.exit_note = note.strip() or None
        record.held_colour = None  # seed 002's three months end with the exit
        record.held_until = None
        detail = EXIT_REASONS[reason] + (f":{note.strip()}" if note.strip() else "")
        session.add(self._event(person_id, "exited", on, detail))
        audit.record(session, "exited", "person", person_id, person_id=person_id,
                     summary=record.name, changes=[
                         ("状态", STATUS_LABELS[ACTIVE], STATUS_LABELS[EXITED]),
                         ("退出日期", "", on.isoformat()), ("退出原因", "", detail)])
        # A helper's load is for people on the register: the pairing ends with the exit.
        session.execute(
            pairing.update()
            .where(pairing.c.person_id == person_id, pairing.c.ended_on.is_(None))
            .values(ended_on=on, end_reason=f"对象退出:{EXIT_REASONS[reason]}"[:60]))
        session.flush()
        if refresh_due:
            duestore.refresh(session.connection(), [person_id], self.today())

    def leave_kind(self, person_id: int, code: str, on: date, reason: str = "aged_out"
                   ) -> bool:
        """The person is no longer of this kind (a child turned 16): with other kinds
        left the file stays on the register without it, else the person exits. True
        when the person exited. One transaction either way."""
        with self.database.session() as session:
            record = self._get(session, person_id)
            kinds = list(combined(record.kinds, record.kind).codes)
        if code not in kinds:
            raise KnownError(f"{record.name}不是{self._kind(code).label},无需办理")
        if len(kinds) == 1:
            self.exit(person_id, on, reason)
            return True
        rest = [c for c in kinds if c != code]
        with self.database.transaction() as session:
            record = self._get(session, person_id)
            record.kinds = rest
            record.kind = rest[0]
            record.updated_at = clock.now()  # type: ignore[attr-defined]
            detail = f"不再是{self._kind(code).label}:{EXIT_REASONS.get(reason, reason)}"
            session.add(self._event(person_id, "updated", on, detail))
            # Every write in the audit log, old → new (issue 18).
            audit.record(session, "updated", "person", person_id, person_id=person_id,
                         summary=f"{record.name}:{detail}",
                         changes=[("类别", "、".join(self._kind(c).label for c in kinds),
                                   "、".join(self._kind(c).label for c in rest))])
            session.flush()
            duestore.refresh(session.connection(), [person_id], self.today())
        return False

    def exit_not_qualifying(self, person_id: int) -> str:
        """The work list's one step for 不再符合: exit today with the verdict's reason
        (a supporter back for good → 赡养人返乡, else 经核实不符合条件) and its words as
        the note. Refused when the person is 留守 or cannot be decided today. Returns
        the reason's label."""
        file = self.load(person_id)
        if file.status == EXITED:
            raise KnownError(f"{file.name} 已于 {file.exit_date:%Y-%m-%d} 退出,无需重复办理")
        verdict = self.verdict(file)
        if verdict.code != NOT_QUALIFYING:
            raise KnownError(f"{file.name}现在{verdict.text},不能按“不再符合”办理退出")
        today = self.today()
        back = any(s.returned_for_good_on(today) for s in file.facts().supporters)
        reason = "supporter_returned" if back else "not_eligible"
        self.exit(person_id, today, reason, verdict.text[:200])
        return EXIT_REASONS[reason]

    @retrying
    def reinstate(self, person_id: int, note: str = "") -> None:
        """Bring an exited person back onto the register (a mistaken exit, or a return)."""
        with self.database.transaction() as session:
            record = self._get(session, person_id, lock=True)
            if record.status != EXITED:
                raise KnownError(f"{record.name} 在册,无需恢复")
            audit.record(session, "reinstated", "person", person_id, person_id=person_id,
                         summary=record.name + (f":{note.strip()}" if note.strip() else ""),
                         changes=[("状态", STATUS_LABELS[EXITED], STATUS_LABELS[ACTIVE]),
                                  ("退出日期", audit.show(record.exit_date), ""),
                                  ("退出原因", EXIT_REASONS.get(record.exit_reason or "", ""),
                                   "")])
            record.status = ACTIVE
            record.exit_date = None
            record.exit_reason = None
            record.exit_note = None
            session.add(self._event(person_id, "reinstated", self.today(), note.strip()))
            session.flush()
            duestore.refresh(session.connection(), [person_id], self.today())

    # -- reading ---------------------------------------------------------------------

    def _get(self, session: Session, person_id: int, lock: bool = False) -> Person:
        # ``lock`` before a change: on a server a second writer of the same person waits
        # here until the first commits, then reads its save (and so its version).
        record = session.get(Person, person_id, with_for_update=lock or None)
        if record is None:
            raise NotFound(f"档案号 {person_id} 不在登记册上")
        return record

    def load(self, person_id: int) -> PersonFile:
        with self.database.session() as session:
            record = self._get(session, person_id)
            kinds = combined(record.kinds, self._kind(record.kind).code)
            return PersonFile(
                id=record.id,
                kind=record.kind,
                kinds=kinds.codes,
                status=record.status,
                values={f.name: getattr(record, f.name) for f in kinds.fields},
                supporters=[{"id": s.id, **_stored_supporter(s)} for s in record.supporters],
                exit_date=record.exit_date,
                exit_reason=record.exit_reason,
                exit_note=record.exit_note,
                events=[(e.at, e.event, e.effective, e.detail) for e in record.events],
                updated_at=record.updated_at,  # type: ignore[attr-defined]
            )

    def find_by_id_number(self, number: str) -> int | None:
        with self.database.session() as session:
            return session.execute(
                select(person.c.id).where(person.c.id_number == number)
            ).scalar_one_or_none()

    def verdict(self, file: PersonFile, on: date | None = None) -> Verdict:
        """The file's one verdict: the first of its kinds it qualifies as, else the
        primary kind's (``verdicts`` gives each)."""
        return file.kindset.verdict(file.values, file.supporters, on or self.today())

    def verdicts(self, file: PersonFile, on: date | None = None) -> dict[str, Verdict]:
        return file.kindset.verdicts(file.values, file.supporters, on or self.today())

    def count(self, status: str | None = ACTIVE) -> int:
        with self.database.session() as session:
            query = select(func.count()).select_from(person)
            if status:
                query = query.where(person.c.status == status)
            return int(session.execute(query).scalar_one())


def _supporter_row(values: dict[str, Any]) -> dict[str, Any]:
    """A supporter's columns from a cleaned row: its role's fields, the rest blank."""
    role = values.get("role") or SUPPORTER_ROLE.code
    out: dict[str, Any] = {"role": role}
    for f in SUPPORTER_COLUMNS:
        value = values.get(f.name)
        out[f.name] = bool(value) if f.type.value == "bool" else value
    return out


def _stored_supporter(s: Supporter) -> dict[str, Any]:
    """A stored row as its role's fields (an unknown role: every column)."""
    role = ROLES.get(s.role or SUPPORTER_ROLE.code)
    fields = role.fields if role is not None else SUPPORTER_COLUMNS
    return {"role": s.role or SUPPORTER_ROLE.code,
            **{f.name: getattr(s, f.name) for f in fields}}


_LABELS = {name: f.label for name, f in ANY_PERSON.items()}
_DISPLAY = {name: f.display for name, f in ANY_PERSON.items()}


def _role_fields(role_code: str) -> tuple[Field, ...]:
    role = ROLES.get(role_code)
    return role.fields if role is not None else SUPPORTER_COLUMNS


def _role_label(role_code: str) -> str:
    role = ROLES.get(role_code)
    return role.label if role is not None else SUPPORTER_ROLE.label


def _supporter_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]
                       ) -> list[audit.Change]:
    """Each supporter's changed fields, named by role, 赡养人 张强·电话 (a child's 父母
    王芳·电话): a stored supporter matched by its id (a row removed in the middle shifts
    nobody), a new one against nothing, a removed one against nothing."""
    stored = {s["id"]: s for s in old}
    pairs = [(stored.pop(s["id"], {}) if s.get("id") is not None else {}, s) for s in new]
    pairs += [(s, {}) for s in stored.values()]
    changes: list[audit.Change] = []
    for before, after in pairs:
        who = after.get("name") or before.get("name") or ""
        role = after.get("role") or before.get("role") or SUPPORTER_ROLE.code
        fields = {f.name: f for f in _role_fields(role)}
        if before and before.get("role") and before["role"] != role:
            fields.update((f.name, f) for f in _role_fields(before["role"]))
            changes.append((f"{_role_label(role)} {who}·身份", _role_label(before["role"]),
                            _role_label(role)))
        labels = {name: f.label for name, f in fields.items()}
        display = {name: f.display for name, f in fields.items()}
        old_values = _supporter_row(before) if before else {}
        new_values = _supporter_row(after) if after else {}
        for label, was, now in audit.diff(old_values, new_values, labels, display):
            changes.append((f"{_role_label(role)} {who}·{label}", was, now))
    return changes


def _spouse_to_living_with(values: dict[str, Any], supporters: list[dict[str, Any]],
                           warnings: list[str]) -> list[dict[str, Any]]:
    """A supporter row marked 配偶 (a ledger's 老伴/丈夫/妻子) becomes the spouse living
    together: seed 001, 老年人与配偶有相互扶养的义务 — 扶养, not 赡养, so the spouse's
    place never counts against 留守. Nothing typed is lost: the name and phone move to
    the spouse fields (unless these already name someone)."""
    kept = []
    for s in supporters:
        if s.get("relation") != SPOUSE:
            kept.append(s)
            continue
        name = s.get("name") or ""
        if not values.get("spouse_name"):
            values["spouse_name"] = name or None
            values["spouse_phone"] = values.get("spouse_phone") or s.get("phone")
        away = s.get("location_scope") in OUTSIDE_COUNTY and not s.get("returned_on")
        if not away:
            living = [c for c in values.get("living_with") or [] if c != "alone"]
            values["living_with"] = [*living, "spouse"] if "spouse" not in living else living
        warnings.append(f"配偶{name}不是赡养义务人(扶养而非赡养),已改记为配偶"
                        + ("、陪伴居住" if not away else ""))
    return kept


def _insert_people(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows in one statement; their new ids, in the rows' order.

    RETURNING in the rows' order is not something SQLite promises, so SQLAlchemy sends
    such an insert one row at a time (10,000 statements for a ledger). On SQLite the ids
    are the ones it would give anyway, the largest so far plus one, each in turn: name
    them and insert in one executemany. Another writer cannot slip in between: the
    transaction holds the write lock, or its first write fails on the newer snapshot.
    """
    if session.connection().dialect.name != "sqlite":
        return list(session.execute(
            insert(person).returning(person.c.id, sort_by_parameter_order=True), rows
        ).scalars())
    last = session.execute(select(func.max(person.c.id))).scalar_one()
    ids = list(range((last or 0) + 1, (last or 0) + 1 + len(rows)))
    insert_rows(session.connection(), person,
                [{**r, "id": pid} for r, pid in zip(rows, ids, strict=True)])
    return ids


def _who(values: dict[str, Any]) -> str:
    name = values.get("name") or "(无姓名)"
    relation = values.get("relation")
    label = ""
    if relation:
        role = ROLES.get(values.get("role") or SUPPORTER_ROLE.code, SUPPORTER_ROLE)
        try:
            label = role.field("relation").choice_label(relation)
        except KeyError:  # a role without a relation (a woman's husband)
            label = ""
    return f"{name}({label})" if label else str(name)


def supporter_changes(stored: Sequence[Supporter], supporters: list[dict[str, Any]]
                      ) -> list[str]:
    """What the history says of a save's supporters, naming each one removed, added or
    changed by its role (移除赡养人张强(儿子), 新增委托监护人王芳), compared as their
    role's fields."""
    before = {s.id: _supporter_row(_stored_supporter(s)) for s in stored}
    kept = {s.get("id") for s in supporters}
    changes = [f"移除{_role_label(v['role'])}{_who(v)}"
               for sid, v in before.items() if sid not in kept]
    for s in supporters:
        values = _supporter_row(s)
        if s.get("id") not in before:
            changes.append(f"新增{_role_label(values['role'])}{_who(values)}")
        elif before[s["id"]] != values:
            changes.append(f"修改{_role_label(values['role'])}{_who(values)}")
    return changes


def search_key(name: str, id_number: str | None, phone: str | None,
               terms: list[str] | None = None) -> str:
    """One lower-case text a search box can match with a single LIKE (``terms``: the
    name's ``pinyin.search_terms`` when the caller has them already)."""
    if terms is None:
        terms = pinyin.search_terms(name)
    parts = [name, *terms, id_number or "", phone or ""]
    return "|".join(p.lower() for p in parts if p)


def _old_to_new(field: Field, old: Any, new: Any, whose: str = "") -> str:
    """A changed field as the history shows it: 联系电话:138… → 139…"""
    if field.type is FieldType.GROUP:
        return field.label  # a group's id says nothing; the file shows the group
    shown = []
    for value in (old, new):
        text = field.display(value).replace("\n", " ") or "(空)"
        shown.append(text if len(text) <= 30 else text[:29] + "…")
    return f"{whose}{field.label}:{shown[0]} → {shown[1]}"
