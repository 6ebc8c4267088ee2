"""The deleted-WAL sequence (issue 15, finding 1): the app's own process opens and
closes the register file outside SQLite (a file dialog sniffing it), which drops
SQLite's POSIX locks; a command then opens and closes the register. Before, that
command deleted the WAL under the app, whose later saves vanished at the next power
cut. Every save the app was told succeeded must survive ``kill -9``."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from carecenter.register.people import Register
from carecenter.storage.database import Database

ROOT = Path(__file__).resolve().parent.parent

APP = """
import sys
from carecenter.storage.database import Database
from carecenter.register.people import Register
from tests.conftest import elder
database = Database(sys.argv[1], hold=True)
register = Register(database)
names = iter(("张桂兰", "李秀英", "王建国", "赵淑珍", "刘长青", "陈玉梅"))
for n, line in enumerate(sys.stdin, start=1):
    if line.strip() == "sniff":  # what a file dialog does to show a file's icon
        with open(sys.argv[1], "rb") as handle:
            handle.read(100)
    else:
        register.save(elder(next(names), sequence=f"{n * 2:03d}"))
    print("done", flush=True)
"""


@pytest.fixture
def app(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([sys.executable, "-c", APP, str(db_path)], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        assert stream is not None
        stream.close()


def ask(app: subprocess.Popen[str], what: str) -> None:
    assert app.stdin is not None and app.stdout is not None
    app.stdin.write(what + "\n")
    app.stdin.flush()
    assert app.stdout.readline().strip() == "done"


# Several commands in one other process, each opening and closing the register.
COMMANDS = """
import sys
from carecenter.cli.entry import main
db = sys.argv[1]
codes = [main(["worklist", "--db", db]), main(["check", "--db", db]),
         main(["settings", "--db", db]), main(["backups", "--db", db]),
         main(["backup", "--db", db]),
         main(["settings", "--db", db, "--set", "village.name=白竹村"])]
print(codes)
"""


def commands(db_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", COMMANDS, str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", check=False)


def test_saves_survive_kill_after_another_process_opened_and_closed_the_register(
        app: subprocess.Popen[str], db_path: Path) -> None:
    ask(app, "save")
    ask(app, "sniff")
    result = commands(db_path)
    # Reading commands work; the writing one is refused, naming the app's computer.
    assert result.stdout.splitlines()[-1] == "[0, 0, 0, 0, 0, 1]", result.stderr
    assert "正由计算机" in result.stderr
    ask(app, "save")
    ask(app, "sniff")
    assert commands(db_path).stdout.splitlines()[-1] == "[0, 0, 0, 0, 0, 1]"
    ask(app, "save")
    assert Path(str(db_path) + "-wal").exists()
    app.send_signal(signal.SIGKILL)  # a power cut
    app.wait()
    database = Database(db_path)
    try:
        assert Register(database).count() == 3
        assert database.check_soundness() == ""
    finally:
        database.close()
