"""The register as a list: which people match a search and filters, in which order,
and the few values each row of the table shows.

Searching, filtering and sorting happen in SQL and return row ids only; a view fetches
the values of the rows it shows, a page at a time (STYLE.md, point 5).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    case,
    func,
    or_,
    select,
    type_coerce,
)

from carecenter import clock
from carecenter.register.columns import (
    ANY_RISK,
    CHUNK,
    COLUMNS,
    NO_COLOUR,
    ROW_SOURCE,
    SUPPORTER_SOURCE,
    FirstPage,
    RegisterQuery,
    Row,
    make_row,
)
from carecenter.rules.fields import normalise_phone
from carecenter.rules.kinds import VERDICT_READS
from carecenter.rules.risk import RANK
from carecenter.storage.database import Database
from carecenter.storage.models import (
    CURRENT_SUPPORTER,
    helper,
    pairing,
    person,
    supporter,
    village_group,
)

# The verdicts' own fields, read by name after the row's columns.
_READS = tuple(n for n in VERDICT_READS if n not in ("birth_date", "sex"))


def kind_condition(code: str) -> ColumnElement[bool]:
    """People of this kind, whether it is their primary kind or one more (a 特困 elder
    is found under 特困 too): the kind codes are no part of one another."""
    # As plain text: the column's own type would turn the pattern into a list of codes.
    return type_coerce(person.c.kinds, String).like(f"%{code}%")


def _colour_order() -> Any:
    """Red first (分色存档): red, yellow, green, then people not yet assessed."""
    return case({code: rank for code, rank in RANK.items()}, value=person.c.colour, else_=3)


def _verdict_order() -> Any:
    """留守 first, then 无法判断 (data to fill in), then 不符合, then not worked out."""
    return case({"left_behind": 0, "undecided": 1, "not": 2}, value=person.c.verdict, else_=3)


# What each sortable column (carecenter.register.columns) orders by; a test keeps them matched.
SORTS: dict[str, Callable[[], Any]] = {
    "name": lambda: person.c.name_pinyin,
    "sex": lambda: person.c.sex,
    "age": lambda: person.c.birth_date,
    "group": lambda: village_group.c.position,
    "colour": _colour_order,
    "phone": lambda: person.c.phone,
    "id_number": lambda: person.c.id_number,
    "status": lambda: person.c.status,
    "verdict": _verdict_order,
}

# On a server a search counts its matches no further than this: past it the table shows
# "10000+" and counts them all when the clerk scrolls to its end. Row-level security
# keeps LIKE off the trigram index (LIKE is not "leakproof"), so a count is a pass over
# the village's people: 40-50 ms at 100,000 on a loaded 2-core server (bench/: server),
# where a search that matches many stops after this many (a few ms).
SEARCH_COUNT_LIMIT = 10_000

_LIKE_ESCAPE = str.maketrans({"%": "\\%", "_": "\\_", "\\": "\\\\"})


def normalise_search(text: str) -> str:
    text = text.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＸｘＡ"})
    if re.fullmatch(r"[\d\s\-+()]+", text):
        return normalise_phone(text).lower()
    return re.sub(r"\s+", "", text).lower()


def _primary_helper() -> Any:
    """The current primary helper's name, as firstscreen's _ROWS reads it."""
    return (select(helper.c.name)
            .join(pairing, pairing.c.helper_id == helper.c.id)
            .where(pairing.c.person_id == person.c.id, pairing.c.ended_on.is_(None),
                   pairing.c.rank == 1)
            .order_by(pairing.c.started_on.desc(), pairing.c.id.desc())
            .limit(1).correlate(person).scalar_subquery().label("helper"))


class Listing:
    """Ids and rows of the register, for the table and for batch work."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today
        # How far a keystroke counts a search's matches (None: all of them).
        self.count_limit = SEARCH_COUNT_LIMIT if database.on_server else None

    def _where(self, query: RegisterQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.status:
            conditions.append(person.c.status == query.status)
        if query.kind:
            conditions.append(kind_condition(query.kind))
        if query.group_id == 0:
            conditions.append(person.c.group_id.is_(None))
        elif query.group_id is not None:
            conditions.append(person.c.group_id == query.group_id)
        if query.colour == NO_COLOUR:
            conditions.append(person.c.colour.is_(None))
        elif query.colour is not None:
            conditions.append(person.c.colour == query.colour)
        if query.verdict is not None:
            conditions.append(person.c.verdict == query.verdict)
        if query.housing == ANY_RISK:
            conditions.append(person.c.housing_risks.is_not(None))
        elif query.housing is not None:  # codes stored comma-separated (CodeList)
            codes = type_coerce(person.c.housing_risks, String)
            conditions.append(or_(codes == query.housing,
                                  codes.like(f"{query.housing},%"),
                                  codes.like(f"%,{query.housing}"),
                                  codes.like(f"%,{query.housing},%")))
        if self.database.on_server and self.database.scope.isdigit():
            # Row-level security shows a village only its own people already; said here
            # too, the server reads that village's part of an index (ix_person_village_find)
            # instead of filtering all of the township's people row by row.
            conditions.append(person.c.village_id == int(self.database.scope))
        text = normalise_search(query.text)
        if text:
            pattern = "%" + text.translate(_LIKE_ESCAPE) + "%"
            conditions.append(person.c.search_key.like(pattern, escape="\\"))
        return conditions

    def _ordered(self, base: Select[Any], query: RegisterQuery) -> Select[Any]:
        column = next((c for c in COLUMNS if c.key == query.sort_key and c.sortable),
                      COLUMNS[0])
        expression = SORTS[column.key]()
        # Age ascending means birth date descending.
        descending = query.descending != (column.key == "age")
        if column.key == "group":
            base = base.outerjoin(village_group, village_group.c.id == person.c.group_id)
        ordered = expression.desc() if descending else expression.asc()
        return base.order_by(ordered, person.c.name_pinyin, person.c.id)

    def _reading(self) -> Connection:
        """A connection for reading the list. On a server, REPEATABLE READ: one snapshot
        per statement and no predicate locks, which a SERIALIZABLE read takes on every
        page of a pass over 100,000 people (the engine's writes stay SERIALIZABLE)."""
        connection = self.database.engine.connect()
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        return connection

    def ids(self, query: RegisterQuery, offset: int = 0, limit: int | None = None) -> list[int]:
        """The ids that match, in order; ``limit`` of them from ``offset`` if given."""
        with self._reading() as connection:
            return self._ids(connection, query, offset, limit)

    def _ids(self, connection: Connection, query: RegisterQuery, offset: int,
             limit: int | None) -> list[int]:
        statement = self._ordered(select(person.c.id).where(*self._where(query)), query)
        if limit is not None:
            statement = statement.limit(limit).offset(offset)
        # Tens of thousands of ids per keystroke: the driver's own fetchall is twice
        # as fast as SQLAlchemy's row-by-row result (bench/: search, start-up).
        result = connection.execute(statement)
        try:
            return [r[0] for r in result.cursor.fetchall()]
        finally:
            result.close()

    def count(self, query: RegisterQuery, at_most: int | None = None) -> int:
        """How many people match; given ``at_most``, counting stops past it (the answer
        is then ``at_most + 1``)."""
        with self._reading() as connection:
            return self._count(connection, query, at_most)

    def _count(self, connection: Connection, query: RegisterQuery,
               at_most: int | None) -> int:
        if at_most is None:
            statement = select(func.count()).select_from(person).where(*self._where(query))
        else:
            found = select(person.c.id).where(*self._where(query)).limit(at_most + 1)
            statement = select(func.count()).select_from(found.subquery())
        return int(connection.execute(statement).scalar_one())

    def first(self, query: RegisterQuery, size: int = CHUNK) -> FirstPage:
        """What a keystroke shows: the first ``size`` ids in order, and how many match
        (a short first chunk is the whole answer; a full one is counted). A search is
        counted up to ``count_limit`` only (on a server; not ``exact`` past it)."""
        with self._reading() as connection:
            ids = self._ids(connection, query, 0, size)
            if len(ids) < size:
                return FirstPage(ids, len(ids))
            limit = self.count_limit if query.text else None
            found = self._count(connection, query, limit)
        if limit is not None and found > limit:
            return FirstPage(ids, limit, exact=False)
        return FirstPage(ids, found)

    def rows(self, ids: Sequence[int]) -> dict[int, Row]:
        """The table values of these people, by id (order is the caller's)."""
        today = self.today()
        result: dict[int, Row] = {}
        with self.database.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                facts = self._supporter_facts(connection, chunk)
                statement = (
                    select(person.c.id, person.c.kind, person.c.kinds, person.c.name,
                           person.c.sex, person.c.birth_date,
                           village_group.c.name.label("group"), person.c.phone,
                           person.c.id_number, person.c.status, person.c.colour,
                           person.c.verdict, person.c.verdict_reason, person.c.verdict_until,
                           person.c.verdict_on, _primary_helper(),
                           *(person.c[n] for n in _READS))
                    .outerjoin(village_group, village_group.c.id == person.c.group_id)
                    .where(person.c.id.in_(chunk))
                )
                width = len(ROW_SOURCE) + 1
                for r in connection.execute(statement):  # in columns.ROW_SOURCE's order
                    reads = dict(zip(_READS, r[width:], strict=True))
                    result[r.id] = make_row(r[:width], reads, facts.get(r.id, []), today)
        return result

    @staticmethod
    def _supporter_facts(connection: Connection,
                         ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """The supporters of a page of people, for the verdict column."""
        facts: dict[int, list[dict[str, Any]]] = {}
        statement = (
            select(supporter.c.person_id, *(supporter.c[n] for n in SUPPORTER_SOURCE))
            .where(supporter.c.person_id.in_(ids), CURRENT_SUPPORTER)
            .order_by(supporter.c.person_id, supporter.c.position)
        )
        for s in connection.execute(statement):
            facts.setdefault(s[0], []).append(dict(zip(SUPPORTER_SOURCE, s[1:], strict=True)))
        return facts
