"""Finding a ledger's header and mapping its columns to the fields of a person's file.

Village ledgers put title rows above the header, merge a heading such as 子女情况 over
姓名 / 电话 / 务工地 (a two-row header), number their rows (序号), and name a column in
many ways. The header is the row (or pair of rows) whose cells best match the labels and
synonyms declared in ``carecenter.rules.fields``; a heading over several columns is carried
across them (calamine gives a merged cell's value in its first column only). Supporter
columns may repeat (子女1姓名 … 子女2姓名 …): a field seen again starts the next
supporter. The clerk can change any column; the mapping is saved per layout.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from carecenter.rules.fields import PERSON_FIELDS, SUPPORTER_FIELDS, Field

IGNORE = ""
# Columns a ledger has that are not a field of the file; recognised so they are not
# reported as unknown. colour and status are read by the comparison with the township.
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "seq": ("序号", ("序号", "编号", "序", "No", "NO", "no")),
    "age": ("年龄", ("年龄", "周岁", "实际年龄")),
    "kind": ("身份类别", ("身份类别", "人员类别", "类别", "对象类别")),
    "colour": ("风险等级", ("风险等级", "风险等级颜色", "颜色", "分级", "三色分级", "预警等级",
                         "关爱等级")),
    "status": ("状态", ("状态", "人员状态", "是否在册", "在册状态")),
}
MAX_SUPPORTERS = 6
HEADER_SCAN_ROWS = 40
_SUPPORTER_PREFIX = re.compile(
    r"^(?:第)?(?:外出)?(?:子女|赡养人|赡养义务人|儿女|家属|外出人员|" + (
        # 儿子姓名 | 儿子电话 | 女儿姓名 …: a son's and a daughter's columns (held-out
        # check: 儿子电话 became the elder's phone, the names were dropped).
        r"(?:[大二三四小长次幼]?(?:儿子|女儿))|[长次三四幼][子女]|儿媳|女婿)"
    r"([0-9一二三四五六]?)(?:个子女)?(?:的)?")
)
_RELATION_PREFIX = re.compile(
    r"^(?:[大二三四小长次幼]?(儿子|女儿)|[长次三四幼]([子女])|(儿媳|女婿))")


def relation_in_label(label: str) -> str | None:
    """儿子 for 儿子姓名 or 长子电话, 女儿 for 次女务工地: the relation a column's own
    words give its supporter (not a heading's: 长子(女) says neither)."""
    label = normalise_label(label)
    m = _RELATION_PREFIX.match(label)
    if m is None or re.match(r"..?\((?:子|女)\)", label[m.start():]):
        return None  # 长子(女): the eldest child, son or daughter
    word = m.group(1) or m.group(3) or ("儿子" if m.group(2) == "子" else "女儿")
    return word
_GROUP_HEADING = re.compile(r"子女|赡养|外出|家属|儿女")
# Columns about other people than the elder and their supporters (帮扶责任人电话).
_SOMEONE_ELSE = re.compile(r"帮扶|结对|包保|网格员|责任人|受托人|村干部|驻村|填表人|审核人|复核人|"
                           r"组长|联络员|联系人")
# The householder's columns (户主姓名, 与户主关系, 户号): the household's, never the elder's
# (issue 16: the householder's name went onto the elder's file).
_HOUSEHOLD = re.compile(r"户主|户号|户编号")
_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


_BRACKETS = str.maketrans("\uff08\uff09\u3010\u3011[]\uff1a", "()()():")


def normalise_label(text: Any) -> str:
    """Spaces, line breaks, stars and colons out; full-width brackets made half-width."""
    label = "" if text is None else str(text)
    label = label.translate(_BRACKETS)
    return re.sub(r"[\s\u3000*\u203b:]", "", label)


def _without_brackets(label: str) -> str:
    return re.sub(r"\([^)]*\)?", "", label)


def _names(f: Field) -> tuple[str, ...]:
    return (f.label, *f.synonyms)


# Headers village ledgers give fields of the file, beyond the synonyms the fields declare:
# a yes/no column (是否独居) or a column of words (房屋状况: 危房) whose values
# ``value_words`` reads into the field's choices (reviewer: these were dropped as
# "档案中没有对应的项目").
LEDGER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "living_with": ("是否独居", "是否空巢", "居住状况", "居住状态", "独居情况", "是否独居老人",
                    "是否空巢老人", "同住情况", "与谁同住"),
    "housing_risks": ("房屋状况", "是否危房", "住房情况", "住房状况", "房屋情况", "房屋安全",
                      "住房安全", "住房安全情况", "房屋安全状况", "是否住危房"),
    "assistance": ("低保类型", "低保类别", "是否低保", "是否低保户", "低保", "低保户",
                   "是否特困", "是否特困供养", "是否五保", "救助类型", "享受救助情况"),
    "health_status": ("是否失能", "自理能力", "生活自理能力", "自理情况", "失能情况",
                      "是否能自理", "生活能否自理", "身体健康状况", "健康情况"),
}
_PERSON_EXACT = {normalise_label(n): f.name for f in PERSON_FIELDS for n in _names(f)}
# Found within a longer header too (老人身份证号码); the ledgers' own synonyms only whole
# (低保 is 救助帮扶, 低保金额 is not).
_PERSON_PARTS = dict(_PERSON_EXACT)
_PERSON_EXACT.update({normalise_label(n): name for name, names in LEDGER_SYNONYMS.items()
                      for n in names})
