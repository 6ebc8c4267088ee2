"""Kinds of person cared for, declared as data (seed 000: 留守老人、妇女、儿童和特困群众).

Each kind is one ``PersonKind`` in its own module (``elder``, ``child``, ``woman``,
``tekun``); this module gathers them. A person may be of several kinds in one file (a
特困 elder): ``Kinds`` is such a combination, with the union of the fields, tabs, roles,
cadences, duties and records of its members, worked out once per combination.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import cache, lru_cache

from carecenter.rules.cadences import Cadence, CadenceBook
from carecenter.rules.fields import PERSON_FIELDS, Field, Section
from carecenter.rules.helper_duties import Duty, duty_periods
from carecenter.rules.kinds.child import CHILD, CHILD_FIELDS
from carecenter.rules.kinds.declaration import Figure, PersonKind, Role, Values
from carecenter.rules.kinds.elder import ELDER, SUPPORTER_ROLE  # noqa: F401 (re-exported)
from carecenter.rules.kinds.tekun import TEKUN, TEKUN_FIELDS
from carecenter.rules.kinds.woman import WOMAN, WOMAN_FIELDS
from carecenter.rules.leftbehind import Verdict

__all__ = ["CHILD", "ELDER", "TEKUN", "WOMAN", "Figure", "PersonKind", "Role"]

KINDS: dict[str, PersonKind] = {k.code: k for k in (ELDER, CHILD, WOMAN, TEKUN)}
DEFAULT_KIND = ELDER

# Every field a file of any kind may hold: the columns of ``person``.
KIND_FIELDS: tuple[Field, ...] = (*CHILD_FIELDS, *WOMAN_FIELDS, *TEKUN_FIELDS)
ALL_PERSON_FIELDS: tuple[Field, ...] = (*PERSON_FIELDS, *KIND_FIELDS)
ANY_PERSON: dict[str, Field] = {f.name: f for f in ALL_PERSON_FIELDS}

ROLES: dict[str, Role] = {r.code: r for k in KINDS.values() for r in k.roles}


def _supporter_columns() -> tuple[Field, ...]:
    """One field per column of ``supporter``: the first role to declare a name gives it
    (the same name always has the same type; a relation's choices differ by role)."""
    seen: dict[str, Field] = {}
    for role in ROLES.values():
        for f in role.fields:
            seen.setdefault(f.name, f)
    return tuple(seen.values())


SUPPORTER_COLUMNS: tuple[Field, ...] = _supporter_columns()

# Every cadence of every kind by its code (the codes are unique across kinds).
CADENCES: dict[str, Cadence] = {c.code: c for k in KINDS.values() for c in k.cadences.cadences}
# The kind that declares each cadence (a child's weekly contact is the child kind's).
CADENCE_KIND: dict[str, PersonKind] = {c.code: k for k in KINDS.values()
                                       for c in k.cadences.cadences}

# The labels of every duty and every record kind any kind declares.
DUTIES: dict[str, str] = {}
for _k in KINDS.values():
    for _code, _label in _k.duties.items():
        DUTIES.setdefault(_code, _label)
# A duty as its own kind names it (the elder's 走访打卡 is a child's 入户走访), by cadence.
DUTY_OF: dict[str, str] = {c.code: k.duties.get(c.duty, DUTIES.get(c.duty, c.duty))
                           for k in KINDS.values() for c in k.cadences.cadences}
RECORDS: dict[str, str] = {}
for _k in KINDS.values():
    for _code, _label in _k.records.items():
        RECORDS.setdefault(_code, _label)


# Every helper duty any kind declares (帮扶人履职), once each, and the kinds that owe it:
# a helper is judged on a person by the duties of the person's own kinds.
HELPER_DUTIES: tuple[Duty, ...] = tuple(dict.fromkeys(
    d for k in KINDS.values() for d in k.helper_duties))
DUTY_OWNERS: dict[Duty, tuple[PersonKind, ...]] = {
    d: tuple(k for k in KINDS.values() if d in k.helper_duties) for d in HELPER_DUTIES}
# The kinds of record the duties count and their periods (the tally ``care.duty_tally``
# keeps; when these change, the program rebuilds it).
HELPER_DUTY_PERIODS: dict[str, tuple[str, ...]] = duty_periods(HELPER_DUTIES)
# What that tally counts, as kept beside it (``storage.kept_rules``).
TALLY_RULES = ";".join(f"{kind}:{','.join(sorted(periods))}"
                       for kind, periods in sorted(HELPER_DUTY_PERIODS.items()))
# Bump when any kind's ``judge`` changes: every register then works its stored verdicts
# out again, once (``register.upkeep``). 2: only 赡养义务人 decide an elder's (a 儿媳 or
# 女婿 never, 老年人权益保障法第十四条; a 孙子女 only with no son or daughter on the file,
# 民法典第一千零七十四条).
VERDICT_RULES = "2"


# The person's fields any verdict reads: what the register reads for its 认定 column.
VERDICT_READS: tuple[str, ...] = tuple(dict.fromkeys(n for k in KINDS.values() for n in k.reads))


def kind(code: str) -> PersonKind:
    return KINDS[code]


def codes_of(stored: str | Sequence[str] | None, primary: str | None = None) -> tuple[str, ...]:
    """The kinds of a file in the declared order, from its stored list (or its one kind)."""
    if isinstance(stored, str):
        stored = stored.split(",")
    chosen = set(stored or ()) | ({primary} if primary else set())
    return tuple(code for code in KINDS if code in chosen) or (DEFAULT_KIND.code,)


class Kinds:
    """The kinds of one file together: what the editor, the verdict and the cadences
    read for it. Get one with ``combined``."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.codes = codes
        self.members = tuple(KINDS[c] for c in codes)
        self.primary = self.members[0]
        self.label = "、".join(k.label for k in self.members)
        self.short = "、".join(k.short for k in self.members)
        fields: dict[str, Field] = {}
        for k in self.members:
            for f in k.fields:
                fields.setdefault(f.name, f)
        self.fields: tuple[Field, ...] = tuple(fields.values())
        roles: dict[str, Role] = {}
        for k in self.members:
            for r in k.roles:
                roles.setdefault(r.code, r)
        self.roles: tuple[Role, ...] = tuple(roles.values())
        cadences: dict[str, Cadence] = {}
        for k in self.members:
            for c in k.cadences.cadences:
                cadences.setdefault(c.code, c)
        self.cadences = CadenceBook(tuple(cadences.values()))
        self.documents = tuple(dict.fromkeys(d for k in self.members for d in k.documents))
        self.records: dict[str, str] = {}
        for k in self.members:
            for code, label in k.records.items():
                self.records.setdefault(code, label)
        self._tabs: list[tuple[Section, list[Field] | Role]] | None = None

    def tabs(self) -> list[tuple[Section, list[Field] | Role]]:
        """The editor's tabs in order: a role's table, or the fields of a section.
        A field goes to the first member's placement of it (or its own section)."""
        if self._tabs is None:  # the same for every file of these kinds: once
            self._tabs = self._place()
        return [(s, list(c) if isinstance(c, list) else c) for s, c in self._tabs]

    def _place(self) -> list[tuple[Section, list[Field] | Role]]:
        role_tabs = {r.section.code: r for r in self.roles}
        order: list[Section] = []
        for k in self.members:
            for s in k.sections:
                if s not in order:
                    order.append(s)
        placed: dict[str, list[Field]] = {s.code: [] for s in order}
        for f in self.fields:
            owner = next(k for k in self.members if f in k.fields)
            section = owner.section_of(f)
            if section.code not in placed:  # a section no member shows: the last tab
                section = next(s for s in reversed(order) if s.code not in role_tabs)
            placed[section.code].append(f)
        out: list[tuple[Section, list[Field] | Role]] = []
        for s in order:
            if s.code in role_tabs:
                out.append((s, role_tabs[s.code]))
            elif placed[s.code]:
                out.append((s, placed[s.code]))
        return out

    def verdicts(self, values: Values, supporters: Sequence[Values], on: date,
                 judged: Mapping[str, Verdict] | None = None) -> dict[str, Verdict]:
        """Each member's verdict; ``judged``: those the caller has for these very facts."""
        known = judged or {}
        return {k.code: known[k.code] if k.code in known else k.judge(values, supporters, on)
                for k in self.members}

    def verdict(self, values: Values, supporters: Sequence[Values], on: date,
                judged: Mapping[str, Verdict] | None = None) -> Verdict:
        """One verdict for the file: the first kind it qualifies as, else the primary's."""
        found = self.verdicts(values, supporters, on, judged)
        chosen = next((v for v in found.values() if v.left_behind), found[self.primary.code])
        # It may change when any member's may.
        days = [v.until for v in found.values() if v.until is not None]
        return replace(chosen, until=min(days)) if days and min(days) != chosen.until \
            else chosen


@cache
def _combined(codes: tuple[str, ...]) -> Kinds:
    return Kinds(codes)


def combined(codes: Iterable[str] | str | None, primary: str | None = None) -> Kinds:
    """The ``Kinds`` of a file (worked out once per combination)."""
    stored = codes if isinstance(codes, str) or codes is None else tuple(codes)
    return _stored_as(stored, primary)


@lru_cache(maxsize=256)  # asked once or twice for each of a ledger's 10,000 files
def _stored_as(stored: str | tuple[str, ...] | None, primary: str | None) -> Kinds:
    return _combined(codes_of(stored, primary))
