"""The measurements, in the order of the table.

Each is one small module with ``rows()`` (the table lines it fills, with their targets)
and ``measure(ctx, rows)`` (fills each row's ``runs`` and ``baseline_runs``). A product
call that is not built yet raises ``NotBuilt``; the runner then shows 尚未实现 for the rows
it did not fill, keeping any baseline already measured. Add a measurement by writing a
module like these and listing it here.
"""

from __future__ import annotations

from types import ModuleType

from bench.measures import (
    cards,
    export,
    ledger_import,
    memory,
    open_file,
    pairing,
    search,
    server,
    startup,
    worklist,
)

MEASURES: list[ModuleType] = [
    startup, search, open_file, worklist, pairing, export, ledger_import, cards, memory,
    server,
]
