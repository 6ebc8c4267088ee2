"""The clerk's work list for a date (carecenter/overview/work_list.py, by the lead)."""

from __future__ import annotations

from bench import adapters
from bench.core import Context, Row, Target, timed


def rows() -> list[Row]:
    return [Row("worklist", "某日工作清单 (the work list for a date)", "ms", Target(500))]


def measure(ctx: Context, rows: list[Row]) -> None:
    from bench.adapters import open_register

    database = open_register(ctx.db)
    try:
        found: list[object] = []
        for _ in range(ctx.runs):
            rows[0].runs.append(
                timed(lambda: found.append(adapters.work_list(database, adapters.DAY))) * 1000)
        rows[0].note = f"{adapters.DAY}，{_size(found[-1])}"
    finally:
        database.close()


def _size(result: object) -> str:
    counts = getattr(result, "counts", None)
    if callable(counts):
        return "、".join(f"{k} {n}" for k, n in counts().items())
    try:
        return f"{len(result)} 项"  # type: ignore[arg-type]
    except TypeError:
        return type(result).__name__
