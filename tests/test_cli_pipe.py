"""A command's output piped into a reader that stops early (``worklist | head``) ends
quietly: no traceback for the clerk, exit status 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, signed_in

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.sqlite_only
def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "村里.db"
    database = signed_in(Database(path))
    register = Register(database)
    for n, name in enumerate("甲乙丙丁戊己庚辛壬癸"):
        register.save(elder(f"张{name}", sequence=f"{n * 2 + 2:03d}"))
    database.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # the reader has gone before a line is written
    try:
        command = subprocess.run(
            [sys.executable, "-m", "carecenter", "worklist", "--db", str(path)],
            stdout=write_fd, stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=120,
            check=False)
    finally:
        os.close(write_fd)
    assert "Traceback" not in command.stderr.decode("utf-8", "replace")
    assert command.returncode == 0