# How plainly a header names its field: the label first, then synonyms in declared order
# (the ledgers' own synonyms last).
_PERSON_RANK = {normalise_label(n): rank for f in PERSON_FIELDS
                for rank, n in enumerate((*_names(f), *LEDGER_SYNONYMS.get(f.name, ())))}
# A heading over the spouse's columns (配偶情况 over 姓名 | 电话): the spouse's name and
# phone, never the elder's (reviewer: they were dropped, or the phone taken as hers).
_SPOUSE_HEADING = re.compile(r"配偶|老伴|爱人|夫妻")
_SPOUSE_FIELDS = {"name": "spouse_name", "phone": "spouse_phone"}
_SUPPORTER_EXACT = {normalise_label(n): f.name for f in SUPPORTER_FIELDS for n in _names(f)}
_SUPPORTER_EXACT.update({"联系电话": "phone", "手机": "phone", "手机号码": "phone",
                         "联系方式": "phone"})
_EXTRA_EXACT = {normalise_label(n): code for code, (_, names) in EXTRAS.items() for n in names}


def is_known_label(text: str) -> bool:
    """性别, 组别, 子女姓名 …: a header cell's words (exact: cheap on many rows)."""
    label = normalise_label(text)
    return label in _PERSON_EXACT or label in _SUPPORTER_EXACT or label in _EXTRA_EXACT


def is_name_label(text: str) -> bool:
    """姓名, 老人姓名, 姓  名 …: a header cell naming the person (cheap: a row test)."""
    if len(text) > 16:
        return False
    label = normalise_label(text)
    return _PERSON_EXACT.get(label) == "name" or _PERSON_EXACT.get(
        _without_brackets(label)) == "name"


def person_target(name: str) -> str:
    return f"person:{name}"


def supporter_target(index: int, name: str) -> str:
    return f"supporter:{index}:{name}"


def target_label(target: str) -> str:
    """What the clerk reads for a target in the mapping's combobox."""
    if not target:
        return "(不导入)"
    kind, _, rest = target.partition(":")
    if kind == "person":
        return next(f.label for f in PERSON_FIELDS if f.name == rest)
    if kind == "supporter":
        index, _, name = rest.partition(":")
        label = next(f.label for f in SUPPORTER_FIELDS if f.name == name)
        return f"赡养人{index}·{label}"
    return EXTRAS[rest][0] + ("(仅用于比对)" if rest in ("colour", "status") else "(不导入)")


def all_targets(supporters: int = 3) -> list[str]:
    """Every target the clerk may choose, in the order the combobox lists them."""
    targets = [IGNORE]
    targets += [person_target(f.name) for f in PERSON_FIELDS if f.name != "left_behind_year"]
    for index in range(1, supporters + 1):
        targets += [supporter_target(index, f.name) for f in SUPPORTER_FIELDS]
    targets += [f"extra:{code}" for code in EXTRAS]
    return targets


