"""Make the small database a release leaves in tests/data (STYLE.md, point 8).

Run once per release: ``python -m tests.make_release_db tests/data/register-0.1.0.db``.
The upgrade test opens every file there with the current program.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import date

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder


def main(path: str) -> None:
    database = Database(path)
    register = Register(database, today=lambda: date(2026, 11, 23))
    group = register.groups.add("一组")
    first = register.save(elder("张桂兰", group_id=group)).person_id
    register.save(elder("单雄信", birth="19480101", sequence="001", phone="13600009999"))
    register.exit(first, date(2026, 11, 1), "moved", "随子女迁往县城")
    database.close()
    with sqlite3.connect(path) as raw:  # one self-contained file, no -wal beside it
        raw.execute("PRAGMA journal_mode=DELETE")


if __name__ == "__main__":
    main(sys.argv[1])
