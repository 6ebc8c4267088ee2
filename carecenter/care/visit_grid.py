"""What the fast-entry grids need from the register: who can be picked, a helper's or a
village group's people, earlier visitors, and dates as a clerk types them on a sheet.

The paper visit sheet (走访记录表) is entered back in one grid; everything here is plain
data so that tests reach it without a window.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, helper, pairing, person, village_group, visit


@dataclass(frozen=True)
class Pick:
    """One person as the grid's completer offers them."""

    id: int
    name: str
    id_number: str
    group: str
    search_key: str = ""  # name|pinyin|initials|ID number|phone, as the register keeps it

    @property
    def label(self) -> str:
        """姓名 档案号 村民小组: what the completer lists and the cell shows."""
        return " ".join(part for part in (self.name, str(self.id), self.group) if part)


def _picks(database: Database, *conditions: object) -> list[Pick]:
    """Active people matching the conditions, by village group order then pinyin.

    The few groups are read apart and the order made here: at 100,000 people a join
    and an ORDER BY in SQL cost twice the plain scan.
    """
    people = (
        select(person.c.id, person.c.name, person.c.id_number, person.c.group_id,
               person.c.search_key, person.c.name_pinyin)
        .where(person.c.status == ACTIVE, *conditions)  # type: ignore[arg-type]
    )
    with database.engine.connect() as connection:
        groups = {r.id: (r.position, r.name) for r in connection.execute(
            select(village_group.c.id, village_group.c.position, village_group.c.name))}
        rows = list(connection.execute(people))
    last = (1 << 30, "")
    rows.sort(key=lambda r: (groups.get(r.group_id, last)[0], r.name_pinyin or "", r.id))
    return [Pick(r.id, r.name or "", r.id_number or "", groups.get(r.group_id, last)[1],
                 r.search_key or "") for r in rows]


def active_people(database: Database) -> list[Pick]:
    return _picks(database)


def group_people(database: Database, group_id: int) -> list[Pick]:
    return _picks(database, person.c.group_id == group_id)


def helper_people(database: Database, helper_id: int) -> list[Pick]:
    """The people a helper is paired with now (primary or second)."""
    current = select(pairing.c.person_id).where(
        pairing.c.helper_id == helper_id, pairing.c.ended_on.is_(None))
    return _picks(database, person.c.id.in_(current))


def people_for(database: Database, group_id: int | None = None,
               colours: Sequence[str] | None = None) -> list[int]:
    """Active people of a village group (None: all) with one of these colours (None:
    any; "" stands for not yet assessed): the members of a special round."""
    conditions: list[object] = []
    if group_id is not None:
        conditions.append(person.c.group_id == group_id)
    if colours is not None:
        chosen = [c for c in colours if c]
        either = [person.c.colour.in_(chosen)]
        if "" in colours:
            either.append(person.c.colour.is_(None))
        conditions.append(or_(*either))
    statement = select(person.c.id).where(person.c.status == ACTIVE, *conditions)  # type: ignore[arg-type]
    with database.engine.connect() as connection:
        return [r[0] for r in connection.execute(statement)]


def helpers(database: Database) -> list[tuple[int, str]]:
    """Active helpers who have someone paired with them now: (id, name), by name."""
    statement = (
        select(helper.c.id, helper.c.name)
        .where(helper.c.active.is_(True),
               helper.c.id.in_(select(pairing.c.helper_id).where(pairing.c.ended_on.is_(None))))
        .order_by(helper.c.name, helper.c.id)
    )
    with database.engine.connect() as connection:
        return [(r.id, r.name) for r in connection.execute(statement)]


def visitors(database: Database, limit: int = 200) -> list[str]:
    """Names written as visitor before, most used first: the visitor box's completions."""
    # The latest few thousand visits say who visits now, without counting every visit.
    recent = select(visit.c.visitor).order_by(visit.c.id.desc()).limit(5000).subquery()
    statement = (select(recent.c.visitor).group_by(recent.c.visitor)
                 .order_by(func.count().desc(), recent.c.visitor).limit(limit))
    with database.engine.connect() as connection:
        return [r[0] for r in connection.execute(statement) if r[0]]


