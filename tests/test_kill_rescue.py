"""A kill at any step of restoring an unopenable register from its backup (the rescue)
leaves either the damaged register exactly as it was, still refused and still rescuable,
or the backup in its place; and the damaged files themselves are never lost (issue 15:
every write all or nothing, nothing the clerk had is deleted)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carecenter.access import operators, rescue
from carecenter.errors import DatabaseError
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, SUITE_PASSWORD, elder, opened

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parent.parent

# The rescue in a process of its own that dies (as under kill -9: no clean-up, no
# flush) just before its ``limit``-th file operation; "done" when it got through.
RESCUER = """
import os, shutil, sys
from pathlib import Path
from carecenter.storage import cipher
register, backup, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
steps = 0
def killed_at_step(owner, name):
    real = getattr(owner, name)
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == limit:
            os._exit(9)
        return real(*args, **kwargs)
    setattr(owner, name, step)
# (An fsync is no step of its own here: a killed process loses nothing written.)
for owner, name in ((os, "replace"), (os, "unlink"), (shutil, "copyfile"),
                    (cipher, "export")):
    killed_at_step(owner, name)
from carecenter.access import rescue
rescue.restore(register, backup, os.environ["CARECENTER_OPERATOR"],
               os.environ["CARECENTER_PASSWORD"])
print("done", steps)
"""


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with an encrypted register of two people whose first page is damaged,
    and a backup of it taken before."""
    folder = tmp_path_factory.mktemp("damaged")
    path = folder / "村里.db"
    database = Database(path)
    operators.create_first(database, SUITE_OPERATOR, SUITE_PASSWORD)
    Register(database).save(elder())
    Register(database).save(elder(name="李四", sequence="004"))
    database.close()
    database = opened(path)
    database.back_up("manual")
    database.close()
    data = bytearray(path.read_bytes())
    data[0:100] = b"\x7f" * 100  # the header, where SQLCipher keeps its salt
    path.write_bytes(bytes(data))
    return folder


def fresh_copy(damaged: Path, into: Path) -> tuple[Path, Path]:
    shutil.copytree(damaged, into)
    register = into / "村里.db"
    backup = next((into / "村里-备份").glob("*.db"))
    return register, backup


def people(path: Path) -> int:
    database = opened(path)
    try:
        return Register(database).count()
    finally:
        database.close()


def held_somewhere(folder: Path, data: bytes) -> bool:
    return any(f.read_bytes() == data for f in folder.rglob("*") if f.is_file())


def test_a_kill_at_any_step_of_the_rescue_leaves_the_old_register_or_the_backup(
        damaged: Path, tmp_path: Path) -> None:
    original = (damaged / "村里.db").read_bytes()
    left_old: list[tuple[Path, Path]] = []
    limit = 0
    while True:
        limit += 1
        assert limit < 80, "the rescue never got through"
        register, backup = fresh_copy(damaged, tmp_path / f"kill{limit}")
        run = subprocess.run([sys.executable, "-c", RESCUER, str(register), str(backup),
                              str(limit)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120, check=False)
        assert run.returncode in (0, 9), run.stderr
        # Whatever the moment, the damaged register's bytes are still on the disk.
        assert held_somewhere(register.parent, original)
        if register.read_bytes() == original:
            left_old.append((register, backup))  # killed before the backup came in
        else:
            assert people(register) == 2  # the backup, whole, with a key that opens it
        if run.returncode == 0:
            assert "done" in run.stdout
            break
    # The kills fell both before and after the backup was renamed into place.
    assert len(left_old) > 3 and limit > len(left_old) + 1
    # Killed early or just before the rename: still refused, and the rescue run again
    # from what the kill left gets through.
    for register, backup in (left_old[0], left_old[-1]):
        with pytest.raises(DatabaseError):
            opened(register)
        rescue.restore(register, backup, SUITE_OPERATOR, SUITE_PASSWORD)
        assert people(register) == 2
