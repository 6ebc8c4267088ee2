"""The work list on a township's server (issue 22) is the village's own work list: the
same village moved into PostgreSQL lists the same items, in the same order, with the
same counts, as its SQLite file, on days that judge every kind of duty. The server
reads it through its own indexes and statements (migration 0015,
``duty_sections._helpers_short_joined``); SQLite through the declared ones.

Needs a server (``CARECENTER_TEST_POSTGRES``; ``dev.py test`` starts one): skipped,
saying so, without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from carecenter.care.care_book import CareBook
from carecenter.care.care_records import VisitInput
from carecenter.demo import register_demo
from carecenter.overview import work_list
from carecenter.register.groups import GroupBook
from carecenter.register.people import Register
from carecenter.storage import transfer
from carecenter.storage.database import Database
from carecenter.storage.models import helper, pairing, person
from tests import pg_server
from tests.conftest import TODAY, elder, signed_in

# Days that judge the month's calls (every day), the quarter's visits (its last month)
# and the year's calls to the children (December); a leap day; a day with nothing due
# yet of the next quarter.
DAYS = (TODAY, date(2026, 12, 31), date(2027, 3, 1), date(2028, 2, 29))


@dataclass
class Village:
    file: Path
    url: str
    scope: str


@pytest.fixture(scope="module")
def village(postgres: pg_server.Server, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Village]:
    file = tmp_path_factory.mktemp("server-worklist") / "village.db"
    database = signed_in(Database(file))
    register_demo.generate(database, 150, seed=5, today=TODAY)
    # Calls that name no helper, made by someone of the helper's name: matched by the
    # name (duty_tally_named), which the server joins its own way.
    pairs = _named_calls(database)
    # Two people not yet paired with a helper (未结对), and a paired one who left.
    register = Register(database, today=lambda: TODAY)
    for name, sequence in (("钱未结", "013"), ("孙未结", "015")):
        register.save(elder(name, "19480101", sequence), allow_duplicate=True)
    register.exit(pairs[0][0], TODAY - timedelta(days=10), "died")
    database.close()
    url = postgres.fresh(migrated=False)
    server = signed_in(Database(url, scope="*"))
    source = Database(file)
    scope = str(transfer.move_in(source, server).village.id)
    source.close()
    server.close()
    yield Village(file, url, scope)
    postgres.drop(url)


def _named_calls(database: Database) -> list[Any]:
    with database.engine.connect() as connection:
        pairs = connection.execute(
            select(pairing.c.person_id, helper.c.name)
            .join(helper, helper.c.id == pairing.c.helper_id)
            .where(pairing.c.rank == 1, pairing.c.ended_on.is_(None))
            .order_by(pairing.c.id).limit(12)).all()
    assert pairs
    CareBook(database, today=lambda: TODAY).record_visits([
        VisitInput(pid, TODAY - timedelta(days=n % 5), "phone", name, "电话问候")
        for n, (pid, name) in enumerate(pairs * 4)])
    return pairs


def _people(database: Database) -> dict[int, tuple[Any, ...]]:
    """Each person's id to what names them on either side (ids differ on the server)."""
    with database.engine.connect() as connection:
        return {r[0]: tuple(r[1:]) for r in connection.execute(select(
            person.c.id, person.c.name, person.c.id_number, person.c.birth_date,
            person.c.created_at))}


def _listed(database: Database, on: date, group: str | None = None
            ) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    people = _people(database)
    group_id = next(g.id for g in GroupBook(database).list() if g.name == group) \
        if group else None
    made = work_list.build(database, on, group_id)
    items = [(i.section, people.get(i.person_id), i.name, i.group, i.group_position,
              i.colour, i.what, i.rule, i.last, i.due, i.overdue, i.kind, i.seed)
             for i in made.items]
    return {**made.counts(), "persons": made.persons}, items


@pytest.mark.parametrize("on", DAYS, ids=str)
def test_the_servers_work_list_is_the_village_files_item_for_item(
        village: Village, on: date) -> None:
    sqlite = signed_in(Database(village.file))
    server = signed_in(Database(village.url, scope=village.scope))
    try:
        counts, items = _listed(sqlite, on)
        assert _listed(server, on) == (counts, items)
        # The data exercise the sections the server reads its own way.
        busy = {code for code, n in counts.items() if n}
        assert {"overdue", "not_qualifying", "undecided", "unpaired", "unsafe",
                "whereabouts", "agreement", "helper", "need"} <= busy, counts
        assert len(items) == sum(n for code, n in counts.items() if code != "persons")
    finally:
        sqlite.close()
        server.close()


def test_the_servers_work_list_of_one_group_is_the_village_files(village: Village) -> None:
    sqlite = signed_in(Database(village.file))
    server = signed_in(Database(village.url, scope=village.scope))
    try:
        group = GroupBook(sqlite).list()[1].name
        counts, items = _listed(sqlite, TODAY, group)
        assert _listed(server, TODAY, group) == (counts, items)
        assert items and {i[3] for i in items if i[0] != "helper"} <= {group}
    finally:
        sqlite.close()
        server.close()
