"""Operators bound to a village (issue 22): signing in as a village's operator fixes what
the program sees to that village, whatever was asked for, and every read path (list,
search, file, work list, export, print, compare, overview figures, audit log, operators,
the command line) then shows nothing of another village.

The same read paths are tried on both backends: on a township's server holding two
villages, and on a village's own SQLite file (which holds its one village: the other
village is another file). Moving a village in carries its operators and its audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from carecenter.access import audit, operators
from carecenter.cli.entry import main
from carecenter.demo import register_demo
from carecenter.documents.card_batch import select_persons
from carecenter.documents.document_data import printable
from carecenter.errors import NotAllowed, NotFound
from carecenter.ledger.compare import compare_file
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter, snapshots
from carecenter.overview import village_figures, work_list
from carecenter.register import register_check
from carecenter.register.columns import RegisterQuery
from carecenter.register.listing import Listing
from carecenter.register.people import Register
from carecenter.settings.settings_store import Settings
from carecenter.storage import transfer
from carecenter.storage.database import Database
from carecenter.storage.models import audit_log, person
from tests import pg_server
from tests.conftest import SUITE_PASSWORD, signed_in

TODAY = date(2026, 11, 23)


@dataclass
class Village:
    name: str
    file: Path
    names: set[str]  # its people's names
    admin: str  # its administrator's name where the test signs in
    log: int  # entries in its audit log


def village_file(folder: Path, name: str, persons: int, seed: int) -> Village:
    path = folder / f"{name}.db"
    database = signed_in(Database(path))
    register_demo.generate(database, persons, seed=seed, today=TODAY)
    Settings(database).set("village", {"name": name})
    export_quarter(database, Quarter(2026, 3), folder / f"{name}.xlsx", today=TODAY)
    with database.engine.connect() as connection:
        names = set(connection.execute(select(person.c.name)).scalars())
    log = len(audit.entries(database))
    database.close()
    return Village(name, path, names, "演示管理员", log)


@dataclass
class Township:
    url: str
    a: Village
    b: Village
    renamed: list[tuple[str, str]]


@pytest.fixture(scope="module")
def township(postgres: pg_server.Server, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Township]:
    folder = tmp_path_factory.mktemp("villages")
    a = village_file(folder, "白竹村", 40, seed=21)
    b = village_file(folder, "高良村", 30, seed=22)
    url = postgres.fresh(migrated=False)
    server = signed_in(Database(url, scope="*"))  # the township's own administrator
    renamed = []
    for village in (a, b):
        source = Database(village.file)
        moved = transfer.move_in(source, server)
        source.close()
        renamed.extend(moved.renamed)
        village.admin = dict(moved.renamed).get(village.admin, village.admin)
    server.close()
    yield Township(url, a, b, renamed)
    postgres.drop(url)


def only_own_village(db: Database, own: Village, other: Village, folder: Path) -> None:
    """Every read path of ``db`` shows ``own``'s people and nothing of ``other``'s."""
    others = other.names - own.names
    assert others, "the two villages' people must differ by name for the test to see"
    listing = Listing(db, today=lambda: TODAY)
    everyone = listing.ids(RegisterQuery(status=None))
    rows = listing.rows(everyone)
    assert {r.name for r in rows.values()} == own.names  # the list
    for name in sorted(others)[:5]:  # the search box
        assert listing.ids(RegisterQuery(text=name, status=None)) == []
    register = Register(db, today=lambda: TODAY)
    assert register.count(None) == len(everyone)
    with db.engine.connect() as connection:  # whatever else a query could reach
        assert not set(connection.execute(select(person.c.name)).scalars()) & others
    items = work_list.build(db, TODAY).items  # the work list
    assert not {i.name for i in items} & others
    assert {i.person_id for i in items if i.person_id} <= set(everyone)
    figures = village_figures.build(db, TODAY)  # the overview
    assert figures.active == register.count("active")
    cards = select_persons(db)  # printing in batches
    assert set(cards) <= set(everyone)
    for pid in cards[:3]:
        document = printable(db, pid, TODAY)
        assert document.file.values["name"] in own.names
        assert document.village["name"] == own.name
    out = folder / f"{own.name}-export.xlsx"  # the quarterly export
    export_quarter(db, Quarter(2026, 3), out, today=TODAY)
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).worksheets[0]
    exported = {r[1] for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)}
    assert exported and exported <= own.names
    assert all(s.period == "2026Q3" for s in snapshots(db))
    compared = compare_file(db, other.file.with_suffix(".xlsx"))  # the comparison
    assert compared.matched == 0
    report = register_check.run(db)
    assert report.active + report.exited == len(everyone)
    entries = audit.entries(db)  # the audit log
    assert entries and {e.person_id for e in entries if e.person_id} <= set(everyone)
    assert other.admin not in audit.operators_in_log(db) or other.admin == own.admin
    assert other.admin not in {o.name for o in operators.OperatorBook(db).list()} \
        or other.admin == own.admin


def test_a_village_operator_opening_all_villages_sees_only_their_own(
        township: Township, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ("演示管理员", "演示管理员(白竹村)") in township.renamed
    db = Database(township.url, scope="*")
    try:
        who = operators.sign_in(db, township.a.admin, SUITE_PASSWORD)
        assert who.village_id is not None and db.scope == str(who.village_id)
        only_own_village(db, township.a, township.b, tmp_path)
        # The village's log came with it, and holds the export just made (not B's).
        assert len(audit.entries(db)) == township.a.log + 1
        # Another village's person cannot be opened by its number either.
        b = signed_in(Database(township.url, scope=township.b.name))
        b_person = Listing(b).ids(RegisterQuery(status=None))[0]
        b.close()
        with pytest.raises(NotFound):
            Register(db).load(b_person)
    finally:
        db.close()
    # Asking for another village by name does not widen what they may see: refused.
    monkeypatch.setenv("CARECENTER_VILLAGE", township.b.name)
    other = Database(township.url)
    try:
        with pytest.raises(NotAllowed, match="只能打开本村"):
            operators.sign_in(other, township.a.admin, SUITE_PASSWORD)
        assert other.operator is None
    finally:
        other.close()


def test_the_township_operator_chooses_a_village_or_all(township: Township) -> None:
    every = signed_in(Database(township.url, scope="*"))
    one = signed_in(Database(township.url, scope=township.b.name))
    try:
        assert every.operator and every.operator.village_id is None
        assert every.scope == "*" and one.scope != "*"
        with every.engine.connect() as connection:
            everyone = set(connection.execute(select(person.c.name)).scalars())
            logged = connection.execute(select(audit_log.c.village_id).distinct()).scalars()
            assert len(set(logged) - {None}) == 2  # both villages' logs, side by side
        assert everyone == township.a.names | township.b.names
        assert {r.name for r in Listing(one).rows(
            Listing(one).ids(RegisterQuery(status=None))).values()} == township.b.names
        # Operators added while a village is open are that village's.
        new_id = operators.OperatorBook(one).add("周会计", "long-enough-2026", "clerk")
        assert operators.OperatorBook(one).get(new_id).village_id == int(one.scope)
        a = signed_in(Database(township.url, scope=township.a.name))
        assert "周会计" not in {o.name for o in operators.OperatorBook(a).list()}
        a.close()
    finally:
        every.close()
        one.close()


def test_the_command_line_as_a_village_operator_shows_only_their_village(
        township: Township, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CARECENTER_OPERATOR", township.a.admin)
    monkeypatch.setenv("CARECENTER_VILLAGE", "*")  # asks for all: gets its own
    others = township.b.names - township.a.names
    for command in (["worklist", "--date", "2026-11-23"], ["audit", "--limit", "1000"],
                    ["operators"], ["export", "snapshots"], ["check"], ["villages"],
                    ["print", "cards", "--out", str(tmp_path / "cards.pdf")]):
        code = main([*command, "--db", township.url])
        out = capsys.readouterr().out
        assert code in (0, 1), command
        assert not [n for n in others if n in out], command
        assert township.b.name not in out and township.b.admin not in out, command
    monkeypatch.setenv("CARECENTER_VILLAGE", township.b.name)
    assert main(["worklist", "--db", township.url]) == 1
    assert "只能打开本村" in capsys.readouterr().err


def test_a_village_operator_on_the_village_file_reads_only_that_village(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: a village's file holds that village alone; its operators are bound to it,
    an operator of another village is refused, and asking for all villages changes
    nothing."""
    a = village_file(tmp_path, "白竹村", 25, seed=31)
    b = village_file(tmp_path, "高良村", 20, seed=32)
    monkeypatch.setenv("CARECENTER_VILLAGE", "*")
    db = Database(a.file)
    try:
        who = operators.sign_in(db, a.admin, SUITE_PASSWORD)
        assert who.village_id == 1 and db.scope == "1"
        only_own_village(db, a, b, tmp_path)
        with db.engine.begin() as connection:  # an operator row of some other village
            connection.execute(operators.operator.insert().values(
                name="外村人", role="admin", password_hash=operators.passwords.hash_secret(
                    SUITE_PASSWORD), active=True, created_at=TODAY, updated_at=TODAY,
                village_id=7))
        with pytest.raises(NotAllowed, match="另一个村"):
            operators.sign_in(db, "外村人", SUITE_PASSWORD)
    finally:
        db.close()
