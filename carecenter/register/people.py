"""The register service: the one way people and supporters are written.

Every change is one call here and one transaction. Bad input is refused whole with a
``ValidationFailed`` naming each field (and supporter row) in Chinese; a person is never
deleted, only exited with a date and a reason, and every change leaves an event in the
file's history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.calendar import festival_year_start
from carecenter.care import due_dates as duestore
from carecenter.care.corrections import CORRECTION_EVENTS
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.register import pinyin, verdicts
from carecenter.register.changes import (
    DISPLAY,
    LABELS,
    old_to_new,
    stored_supporter,
    supporter_changes,
    supporter_field_changes,
    supporter_row,
)
from carecenter.register.form_values import CLEANED, blanks_of, spouse_to_living_with
from carecenter.register.leaving import Leaving
from carecenter.register.person_files import PersonDraft, PersonFile
from carecenter.rules import idnumber
from carecenter.rules.fields import (
    OUTSIDE_COUNTY,
    PERSON,
)
from carecenter.rules.kinds import (
    ANY_PERSON,
    ROLES,
    Kinds,
    combined,
)
from carecenter.rules.kinds.elder import SUPPORTER_ROLE
from carecenter.rules.leftbehind import (
    Verdict,
)
from carecenter.storage.backends import retrying
from carecenter.storage.bulk import insert_rows
from carecenter.storage.mapped import Person, Supporter
from carecenter.storage.models import ACTIVE, EXITED, person, person_event, supporter, village_group

# The register's public names, those of its halves included (callers import them here).
__all__ = ["Cleaned", "IncompleteFile", "LikelyDuplicate", "PersonDraft", "PersonFile",
           "Register", "SaveResult", "missing_facts", "search_key"]

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


class Register(Leaving):
    """People on the register, read and written through one transaction per call."""

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
        given, blanks, done = draft.values, blanks_of(kinds.fields), draft.cleaned
        for f in kinds.fields:
            value = given.get(f.name, f.default)
            if value is None and f.name in blanks:  # most fields of a ledger's row
                blank = blanks[f.name]
                values[f.name] = [] if type(blank) is list else blank  # a list of its own
                continue
            if done and done.get(f.name) is f and f.name in given:
                values[f.name] = value  # this very rule's answer (``PersonDraft.cleaned``)
                continue
            try:
                values[f.name] = f.clean(value)
            except FieldError as e:
                errors.append(e)
        warnings: list[str] = []
        self._check_id(draft, values, errors, warnings)
        supporters = self._clean_supporters(draft.supporters, errors)
        if "spouse_name" in blanks or any(f.name == "spouse_name" for f in kinds.fields):
            supporters = spouse_to_living_with(values, supporters, warnings)
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
            blanks = blanks_of(role.fields)
            done = row.get(CLEANED) or {}
            for f in role.fields:
                value = row.get(f.name, f.default)
                if value is None and f.name in blanks:
                    blank = blanks[f.name]
                    values[f.name] = [] if type(blank) is list else blank
                    continue
                if done and done.get(f.name) is f and f.name in row:
                    values[f.name] = value  # as for the file's own values, above
                    continue
                try:
                    values[f.name] = f.clean(value, row=index)
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
            trail = (audit.diff({}, values, LABELS, DISPLAY)
                     + supporter_field_changes([], supporters))
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
                               LABELS, DISPLAY) + supporter_field_changes(
                [{"id": s.id, **stored_supporter(s)} for s in record.supporters], supporters)
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
        for leaving in current:
            if leaving.id not in kept_ids:
                leaving.ended_on = self.today()
                leaving.end_note = ended_note
                leaving.position = -1 - leaving.position
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
        today = self.today()
        for index, draft in enumerate(drafts):
            if cleaned_already is not None:
                values, supporters, warnings = cleaned_already[index]
            else:
                values, supporters, warnings = self.clean(draft)
            kinds = draft.kindset
            verdict = self._record_left_behind_year(kinds, values, supporters)
            cleaned.append((kinds, {**values, **verdicts.stored(verdict, today)},
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
            {"person_id": pid, "position": position, **supporter_row(s)}
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
        judged: dict[str, Verdict] = {}
        for k in kinds.members:
            keeps = _KEEPS_YEAR.get(k.code)
            if keeps is None:
                keeps = _KEEPS_YEAR[k.code] = any(f.name == "left_behind_year" for f in k.fields)
            if not keeps:
                continue
            verdict = judged[k.code] = k.judge(values, supporters, today)
            if verdict.left_behind and not verdict.carried_over:
                year = festival_year_start(today).year
                values["left_behind_year"] = max(values.get("left_behind_year") or year, year)
        # Each person judged once, not twice (a ledger's 10,000): the year recorded
        # cannot change the verdict it was recorded for, since seed 002's year only
        # opens the carry-over, and that verdict was reached without it
        # (``leftbehind._decide``; tests/test_leftbehind.py checks it).
        return kinds.verdict(values, supporters, today, judged)

    @staticmethod
    def _supporter(position: int, values: dict[str, Any],
                   stored: Supporter | None) -> Supporter:
        s = stored or Supporter()
        s.position = position
        for name, value in supporter_row(values).items():
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
            old_to_new(ANY_PERSON[name], getattr(record, name), value)
            for name, value in values.items() if getattr(record, name) != value
        ]
        changed += supporter_changes(record.supporters, supporters)
        return changed

_KEEPS_YEAR: dict[str, bool] = {}  # kind → whether its file keeps left_behind_year


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


def search_key(name: str, id_number: str | None, phone: str | None,
               terms: list[str] | None = None) -> str:
    """One lower-case text a search box can match with a single LIKE (``terms``: the
    name's ``pinyin.search_terms`` when the caller has them already)."""
    if terms is None:
        terms = pinyin.search_terms(name)
    parts = [name, *terms, id_number or "", phone or ""]
    return "|".join(p.lower() for p in parts if p)
