"""The township's view of its villages (issue 22): each village's quarterly figures side
by side, with the township's total, from one server.

Each village's figures are the very ones its own export sends (``figures.collect``),
read through a connection scoped to that village, so the township sees what each
village reported. Village groups are each village's own and are left out here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from carecenter.errors import KnownError
from carecenter.ledger.figures import collect, figure_lines
from carecenter.ledger.quarter import Quarter
from carecenter.storage.database import Database
from carecenter.storage.villages import Village, listed

COUNTED = ("persons", "active", "paired", "agreements", "visits_due", "visits_done",
           "visit_persons", "visited_enough", "needs_raised", "needs_resolved", "entries",
           "exits")
BROKEN_DOWN = ("by_kind", "by_colour", "key_categories")


@dataclass
class SideBySide:
    quarter: Quarter
    villages: list[Village]
    lines: list[tuple[str, str, list[Any]]]  # section, item, one value per village + total


def per_village(server: Database, quarter: Quarter, today: date) -> SideBySide:
    if not server.on_server:
        raise KnownError("各村对比需要乡镇服务器上的数据库(--db 服务器 URL)")
    with server.engine.connect() as connection:
        villages = listed(connection)
    if not villages:
        raise KnownError("服务器上还没有村")
    figures = []
    for village in villages:
        scoped = Database(server.location, migrate=False, scope=village.id)
        try:
            figures.append(collect(scoped, quarter, today).figures)
        finally:
            scoped.close()
    total = _total(figures)
    keyed = [{(s, i): v for s, i, v in figure_lines(f)} for f in figures]
    lines = [(section, item, [k.get((section, item), 0) for k in keyed] + [value])
             for section, item, value in figure_lines(total) if section != "按村民小组"]
    return SideBySide(quarter, villages, lines)


def _total(figures: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {key: sum(int(f.get(key, 0)) for f in figures) for key in COUNTED}
    for key in BROKEN_DOWN:
        summed: Counter[str] = Counter()
        for f in figures:
            summed.update(f.get(key, {}))
        # In the first village's order, then any label only others have.
        order = list(dict.fromkeys(label for f in figures for label in f.get(key, {})))
        total[key] = {label: summed[label] for label in order}
    return total


def table(view: SideBySide) -> list[list[Any]]:
    """Header and rows, as printed and as written to a workbook."""
    header = ["项目", "指标", *(v.name for v in view.villages), "全乡镇"]
    return [header, *([section, item, *values] for section, item, values in view.lines)]
