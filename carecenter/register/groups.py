"""Village groups (村民小组): a short list the clerk keeps, in the village's own order.

Ledgers write one group many ways (三组, 3组, 第三村民小组); ``group_key`` reads them
all as the same group so that the list never holds it twice. 三队 and 一社 are numbered
groups too, the same as the register's group of that number only when it has just one
(``GroupIndex``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from carecenter.access import audit
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.storage.backends import retrying
from carecenter.storage.mapped import VillageGroup
from carecenter.storage.models import person, village_group

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}


_FULL_WIDTH_DIGITS = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}


def chinese_number(text: str) -> int | None:
    """一 … 九十九 and plain digits; None when the text is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_DIGITS[c]) for c in text)) if len(text) <= 2 else None
    tens, _, ones = text.partition("十")
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return value


# 三组, 第三村民小组, 3 (a number alone: a group column holds only numbers), 三队, 一社.
_NUMBERED = re.compile(
    r"第?([0-9零〇一二两三四五六七八九十]+)(村民小组|村民组|小组|组|生产队|队|社)?")
# 组 and its longer forms are one kind of name; 队 (生产队) and 社 are named apart: a
# village may keep both, and 三队 is the register's 第三村民小组 only where the register
# has no other group numbered 3 (``GroupIndex``).
_UNITS = {"生产队": "队", "队": "队", "社": "社"}
# 白竹村三组, 白竹村第三村民小组: the village's name before a numbered group.
_VILLAGE_PREFIX = re.compile(r"\S{1,8}?(?:村|社区)(?=第?[0-9零〇一二两三四五六七八九十]+"
                             r"(?:村民小组|村民组|小组|组|生产队|队|社))")


def group_key(name: str) -> str:
    """The same key for 三组, 3组, 第3组, 第三村民小组, 三 组, 白竹村三组 (#3); for
    三队 and 第三生产队 #3队, for 三社 #3社; anything else is its own key."""
    text = re.sub(r"\s+", "", name).translate(_FULL_WIDTH_DIGITS)
    for candidate in (text, _VILLAGE_PREFIX.sub("", text, count=1)):
        m = _NUMBERED.fullmatch(candidate)
        if m:
            number = chinese_number(m.group(1))
            if number is not None:
                return f"#{number}{_UNITS.get(m.group(2) or '', '')}"
    return text


def _number(name: str) -> int | None:
    return _key_number(group_key(name))


def _key_number(key: str) -> int | None:
    m = re.fullmatch(r"#(\d+)\D*", key)
    return int(m.group(1)) if m else None


class GroupIndex:
    """The register's groups by key, and a ledger's way of writing one resolved to the
    group it means there: its own key (三组 for 第三村民小组), or, when the register has
    exactly one group of that number, that group (三队 for 第三村民小组); a number the
    register does not have is a new group, named as written. Never one group said and
    another written: the preview shows ``name_of`` what each text resolves to."""

    def __init__(self, groups: Iterable[tuple[int, str]]) -> None:
        self.ids: dict[str, int] = {}  # key → id
        self.names: dict[int, str] = {}  # id → the register's name
        self._numbered: dict[int, set[str]] = {}  # number → the keys with it
        for gid, name in groups:
            self.add(int(gid), name)

    def add(self, gid: int, name: str) -> None:
        key = group_key(name)
        self.ids.setdefault(key, gid)
        self.names[gid] = name
        number = _key_number(key)
        if number is not None:
            self._numbered.setdefault(number, set()).add(key)

    def key(self, text: str) -> str:
        key = group_key(text)
        if key in self.ids:
            return key
        number = _key_number(key)
        same = self._numbered.get(number, set()) if number is not None else set()
        return next(iter(same)) if len(same) == 1 else key

    def find(self, text: str) -> int | None:
        return self.ids.get(self.key(text))

    def name_of(self, text: str) -> str | None:
        """The register's name of the group ``text`` means; None for a new group."""
        gid = self.find(text)
        return None if gid is None else self.names[gid]


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    active: bool
    people: int


