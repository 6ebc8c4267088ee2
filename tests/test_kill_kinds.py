"""A kill -9 at any moment of issue 21's writes leaves a sound register holding all of
that write or none of it: a children's ledger imported (one transaction for every
child, their parents and guardian), the same ledger imported again with changes (every
file updated or none), and children leaving the kind at 16 (each file
either still a child's, or a 特困 file with the event and the audit entry saying so)."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import make_id, signed_in
from tests.test_kill_writes import ROOT
from tests.test_kind_child import child
from tests.test_kind_import_export import write

KILLS = 3
CHILDREN = 250
DIGITS = "零一二三四五六七八九"


def _name(n: int) -> str:
    """A name without digits (the register refuses those): 二三七 for 237."""
    return "".join(DIGITS[int(d)] for d in str(n))

WRITER = """
import os, sys
from datetime import date
from carecenter.storage.database import Database
from carecenter.access import operators
op, db, arg = sys.argv[1:]
database = Database(db, hold=True)
operators.sign_in(database, os.environ["CARECENTER_OPERATOR"], os.environ["CARECENTER_PASSWORD"])
if op == "import":
    from carecenter.ledger import kind_import
    found = kind_import.preview(database, arg, "child")
    print("go", len([r for r in found.accepted if not r.unchanged]), flush=True)
    kind_import.apply(database, found)
else:
    from sqlalchemy import text
    from carecenter.register.people import Register
    register = Register(database)
    with database.session() as session:
        ids = list(session.execute(text("SELECT id FROM person")).scalars())
    print("go", len(ids), flush=True)
    for pid in ids:
        register.leave_kind(pid, "child", date(2026, 11, 23))
print("done", flush=True)
"""


def _ledger(path: Path, phone: str = "") -> Path:
    rows: list[list[object]] = [["序号", "姓名", "身份证号", "组别", "父亲姓名", "父亲务工地点",
                                 "母亲姓名", "母亲务工地点", "监护人姓名", "与儿童关系",
                                 "父亲电话"]]
    for n in range(CHILDREN):
        birth = f"2014{1 + n % 12:02d}{1 + n % 28:02d}"
        rows.append([n + 1, f"王{_name(n)}", make_id(birth, f"{n % 1000:03d}"),
                     f"{1 + n % 5}组", f"王父{_name(n)}", "广东省东莞市", f"李母{_name(n)}",
                     "浙江省义乌市", f"王祖{_name(n)}", "爷爷", phone or None])
    return write(path, rows)


def _counts(path: Path) -> tuple[str, int, int]:
    with sqlite3.connect(path) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        persons = connection.execute("SELECT count(*) FROM person").fetchone()[0]
        supporters = connection.execute("SELECT count(*) FROM supporter").fetchone()[0]
    connection.close()
    return check, persons, supporters


def _kill(op: str, path: Path, arg: str, rng: random.Random) -> int:
    process = subprocess.Popen([sys.executable, "-c", WRITER, op, str(path), arg], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    word, whole = process.stdout.readline().split()
    assert word == "go" and int(whole) > 0
    time.sleep(rng.uniform(0.0, 0.8))
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    return int(whole)


def test_a_kill_during_a_childrens_import_leaves_every_child_or_none(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path / "children.xlsx")
    rng = random.Random("children")
    outcomes = set()
    for n in range(KILLS):
        path = tmp_path / f"import{n}.db"
        signed_in(Database(path)).close()
        whole = _kill("import", path, str(ledger), rng)
        check, persons, supporters = _counts(path)
        assert check == "ok"
        # each child comes with father, mother and guardian, or nobody came at all
        assert (persons, supporters) in ((0, 0), (whole, 3 * whole)), (persons, supporters)
        outcomes.add(persons)
    assert outcomes


def test_a_kill_during_a_childrens_ledger_imported_again_leaves_every_update_or_none(
        tmp_path: Path) -> None:
    """The same children with their fathers' new phones: every file updated in the
    one transaction, or none (issue 21: a ledger imported again updates its files)."""
    first = tmp_path / "first.db"
    database = signed_in(Database(first))
    from carecenter.ledger import kind_import

    kind_import.apply(database, kind_import.preview(
        database, _ledger(tmp_path / "children.xlsx"), "child"))
    database.close()
    again = _ledger(tmp_path / "phones.xlsx", phone="13911112222")
    rng = random.Random("again")
    outcomes = set()
    for n in range(KILLS):
        path = tmp_path / f"again{n}.db"
        path.write_bytes(first.read_bytes())
        whole = _kill("import", path, str(again), rng)
        assert whole == CHILDREN
        check, persons, supporters = _counts(path)
        assert (check, persons, supporters) == ("ok", CHILDREN, 3 * CHILDREN)
        with sqlite3.connect(path) as connection:
            phones = {r[0] for r in connection.execute(
                "SELECT phone FROM supporter WHERE relation = 'father'")}
        connection.close()
        assert phones in ({None}, {"13911112222"}), phones
        outcomes.add(frozenset(phones))
    assert outcomes


@pytest.fixture(scope="module")
def children(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Children who are also 特困: leaving the child's kind keeps their files."""
    path = tmp_path_factory.mktemp("children") / "children.db"
    database = signed_in(Database(path))
    register = Register(database)
    for n in range(80):
        draft = child(birth=f"2010{1 + n % 12:02d}{1 + n % 28:02d}", sequence=f"{n:03d}",
                      name=f"张{_name(n)}", tekun_since="2020-01-01", tekun_cert=f"特{n}")
        draft.kinds = ["child", "tekun"]
        register.save(draft)
    database.close()
    return path


def test_a_kill_while_children_leave_the_kind_leaves_each_file_whole(
        children: Path, tmp_path: Path) -> None:
    rng = random.Random("leave")
    for n in range(KILLS):
        path = tmp_path / f"leave{n}.db"
        path.write_bytes(children.read_bytes())
        _kill("leave", path, "", rng)
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            kinds = dict(connection.execute("SELECT id, kinds FROM person").fetchall())
            told = {r[0] for r in connection.execute(
                "SELECT person_id FROM person_event WHERE detail LIKE '不再是%'")}
            audited = {r[0] for r in connection.execute(
                "SELECT person_id FROM audit_log WHERE summary LIKE '%不再是%'")}
        connection.close()
        left = {pid for pid, value in kinds.items() if "child" not in value}
        # a file is a child's and nothing said, or 特困 only with the event and the entry
        assert left == told == audited, (len(left), len(told), len(audited))
        assert all("tekun" in value for value in kinds.values())
