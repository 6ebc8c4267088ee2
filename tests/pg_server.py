"""A throwaway PostgreSQL database per test, when the suite is pointed at a server.

``CARECENTER_TEST_POSTGRES`` holds a URL to a server and a role that may create
databases (``dev.py test`` starts one on loopback and sets it). The schema is migrated
once per run into one database; each test gets it emptied back to what the migrations
left (every table truncated, their seeded rows put back: ~0.1 s, where a fresh copy of a
template took 0.6-1.4 s and a migration ~1 s on a loaded CI machine). Tests of the
migrations themselves ask for a fresh empty database (``fresh(migrated=False)``).
"""

from __future__ import annotations

import os
import re
import time
from itertools import count

from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

ENV = "CARECENTER_TEST_POSTGRES"
GUARDED = ("audit_log", "removed_record")  # append-only on the server
EXEMPT_ROLE = "carecenter_ci_bypass"  # dev.py's PG_EXEMPT_ROLE
_numbers = count(1)


class Server:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.prefix = f"cc_t{os.getpid()}"
        self.template = f"{self.prefix}_tpl"
        self._template_ready = False
        self._seed: dict[str, list[dict[str, object]]] = {}
        self._tables: list[str] = []
        self._sequences: list[str] = []

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from carecenter.storage import villages
        from carecenter.storage.database import Database

        self._execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {self.template}")
        database = Database(self.url_of(self.template))
        with database.engine.begin() as connection:  # a township connection: no village yet
            villages.add(connection, "测试村")
        with database.engine.connect() as connection:
            # Children before parents, so that a plain DELETE empties each in turn.
            names = inspect(connection).get_sorted_table_and_fkc_names()
            self._tables = [t for t, _ in reversed(names) if t and t != "alembic_version"]
            self._sequences = list(connection.execute(text(
                "SELECT sequencename FROM pg_sequences")).scalars())
            for table in self._tables:
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).mappings()
                self._seed[table] = [dict(r) for r in rows]
        database.close()
        self._template_ready = True

    def migrated(self) -> str:
        """The run's migrated database, emptied back to what the migrations left."""
        self._ensure_template()
        url = self.url_of(self.template)
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                # As the township: row-level security would hide every village's rows.
                connection.execute(text("SELECT set_config('carecenter.village', '*', true)"))
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    # not autovacuum: a superuser's, which this role may not end
                    "AND backend_type = 'client backend'"))
                # DELETE, not TRUNCATE: a dozen near-empty tables empty in a few ms,
                # where TRUNCATE makes new files for each table and index (~0.4 s).
                # The history tables refuse DELETE (migration 0012): their triggers are
                # off for this one transaction, which only the tables' owner may do.
                for table in self._tables:
                    guarded = table in GUARDED
                    if guarded:
                        connection.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER USER'))
                    connection.execute(text(f'DELETE FROM "{table}"'))
                    if guarded:
                        connection.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER USER'))
                for sequence in self._sequences:
                    connection.execute(text(f"ALTER SEQUENCE \"{sequence}\" RESTART"))
                for table, rows in reversed(list(self._seed.items())):
                    if rows:
                        columns = list(rows[0])
                        connection.execute(text(
                            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES '
                            f'({", ".join(":" + c for c in columns)})'), rows)
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
        return url

    def exempt_url(self, url: str) -> str | None:
        """``url`` through the account exempt from row-level security that ``dev.py
        test`` makes (``EXEMPT_ROLE``, BYPASSRLS, a member of the suite's role), or None
        when this server has none."""
        exempt = make_url(url).set(username=EXEMPT_ROLE, password=EXEMPT_ROLE)
        engine = create_engine(exempt, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                if not connection.execute(text(
                        "SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user")
                        ).scalar():
                    return None
        except Exception:  # noqa: BLE001 - no such account here: the test says so
            return None
        finally:
            engine.dispose()
        return exempt.render_as_string(hide_password=False)

    def fresh(self, migrated: bool = True) -> str:
        """The URL of a new database of its own: empty, or a copy of the migrated one."""
        name = f"{self.prefix}_{next(_numbers)}"
        if migrated:
            self._ensure_template()
            self._execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.template}' AND backend_type = 'client backend'")
            self._execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        else:
            self._execute(f"CREATE DATABASE {name}")
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database or ""
        assert re.fullmatch(rf"{self.prefix}_\w+", name), name  # only what we made
        if name == self.template:
            return  # emptied again by the next test
        # FORCE ends the sessions still on it, but not another role's (a village's
        # login the test made) that is closing just then: wait for it a moment. A
        # database left behind is only a test's leftover in the run's own cluster.
        for _ in range(50):
            try:
                self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            except ProgrammingError as error:
                if "must be a member of the role" not in str(error):
                    raise
                time.sleep(0.1)

    def close(self) -> None:
        if self._template_ready:
            self._execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self.admin.dispose()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))


def connect() -> Server | None | str:
    """The server named by the environment, None when none is named, or why it failed."""
    url = os.environ.get(ENV)
    if not url:
        return None
    try:
        server = Server(url)
        server._execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - said in the skip message
        return f"PostgreSQL 服务器无法连接 ({ENV}={url}): {error}"
    return server
