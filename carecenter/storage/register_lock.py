"""One writer per register: a lock file beside the SQLite file, held by the one writer.

The app holds its register for as long as it is open; a writing command holds it for
the length of one write. A second holder is refused with a message naming who holds it
(computer, Windows user, since when). The lock is the operating system's own on a
separate ``*.lock`` file (``flock`` on POSIX, ``LockFileEx`` through msvcrt on
Windows), so a holder that dies — a power cut, ``kill -9`` — lets go of it with its
process and the next writer takes it over; the holder's name written in the file is
then simply replaced.

Why a separate file and ``flock``, not a lock on the register: SQLite's own POSIX locks
are per process and file, and any non-SQLite open/close of the register file in the same
process drops them (PLATFORM.md, "SQLite locks on POSIX"). Nothing here opens the
register file itself. SQLite only: a server database has its own locking.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from carecenter import clock
from carecenter.errors import DatabaseError

LOCK_SUFFIX = ".lock"
# Windows locks byte ranges and a locked range cannot be read by others: the holder's
# name is in the first bytes, the lock on one byte far beyond them.
_LOCK_AT = 1 << 20
_INFO_MAX = 4096
# How long one command's write waits for another's (like SQLite's busy_timeout).
WAIT_SECONDS = 5.0


def lock_path(register: Path) -> Path:
    return register.with_name(register.name + LOCK_SUFFIX)


@dataclass(frozen=True)
class Holder:
    """Who holds a register: the computer, the (Windows) user, since when, the process."""

    computer: str
    user: str
    since: datetime
    pid: int
    lasting: bool = True  # the app (held while open), not one command's write

    def describe(self) -> str:
        return (f"计算机“{self.computer}”上的用户“{self.user}”"
                f"(自 {self.since:%Y-%m-%d %H:%M} 起)")

    def to_json(self) -> str:
        return json.dumps({"computer": self.computer, "user": self.user,
                           "since": self.since.isoformat(timespec="seconds"),
                           "pid": self.pid, "lasting": self.lasting}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            raw = json.loads(text)
            return cls(str(raw["computer"]), str(raw["user"]),
                       datetime.fromisoformat(raw["since"]), int(raw["pid"]),
                       bool(raw.get("lasting", True)))
        except (ValueError, KeyError, TypeError):
            return None


def this_holder(lasting: bool = True) -> Holder:
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (a service account)
        user = "?"
    return Holder(socket.gethostname() or "?", user, clock.now(), os.getpid(), lasting)


class RegisterHeld(DatabaseError):
    """The register is held by another window or program."""

    def __init__(self, register: Path, holder: Holder | None) -> None:
        who = holder.describe() if holder else "另一个“留守关爱”窗口或程序"
        super().__init__(
            f"登记册 {register} 正由{who}打开,同一时间只能在一处修改。"
            "请先关闭那里的“留守关爱”,再重试;查看类的命令(如 worklist、check、backups)仍可使用。"
            "本次没有写入任何内容。")
        self.holder = holder


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_AT, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_AT, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _read_info(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, _INFO_MAX).split(b"\0", 1)[0]
    return Holder.from_json(raw.decode("utf-8", "replace"))


def _open_lock_file(register: Path) -> int:
    path = lock_path(register)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as e:
        raise DatabaseError(
            f"无法在文件夹 {path.parent} 中写入(文件夹只读或没有写入权限,{e.strerror}),"
            "登记册只能查看,不能修改。请把登记册放到可以写入的文件夹。") from e


class RegisterLock:
    """The writer's lock on one register; ``acquire`` refuses when another holds it."""

    def __init__(self, register: Path, lasting: bool = False) -> None:
        self.register = register
        self.lasting = lasting
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = _open_lock_file(self.register)
        if not _try_lock(fd):
            holder = _read_info(fd)
            os.close(fd)
            raise RegisterHeld(self.register, holder)
        # A dead holder's name may still be in the file: it is taken over here.
        info = this_holder(self.lasting).to_json().encode("utf-8")[:_INFO_MAX - 1]
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, info + b"\0")
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    @contextmanager
    def waiting(self, seconds: float = WAIT_SECONDS) -> Iterator[None]:
        """Held for one write; another command's write is waited for, a window is not."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.acquire()
                break
            except RegisterHeld as held:
                lasting = held.holder is None or held.holder.lasting
                if lasting or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        try:
            yield
        finally:
            self.release()

    def __enter__(self) -> RegisterLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def holder_of(register: Path) -> Holder | None:
    """Who holds the register now, or None when nobody (a dead holder's name is ignored)."""
    path = lock_path(register)
    if not path.exists():
        return None
    probe = RegisterLock(register)
    try:
        probe.acquire()
    except RegisterHeld as held:
        return held.holder or this_holder()
    except DatabaseError:
        return None
    probe.release()
    return None
