"""What a sheet's file says about its shape besides its values: how far its values
reach (so that no far-out cell makes the reader ask for gigabytes, issue 15) and which
rows and columns the clerk hid (issue 16). Read from the file itself by
``hidden_rows`` (.xlsx), ``biff_shapes`` (.xls, WPS's .et) and ``ods_shapes`` (.ods),
because calamine reads values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SheetShape:
    # The last row and column holding a value, as Excel numbers them (0: none).
    rows: int = 0
    columns: int = 0
    filled_rows: int = 0  # rows holding a value (a far-out cell makes few of many)
    hidden: set[int] = field(default_factory=set)  # rows hidden one by one (Excel's numbers)
    # Rows hidden by default (.xlsx ``<sheetFormatPr zeroHeight="1">``, the .xls
    # DEFAULTROWHEIGHT record's fDyZero): then only the rows in ``shown`` are visible.
    hidden_by_default: bool = False
    shown: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based, like a row's cells

    def hidden_rows(self, upto: int | None = None) -> set[int]:
        """The hidden rows' numbers; ``upto``: the rows the reader gave (a sheet hidden
        by default has every other row hidden, so it needs a bound)."""
        if not self.hidden_by_default:
            return set(self.hidden)
        last = upto if upto is not None else self.rows
        return {n for n in range(1, last + 1) if n not in self.shown} | self.hidden
