"""How a ledger's rows are laid out below its header, beyond one person per row.

Village ledgers put a group heading (一组 … 第二村民小组 …) between the people instead
of a group column; give a supporter a row of their own under the elder, whose cells
are merged down over them; and put a second table (二、本季度退出人员) or notes below the
first. ``TableShape`` reads the rows in order and says which of them are not a
person's, so that the import can skip, regroup or join them. Cheap tests come first:
it sees every row of a ledger of tens of thousands.
"""

from __future__ import annotations

import re
from typing import Any

from carecenter.ledger import cells, mapping
from carecenter.ledger.mapping import Layout
from carecenter.ledger.workbook import text_of
from carecenter.register.groups import group_key

# 二、… (三) … 3、… 附表 …: the start of another part of the sheet.
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十0-9]+\s*[)）]|"
    r"[0-9]+\s*[、．]|附\s*[表件录:：]|附\s*$)")


class TableShape:
    """The state of one pass over a ledger's rows."""

    def __init__(self, layout: Layout, header: list[list[Any]],
                 group: str | None = None) -> None:
        self.header = [_labels(r) for r in header]
        self._header_texts = {t for r in header for v in r if (t := text_of(v))}
        # Every label each column has in any of the header's rows: a repeat may copy
        # one row of a header of several, or cells of several rows into one.
        self._column_labels: dict[int, set[str]] = {}
        for labels in self.header:
            for j, label in enumerate(labels):
                if label:
                    self._column_labels.setdefault(j, set()).add(label)
        self._columns = {c.index: c.target for c in layout.columns}
        self.seq_col = layout.column_for("extra:seq")
        # From the last group heading row, else the sheet's name or title (issue 16).
        self.group: str | None = group
        self.ended: tuple[int, str] | None = None  # (Excel row, text) where the table ends
        self._last: tuple[int, str, list[dict[str, Any]]] | None = None

    def skip(self, number: int, raw: list[Any]) -> str | None:
        """Why this row is not a person's (it is skipped), or None."""
        if self.ended:
            return f"第 {self.ended[0]} 行起是另一张表或说明,不导入"
        if self._repeated_header(raw) or (self._another_header(raw) and self._same_columns(raw)):
            return "重复的表头行(分页打印的台账常见),其下各行按同一张表读取"
        filled = [v for j, v in enumerate(raw) if v is not None
                  and not (j == self.seq_col and text_of(v).isdigit())]
        # A person's row has numbers (ID, phone, age) or a name: cheap tests first.
        if filled and not any(cells.is_number(v) for v in filled) and all(
                cells.is_stamp_or_date(v) for v in filled):
            return f"落款、日期或签名行:“{'  '.join(text_of(v) for v in filled)[:30]}”"
        texts: list[str] = []
        if sum(v is not None for v in raw) <= 2:  # a title or heading: one cell (+ 序号)
            # A title merged across from column A sits in the 序号 column: only a
            # number there is a row number.
            texts = [t for j, v in enumerate(raw) if (t := text_of(v))
                     and (j != self.seq_col or not t.isdigit())]
        if len(texts) == 1 and _SECTION.match(texts[0]):
            self.ended = (number, texts[0])
        elif self._another_header(raw):
            self.ended = (number, "、".join(t for v in raw if (t := text_of(v)))[:20])
        elif len(texts) == 1 and is_group_heading(texts[0]):
            self.group = texts[0]
            self._last = None
            return f"村民小组标题行:“{texts[0]}”,其下各行记入该组"
        else:
            return None
        return f"另一张表或说明从这里开始:“{self.ended[1][:20]}”,以下不导入"

    def _repeated_header(self, raw: list[Any]) -> bool:
        """This table's header again (a ledger printed page by page repeats it)."""
        if not any(isinstance(v, str) and v.strip() in self._header_texts for v in raw):
            return False
        labels = _labels(raw)
        filled = sum(1 for label in labels if label)
        same = sum(1 for j, a in enumerate(labels) if a and a in self._column_labels.get(j, ()))
        return same >= 2 and same == filled

    def _same_columns(self, raw: list[Any]) -> bool:
        """A header retyped with other words (子女姓名 for 子女情况/姓名) whose every
        column means what this table's column there means: a repeat, not a new table."""
        found = mapping.find_header([raw])
        if found is None:
            return False
        said = {c.index: c.target for c in mapping.propose(found[1])}
        return sum(1 for t in said.values() if t) >= 2 and all(
            j in self._columns and self._columns[j] == t for j, t in said.items())

    def _another_header(self, raw: list[Any]) -> bool:
        """A header row below the data that is not this table's own, repeated."""
        if any(cells.is_number(v) for v in raw):
            return False
        if not any(isinstance(v, str) and mapping.is_name_label(v) for v in raw):
            return False
        return _labels(raw) not in self.header and mapping.find_header([raw]) is not None

    def above(self, number: int, ignored: bool, name: str,
              supporters: list[dict[str, Any]], own: list[str],
              new: bool) -> tuple[int, str] | None:
        """(row, name) of the person a row of supporters only belongs to, whose
        supporters it joins; None when the row is a person's own (or nobody's)."""
        if ignored:
            self._last = None
            return None
        if name:
            self._last = (number, name, supporters)
            return None
        if not new or own or not supporters or self._last is None:
            return None
        row, above, theirs = self._last
        theirs.extend(supporters)
        return row, above


def _labels(row: list[Any]) -> list[str]:
    labels = [mapping.normalise_label(text_of(v)) for v in row]
    while labels and not labels[-1]:
        labels.pop()
    return labels


def is_group_heading(text: str) -> bool:
    """一组, 第三村民小组, 3组, 五队 as a heading of its own."""
    return group_key(text).startswith("#") and not text.strip().isdigit()
