"""Bulk inserts store exactly what SQLAlchemy's own insert would."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from carecenter.storage.bulk import insert_rows
from carecenter.storage.database import Database
from carecenter.storage.models import person, person_event
from tests.conftest import signed_in


def _people() -> list[dict[str, object]]:
    now = datetime(2026, 11, 23, 9, 30, 15, 123456)
    return [
        {"kind": "elder", "status": "active", "created_at": now, "updated_at": now,
         "name_pinyin": "zhang gui lan", "search_key": "张桂兰|zgl", "name": "张桂兰",
         "birth_date": date(1950, 3, 12), "living_with": ["alone", "empty_nest"],
         "refuses_institution": True, "annual_income": 12000, "phone": None},
        {"kind": "elder", "status": "active", "created_at": now, "updated_at": now,
         "name_pinyin": "li si", "search_key": "李四|ls", "name": "李四",
         "birth_date": None, "living_with": [], "refuses_institution": False,
         "annual_income": None, "phone": "13812345678"},
    ]


def _stored(database: Database, table: object) -> list[tuple[object, ...]]:
    with database.session() as session:
        return [tuple(r) for r in session.execute(select(table).order_by("id"))]  # type: ignore[arg-type]


def test_bulk_rows_read_back_the_same_as_sqlalchemys_insert(tmp_path: Path) -> None:
    ours = signed_in(Database(tmp_path / "ours.db"))
    theirs = signed_in(Database(tmp_path / "theirs.db"))
    try:
        with ours.transaction() as session:
            insert_rows(session.connection(), person, _people())
        with theirs.transaction() as session:
            session.execute(insert(person), _people())
        assert _stored(ours, person) == _stored(theirs, person)
        raw = "SELECT birth_date, created_at, living_with, refuses_institution FROM person"
        with ours.session() as a, theirs.session() as b:
            assert a.execute(select(person.c.id)).scalars().all() == [1, 2]
            assert list(a.connection().exec_driver_sql(raw)) == list(
                b.connection().exec_driver_sql(raw))
    finally:
        ours.close()
        theirs.close()


def test_dates_and_times_are_stored_in_the_very_text_sqlalchemy_writes(
        tmp_path: Path) -> None:
    """Dates go to SQLite through ``isoformat`` (storage.bulk): the text stored must be
    SQLAlchemy's own for every kind of value, or the register's dates would sort and
    compare wrongly (a whole second, an early year, a datetime given for a date, a zone)."""

    people = []
    for born, at, left in [
        (date(999, 1, 2), datetime(2026, 11, 23, 9, 30), datetime(2026, 12, 1, 18, 5)),
        (date(2000, 2, 29), datetime(2026, 11, 23, 9, 30, 15, 1), date(2027, 1, 1)),
        (date(1950, 3, 12), datetime(1, 1, 1, tzinfo=UTC), None),
    ]:
        people.append({**_people()[0], "birth_date": born, "created_at": at,
                       "updated_at": at, "exit_date": left})
    ours = signed_in(Database(tmp_path / "ours.db"))
    theirs = signed_in(Database(tmp_path / "theirs.db"))
    raw = "SELECT birth_date, created_at, updated_at, exit_date FROM person ORDER BY id"
    try:
        with ours.transaction() as session:
            insert_rows(session.connection(), person, people)
        with theirs.transaction() as session:
            session.execute(insert(person), people)
        with ours.session() as a, theirs.session() as b:
            stored = list(a.connection().exec_driver_sql(raw))
            assert stored == list(b.connection().exec_driver_sql(raw))
        assert stored[0][:2] == ("0999-01-02", "2026-11-23 09:30:00.000000")
    finally:
        ours.close()
        theirs.close()


def test_a_column_left_out_keeps_its_default(tmp_path: Path) -> None:
    database = signed_in(Database(tmp_path / "r.db"))
    try:
        with database.transaction() as session:
            insert_rows(session.connection(), person, [
                {k: v for k, v in row.items() if k != "kind"} for row in _people()])
            ids = session.execute(select(person.c.id)).scalars().all()
            insert_rows(session.connection(), person_event, [
                {"person_id": pid, "at": datetime(2026, 11, 23), "event": "created",
                 "effective": None, "detail": "新建档案"} for pid in ids])
            insert_rows(session.connection(), person_event, [])
        with database.session() as session:
            assert session.execute(select(person.c.kind)).scalars().all() == ["elder"] * 2
            assert len(session.execute(select(person_event)).all()) == 2
    finally:
        database.close()


def test_on_a_server_bulk_rows_read_back_as_sqlalchemys_insert_would_store_them(
        postgres: object) -> None:
    """PostgreSQL takes the rows as one array per column (storage.bulk)."""
    from tests import pg_server

    assert isinstance(postgres, pg_server.Server)
    urls = [postgres.fresh(), postgres.fresh()]
    ours, theirs = (signed_in(Database(url)) for url in urls)
    try:
        with ours.transaction() as session:
            insert_rows(session.connection(), person, _people())
        with theirs.transaction() as session:
            session.execute(insert(person), _people())
        assert _stored(ours, person) == _stored(theirs, person)
    finally:
        ours.close()
        theirs.close()
        for url in urls:
            postgres.drop(url)


def test_columns_left_to_a_plain_default_still_take_the_quick_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ledger import leaves the newer kinds' flags (boarding …) to their defaults; the
    rows must not fall back to SQLAlchemy's executemany (bench: import, 2.9 s of 10,000
    rows), and still read back with those defaults."""
    database = signed_in(Database(tmp_path / "r.db"))
    rows = [{k: v for k, v in row.items() if k not in ("kind", "refuses_institution")}
            for row in _people()]
    try:
        with database.transaction() as session:
            connection = session.connection()

            def refused(*_args: object, **_kwargs: object) -> None:
                raise AssertionError("SQLAlchemy's own insert was used")

            monkeypatch.setattr(type(connection), "execute", refused)
            insert_rows(connection, person, rows)
            monkeypatch.undo()
        with database.session() as session:
            stored = session.execute(select(person.c.kind, person.c.refuses_institution,
                                            person.c.boarding)).all()
        assert [tuple(r) for r in stored] == [("elder", False, False)] * 2
    finally:
        database.close()


def test_none_goes_to_sqlite_as_null_and_every_other_value_as_before(tmp_path: Path) -> None:
    """The register's driver binds None through an adapter of its own (storage.cipher:
    the module's default way was slow): still NULL, never the text 'None' or an empty
    value, and values of every other type stored as they were."""
    from carecenter.storage import cipher

    connection = cipher.connect(tmp_path / "plain.db", None)
    try:
        cipher.dbapi()  # the adapter is registered with the module
        connection.execute("CREATE TABLE t (v)")
        values = [None, 0, 1.5, "", "None", b"\x00", 10**18, True]
        connection.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
        stored = connection.execute("SELECT typeof(v), v FROM t ORDER BY rowid").fetchall()
    finally:
        connection.close()
    assert stored == [("null", None), ("integer", 0), ("real", 1.5), ("text", ""),
                      ("text", "None"), ("blob", b"\x00"), ("integer", 10**18),
                      ("integer", 1)]