class GroupBook:
    """Reading and editing the list of village groups, one transaction per change."""

    def __init__(self, database: object) -> None:
        from carecenter.storage.database import Database

        assert isinstance(database, Database)
        self.database = database

    def list(self, include_inactive: bool = True, counts: bool = False) -> list[GroupInfo]:
        """The groups in the village's order; ``counts`` adds people on the register
        (a scan of the register: for the groups dialog, not for every form)."""
        if not counts:
            query = select(village_group.c.id, village_group.c.name, village_group.c.active,
                           literal(0)).order_by(village_group.c.position, village_group.c.id)
            if not include_inactive:
                query = query.where(village_group.c.active.is_(True))
            with self.database.session() as session:
                return [GroupInfo(r[0], r[1], bool(r[2]), 0) for r in session.execute(query)]
        per_group = (
            select(person.c.group_id, func.count().label("n"))
            .where(person.c.status == "active")
            .group_by(person.c.group_id)
            .subquery()
        )
        query = (
            select(village_group.c.id, village_group.c.name, village_group.c.active,
                   func.coalesce(per_group.c.n, 0))
            .outerjoin(per_group, per_group.c.group_id == village_group.c.id)
            .order_by(village_group.c.position, village_group.c.id)
        )
        if not include_inactive:
            query = query.where(village_group.c.active.is_(True))
        with self.database.session() as session:
            return [GroupInfo(r[0], r[1], bool(r[2]), int(r[3])) for r in session.execute(query)]

    def exists(self, session: Session, group_id: int) -> bool:
        return session.get(VillageGroup, group_id) is not None

    def find(self, session: Session, name: str) -> int | None:
        """The group of exactly this name's key (三组 for 第三村民小组, not for 三队)."""
        key = group_key(name)
        for gid, gname in session.execute(select(village_group.c.id, village_group.c.name)):
            if group_key(gname) == key:
                return int(gid)
        return None

    def index(self, session: Session) -> GroupIndex:
        return GroupIndex(session.execute(select(village_group.c.id, village_group.c.name)))

    def _clean_name(self, name: str) -> str:
        name = re.sub(r"\s+", "", name or "")
        if not name:
            raise ValidationFailed([FieldError("name", "村民小组名称不能为空")])
        if len(name) > 30:
            raise ValidationFailed([FieldError("name", "村民小组名称最多 30 个字")])
        return name

    @retrying
    def add(self, name: str) -> int:
        name = self._clean_name(name)
        with self.database.transaction() as session:
            return self.add_in(session, name)

    def add_in(self, session: Session, name: str) -> int:
        existing = self.find(session, name)
        if existing is not None:
            other = session.get(VillageGroup, existing)
            raise ValidationFailed([FieldError(
                "name", f"“{name}”与已有的“{other.name if other else ''}”是同一个组"
            )])
        position = int(session.execute(
            select(func.coalesce(func.max(village_group.c.position), 0))
        ).scalar_one()) + 1
        number = _number(name)
        if number is not None:
            # 一组 … 十二组 in the order of their numbers, however a ledger lists them
            # (a ledger sorted by name puts 十一组 before 一组): before the first group
            # with a greater number, the later ones moved down one place.
            after_numbered = None  # just after the last numbered group
            for gname, place in session.execute(
                    select(village_group.c.name, village_group.c.position)
                    .order_by(village_group.c.position, village_group.c.id)):
                theirs = _number(gname)
                if theirs is not None and theirs > number:
                    after_numbered = int(place)
                    break
                if theirs is not None:
                    after_numbered = int(place) + 1
            if after_numbered is not None and after_numbered < position:
                position = after_numbered
                session.execute(update(village_group)
                                .where(village_group.c.position >= position)
                                .values(position=village_group.c.position + 1))
        group = VillageGroup()
        group.name = name
        group.position = position
        group.active = True
        session.add(group)
        session.flush()
        audit.record(session, "created", "group", group.id, summary=name,
                     changes=[("名称", "", name)])
        return group.id

    @retrying
    def rename(self, group_id: int, name: str) -> None:
        name = self._clean_name(name)
        with self.database.transaction() as session:
            group = self._get(session, group_id)
            other = self.find(session, name)
            if other is not None and other != group_id:
                raise ValidationFailed([FieldError("name", f"已有名为“{name}”的村民小组")])
            if group.name != name:
                audit.record(session, "updated", "group", group_id, summary=name,
                             changes=[("名称", group.name, name)])
            group.name = name

    @retrying
    def move(self, group_id: int, step: int) -> None:
        """Move a group up (-1) or down (+1) in the list."""
        with self.database.transaction() as session:
            ids = [g for (g,) in session.execute(
                select(village_group.c.id).order_by(village_group.c.position, village_group.c.id)
            )]
            index = ids.index(group_id)
            target = index + step
            if 0 <= target < len(ids):
                ids[index], ids[target] = ids[target], ids[index]
            for position, gid in enumerate(ids, start=1):
                session.execute(
                    update(village_group).where(village_group.c.id == gid).values(position=position)
                )
            audit.record(session, "updated", "group", group_id,
                         summary="上移" if step < 0 else "下移")

    @retrying
    def set_active(self, group_id: int, active: bool) -> None:
        """A group no longer used is hidden from choices; people keep their group."""
        with self.database.transaction() as session:
            group = self._get(session, group_id)
            if group.active != active:
                audit.record(session, "updated", "group", group_id, summary=group.name,
                             changes=[("状态", "在用" if group.active else "停用",
                                       "在用" if active else "停用")])
            group.active = active

    def _get(self, session: Session, group_id: int) -> VillageGroup:
        group = session.get(VillageGroup, group_id)
        if group is None:
            raise KnownError("该村民小组不存在")
        return group
