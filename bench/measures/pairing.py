"""The pairing proposal for everyone unpaired (carecenter/pairing/pairs.py, issue 5)."""

from __future__ import annotations

from bench import adapters
from bench.core import Context, Row, timed


def rows() -> list[Row]:
    # No target in the issue beyond "in seconds": shown for information.
    return [Row("pairing", "为未结对者提出结对建议 (pairing proposal for everyone unpaired)",
                "s")]


def measure(ctx: Context, rows: list[Row]) -> None:
    from bench.adapters import open_register

    adapters.product("carecenter.pairing.proposal", "propose")  # NotBuilt before copying anything
    copy = ctx.scratch_copy("pairing.db")  # a proposal must not write, but…
    from bench.dataset import connect

    raw = connect(copy)
    try:  # everyone unpaired: the county's first proposal
        raw.execute("UPDATE pairing SET ended_on = '2026-11-01' WHERE ended_on IS NULL")
        raw.commit()
    finally:
        raw.close()
    database = open_register(copy)
    try:
        found: list[object] = []
        for _ in range(min(ctx.runs, 3)):
            rows[0].runs.append(timed(lambda: found.append(
                adapters.pairing_proposal(database))))
        try:
            rows[0].note = f"{len(found[-1].rows)} 人待结对"  # type: ignore[attr-defined]
        except TypeError:
            rows[0].note = type(found[-1]).__name__
    finally:
        database.close()