def _contains(label: str, table: dict[str, str]) -> str | None:
    best = None
    for name, target in table.items():
        if len(name) >= 2 and name in label and (best is None or len(name) > len(best[0])):
            best = (name, target)
    return best[1] if best else None


@dataclass(frozen=True)
class Guess:
    """What one header cell says: a person field, a supporter field, or an extra."""

    kind: str  # "person" | "supporter" | "extra" | ""
    name: str = ""
    index: int | None = None  # a supporter number written in the label (子女2姓名)


def guess(label: str, heading: str = "", in_supporters: bool = False) -> Guess:
    label = normalise_label(label)
    heading = normalise_label(heading)
    if not label:
        return Guess("")
    bare = _without_brackets(label) or label
    if _HOUSEHOLD.search(label):
        return Guess("")
    under_supporters = bool(heading and _GROUP_HEADING.search(heading))
    if heading and not under_supporters and _SPOUSE_HEADING.search(heading):
        own = _PERSON_EXACT.get(label) or _PERSON_EXACT.get(bare) or _SUPPORTER_EXACT.get(
            label) or _SUPPORTER_EXACT.get(bare)
        spouse = _SPOUSE_FIELDS.get(own or "")
        # 配偶姓名 | 配偶电话 under it name themselves; other columns are the spouse's.
        return Guess("person", spouse or own or "") if spouse or own in (
            "spouse_name", "spouse_phone") else Guess("")
    index = _heading_index(heading) if under_supporters else None
    for candidate in (label, bare):
        if candidate in _EXTRA_EXACT:
            return Guess("extra", _EXTRA_EXACT[candidate])
        if (under_supporters or in_supporters) and candidate in _SUPPORTER_EXACT:
            return Guess("supporter", _SUPPORTER_EXACT[candidate], index)
        if candidate in _PERSON_EXACT and not (
            candidate in ("姓名", "电话", "联系电话", "手机") and under_supporters
        ):
            return Guess("person", _PERSON_EXACT[candidate])
        if candidate in _SUPPORTER_EXACT:
            return Guess("supporter", _SUPPORTER_EXACT[candidate], index)
    if _SOMEONE_ELSE.search(bare):
        return Guess("")  # the helper's or a cadre's column, not the elder's
    m = _SUPPORTER_PREFIX.match(bare)
    if m and m.end() == len(bare) and not heading:
        # A column headed just 赡养人, 子女 or 外出子女2 holds their names.
        return Guess("supporter", "name", _number(m.group(1)))
    if m and m.end() < len(bare):
        rest = bare[m.end():]
        number = _number(m.group(1))
        name = _SUPPORTER_EXACT.get(rest) or _contains(rest, _SUPPORTER_EXACT)
        if name is None and rest in _PERSON_EXACT:
            name = {"name": "name", "phone": "phone"}.get(_PERSON_EXACT[rest])
        # 子女身份证号, 子女年龄: a supporter's, which the file does not keep.
        return Guess("supporter", name, number or index) if name else Guess("")
    if under_supporters:
        name = _contains(bare, _SUPPORTER_EXACT)
        if name:
            return Guess("supporter", name, index)
    for table, kind in ((_EXTRA_EXACT, "extra"), (_PERSON_PARTS, "person"),
                        (_SUPPORTER_EXACT, "supporter")):
        found = _contains(bare, table)
        if found:
            return Guess(kind, found)
    return Guess("")


