"""A cell merged down over several people's rows is each of their values.

Village ledgers merge the 组别 cell down over every elder of a group, and a child's
parents and guardian over brothers and sisters; a reader gives the value to the first
row only, so the others came in with no group or no parents, unsaid (held-out check,
session 7). A merge is spread only where every row it covers has a name of its own:
where the person's own cells are merged down over their children's rows, those rows are
the person's supporters (``rows.TableShape.above``), not more people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# (first row, first column, last row, last column), 0-based as the sheet's rows and cells.
Merge = tuple[int, int, int, int]


def spread(rows: list[list[Any]], merged: Sequence[Merge], first_row: int,
           name_column: int | None) -> None:
    """Copy each merged value in the table's body down the rows it covers, where each of
    them names someone; in place, only into blank cells (a second preview adds nothing)."""
    if name_column is None:
        return
    for top, left, bottom, right in merged:
        if bottom <= top or top < first_row or left <= name_column <= right:
            continue
        if bottom >= len(rows) or left >= len(rows[top]) or rows[top][left] is None:
            continue
        covered = rows[top:bottom + 1]
        if not all(name_column < len(r) and _filled(r[name_column]) for r in covered):
            continue
        value = rows[top][left]
        for row in covered[1:]:
            if left >= len(row):
                row.extend([None] * (left + 1 - len(row)))
            if row[left] is None:
                row[left] = value


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
