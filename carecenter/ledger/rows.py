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
        self.name_col = layout.column_for(mapping.person_target("name"))
        # (Excel row, heading) of a 退出… section the rows below are listed under.
        self.exits_from: tuple[int, str] | None = None
        self._numbered: tuple[int, str] | None = None  # a numbered heading just read
        # Rows below the table's end that hold someone's data: not read, and said so
        # (the exit code of ``import`` too: reviewer item 7).
        self.left_out: set[int] = set()

    def skip(self, number: int, raw: list[Any]) -> str | None:
        """Why this row is not a person's (it is skipped), or None."""
        if self.ended:
            if holds_data(raw):
                self.left_out.add(number)
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
        if self._numbered is not None and any(v is not None for v in raw):
            # 二、本季度退出人员 over a header of its own is another table; over rows
            # read like the first table's, a part of it.
            heading, self._numbered = self._numbered, None
            if self._another_header(raw):
                self.ended = heading
                return f"另一张表或说明从第 {heading[0]} 行开始:“{heading[1][:20]}”,以下不导入"
        line = self._line_text(raw, texts)
        if len(texts) == 1 and _SECTION.match(texts[0]):
            said = self._section_line(number, texts[0], _SECTION.sub("", texts[0]).strip())
            if said:
                self._numbered = (number, texts[0])
                return said
            self.ended = (number, texts[0])
        elif self._another_header(raw):
            self.ended = (number, "、".join(t for v in raw if (t := text_of(v)))[:20])
        elif len(texts) == 1 and is_group_heading(texts[0]):
            self.group = texts[0]
            self._last = None
            return f"村民小组标题行:“{texts[0]}”,其下各行记入该组"
        elif line is not None:
            return self._section_line(number, line, line)
        else:
            return None
        return f"另一张表或说明从这里开始:“{self.ended[1][:20]}”,以下不导入"

    def _line_text(self, raw: list[Any], texts: list[str]) -> str | None:
        """The words of a row that may be a heading or a total: its one text, or its
        姓名 cell when the row's other cells hold at most a count (以上共计 | 2人)."""
        if len(texts) == 1:
            return texts[0]
        if self.name_col is None or self.name_col >= len(raw):
            return None
        name = text_of(raw[self.name_col])
        if not name:
            return None
        others = False
        for j, v in enumerate(raw):  # a person's row stops at its first cell (性别 男)
            if v is None or j == self.name_col or j == self.seq_col:
                continue
            t = text_of(v)
            if t and not _COUNT.fullmatch(t):
                return None
            others = others or bool(t)
        return name if others and line_kind(name) else None

    def _section_line(self, number: int, text: str, words: str) -> str | None:
        """What a heading or total line is, keeping track of a 退出… section; None when
        ``words`` say neither (a name, perhaps)."""
        kind = line_kind(words)
        if kind == TOTAL:
            return f"合计行:“{text[:20]}”,不是人员"
        if kind == EXITS:
            self.exits_from = (number, text)
            return (f"退出人员标题行:“{text[:20]}”,其下各人按已退出处理(登记册上没有的不新建,"
                    "在册的建议办理退出)")
        if kind in (NEW_PEOPLE, HEADING):
            self.exits_from = None
            if kind == NEW_PEOPLE:
                return f"新增人员标题行:“{text[:20]}”,其下各人照常导入"
            return f"分类标题行:“{text[:20]}”,不是人员,其下各人照常导入"
        if is_group_heading(words):
            self.group = words
            self._last = None
            return f"村民小组标题行:“{text[:20]}”,其下各行记入该组"
        return None

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
        said = mapping.propose(found[1])
        labels = _labels(raw)
        return sum(1 for c in said if c.target) >= 2 and all(
            c.index in self._columns and self._columns[c.index] == c.target and (
                c.target or labels[c.index] in self._column_labels.get(c.index, ()))
            for c in said)

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


def holds_data(raw: list[Any]) -> bool:
    """Does a row hold someone's data (a name beside a sex, an ID, a group …), rather
    than a header, a note, a stamp or a date line?"""
    texts = [t for v in raw if (t := text_of(v))]
    if len(texts) < 2 or all(cells.is_stamp_or_date(v) for v in raw if text_of(v)):
        return False
    return sum(1 for t in texts if mapping.is_known_label(t)) * 2 < len(texts)


TOTAL, EXITS, NEW_PEOPLE, HEADING = "total", "exits", "new", "heading"
_DIGITS = "0-9０-９一二三四五六七八九十百千两"
# 合计, 以上共2人, 留守老人合计:2人, 本组小计 (a total wherever the count is written).
_TOTAL = re.compile(rf"合\s*计|总\s*计|小\s*计|共\s*计|累\s*计|共\s*[{_DIGITS}]+\s*[人户名]|"
                    rf"^\s*(?:以上|以下|上述)|^\s*[{_DIGITS}]+\s*[人户名]\s*$")
_WHEN = r"^(?:本|上|下)?(?:季度?|月份?|年度?|期|次|批)?"
# 退出人员名单, 本季度退出, 减少人员, 死亡人员: the people below have left the register.
_EXITS = re.compile(_WHEN + r"(?:退出|减少|注销|核减|销号|死亡|去世|迁出)|"
                    r"(?:退出|减少|注销|死亡|迁出)(?:的)?(?:人员|对象|老人|名单|情况)")
_NEW = re.compile(_WHEN + r"(?:新增|新纳入|纳入|增加)")
# 贫困户, 空巢老人, 独居老人名单, 特困供养人员: a category heading over its people.
_HEADING = re.compile(r"(?:户|老人|老年人|人员|名单|名册|对象|情况|类|明细)$|^(?:其中|另有)")
# What a total row may hold beside its words: a count.
_COUNT = re.compile(rf"[{_DIGITS}]{{1,5}}(?:\.0)?\s*[人户名]?")


def line_kind(text: str) -> str | None:
    """TOTAL, EXITS, NEW_PEOPLE or HEADING for the words of a line in a 姓名 column
    that is nobody's name; None for anything else (a name)."""
    words = re.sub(r"[\s\u3000:：()（）]", "", text)
    if not words or len(words) > 30:
        return None
    if _TOTAL.search(words):
        return TOTAL
    if _EXITS.search(words):
        return EXITS
    if _NEW.search(words):
        return NEW_PEOPLE
    if _HEADING.search(words) and len(words) >= 3:
        return HEADING
    return None


def is_group_heading(text: str) -> bool:
    """一组, 第三村民小组, 3组, 五队 as a heading of its own."""
    return group_key(text).startswith("#") and not text.strip().isdigit()
