"""Shared fixtures: a real SQLite file per test, the suite's own clock, offscreen Qt.

With ``CARECENTER_TEST_BACKEND=postgresql`` (and ``CARECENTER_TEST_POSTGRES`` naming a
server), ``db_path`` is instead a throwaway database on that server: ``dev.py test`` runs
the tests marked ``backends`` (storage, scoping, concurrency, export) a second time so.
Tests marked ``sqlite_only`` look at the SQLite file itself and are skipped there; tests
that need a server (``postgres`` fixture) are skipped, saying why, when there is none.

The suite keeps its own time: every test runs with the core's clock set to ``TODAY`` (10:00),
whatever the machine's date, and so do the command lines the tests start in a subprocess
(``CARECENTER_TODAY`` is inherited). A test that needs another day sets it with
``clock.set_to`` or ``clock.at``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

# Before any Qt import: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Before the core is imported: its clock reads this once; subprocesses inherit it.
SUITE_MOMENT = "2026-11-23T10:00:00"
os.environ["CARECENTER_TODAY"] = SUITE_MOMENT

# Every path signs an operator in (issue 18); command lines started by a test sign in as
# the suite's administrator, the one ``demo`` makes and the ``database`` fixture has.
SUITE_OPERATOR = "演示管理员"
SUITE_PASSWORD = "suite-password-2026"
os.environ["CARECENTER_OPERATOR"] = SUITE_OPERATOR
os.environ["CARECENTER_PASSWORD"] = SUITE_PASSWORD

from carecenter import clock  # noqa: E402
from carecenter.access import operators, passwords  # noqa: E402
from carecenter.register.people import PersonDraft, Register  # noqa: E402
from carecenter.rules.idnumber import check_char  # noqa: E402
from carecenter.storage.database import Database  # noqa: E402
from tests import pg_server  # noqa: E402

ON_POSTGRES = os.environ.get("CARECENTER_TEST_BACKEND") == "postgresql"

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def suite_clock() -> Iterator[None]:
    """Each test starts at 10:00 on ``TODAY`` and leaves the clock as it found it."""
    with clock.at(SUITE_MOMENT):
        yield


def make_id(birth: str, sequence: str = "001", area: str = "430524") -> str:
    """A valid 18-digit ID number: birth as YYYYMMDD, odd sequence for a man."""
    body = area + birth + sequence
    return body + check_char(body)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="SQLite 专用,服务器上不运行 (looks at the SQLite file itself)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_server.Server]:
    """The PostgreSQL server the suite may use; the test is skipped without one."""
    state = pg_server.connect()
    if state is None:
        pytest.skip(f"没有 PostgreSQL 服务器 (no server: set {pg_server.ENV}; "
                    "python3 dev.py test starts one on Debian)")
    if isinstance(state, str):
        pytest.skip(state)
    yield state
    state.close()


@pytest.fixture
def db_path(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """Where the test's register lives: a SQLite file, or on the PostgreSQL pass the URL
    of a database of its own (a str; tests pass it on with ``str(db_path)``)."""
    if not ON_POSTGRES:
        yield tmp_path / "register.db"
        return
    server: pg_server.Server = request.getfixturevalue("postgres")
    url = server.migrated()
    yield url  # type: ignore[misc]
    server.drop(url)


_HASHES: list[str] = []


def signed_in(db: Database) -> Database:
    """``db`` with the suite's administrator signed in (made first if the register has no
    operator). The password is hashed once per run: scrypt is slow on purpose, and a
    thousand tests each making an administrator would spend a minute on it."""
    if not _HASHES:
        _HASHES.extend([passwords.hash_secret(SUITE_PASSWORD),
                        passwords.hash_secret("SUIT-EREC-OVER-YCOD-E234")])
    if not operators.has_operators(db):
        operators.install_first(db, SUITE_OPERATOR, *_HASHES)
    else:
        from sqlalchemy import select

        from carecenter.rules.roles import Operator
        from carecenter.storage.models import operator

        # The suite's administrator; on a township's server opened for one village, the
        # administrator that village can see (the township's first, issue 22).
        from carecenter.storage.postgres import as_township

        with db.engine.connect() as connection:
            as_township(connection)
            row = connection.execute(
                select(operator).where(operator.c.role == "admin")
                .order_by(operator.c.village_id.is_not(None),
                          operator.c.village_id != (int(db.scope) if db.scope.isdigit() else 0),
                          operator.c.name != SUITE_OPERATOR, operator.c.id)).first()
        assert row is not None, "no administrator this register's scope can see"
        db.operator = Operator(row.id, row.name, row.role, row.village_id)
    return db


def as_role(db: Database, role: str, name: str | None = None) -> Database:
    """``db`` with an operator of ``role`` signed in (added by the administrator)."""
    from sqlalchemy import insert, select

    from carecenter.rules.roles import Operator
    from carecenter.storage.models import operator

    signed_in(db)
    name = name or {"admin": "管理员乙", "clerk": "经办人甲", "viewer": "查看丙"}[role]
    with db.transaction(need="admin") as session:
        found = session.execute(select(operator.c.id).where(operator.c.name == name)).scalar()
        if found is None:
            found = session.execute(insert(operator).values(
                name=name, role=role, password_hash=_HASHES[0], active=True,
                created_at=clock.now(), updated_at=clock.now()).returning(operator.c.id)
            ).scalar_one()
    with db.session() as session:
        village_id = session.execute(select(operator.c.village_id)
                                     .where(operator.c.id == found)).scalar()
    db.operator = Operator(int(found), name, role, village_id)
    return db


def opened(location: str | Path, name: str = SUITE_OPERATOR, password: str = SUITE_PASSWORD,
           **options: Any) -> Database:
    """The register at ``location`` as a command line opens it: an encrypted one with
    the key this operator's password unwraps (issue 18), a plain one as it is; the
    operator signed in."""
    from carecenter.access import register_keys

    path = Path(location)
    key = register_keys.unlock(path, name, password) if register_keys.encrypted(path) else None
    db = Database(location, key=key, **options)
    operators.sign_in(db, name, password)
    return db


def raw_connection(location: str | Path) -> Any:
    """A DB-API connection to the register file itself, through the program's SQLite
    library: keyed when it is encrypted (the first command's sign-in encrypts a plain
    register, issue 18) with the key this process knows or the suite's password opens."""
    from carecenter.access import register_keys
    from carecenter.storage import cipher

    path = Path(location)
    key = cipher.known_key_for(path)
    if key is None and register_keys.encrypted(path):
        key = register_keys.unlock(path, SUITE_OPERATOR, SUITE_PASSWORD)
    return cipher.connect(path, key)


