"""One operator's program for the concurrency tests: open the register, read, wait for
the other operator at a barrier, then write; say on stdout how it went.

    python -m tests.concurrent_writer DB BARRIER_DIR NAME edit PERSON_ID NOTE
    python -m tests.concurrent_writer DB BARRIER_DIR NAME visit PERSON_ID COUNT
    python -m tests.concurrent_writer DB BARRIER_DIR NAME correct PERSON_ID FOUND
    python -m tests.concurrent_writer DB BARRIER_DIR NAME recorrect PERSON_ID COUNT

``correct`` corrects the person's latest visit as read before the barrier (both operators
opened the same visit); ``recorrect`` corrects their earliest visit COUNT times, each
time as it is then (its own corrections never stale).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

from carecenter.access import operators
from carecenter.care.care_book import CareBook, VisitInput
from carecenter.care.corrections import Corrections, VisitChange
from carecenter.errors import KnownError
from carecenter.register.people import Register
from carecenter.storage.database import Database


def barrier(folder: Path, name: str, parties: int = 2) -> None:
    (folder / name).touch()
    deadline = time.monotonic() + 30
    while len(list(folder.iterdir())) < parties:
        if time.monotonic() > deadline:
            raise SystemExit("the other writer never came")
        time.sleep(0.005)


def main(db: str, folder: str, name: str, action: str, person_id: str, value: str) -> int:
    database = Database(db)
    # Each writer is an operator, as every write is (issue 18): the suite's, inherited.
    operators.sign_in(database, os.environ["CARECENTER_OPERATOR"],
                      os.environ["CARECENTER_PASSWORD"])
    if action == "edit":
        register = Register(database)
        draft = register.load(int(person_id)).draft()  # both read the same version
        draft.values["note"] = value
        barrier(Path(folder), name)
        try:
            register.save(draft, int(person_id))
        except KnownError as error:
            print("refused", error)
            return 0
        print("saved")
        return 0
    care = CareBook(database)
    fixes = Corrections(database)
    if action == "correct":
        seen = care.visits(int(person_id))[0]
        barrier(Path(folder), name)
        try:
            fixes.edit_visit(seen.id, VisitChange(seen.visited_on, seen.kind, name, value),
                             seen=seen)
        except KnownError as error:
            print("refused", error)
            return 0
        print("saved")
        return 0
    if action == "recorrect":
        barrier(Path(folder), name)
        for n in range(1, int(value) + 1):
            seen = care.visits(int(person_id))[-1]
            fixes.edit_visit(seen.id, VisitChange(seen.visited_on, seen.kind, seen.visitor,
                                                  f"第{n}次更正"), seen=seen)
        print("saved")
        return 0
    barrier(Path(folder), name)
    for day in range(1, int(value) + 1):
        care.record_visit(VisitInput(int(person_id), date(2026, 11, day), "home", name))
    print("saved")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
