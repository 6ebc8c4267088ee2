"""Many writers at once (issue 22): two operators' programs, two processes, one register.

The same tests run on SQLite (two windows on one file) and, in dev.py test's server
pass, on PostgreSQL (two village offices on the township's server).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from carecenter.care.care_book import CareBook, VisitInput
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import person_event, visit
from tests.conftest import elder

pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[1]


def writers(db: str, barrier: Path, *jobs: list[str]) -> list[str]:
    """Start each job as its own process, all at once; what each said."""
    barrier.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = [subprocess.Popen(
        [sys.executable, "-m", "tests.concurrent_writer", db, str(barrier), *job],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for job in jobs]
    said = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        said.append(out.strip())
    return said


def test_two_operators_saving_the_same_person_at_once_never_overwrite_each_other(
        register: Register, db_path: Path, tmp_path: Path) -> None:
    person_id = register.save(elder()).person_id
    said = writers(str(db_path), tmp_path / "barrier",
                   ["一号", "edit", str(person_id), "一号机写的备注"],
                   ["二号", "edit", str(person_id), "二号机写的备注"])
    saved = [i for i, s in enumerate(said) if s == "saved"]
    refused = [s for s in said if s.startswith("refused")]
    assert len(saved) == 1 and len(refused) == 1, said
    assert "已被修改" in refused[0]
    winner = ["一号机写的备注", "二号机写的备注"][saved[0]]
    assert register.load(person_id).values["note"] == winner
    with register.database.session() as session:
        edits = session.execute(select(func.count()).select_from(person_event).where(
            person_event.c.person_id == person_id, person_event.c.event == "updated")
        ).scalar_one()
    assert edits == 1


def test_two_operators_recording_visits_to_one_person_at_once_both_keep_theirs(
        register: Register, database: Database, db_path: Path, tmp_path: Path) -> None:
    """Both write the same person's due dates: on a server one transaction is refused
    for the other's sake and run again, on SQLite one waits for the other's lock."""
    person_id = register.save(elder()).person_id
    said = writers(str(db_path), tmp_path / "barrier",
                   ["一号", "visit", str(person_id), "8"],
                   ["二号", "visit", str(person_id), "8"])
    assert said == ["saved", "saved"]
    with database.session() as session:
        by_visitor = dict(session.execute(
            select(visit.c.visitor, func.count()).group_by(visit.c.visitor)).all())
    assert by_visitor == {"一号": 8, "二号": 8}


def test_two_operators_correcting_the_same_visit_at_once_never_overwrite_each_other(
        register: Register, database: Database, db_path: Path, tmp_path: Path) -> None:
    person_id = register.save(elder()).person_id
    care = CareBook(database)
    care.record_visit(VisitInput(person_id, date(2026, 11, 2), "home", "王网格员", "很好"))
    said = writers(str(db_path), tmp_path / "barrier",
                   ["一号", "correct", str(person_id), "一号机写的走访情况"],
                   ["二号", "correct", str(person_id), "二号机写的走访情况"])
    saved = [i for i, s in enumerate(said) if s == "saved"]
    refused = [s for s in said if s.startswith("refused")]
    assert len(saved) == 1 and len(refused) == 1, said
    assert "已被他人修改" in refused[0]
    winner = ["一号", "二号"][saved[0]]
    assert (care.visits(person_id)[0].visitor, care.visits(person_id)[0].found) == (
        winner, f"{winner}机写的走访情况")
    with database.session() as session:
        edits = session.execute(select(func.count()).select_from(person_event).where(
            person_event.c.event == "visit_edited")).scalar_one()
    assert edits == 1


def test_a_visit_corrected_while_another_records_visits_to_the_same_person_both_land(
        register: Register, database: Database, db_path: Path, tmp_path: Path) -> None:
    """Both write the person's due dates: on a server the correction is refused for the
    other's sake and run again (it failed at once before it was ``retrying``)."""
    person_id = register.save(elder()).person_id
    care = CareBook(database)
    care.record_visit(VisitInput(person_id, date(2026, 10, 2), "home", "王网格员"))
    said = writers(str(db_path), tmp_path / "barrier",
                   ["一号", "visit", str(person_id), "8"],
                   ["二号", "recorrect", str(person_id), "8"])
    assert said == ["saved", "saved"]
    visits = care.visits(person_id)
    assert len(visits) == 9 and visits[-1].found == "第8次更正"
