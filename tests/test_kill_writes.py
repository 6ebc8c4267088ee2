"""A kill -9 at any moment of an import, a pairing or a visit sheet's save leaves a
sound register holding all of that write or none of it (issue 15: a handful of kills
at random moments, each checked with SQLite's integrity check)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from carecenter.demo import register_demo
from carecenter.storage.database import Database
from tests.conftest import signed_in

ROOT = Path(__file__).resolve().parent.parent
# Per kind of write. CI's few keep its minutes; CARECENTER_KILLS=50 for a deep run
# (the closing note of issue 15 quotes one at 30 per kind).
KILLS = int(os.environ.get("CARECENTER_KILLS") or 5)

WRITER = """
import sys
from datetime import date
from carecenter.storage.database import Database
op, db, arg = sys.argv[1:]
database = Database(db, hold=True)
import os
from carecenter.access import operators
operators.sign_in(database, os.environ["CARECENTER_OPERATOR"], os.environ["CARECENTER_PASSWORD"])
if op == "import":
    from carecenter.ledger.importer import LedgerImport
    importer = LedgerImport(database)
    data, layout = importer.open(arg)
    preview = importer.preview(arg, data, layout)
    print("go", sum(r.accepted for r in preview.rows), flush=True)
    importer.apply(preview)
elif op == "pair":
    from carecenter.pairing.proposal import accept, propose
    proposal = propose(database)
    print("go", len(dict(proposal.choices())), flush=True)
    accept(database, proposal)
else:
    from sqlalchemy import text
    from carecenter.care.care_book import CareBook, VisitInput
    with database.session() as session:
        ids = session.execute(text("SELECT id FROM person WHERE status = 'active'")).scalars()
        sheet = [VisitInput(i, date(2026, 11, 20), "phone", "刘红梅") for i in ids]
    print("go", len(sheet), flush=True)
    CareBook(database).record_visits(sheet)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A demo register with nobody paired, and a ledger of its people."""
    folder = tmp_path_factory.mktemp("village")
    path = folder / "village.db"
    database = signed_in(Database(path))
    register_demo.generate(database, 600, seed=3)
    with database.transaction() as session:
        from sqlalchemy import text

        session.execute(text("UPDATE pairing SET ended_on = '2026-11-01',"
                             " end_reason = 'test' WHERE ended_on IS NULL"))
        people = session.execute(text(
            "SELECT name, id_number, phone FROM person WHERE id_number IS NOT NULL")).all()
    database.close()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "联系电话"])
    for row in people:
        sheet.append(list(row))
    ledger = folder / "ledger.xlsx"
    book.save(ledger)
    return path, ledger


def counts(path: Path) -> tuple[str, int, int, int]:
    with sqlite3.connect(path) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        persons = connection.execute("SELECT count(*) FROM person").fetchone()[0]
        paired = connection.execute(
            "SELECT count(*) FROM pairing WHERE ended_on IS NULL").fetchone()[0]
        visits = connection.execute("SELECT count(*) FROM visit").fetchone()[0]
    connection.close()
    return check, persons, paired, visits


@pytest.mark.parametrize("op", ["import", "pair", "save"])
def test_a_kill_at_any_moment_leaves_all_or_nothing(
        op: str, village: tuple[Path, Path], tmp_path: Path) -> None:
    source, ledger = village
    rng = random.Random(op)
    outcomes = set()
    for n in range(KILLS):
        path = tmp_path / f"{op}{n}.db"
        if op == "import":
            signed_in(Database(path)).close()  # an empty register receives the whole ledger
        else:
            path.write_bytes(source.read_bytes())
        before = counts(path)
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, op, str(path), str(ledger)], cwd=ROOT,
            stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        word, whole = process.stdout.readline().split()
        assert word == "go" and int(whole) > 0
        time.sleep(rng.uniform(0.0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        after = counts(path)
        assert after[0] == "ok"
        index = {"import": 1, "pair": 2, "save": 3}[op]
        assert after[index] in (before[index], before[index] + int(whole)), (before, after)
        outcomes.add(after[index] != before[index])
    assert outcomes  # every kill was checked
