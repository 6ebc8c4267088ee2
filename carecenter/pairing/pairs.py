"""结对帮扶: who helps whom, coverage, each helper's load, and pairing by hand.

Every person on the register should have one primary helper (rank 1, 人盯人) and may
have a second (rank 2). A pairing is never deleted: it ends (``ended_on``) and stays as
history. A helper's load is their primary people weighted by colour (a red person needs
more of a helper's time than a green one); the weights and the limit are a setting.
The proposal for everyone unpaired lives in ``carecenter.pairing.proposal``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import case, exists, func, select, text, tuple_, update
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.errors import ChangedMeanwhile, KnownError, NotFound
from carecenter.rules.risk import COLOUR_LABELS, GREEN, RED, YELLOW
from carecenter.rules.roles import ADMIN
from carecenter.settings.preferences import PAIRING
from carecenter.settings.settings_store import Settings
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, helper, pairing, person, village_group

PRIMARY = 1
SECOND = 2
RANK_LABELS = {PRIMARY: "主帮扶人", SECOND: "第二帮扶人"}
UNASSESSED = "unassessed"
COLOUR_KEYS = (RED, YELLOW, GREEN, UNASSESSED)
LOAD_COLOUR_LABELS = {**COLOUR_LABELS, UNASSESSED: "未评估"}

SETTING_KEY = PAIRING  # {"weights": {"red": 3, ...}, "limit": 30}
# A red person is visited twice a month, yellow monthly, green quarterly (seed 002): the
# default weights follow that, and a person not yet assessed counts as green.
DEFAULT_WEIGHTS = {RED: 3, YELLOW: 2, GREEN: 1, UNASSESSED: 1}
DEFAULT_LIMIT = 30
CHUNK = 500  # ids per IN (...) list
T = TypeVar("T")


@dataclass(frozen=True)
class LoadRules:
    weights: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    limit: int = DEFAULT_LIMIT

    def weight(self, colour: str | None) -> int:
        return self.weights.get(colour or UNASSESSED, self.weights[UNASSESSED])

    def text(self) -> str:
        parts = "、".join(f"{LOAD_COLOUR_LABELS[c]} {self.weights[c]}" for c in COLOUR_KEYS)
        return f"负荷权重:{parts};每名帮扶人上限 {self.limit}"


def load_rules(database: Database) -> LoadRules:
    stored = Settings(database).get(SETTING_KEY, {}) or {}
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (stored.get("weights") or {}).items():
        if key in weights and isinstance(value, int) and value > 0:
            weights[key] = value
    limit = stored.get("limit")
    return LoadRules(weights, limit if isinstance(limit, int) and limit > 0 else DEFAULT_LIMIT)


def save_rules(database: Database, rules: LoadRules) -> None:
    for key in COLOUR_KEYS:
        value = rules.weights.get(key)
        if not isinstance(value, int) or not 1 <= value <= 20:
            raise KnownError(f"{LOAD_COLOUR_LABELS[key]}的负荷权重应为 1–20 的整数")
    if not 1 <= rules.limit <= 1000:
        raise KnownError("每名帮扶人的负荷上限应为 1–1000 的整数")
    Settings(database).set_many(
        {SETTING_KEY: {"weights": {k: rules.weights[k] for k in COLOUR_KEYS},
                       "limit": rules.limit}}, need=ADMIN)


@dataclass
class Load:
    people: int = 0  # current primary pairings of people on the register
    seconds: int = 0
    weight: int = 0
    by_colour: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CurrentPairing:
    id: int
    rank: int
    helper_id: int
    helper_name: str
    role: str
    phone: str
    started_on: date
    ended_on: date | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class GroupCoverage:
    group_id: int | None
    name: str
    total: int
    unpaired: int


@dataclass(frozen=True)
class Coverage:
    total: int
    unpaired: int
    groups: list[GroupCoverage]
    colours: dict[str, tuple[int, int]]  # colour (or "unassessed") → (total, unpaired)

    @property
    def paired(self) -> int:
        return self.total - self.unpaired

    @property
    def percent(self) -> float:
        return 100.0 * self.paired / self.total if self.total else 100.0


def current_primary() -> Any:
    """Persons with a current primary pairing (a subquery for NOT EXISTS)."""
    return exists().where(pairing.c.person_id == person.c.id, pairing.c.rank == PRIMARY,
                          pairing.c.ended_on.is_(None))


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class PairingBook:
    """Pairing people with helpers, one transaction per change."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today

    def rules(self) -> LoadRules:
        return load_rules(self.database)

    # -- reading ----------------------------------------------------------------------

    def current(self, person_id: int) -> list[CurrentPairing]:
        """The person's current helpers, primary first."""
        return self._pairings(person_id, current=True)

    def history(self, person_id: int) -> list[CurrentPairing]:
        return self._pairings(person_id, current=False)

    def _pairings(self, person_id: int, current: bool) -> list[CurrentPairing]:
        query = (select(pairing, helper.c.name, helper.c.role, helper.c.phone)
                 .join(helper, helper.c.id == pairing.c.helper_id)
                 .where(pairing.c.person_id == person_id)
                 .order_by(pairing.c.ended_on.is_not(None), pairing.c.rank,
                           pairing.c.started_on.desc(), pairing.c.id.desc()))
        if current:
            query = query.where(pairing.c.ended_on.is_(None))
        with self.database.session() as session:
            return [CurrentPairing(r.id, r.rank, r.helper_id, r.name, r.role, r.phone or "",
                                   r.started_on, r.ended_on, r.end_reason or "")
                    for r in session.execute(query)]

    def loads(self, rules: LoadRules | None = None) -> dict[int, Load]:
        """Every helper's current load, from one grouped query."""
        rules = rules or self.rules()
        loads: dict[int, Load] = {}
        with self.database.engine.connect() as connection:
            # The driver's own tuples; from the open pairings (exits end them), each
            # asking its person's colour and status by the primary key.
            rows = connection.execute(text(
                "SELECT r.helper_id, r.rank, p.colour, count(*) FROM pairing r "
                "JOIN person p ON p.id = r.person_id "
                "WHERE r.ended_on IS NULL AND p.status = :status "
                "GROUP BY r.helper_id, r.rank, p.colour"), {"status": ACTIVE}).fetchall()
        for helper_id, rank, colour, n in rows:
            load = loads.setdefault(helper_id, Load())
            if rank != PRIMARY:
                load.seconds += n
                continue
            key = colour or UNASSESSED
            load.people += n
            load.weight += n * rules.weight(colour)
            load.by_colour[key] = load.by_colour.get(key, 0) + n
        return loads

    def coverage(self) -> Coverage:
        """Who on the register has no current primary helper, per group and colour."""
        paired = current_primary()
        query = (select(person.c.group_id, person.c.colour, func.count(),
                        func.sum(case((paired, 0), else_=1)))
                 .where(person.c.status == ACTIVE)
                 .group_by(person.c.group_id, person.c.colour))
        with self.database.session() as session:
            rows = session.execute(query).all()
            names = dict(session.execute(select(village_group.c.id, village_group.c.name)
                                         .order_by(village_group.c.position)).all())
        per_group: dict[int | None, list[int]] = {gid: [0, 0] for gid in names}
        colours = {key: (0, 0) for key in COLOUR_KEYS}
        for group_id, colour, total, unpaired in rows:
            counts = per_group.setdefault(group_id, [0, 0])
            counts[0] += total
            counts[1] += int(unpaired or 0)
            key = colour if colour in colours else UNASSESSED
            t, u = colours[key]
            colours[key] = (t + total, u + int(unpaired or 0))
        groups = [GroupCoverage(gid, names.get(gid, "(未分组)") if gid is not None
                                else "(未分组)", t, u)
                  for gid, (t, u) in per_group.items() if t or gid is not None]
        total = sum(g.total for g in groups)
        return Coverage(total, sum(g.unpaired for g in groups), groups, colours)

    def unpaired(self, group_id: int | None = None, colour: str | None = None,
                 limit: int = 1000) -> list[tuple[int, str, str, str | None]]:
        """(id, name, group name, colour) of people without a primary helper."""
        query = (select(person.c.id, person.c.name, village_group.c.name, person.c.colour)
                 .outerjoin(village_group, village_group.c.id == person.c.group_id)
                 .where(person.c.status == ACTIVE, ~current_primary())
                 .order_by(village_group.c.position, person.c.name_pinyin).limit(limit))
        if group_id is not None:
            query = query.where(person.c.group_id == group_id)
        if colour == UNASSESSED:
            query = query.where(person.c.colour.is_(None))
        elif colour is not None:
            query = query.where(person.c.colour == colour)
        with self.database.session() as session:
            return [(r[0], r[1], r[2] or "(未分组)", r[3]) for r in session.execute(query)]

    # -- writing ----------------------------------------------------------------------

    @retrying
    def pair(self, person_id: int, helper_id: int, rank: int = PRIMARY,
             on: date | None = None, reason: str = "改派") -> int:
        """Make ``helper_id`` the person's primary (or second) helper from ``on``.

        The pairing it replaces ends the same day with ``reason``, kept as history.
        """
        if rank not in RANK_LABELS:
            raise KnownError("结对只能是主帮扶人或第二帮扶人")
        on = on or self.today()
        with self.database.transaction() as session:
            self._check_person(session, person_id)
            self._check_helper(session, helper_id)
            current = {r.rank: r.helper_id for r in session.execute(
                select(pairing.c.rank, pairing.c.helper_id)
                .where(pairing.c.person_id == person_id, pairing.c.ended_on.is_(None)))}
            if current.get(rank) == helper_id:
                raise KnownError(f"该帮扶人已是此人的{RANK_LABELS[rank]}")
            other = SECOND if rank == PRIMARY else PRIMARY
            if current.get(other) == helper_id:
                if rank == SECOND:
                    raise KnownError("第二帮扶人不能与主帮扶人是同一人")
                # The second helper becomes the primary: they are no longer second too.
                self._end(session, [person_id], SECOND, on, "改为主帮扶人")
            self._end(session, [person_id], rank, on, reason)
            new_id = int(session.execute(pairing.insert().values(
                person_id=person_id, helper_id=helper_id, rank=rank, started_on=on,
                created_at=clock.now()).returning(pairing.c.id)).scalar_one())
            names = dict(session.execute(select(helper.c.id, helper.c.name).where(
                helper.c.id.in_([h for h in (current.get(rank), helper_id) if h]))).all())
            audit.record(session, "created", "pairing", new_id, person_id=person_id,
                         summary=f"{reason},自 {on:%Y-%m-%d}", changes=[(
                             RANK_LABELS[rank], names.get(current.get(rank) or 0, ""),
                             names[helper_id])])
            return new_id

    @retrying
    def unpair(self, person_id: int, rank: int = PRIMARY, on: date | None = None,
               reason: str = "解除结对") -> None:
        on = on or self.today()
        with self.database.transaction() as session:
            was = session.execute(
                select(helper.c.name).join(pairing, pairing.c.helper_id == helper.c.id)
                .where(pairing.c.person_id == person_id, pairing.c.rank == rank,
                       pairing.c.ended_on.is_(None))).scalar()
            if not self._end(session, [person_id], rank, on, reason or "解除结对"):
                raise KnownError(f"此人当前没有{RANK_LABELS.get(rank, '帮扶人')}")
            audit.record(session, "ended", "pairing", person_id=person_id,
                         summary=f"{reason or '解除结对'},自 {on:%Y-%m-%d}",
                         changes=[(RANK_LABELS.get(rank, "帮扶人"), was or "", "")])

    @staticmethod
    def _changed_since(session: Session, seen: dict[int, int | None],
                       person_ids: Sequence[int]) -> list[int]:
        """The people whose current primary helper is no longer the one seen."""
        now: dict[int, int] = {}
        for part in chunks(person_ids):
            for person_id, helper_id in session.execute(
                    select(pairing.c.person_id, pairing.c.helper_id)
                    .where(pairing.c.person_id.in_(part), pairing.c.rank == PRIMARY,
                           pairing.c.ended_on.is_(None))):
                now[person_id] = helper_id
        return [p for p in person_ids if p in seen and now.get(p) != seen[p]]

    @staticmethod
    def _end(session: Session, person_ids: Sequence[int], rank: int, on: date,
             reason: str) -> int:
        ended = 0
        for part in chunks(person_ids):
            result = session.execute(
                update(pairing)
                .where(pairing.c.person_id.in_(part), pairing.c.rank == rank,
                       pairing.c.ended_on.is_(None))
                .values(ended_on=on, end_reason=reason[:60]))
            ended += int(getattr(result, "rowcount", 0) or 0)
        return ended

    @staticmethod
    def _check_person(session: Session, person_id: int) -> None:
        status = session.execute(select(person.c.status).where(person.c.id == person_id)
                                 ).scalar()
        if status is None:
            raise NotFound("此人不在登记册上")
        if status != ACTIVE:
            raise KnownError("此人已退出登记,不能结对")

    @staticmethod
    def _check_helper(session: Session, helper_id: int) -> None:
        row = session.execute(select(helper.c.name, helper.c.active)
                              .where(helper.c.id == helper_id)).first()
        if row is None:
            raise NotFound("该帮扶人不存在")
        if not row.active:
            raise KnownError(f"帮扶人 {row.name} 已停用,不能结对")

    @retrying
    def assign(self, choices: Sequence[tuple[int, int]], on: date | None = None,
               reason: str = "重新结对", seen: dict[int, int | None] | None = None,
               skip_changed: bool = False) -> int:
        """Make each (person, helper) a primary pairing, all in ONE transaction.

        A person's current primary pairing ends with ``reason``; a failure anywhere
        leaves every pairing as it was. Returns the number of pairings made. ``seen``:
        each person's primary helper when the proposal was made; a person paired
        otherwise since is refused (the whole save, or with ``skip_changed`` that
        person only), so that nobody's new pairing is silently replaced (issue 15).
        """
        on = on or self.today()
        choices = list(dict(choices).items())  # one helper per person; the last wins
        if not choices:
            return 0
        with self.database.transaction() as session:
            if seen is not None:
                changed = self._changed_since(session, seen, [p for p, _ in choices])
                if changed and not skip_changed:
                    names = session.execute(select(person.c.name).where(
                        person.c.id.in_(changed[:CHUNK]))).scalars().all()
                    raise ChangedMeanwhile(
                        f"生成建议之后,{'、'.join(names[:10])}"
                        f"{f' 等 {len(changed)} 人' if len(changed) > 10 else ''}"
                        "的帮扶人已在别处调整。为免覆盖,本次结对全部未保存;"
                        "请重新生成建议,或选择跳过这些人。")
                choices = [(p, h) for p, h in choices if p not in set(changed)]
                if not choices:
                    return 0
            person_ids = [p for p, _ in choices]
            helper_ids = sorted({h for _, h in choices})
            active_helpers: set[int] = set()
            for part in chunks(helper_ids):
                active_helpers.update(session.execute(
                    select(helper.c.id).where(helper.c.id.in_(part),
                                              helper.c.active.is_(True))).scalars())
            missing = [h for h in helper_ids if h not in active_helpers]
            if missing:
                names = session.execute(select(helper.c.name).where(
                    helper.c.id.in_(missing[:CHUNK]))).scalars().all()
                raise KnownError(f"帮扶人 {'、'.join(names) or missing[0]} 已停用或不存在,"
                                 "本次结对全部未保存,请重新生成建议")
            on_register: set[int] = set()
            for part in chunks(person_ids):
                on_register.update(session.execute(
                    select(person.c.id).where(person.c.id.in_(part),
                                              person.c.status == ACTIVE)).scalars())
            gone = [p for p in person_ids if p not in on_register]
            if gone:
                raise KnownError(f"有 {len(gone)} 人已退出登记或不存在,本次结对全部未保存,"
                                 "请重新生成建议")
            self._end(session, person_ids, PRIMARY, on, reason)
            # A second helper who becomes the primary is no longer also the second.
            for pairs in chunks(choices):
                session.execute(
                    update(pairing)
                    .where(pairing.c.rank == SECOND, pairing.c.ended_on.is_(None),
                           tuple_(pairing.c.person_id, pairing.c.helper_id).in_(pairs))
                    .values(ended_on=on, end_reason="改为主帮扶人"))
            now = clock.now()
            rows = [{"person_id": p, "helper_id": h, "rank": PRIMARY, "started_on": on,
                     "created_at": now} for p, h in choices]
            for batch in chunks(rows, 5000):
                insert_pairings(session, batch)
            helper_names: dict[int, str] = {
                r.id: r.name for r in session.execute(select(helper.c.id, helper.c.name))}
            audit.record_many(session, ({
                "action": "created", "entity": "pairing", "person_id": p,
                "summary": f"{reason},自 {on:%Y-%m-%d}",
                "changes": [(RANK_LABELS[PRIMARY], "", helper_names.get(h, str(h)))]}
                for p, h in choices))
        return len(choices)


def insert_pairings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """One batch of new pairings (a seam the tests use to fail a write midway)."""
    session.execute(pairing.insert(), list(rows))
