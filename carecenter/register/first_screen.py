"""The register's first screen, read with the DB-API module directly while SQLAlchemy
is still loading, so that the main window shows at once (bench/: start-up).

The module is SQLCipher's (``storage.cipher``), the SQLite library the database layer
uses too: two SQLite libraries in one process on one file would drop each other's POSIX
locks when either closes it. An encrypted register has no first screen before sign-in
(``locked_screen``).

Only a SQLite file already at this program's schema revision is read this way. Any
other database — missing, older, newer, a server URL, not a database — gives None and
opens the normal way through ``carecenter.storage.database``, with its messages. The database is
always opened the normal way too, right after the first paint; this only answers the
default query (everyone on the register, by name) until then. Its answers equal
``carecenter.register.listing``'s (``tests/test_firstscreen.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from carecenter import clock
from carecenter.register.columns import (
    CHUNK,
    SUPPORTER_SOURCE,
    FirstPage,
    RegisterQuery,
    Row,
    exact_first,
    make_row,
)
from carecenter.rules.fields import ACTIVE
from carecenter.storage.location import SCHEMA_HEAD, sqlite_file

DEFAULT = RegisterQuery()

# The SQL that carecenter.register.listing builds for the default query, written out.
_IDS = ("SELECT id FROM person WHERE status = ? "
        "ORDER BY name_pinyin ASC, name_pinyin, id LIMIT ? OFFSET ?")
# The fields the verdicts read besides birth date and sex (``VERDICT_READS``), and
# which of them are dates; a test keeps these matched with the declarations.
READS = ("left_behind_year", "tekun_since", "tekun_cert", "support_mode")
DATES = frozenset({"birth_date", "tekun_since", "away_since", "returned_on"})
_ROWS = ("SELECT p.id, p.kind, p.kinds, p.name, p.sex, p.birth_date, g.name, "
         "p.phone, p.id_number, p.status, p.colour, p.verdict, p.verdict_reason, "
         "p.verdict_until, p.verdict_on, "
         "(SELECT h.name FROM pairing AS pa JOIN helper AS h ON h.id = pa.helper_id "
         "WHERE pa.person_id = p.id AND pa.ended_on IS NULL AND pa.rank = 1 "
         "ORDER BY pa.started_on DESC, pa.id DESC LIMIT 1), "
         + ", ".join(f"p.{n}" for n in READS) + " FROM person AS p "
         "LEFT OUTER JOIN village_group AS g ON g.id = p.group_id WHERE p.id IN ({})")
_SUPPORTERS = ("SELECT person_id, " + ", ".join(SUPPORTER_SOURCE)
               + " FROM supporter WHERE person_id IN ({}) AND ended_on IS NULL"
               " ORDER BY person_id, position")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class FirstScreen:
    """Read-only answers for the default query, from a database at ``SCHEMA_HEAD``."""

    def __init__(self, location: str, connection: Any) -> None:
        self.location = location
        self._connection: Any = connection
        self._counts: dict[str | None, int] = {}
        self.today = clock.today

    @property
    def connection(self) -> Any:
        if self._connection is None:
            raise RuntimeError("first screen already closed")
        return self._connection

    def serves(self, query: RegisterQuery) -> bool:
        return query == DEFAULT

    def _check(self, query: RegisterQuery) -> None:
        if not self.serves(query):
            raise ValueError(f"the first screen answers only the default query, not {query}")

    def ids(self, query: RegisterQuery, offset: int = 0, limit: int | None = None
            ) -> list[int]:
        self._check(query)
        rows = self.connection.execute(_IDS, (DEFAULT.status, -1 if limit is None else limit,
                                              offset))
        return [r[0] for r in rows.fetchall()]

    def count(self, query: RegisterQuery) -> int:
        self._check(query)
        return self.count_status(DEFAULT.status)

    def first(self, query: RegisterQuery, size: int = CHUNK) -> FirstPage:
        return exact_first(self, query, size)

    def count_status(self, status: str | None) -> int:
        """Like ``Register.count``: how many people have this status (None: everyone)."""
        if status not in self._counts:
            if None not in self._counts:
                self._counts[None] = self._scalar("SELECT count(*) FROM person")
            if status == ACTIVE:
                # Nearly everyone is active, and the status index also holds each name's
                # search text: counting them through it reads ~10 MB (7-15 ms). The
                # table's total less the few with another status reads a few pages.
                others = self._scalar(
                    "SELECT (SELECT count(*) FROM person WHERE status < ?)"
                    " + (SELECT count(*) FROM person WHERE status > ?)", status, status)
                self._counts[status] = self._counts[None] - others
            elif status is not None:
                self._counts[status] = self._scalar(
                    "SELECT count(*) FROM person WHERE status = ?", status)
        return self._counts[status]

    def _scalar(self, sql: str, *parameters: object) -> int:
        return int(self.connection.execute(sql, parameters).fetchone()[0])

    def groups(self) -> list[tuple[int, str]]:
        """Id and name of every village group, in the village's order (``GroupBook.list``)."""
        rows = self.connection.execute(
            "SELECT id, name FROM village_group ORDER BY position, id")
        return [(r[0], r[1]) for r in rows.fetchall()]

    def rows(self, ids: Sequence[int]) -> dict[int, Row]:
        today = self.today()
        result: dict[int, Row] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            facts: dict[int, list[dict[str, Any]]] = {}
            for s in self.connection.execute(_SUPPORTERS.format(marks), chunk):
                row = dict(zip(SUPPORTER_SOURCE, s[1:], strict=True))
                for name in DATES.intersection(row):
                    row[name] = _date(row[name])
                facts.setdefault(s[0], []).append(row)
            for r in self.connection.execute(_ROWS.format(marks), chunk):
                values: list[Any] = list(r[:16])
                for i in (5, 13, 14):  # birth date, verdict_until, verdict_on
                    values[i] = _date(values[i])
                reads = dict(zip(READS, r[16:], strict=True))
                reads["tekun_since"] = _date(reads["tekun_since"])
                result[r[0]] = make_row(values, reads, facts.get(r[0], []), today)
        return result

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def open_first_screen(location: str) -> FirstScreen | None:
    """The first screen of this database, or None when it must open the normal way."""
    path = sqlite_file(location)
    if path is None or not path.is_file():
        return None
    from carecenter.storage import cipher

    module = cipher.dbapi()
    if cipher.looks_encrypted(path):
        return None  # encrypted (or not a database): the normal path, after sign-in
    try:
        # mode=rw: never create a file here; the normal path decides where databases go.
        connection = cipher.connect(path.as_uri() + "?mode=rw", None, uri=True)
    except module.Error:
        return None
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None or row[0] != SCHEMA_HEAD:
            connection.close()
            return None
    except module.Error:  # not a database, or no schema yet: the normal path explains
        connection.close()
        return None
    return FirstScreen(location, connection)



def locked_screen(location: str) -> FirstScreen:
    """The first screen of an encrypted register before anyone signed in: nothing can be
    read from it yet (issue 18), so the window starts empty behind its sign-in page and
    reads the register once the password has unwrapped its key."""
    from carecenter.storage import cipher

    connection = cipher.connect(":memory:", None)
    connection.executescript(
        "CREATE TABLE person (id INTEGER, status TEXT, name_pinyin TEXT);"
        "CREATE TABLE village_group (id INTEGER, name TEXT, position INTEGER);")
    return FirstScreen(location, connection)
