"""What the words of a ledger's yes/no and description columns mean for a field of the
file: 是否独居 | 是 is 陪伴居住 独居, 房屋状况 | C级危房 is 住房安全隐患 危房, 低保类型 | A类 is
救助帮扶 低保, 自理能力 | 半自理 is 健康状况 部分失能 (reviewer: such columns were dropped
as "档案中没有对应的项目").

``read`` gives the field's value (codes of its choices), nothing when the words say
there is nothing to record (否, 安全, 能自理), or the text as written when the words are
not understood, for the field's own check to flag by row and field and keep in 备注:
a value is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from carecenter.ledger.mapping import normalise_label
from carecenter.rules.fields import PERSON, FieldType

_YES = frozenset({"是", "√", "✓", "✔", "有", "Y", "YES", "1", "是的", "对", "属于"})
_NO = frozenset({"否", "不是", "无", "×", "✗", "N", "NO", "0", "没有", "不", "非", "不属于"})
_SPLIT = re.compile(r"[、,，;；/]+")
_SELF_CARE = re.compile(r"自理|失能")


@dataclass(frozen=True)
class Words:
    """How one field's column reads: its words, those meaning nothing to record, and
    what a 是 means in a yes/no column (by the words of its header)."""

    words: tuple[tuple[re.Pattern[str], str], ...]
    nothing: re.Pattern[str]
    yes: tuple[tuple[re.Pattern[str], str], ...] = ()
    yes_note: str = ""


def _w(*pairs: tuple[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), code) for p, code in pairs)


_FIELDS: dict[str, Words] = {
    "living_with": Words(
        _w((r"独居|一人居住|单独居住|一个人住|自己住|单身", "alone"), (r"空巢", "empty_nest"),
           (r"配偶|老伴|夫妻|老两口|夫妇|丈夫|妻子|爱人", "spouse"), (r"孙", "grandchildren"),
           (r"(?<!孙)子女|儿子|女儿|儿媳|亲属|亲戚|兄|弟|姐|妹|侄|甥", "relatives")),
        re.compile(r"^$"),
        yes=_w((r"空巢", "empty_nest"), (r"", "alone"))),
    "housing_risks": Words(
        _w((r"危房|[CDcd]级|危险|倒塌|破旧|漏雨|裂缝", "dilapidated"),
           (r"地质灾害|滑坡|泥石流|塌方", "geohazard"), (r"洪涝|低洼|易淹|内涝", "flood_zone")),
        re.compile(r"^(?:安全|良好|正常|无隐患|牢固|稳固|较好|好|安全住房|[ABab]级|非危房|"
                   r"不是危房|无危险|无安全隐患)$"),
        yes=_w((r"地质|滑坡", "geohazard"), (r"洪涝|低洼", "flood_zone"), (r"", "dilapidated"))),
    "assistance": Words(
        _w((r"特困|五保|分散供养|集中供养", "tekun"),
           (r"低保|^[ABCabc一二三四]类|^[一二三四]档|重点保障|一般户|全额|差额|单人保|整户保",
            "dibao"),
           (r"医疗救助", "medical"), (r"临时救助", "temporary"), (r"住房救助|危改", "housing"),
           (r"高龄|老年人?福利|津贴", "elder_allowance"),
           (r"残疾人?(?:两项)?补贴", "disability_allowance")),
        re.compile(r"^(?:非低保|不是低保|未享受|未纳入)$"),
        yes=_w((r"特困|五保", "tekun"), (r"", "dibao"))),
    "health_status": Words(
        _w((r"失智|痴呆|认知障碍", "dementia"),
           (r"完全失能|重度失能|完全不能自理|不能自理|卧床|瘫痪", "disabled"),
           (r"半失能|部分失能|轻度失能|中度失能|半自理|部分自理|需要照顾|需人照顾",
            "partly_disabled")),
        re.compile(r"^(?:能自理|完全自理|自理|生活自理|生活能自理|基本自理|基本能自理|能|可以|"
                   r"未失能|不失能)$"),
        yes=_w((r"", "partly_disabled")),
        yes_note="台账只写了是否失能,按“部分失能”记;如完全失能,请在档案中改为“完全失能”"),
}


def reads(field: str, label: str) -> bool:
    """Are this column's values read by their words? (health only under 自理/失能)"""
    if field not in _FIELDS:
        return False
    return field != "health_status" or bool(_SELF_CARE.search(normalise_label(label)))


def read(field: str, label: str, text: str) -> tuple[Any, str]:
    """(the value for ``field``, a note for the clerk) from a cell of a column headed
    ``label``; the value is None when there is nothing to record, and ``text`` itself
    when the words are not understood."""
    words = _FIELDS[field]
    f = PERSON[field]
    label = normalise_label(label)
    yes_no = label.startswith("是否") or "能否" in label
    # 是否能自理 | 否: not able, the same as 失能 | 是.
    inverted = yes_no and field == "health_status" and "能" in label and "失能" not in label
    codes: list[str] = []
    note = ""
    for part in _SPLIT.split(text.strip()):
        part = part.strip()
        if not part:
            continue
        answer = part.upper()
        if yes_no and (answer in _YES or answer in _NO):
            if (answer in _YES) != inverted:
                codes.append(next(code for pattern, code in words.yes if pattern.search(label)))
                note = words.yes_note
            continue
        if (part in _NO and field != "health_status") or words.nothing.match(part):
            continue
        code = f.choice_code(part)
        found = [code] if code else [c for pattern, c in words.words if pattern.search(part)]
        if not found:
            return text, ""  # not understood: the field's check names it, 备注 keeps it
        codes += found[:1] if f.type is FieldType.CHOICE else found
    codes = list(dict.fromkeys(codes))
    if f.type is FieldType.CHOICE:
        return (codes[0] if codes else None), note
    return (codes or None), note
