"""A row of a children's (women's, 特困) ledger that is already on the register: who it
is, what the file would become, and what that changes (issue 21, as issue 7 for the
elders: a ledger imported again updates its people, never makes a second file).

A row is the file with its ID number; without one, the file of that kind with the same
name in the same village group (and birth date, when several share a name). The row's
filled cells go over the stored file; the people around the person (parents, guardian,
husband) are matched by role and name: one the ledger names again is updated in place,
a new one is added, and one the ledger no longer names is kept as it is (as the elders'
import keeps a 赡养人 the ledger leaves out: ending someone needs the clerk's date and
reason). What the file held when the preview read it is kept as a fingerprint: the
import refuses to write over a file changed since (``changed_since_preview``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from carecenter.register.changes import stored_supporter
from carecenter.register.groups import GroupIndex
from carecenter.rules.kinds import ALL_PERSON_FIELDS, ROLES, PersonKind, codes_of
from carecenter.storage.database import Database
from carecenter.storage.mapped import Person
from carecenter.storage.models import EXITED, person, village_group

# How the preview names the people around the person.
WHO_LABELS = {"father": "父亲", "mother": "母亲", "husband": "丈夫"}
_FIELDS = tuple(f.name for f in ALL_PERSON_FIELDS)


@dataclass
class Candidate:
    person_id: int
    birth: date | None
    has_id: bool
    kinds: tuple[str, ...]


@dataclass
class Known:
    """Who is on the register, read once per preview."""

    by_id: dict[str, int] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[Candidate]] = field(default_factory=dict)
    groups: GroupIndex = field(default_factory=lambda: GroupIndex(()))
    exited: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, database: Database) -> Known:
        known = cls()
        with database.session() as session:
            known.groups = GroupIndex(
                session.execute(select(village_group.c.id, village_group.c.name)))
            names = {gid: key for key, gid in known.groups.ids.items()}
            query = select(person.c.id, person.c.id_number, person.c.name, person.c.group_id,
                           person.c.birth_date, person.c.kinds, person.c.kind, person.c.status)
            for pid, number, name, gid, birth, kinds, primary, status in session.execute(query):
                if number:
                    known.by_id[number] = pid
                key = (name, names.get(gid, "") if gid is not None else "")
                known.by_name.setdefault(key, []).append(
                    Candidate(pid, birth, bool(number), codes_of(kinds, primary)))
                if status == EXITED:
                    known.exited.add(pid)
        return known

    def by_name_and_group(self, kind: PersonKind, name: str, group: str | None,
                          birth: date | None, with_number: bool) -> list[int]:
        """The files a row without a matching ID number may be: same name and group,
        of this kind (or of another with the same birth date: a 特困 child's file);
        when the row has a number, only files still without one."""
        found = self.by_name.get((name, self.groups.key(group) if group else ""), [])
        found = [c for c in found if kind.code in c.kinds
                 or (birth is not None and c.birth == birth)]
        if with_number:
            found = [c for c in found if not c.has_id]
        if len(found) > 1 and birth is not None:
            same = [c for c in found if c.birth == birth]
            found = same or found
        return [c.person_id for c in found]


@dataclass
class StoredFile:
    """A file as the preview read it: values, kinds, current people around, and the
    fingerprint an import compares before writing over it."""

    person_id: int
    kind: str
    kinds: tuple[str, ...]
    values: dict[str, Any]
    supporters: list[dict[str, Any]]
    seen: str


def fingerprint(record: Person) -> str:
    """A stored file's every field, kinds and current supporters, as one text: read by
    the preview and again inside the import's transaction."""
    return repr(([getattr(record, n, None) for n in _FIELDS], record.kind, record.kinds,
                 record.status,
                 [(s.id, sorted(stored_supporter(s).items())) for s in record.supporters]))


def load(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    """The files with their supporters, a few queries per 500."""
    wanted = sorted(set(ids))
    found: dict[int, Person] = {}
    for start in range(0, len(wanted), 500):
        query = (select(Person).options(selectinload(Person.supporters))  # type: ignore[arg-type]
                 .where(person.c.id.in_(wanted[start:start + 500])))
        found.update((p.id, p) for p in session.execute(query).scalars())
    return found


def read_files(database: Database, ids: Iterable[int]) -> dict[int, StoredFile]:
    with database.session() as session:
        return {pid: StoredFile(
            pid, record.kind, codes_of(record.kinds, record.kind),
            {n: getattr(record, n, None) for n in _FIELDS},
            [{"id": s.id, **stored_supporter(s)} for s in record.supporters],
            fingerprint(record)) for pid, record in load(session, ids).items()}


def merged(stored: StoredFile, values: dict[str, Any], supporters: list[dict[str, Any]]
           ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The file as the ledger row would leave it: the row's filled cells over the
    stored values; each person around matched by role and name and updated, a new one
    added, none dropped. A place of work unchanged keeps the 所在范围 on the file (the
    clerk may have chosen it); a new place brings the one read from it."""
    base = dict(stored.values)
    number = values.get("id_number")
    if number and base.get("id_number") != number:
        # A number the file lacked: its birth date and sex come from the number now.
        base["birth_date"] = None
        base["sex"] = None
    base.update(values)
    people = [dict(s) for s in stored.supporters]
    for entry in supporters:
        same = next((s for s in people if s.get("role") == entry.get("role")
                     and s.get("name") == entry.get("name")), None)
        if same is None:
            people.append(dict(entry))
            continue
        for key, value in entry.items():
            if value in (None, ""):
                continue
            if key == "location_scope" and same.get("location_scope") and (
                    entry.get("whereabouts") in (None, "", same.get("whereabouts"))):
                continue
            same[key] = value
        if entry.get("whereabouts") not in (None, "", same.get("whereabouts")) \
                and "location_scope" not in entry:
            same["location_scope"] = None  # a new place not read: the old scope is wrong
    return base, people


def changes(stored: StoredFile, kind_fields: Iterable[Any], values: dict[str, Any],
            supporters: list[dict[str, Any]], new_group: bool) -> list[str]:
    """What an update changes, in the clerk's words: 联系电话, 父亲周强的联系电话,
    新增监护人王芳; empty when the row says what the file already holds."""
    out = [f.label for f in kind_fields
           if f.name != "group_id" and stored.values.get(f.name) != values.get(f.name)]
    if new_group or stored.values.get("group_id") != values.get("group_id") and \
            values.get("group_id") is not None:
        out.append("村民小组")
    before = {s["id"]: s for s in stored.supporters}
    for s in supporters:
        role = ROLES[s["role"]]
        who = WHO_LABELS.get(str(s.get("relation")), role.label)
        old = before.get(s.get("id", -1))
        if old is None:
            out.append(f"新增{who}{s.get('name') or ''}")
            continue
        for f in role.fields:
            if old.get(f.name) != s.get(f.name):
                out.append(f"{who}{s.get('name') or ''}的{f.label}")
    return out
