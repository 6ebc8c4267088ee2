"""A save the clerk was told succeeded survives the process dying right after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import signed_in

SCRIPT = """
import os, sys
from carecenter.storage.database import Database
from carecenter.register.people import Register
from tests.conftest import elder, signed_in
register = Register(signed_in(Database(sys.argv[1])))
register.save(elder())
os._exit(0)  # no close, no checkpoint: as if the power went
"""


def test_a_committed_save_is_there_after_the_process_dies(db_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", SCRIPT, str(db_path)], check=True, cwd=root)
    database = signed_in(Database(db_path))
    assert Register(database).count() == 1
    database.close()