def dump(location: str | Path) -> str:
    """The register's schema and every row, as text to compare before and after (what
    sqlite3's ``iterdump`` gave; SQLCipher's module has none)."""
    connection = raw_connection(location)
    try:
        lines: list[str] = []
        for kind, name, sql in connection.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                " ORDER BY type, name").fetchall():
            lines.append(sql)
            if kind == "table":
                rows = connection.execute(f'SELECT * FROM "{name}"').fetchall()
                lines.extend(sorted(f"{name}: {row!r}" for row in rows))
        return "\n".join(lines)
    finally:
        connection.close()


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    db = signed_in(Database(db_path))
    yield db
    db.close()


@pytest.fixture
def register(database: Database) -> Register:
    return Register(database, today=lambda: TODAY)


def elder(name: str = "张桂兰", birth: str = "19500312", sequence: str = "002",
          **values: Any) -> PersonDraft:
    """A left-behind elder with one son working in another province since 2023."""
    supporters = values.pop("supporters", [{
        "name": "张强", "relation": "儿子", "phone": "13900001111",
        "whereabouts": "广东省东莞市", "location_scope": "省外", "away_since": "2023-03-01",
    }])
    base: dict[str, Any] = {"name": name, "id_number": make_id(birth, sequence),
                            "phone": "13800001111"}
    base.update(values)
    return PersonDraft(base, supporters)


def ime_type(widget: Any, text: str) -> None:
    """Type Chinese the way a pinyin IME delivers it: one committed string per word.

    QTest's key clicks only know ASCII; an IME commits text with an input method event.
    """
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
