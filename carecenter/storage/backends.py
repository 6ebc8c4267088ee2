"""What differs between the two databases a register can live in, said once.

SQLite (one village's file, the default) and PostgreSQL (a township's server, issue 22)
run the same migrations and the same queries; what differs is how a connection is set
up (``storage.database`` for SQLite, ``storage.postgres`` for the server), what a failed
write means, and what to do about it. Many writers at once on a server can meet in one
row: PostgreSQL then refuses one transaction with a serialization failure or a deadlock,
and the write is simply run again (``retrying``), the way a SQLite writer waits its
turn behind the file's lock.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

from carecenter.errors import DatabaseError

log = logging.getLogger(__name__)

# SQLSTATE of a transaction PostgreSQL gave up so that another could go on: running it
# again is the documented answer (PostgreSQL manual, "Serialization Failure Handling").
RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
ATTEMPTS = 8
BACKOFF_S = 0.02  # the first wait's upper bound; doubled at each attempt

P = ParamSpec("P")
R = TypeVar("R")


class Conflict(DatabaseError):
    """Another writer changed what this transaction read, or holds the SQLite file's
    write lock; nothing of it was saved, and running it again may succeed."""


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def is_retryable(error: DBAPIError) -> bool:
    return sqlstate(error) in RETRYABLE


class _Depth(threading.local):
    value = 0


_depth = _Depth()


def retrying(function: Callable[P, R]) -> Callable[P, R]:
    """Run a write again when the server refused it for another writer's sake.

    Only the outermost call retries: a retrying write called inside another one lets the
    conflict reach the outer call, which runs the whole of its work again. The function
    must be a whole write (one ``Database.transaction``) with no effect outside it.
    """

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _depth.value:
            return function(*args, **kwargs)
        _depth.value += 1
        try:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return function(*args, **kwargs)
                except Conflict:
                    if attempt == ATTEMPTS:
                        raise
                    log.info("写入与他人冲突,第 %d 次重试 (%s)", attempt, function.__qualname__)
                    # Apart, so that the writers do not meet again at once: a random wait
                    # up to a bound doubled each time ("full jitter"), which soon exceeds
                    # the other's transaction however slow the machine (at most ~5 s in
                    # all). A fixed short wait lost all six tries on a loaded machine.
                    time.sleep(random.uniform(0, BACKOFF_S * 2 ** attempt))  # noqa: S311
            raise AssertionError("unreachable")
        finally:
            _depth.value -= 1

    return run


def conflict_message(_error: Any = None) -> str:
    return "保存时另一位操作员正在修改同一条记录,已重试多次仍未成功。本次修改未保存,请稍后重试。"