def why_not_imported(label: str) -> str:
    """Why a column with this header is not imported, in the clerk's words."""
    text = normalise_label(label.rpartition("/")[2] or label)
    if not text:
        return "没有列标题"
    if _HOUSEHOLD.search(normalise_label(label)):
        return "户主(户)的信息,不是老人本人的"
    if _SOMEONE_ELSE.search(normalise_label(label)):
        return "帮扶人、组长、村干部等其他人的信息"
    found = guess(text)
    if found.kind == "extra":
        return EXTRAS[found.name][0] + ("仅用于比对" if found.name in ("colour", "status")
                                        else ",档案中由身份证号或其他项得出")
    if _SUPPORTER_PREFIX.match(_without_brackets(text)):
        return "赡养人的这一项档案中不保存"
    heading = normalise_label(label.rpartition("/")[0])
    if heading and _SPOUSE_HEADING.search(heading) and not _GROUP_HEADING.search(heading):
        return "配偶的这一项档案中不保存(只保存配偶姓名和电话)"
    if found.kind:
        return "同一项已由另一列导入"
    return "档案中没有对应的项目"


def _number(text: str) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else _NUMBERS.get(text)


def _heading_index(heading: str) -> int | None:
    m = re.search(r"([0-9]|[一二三四五六])(?:个)?(?:子女|赡养人)?$", heading)
    if m and _GROUP_HEADING.search(heading):
        return _number(m.group(1))
    return None


@dataclass
class Column:
    index: int  # 0-based column in the sheet
    label: str  # as shown: 子女情况/姓名 for a two-row header
    target: str = IGNORE
    why: str = ""  # why a column whose header promised a field is not imported


@dataclass
class Layout:
    """Where the table is on the sheet and what each column holds."""

    header_rows: tuple[int, ...]  # 0-based sheet rows of the header (one to three)
    columns: list[Column] = field(default_factory=list)
    reused: bool = False  # the mapping came from a saved one

    @property
    def first_row(self) -> int:
        return self.header_rows[-1] + 1

    @property
    def key(self) -> str:
        """The same for every workbook with these headers, whatever their data."""
        text = "|".join(normalise_label(c.label) for c in self.columns)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    def targets(self) -> dict[int, str]:
        return {c.index: c.target for c in self.columns if c.target}

    def column_for(self, target: str) -> int | None:
        for c in self.columns:
            if c.target == target:
                return c.index
        return None

    def supporter_count(self) -> int:
        found = [int(c.target.split(":")[1]) for c in self.columns
                 if c.target.startswith("supporter:")]
        return max(found, default=0)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _score(labels: list[tuple[str, str]]) -> int:
    return sum(1 for label, heading in labels if guess(label, heading).kind)


def _is_label_row(row: list[Any]) -> bool:
    """A header row has words, not numbers: no numeric cell, no long digit run."""
    for value in row:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return False
        if re.search(r"\d{6,}", _text(value)):
            return False
    return any(_text(v) for v in row)


def _combine(upper: list[Any], lower: list[Any], width: int) -> list[tuple[str, str]]:
    """(label, heading) per column of a two-row header; a heading spans to the right."""
    labels: list[tuple[str, str]] = []
    heading = ""
    for j in range(width):
        top = _text(upper[j]) if j < len(upper) else ""
        bottom = _text(lower[j]) if j < len(lower) else ""
        if top:
            heading = top if bottom else ""
        if bottom:
            labels.append((bottom, top or heading))
        else:
            labels.append((top, ""))
            heading = "" if top else heading
    return labels


def _stack(rows: list[list[Any]], width: int) -> list[tuple[str, str]]:
    """(label, heading) per column of a header of several rows (基本信息 / 子女(赡养人)
    情况 / 联系方式 over 电话 + 务工地址): the lowest cell of a column is its label, the
    cells above it, each carried right across the columns it spans, its heading."""
    labels: list[tuple[str, str]] = []
    carried = [""] * len(rows)
    for j in range(width):
        texts = [_text(r[j]) if j < len(r) else "" for r in rows]
        lowest = max((k for k, t in enumerate(texts) if t), default=-1)
        for k, text in enumerate(texts):
            if text:
                carried[k] = text if lowest > k else ""
                for below in range(k + 1, len(rows)):  # a new heading starts its own
                    if not texts[below]:
                        carried[below] = ""
            elif 0 <= lowest < k:
                carried[k] = ""
        if lowest < 0:
            labels.append(("", ""))
            continue
        heading = "/".join(carried[k] for k in range(lowest) if carried[k])
        labels.append((texts[lowest], heading))
    return labels


