"""The pairing proposal for everyone unpaired (carecenter/pairing.py, issue 5)."""

from __future__ import annotations

from bench import adapters
from bench.core import Context, Row, timed


def rows() -> list[Row]:
    # No target in the issue beyond "in seconds": shown for information.
    return [Row("pairing", "为未结对者提出结对建议 (pairing proposal for everyone unpaired)",
                "s")]


def measure(ctx: Context, rows: list[Row]) -> None:
    from carecenter.db import Database

    adapters.product("carecenter.pairing", "propose")  # NotBuilt before copying anything
    database = Database(ctx.scratch_copy("pairing.db"))  # a proposal must not write, but…
    try:
        found: list[object] = []
        for _ in range(min(ctx.runs, 3)):
            rows[0].runs.append(timed(lambda: found.append(
                adapters.pairing_proposal(database))))
        try:
            rows[0].note = f"{len(found[-1])} 条建议"  # type: ignore[arg-type]
        except TypeError:
            rows[0].note = type(found[-1]).__name__
    finally:
        database.close()
