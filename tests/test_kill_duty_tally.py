"""A kill -9 at any moment of visits being written, corrected and taken back leaves the
helpers' duty tally (``care.duty_tally``) saying exactly what the visits say: it is kept
in the same transaction as each write, so a visit and its count land together or not;
and each correction's history line, kept record and audit entry land together too."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from carecenter.care import duty_tally
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, signed_in
from tests.test_kill_writes import ROOT

KILLS = 3

WRITER = """
import os, sys, random
from datetime import date, timedelta
from carecenter.storage.database import Database
from carecenter.access import operators
from carecenter.care.care_book import CareBook, VisitInput
from carecenter.care.corrections import Corrections, VisitChange
from sqlalchemy import text
database = Database(sys.argv[1], hold=True)
operators.sign_in(database, os.environ["CARECENTER_OPERATOR"], os.environ["CARECENTER_PASSWORD"])
today = date(2026, 11, 23)
care, fixes = CareBook(database, lambda: today), Corrections(database, lambda: today)
with database.session() as session:
    pairs = session.execute(text(
        "SELECT p.person_id, p.helper_id, h.name FROM pairing p "
        "JOIN helper h ON h.id = p.helper_id")).all()
rng = random.Random(int(sys.argv[2]))
print("go", len(pairs), flush=True)
while True:
    care.record_visits([
        VisitInput(pid, today - timedelta(days=rng.randrange(300)),
                   rng.choice(("phone", "home", "video")), name,
                   helper_id=hid if rng.random() < 0.5 else None)
        for pid, hid, name in rng.sample(pairs, len(pairs))], numbered=False)
    with database.session() as session:
        ids = list(session.execute(text("SELECT id, visitor FROM visit")).all())
    visit_id, visitor = rng.choice(ids)
    fixes.edit_visit(visit_id, VisitChange(today - timedelta(days=rng.randrange(300)),
                                           rng.choice(("phone", "home")), visitor))
    fixes.remove_visit(rng.choice(ids)[0], "录错了")
"""


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paired") / "paired.db"
    database = signed_in(Database(path))
    register = Register(database, today=lambda: TODAY)
    helpers = HelperBook(database)
    pairs = PairingBook(database, today=lambda: TODAY)
    for n in range(12):
        pid = register.save(elder(f"老人{'甲乙丙丁戊己庚辛壬癸子丑'[n]}",
                                  sequence=f"{n * 2 + 1:03d}")).person_id
        helper = helpers.add(HelperDraft(f"帮扶人{'甲乙丙'[n % 3]}", "volunteer",
                                         f"137000000{n:02d}"))
        pairs.pair(pid, helper, on=date(2026, 1, 1))
    database.close()
    return path


def _state(path: Path) -> tuple[str, Counter[tuple[object, ...]], Counter[tuple[object, ...]],
                                list[int], list[int]]:
    with sqlite3.connect(path) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        visits = [(p, k, date.fromisoformat(d), h, v) for p, k, d, h, v in connection.execute(
            "SELECT person_id, kind, visited_on, helper_id, visitor FROM visit")]
        kept: Counter[tuple[object, ...]] = Counter()
        for k, p, person, h, n in connection.execute(
                "SELECT kind, period, person_id, helper_id, visits FROM duty_tally"):
            kept[(k, p, person, h, "")] += n
        for k, p, person, v, n in connection.execute(
                "SELECT kind, period, person_id, visitor, visits FROM duty_tally_named"):
            kept[(k, p, person, None, v)] += n

        def count(sql: str) -> int:
            return int(connection.execute(sql).fetchone()[0])

        # Each correction's history line, kept record and audit entry land together.
        in_history = [count("SELECT count(*) FROM person_event WHERE event = 'visit_edited'"),
                      count("SELECT count(*) FROM person_event WHERE event = 'visit_removed'")]
        in_log = [count("SELECT count(*) FROM audit_log WHERE entity = 'visit'"
                        " AND action = 'updated'"),
                  count("SELECT count(*) FROM audit_log WHERE entity = 'visit'"
                        " AND action = 'removed'")]
        assert count("SELECT count(*) FROM removed_record") == in_history[1]
    connection.close()
    return check, kept, Counter(duty_tally._keys(visits)), in_history, in_log


def test_a_kill_while_visits_are_written_leaves_the_tally_as_the_visits_say(
        paired: Path, tmp_path: Path) -> None:
    rng = random.Random("tally")
    written = []
    for n in range(KILLS):
        path = tmp_path / f"kill{n}.db"
        path.write_bytes(paired.read_bytes())
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n)],
                                   cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        assert process.stdout.readline().split() == ["go", "12"]
        time.sleep(rng.uniform(0.5, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        check, kept, counted, in_history, in_log = _state(path)
        assert check == "ok"
        assert kept == counted
        assert in_history == in_log
        written.append(sum(counted.values()))
    assert any(written), written  # killed while writing, not before the first visit
