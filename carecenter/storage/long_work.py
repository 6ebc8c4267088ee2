"""Long writes (a county's ledger, a list of thousands of pages): progress told as the
work goes, a cancel honoured between steps, and the file on disk replaced only when the
new one is whole.

    steps = Steps(progress, cancelled)       # both optional: the command line passes none
    steps.say(0, "正在统计…")                 # per mille of the whole, and what is done now
    for row in steps.rows(rows, len(rows), 100, 800, "正在写台账"):  # 10 % → 80 %
        ...
    write_whole(target, lambda part: book.save(part))

``progress(done, total, label)`` is ``ui.widgets.background``'s; a cancel raises
``WorkCancelled`` (a ``KnownError``: the clerk is told nothing was written).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from carecenter.errors import KnownError

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
WHOLE = 1000  # progress is told in per mille of the whole work
EVERY = 250  # rows between two reports (and two looks at the cancel button)


class WorkCancelled(KnownError):
    def __init__(self, message: str = "已取消,没有写入文件") -> None:
        super().__init__(message)


class Steps:
    """The progress of one piece of long work, and its cancel."""

    def __init__(self, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 message: str = "已取消,没有写入文件") -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.message = message
        self.label = ""

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise WorkCancelled(self.message)

    def say(self, done: int, label: str | None = None) -> None:
        """``done`` per mille of the whole; the label stays until another is given."""
        self.check()
        if label is not None:
            self.label = label
        if self.progress is not None:
            self.progress(min(done, WHOLE), WHOLE, self.label)

    def rows(self, rows: Iterable[T], total: int, start: int, end: int,
             label: str) -> Iterator[T]:
        """The rows, telling progress from ``start`` to ``end`` per mille as they go."""
        self.say(start, f"{label}(0/{total})")
        for number, row in enumerate(rows, start=1):
            yield row
            if number % EVERY == 0:
                share = start + (end - start) * number // max(total, 1)
                self.say(share, f"{label}({number}/{total})")
        self.say(end, f"{label}({total}/{total})")


def part_of(target: Path) -> Path:
    """Where a file is written before it takes ``target``'s name."""
    return target.with_name(f".{target.name}.part")


def cannot_save(target: Path) -> KnownError:
    return KnownError(f"无法保存 {target}:文件可能正在 Excel 中打开,或没有写入权限")


def write_whole(target: Path, write: Callable[[Path], object]) -> None:
    """``write(part)`` writes a file beside the target, which then takes its place: a
    cancel, an error or a kill never leaves half a file under the target's name."""
    part = part_of(target)
    try:
        write(part)
        os.replace(part, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            part.unlink()
        if isinstance(e, OSError):
            raise cannot_save(target) from e
        raise