def _single(row: list[Any], width: int) -> list[tuple[str, str]]:
    return [(_text(row[j]) if j < len(row) else "", "") for j in range(width)]


_FILLED_IN = re.compile(r"[:\uff1a]\s*\S")  # 填报单位:某某村, 填报日期:2026年9月


def _may_head(row: list[Any]) -> bool:
    """Can this row be the upper row of a two-row header? Not a title (one cell, in the
    first column, where a title merged across the sheet keeps its text), and not a
    line of the form's particulars (填报单位:某某村  填报日期:…), which changes every
    quarter and would make each quarter's ledger a new layout."""
    filled = [(j, _text(v)) for j, v in enumerate(row) if _text(v)]
    if len(filled) == 1 and filled[0][0] == 0:
        return False
    return not any(_FILLED_IN.search(text) for _, text in filled)


def _targets(labels: list[tuple[str, str]]) -> dict[int, str]:
    return {c.index: c.target for c in propose(labels) if c.target}


def find_header(rows: list[list[Any]]) -> tuple[tuple[int, ...], list[tuple[str, str]]] | None:
    """The header row(s) and their (label, heading) per column; None when there is none."""
    width = max((len(r) for r in rows[:HEADER_SCAN_ROWS + 1]), default=0)
    best: tuple[int, tuple[int, ...], list[tuple[str, str]]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not _is_label_row(row):
            continue
        candidates: list[tuple[tuple[int, ...], list[tuple[str, str]]]] = [
            ((i,), _single(row, width))]
        if i + 1 < len(rows) and _is_label_row(rows[i + 1]) and _may_head(row):
            pair = _combine(row, rows[i + 1], width)
            # An upper row that changes no column's meaning is not part of the header.
            if _targets(pair) != _targets(_single(rows[i + 1], width)):
                candidates.append(((i, i + 1), pair))
        if (len(candidates) == 2 and i + 2 < len(rows) and _is_label_row(rows[i + 2])
                and _may_head(rows[i + 1])):
            triple = _stack(rows[i:i + 3], width)
            if _targets(triple) != _targets(candidates[1][1]) and _targets(triple) != _targets(
                    _combine(rows[i + 1], rows[i + 2], width)):
                candidates.append(((i, i + 1, i + 2), triple))
        for header_rows, labels in candidates:
            score = _score(labels)
            if not any(guess(lb, hd).kind == "person" and guess(lb, hd).name == "name"
                       for lb, hd in labels):
                continue
            filled = sum(1 for label, heading in labels if label or heading)
            # 姓名 and one more known column, or 姓名 beside columns the clerk can map.
            # Of equals the earliest header wins: the same header again further down (a
            # block copied twice, a ledger printed with the header on every page) is a
            # repeat, and taking it would drop every row above it (reviewer, issue 16).
            # Only a fuller header overlapping the best (three rows over the two they
            # start with) replaces it at the same score.
            better = best is None or score > best[0] or (
                len(header_rows) == 3 and score == best[0]
                and header_rows[0] <= best[1][-1])
            if (score >= 2 or filled >= 2) and better:
                best = (score, header_rows, labels)
    if best is None:
        return None
    return best[1], best[2]


def propose(labels: list[tuple[str, str]]) -> list[Column]:
    """A target for each column, from its label and the columns before it."""
    columns: list[Column] = []
    taken: set[str] = set()
    current = 0  # the supporter being filled; 0 = none yet
    filled: set[str] = set()
    in_supporters = False
    last_heading = ""
    by_word: dict[str, int] = {}  # 儿子, 次女 … → its supporter: 儿子姓名 | 女儿姓名 | 儿子电话
    for j, (label, heading) in enumerate(labels):
        shown = f"{heading}/{label}" if heading else label
        g = guess(label, heading, in_supporters)
        target = IGNORE
        word = _RELATION_PREFIX.match(normalise_label(label)) if g.kind == "supporter" else None
        if word is not None and g.index is None:
            key = word.group(0)
            if key not in by_word:
                by_word[key] = max([current, *by_word.values()]) + 1 if (
                    current == 0 or current in by_word.values() or g.name in filled) else current
            if by_word[key] != current:
                current, filled = by_word[key], set()
            if current <= MAX_SUPPORTERS:
                filled.add(g.name)
                target = supporter_target(current, g.name)
            in_supporters = True
        elif g.kind == "supporter":
            if g.index is not None and g.index != current:
                current, filled = g.index, set()
            elif (current == 0 or g.name in filled
                  or (heading and _top(heading) != _top(last_heading) and filled)):
                current, filled = current + 1, set()
            if current <= MAX_SUPPORTERS:
                filled.add(g.name)
                target = supporter_target(current, g.name)
            in_supporters = True
        elif g.kind == "person":
            target = person_target(g.name)
            in_supporters = False
        elif g.kind == "extra":
            target = f"extra:{g.name}"
        if target in taken and not target.startswith("person:"):
            target = IGNORE
        if target:
            taken.add(target)
        last_heading = heading
        if label or heading:
            columns.append(Column(j, shown, target))
    _one_column_each(columns, labels)
    return columns


def _top(heading: str) -> str:
    """The outermost heading: 联系方式 under 子女情况 is still the same supporter's."""
    return heading.partition("/")[0]


def _plainness(label: str) -> tuple[int, int]:
    """(0, rank) for a header that is a field's label or synonym, (1, 0) for one that
    only contains it: 身份证号 beats 旧身份证号, 老人姓名 beats 户主姓名."""
    label = normalise_label(label)
    for candidate in (label, _without_brackets(label)):
        if candidate in _PERSON_RANK:
            return 0, _PERSON_RANK[candidate]
    return 1, 0


def several_columns(target: str) -> bool:
    """May several columns fill this field? 是否独居 and 居住状况 both say 陪伴居住, 房屋状况
    and 是否危房 both 住房安全隐患: their words are read together (``value_words``)."""
    return target.startswith("person:") and target[7:] in LEDGER_SYNONYMS


def _one_column_each(columns: list[Column], labels: list[tuple[str, str]]) -> None:
    """Where several columns name one field of the person, the plainest header keeps it
    (the first of equals); the others are not imported, and the clerk can change that."""
    claims: dict[str, list[Column]] = {}
    for c in columns:
        if c.target.startswith("person:") and not several_columns(c.target):
            claims.setdefault(c.target, []).append(c)
    for claimants in claims.values():
        best = min(claimants, key=lambda c: (_plainness(labels[c.index][0]), c.index))
        for c in claimants:
            if c is not best:
                c.target = IGNORE


def detect(rows: list[list[Any]]) -> Layout | None:
    found = find_header(rows)
    if found is None:
        return None
    header_rows, labels = found
    return Layout(header_rows, propose(labels))


SETTING_PREFIX = "ledger_mapping:"


def saved_targets(settings: Any, layout: Layout) -> dict[int, str] | None:
    stored = settings.get(SETTING_PREFIX + layout.key)
    if not stored:
        return None
    return {int(k): str(v) for k, v in stored.get("targets", {}).items()}


def apply_saved(settings: Any, layout: Layout) -> Layout:
    """Use the mapping the clerk saved for this layout, if any."""
    saved = saved_targets(settings, layout)
    if saved is not None:
        valid = set(all_targets(MAX_SUPPORTERS))
        for c in layout.columns:
            target = saved.get(c.index, IGNORE)
            c.target = target if target in valid else IGNORE
        layout.reused = True
    return layout


def save(settings: Any, layout: Layout) -> None:
    settings.set(SETTING_PREFIX + layout.key, {
        "labels": [c.label for c in layout.columns],
        "targets": {str(c.index): c.target for c in layout.columns},
    })


def resolve_target(text: str) -> str | None:
    """A target from a mapping file: a code (person:name) or what the combobox shows."""
    text = text.strip()
    valid = all_targets(MAX_SUPPORTERS)
    if text in valid:
        return text
    if text in ("", "不导入", "(不导入)"):
        return IGNORE
    for target in valid:
        if target_label(target) == text:
            return target
    for f in PERSON_FIELDS:
        if text == f.name:
            return person_target(f.name)
    return None