def group_names(database: Database, person_ids: Sequence[int]) -> dict[int, str]:
    """The village group's name of each of these people (for lists that lack it)."""
    result: dict[int, str] = {}
    ids = list(dict.fromkeys(person_ids))
    with database.engine.connect() as connection:
        for start in range(0, len(ids), 500):
            statement = (
                select(person.c.id, village_group.c.name)
                .outerjoin(village_group, village_group.c.id == person.c.group_id)
                .where(person.c.id.in_(ids[start:start + 500]))
            )
            result.update({r[0]: r[1] or "" for r in connection.execute(statement)})
    return result


class PersonFinder:
    """Resolves what a clerk typed in a person cell: a completer label, a 档案号, an ID
    number or a name that only one active person has."""

    def __init__(self, picks: Sequence[Pick]) -> None:
        self.picks = list(picks)
        self.by_id = {p.id: p for p in self.picks}
        self.by_label = {p.label: p for p in self.picks}
        self.by_id_number = {p.id_number.upper(): p for p in self.picks if p.id_number}
        self.by_name: dict[str, list[Pick]] = {}
        for p in self.picks:
            self.by_name.setdefault(p.name, []).append(p)

    def find(self, text: str) -> Pick:
        """The person meant, or ValueError with a Chinese reason."""
        text = text.strip().translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９Ｘｘ"})
        if not text:
            raise ValueError("请填写人员")
        if text in self.by_label:
            return self.by_label[text]
        if text.isdigit() and len(text) < 15:
            found = self.by_id.get(int(text))
            if found is None:
                raise ValueError(f"档案号 {text} 不在册")
            return found
        if re.fullmatch(r"\d{17}[\dXx]", text):
            found = self.by_id_number.get(text.upper())
            if found is None:
                raise ValueError(f"身份证号 {text} 不在册")
            return found
        name = text.split()[0]
        same = self.by_name.get(name, [])
        if len(same) == 1:
            return same[0]
        if not same:
            matches = self.search(name, 2)
            if len(matches) == 1:
                return matches[0]
            raise ValueError(f"“{name}”不在册,请从列表中选择或输入档案号")
        numbers = "、".join(str(p.id) for p in same[:5])
        raise ValueError(f"{name} 有 {len(same)} 人同名(档案号 {numbers}),请输入档案号")


    def search(self, text: str, limit: int = 12) -> list[Pick]:
        """People whose 档案号, name, pinyin, initials, ID number or phone hold the text;
        exact 档案号 and names first, then names and initials that start with it."""
        text = text.strip().lower()
        if not text:
            return []
        exact: list[Pick] = []
        if text.isdigit() and int(text) in self.by_id:
            exact.append(self.by_id[int(text)])
        exact += [p for p in self.by_name.get(text, []) if p not in exact]
        starts: list[Pick] = []
        contains: list[Pick] = []
        for p in self.picks:
            if p in exact:
                continue
            parts = p.search_key.split("|")
            if any(part.startswith(text) for part in parts[:3]):
                starts.append(p)
            elif text in p.search_key or text in p.label:
                contains.append(p)
            if len(exact) + len(starts) >= limit:
                break
        return (exact + starts + contains)[:limit]


def parse_sheet_date(text: str, today: date, previous: date | None = None) -> date:
    """Dates as typed from a sheet: 2026-11-03, 2026.11.3, 11-3, 11.3, 1103, 3 (the day of
    the previous row's month). Without a year, the latest such date not after today."""
    text = text.strip().translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"})
    text = text.replace("日", "").replace("号", "")
    if not text:
        raise ValueError("请填写走访日期")
    try:
        m = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})", text)
        if m and (len(text) == 8 or not text.isdigit()):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})", text) or re.fullmatch(r"(\d{2})(\d{2})",
                                                                           text)
        if m:
            month, day = int(m.group(1)), int(m.group(2))
            candidate = date(today.year, month, day)
            return candidate if candidate <= today else date(today.year - 1, month, day)
        if re.fullmatch(r"\d{1,2}", text):
            base = previous or today
            candidate = base.replace(day=int(text))
            if previous is None and candidate > today:
                month = base.month - 1 or 12
                candidate = date(base.year - (base.month == 1), month, int(text))
            return candidate
    except ValueError:
        pass
    raise ValueError(f"日期“{text}”看不懂,请写成 11-3、1103 或 2026-11-03")
