"""A column's values checked against what its header promises (issue 16).

A header says 关系 and the cells say 户主, 母亲, 本人 (the elder's relation to the
householder, not a supporter's to the elder); a header says 电话 and the cells hold
addresses; 性别 holds ages. Such a column is not imported, and the preview says why,
so the clerk can map it by hand if the header was right after all. Only the first few
hundred rows are looked at: the check runs on every ledger, however long.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from carecenter.ledger import cells, mapping
from carecenter.ledger.kind_columns import WHO
from carecenter.ledger.mapping import Layout
from carecenter.ledger.rows import is_group_heading
from carecenter.ledger.workbook import text_of
from carecenter.rules.fields import PERSON_FIELDS, SUPPORTER_FIELDS
from carecenter.rules.kinds import KINDS

_SAMPLE = 200
_MIN_VALUES = 3  # fewer say nothing either way

_NOT_A_SUPPORTER = re.compile(r"^(户主|本人|自己|父亲|母亲|父|母|祖父|祖母|爷爷|奶奶|外公|外婆|"
                              r"岳父|岳母|公公|婆婆)$")
_RELATION_WORDS = re.compile(r"子|女|媳|婿|孙|侄|甥|兄|弟|姐|妹|配偶|老伴|丈夫|妻|叔|伯|舅|姑|亲|"
                             r"赡养|其他|朋友|邻居")


def _relation(text: str) -> bool:
    text = text.replace(" ", "")
    return not _NOT_A_SUPPORTER.match(text) and bool(_RELATION_WORDS.search(text))


def _phone(text: str) -> bool:
    digits = re.sub(r"[\s\-—()()+转]", "", text)
    return bool(re.fullmatch(r"[0-9０-９]{5,20}(?:[、,，/][0-9０-９\s\-]{5,20})*", digits)) or (
        cells.is_placeholder(text))


def _id(value: Any) -> bool:
    text = re.sub(r"[\s\u3000'’]", "", text_of(value))
    return cells.is_number(value) or cells.is_placeholder(value) or cells.is_remark(value) or (
        bool(re.fullmatch(r"[0-9０-９]{15}|[0-9０-９]{17}[0-9０-９Xx×ｘＸ]", text)))


def _sex(text: str) -> bool:
    return cells.sex_text(text)[0] in ("男", "女")


_KNOWN_LABELS = frozenset(
    mapping.normalise_label(n) for f in (*PERSON_FIELDS, *SUPPORTER_FIELDS)
    for n in (f.label, *f.synonyms)) | frozenset(
    mapping.normalise_label(n) for _, names in mapping.EXTRAS.values() for n in names) | {
    "组别", "项目", "填写要求", "填写说明", "说明", "要求", "备注", "身份类别"} | frozenset(
    # Other kinds' column names (儿童姓名, 监护人姓名, 父亲电话): a children's 填表说明
    # listed them where names belong and one came in as a person (held-out check).
    mapping.normalise_label(n) for k in KINDS.values()
    for f in (*k.fields, *(f for r in k.roles for f in r.fields))
    for n in (f.label, *f.synonyms)) | frozenset(
    mapping.normalise_label(word + n) for words, _ in WHO for word in words
    for n in ("", "姓名", "电话", "联系电话", "务工地点", "外出地点", "去向", "关系"))


def is_label(text: str) -> bool:
    """性别, 组别, 联系电话: the name of a column, not a value."""
    return mapping.normalise_label(text) in _KNOWN_LABELS


def looks_like_name(text: str) -> bool:
    """刘桂英, 欧阳秀英, 阿依古丽·买买提 (a remark after it allowed); not 性别, 一组, 合计."""
    name, _ = cells.name_and_remark(cells.cjk_squeeze(text))
    if is_label(name) or cells.is_footer(name):
        return False
    if re.fullmatch(r"[\u4e00-\u9fff]{2,5}", name):
        return not is_group_heading(name) and not re.search(r"填写|村委|委员会|合计", name)
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,10}[·•・.][\u4e00-\u9fff·•・.]{1,20}", name))


def _name(text: str) -> bool:
    return looks_like_name(text)


# What a column's values look like, by the field its header names; why when they do not.
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "person:id_number": (_id, "身份证号"),
    "person:sex": (lambda v: _sex(text_of(v)), "性别"),
    "person:phone": (lambda v: _phone(text_of(v)), "电话号码"),
    "supporter:name": (lambda v: _name(text_of(v)), "姓名"),
    "supporter:relation": (lambda v: _relation(text_of(v)), "赡养人与老人的关系"),
    "supporter:phone": (lambda v: _phone(text_of(v)), "电话号码"),
}


def _kind(target: str) -> str:
    kind, _, rest = target.partition(":")
    return f"supporter:{rest.partition(':')[2]}" if kind == "supporter" else target


def check(rows: list[list[Any]], layout: Layout) -> None:
    """Unmap each column whose values mostly do not fit its field, saying why."""
    body = rows[layout.first_row:layout.first_row + _SAMPLE]
    for column in layout.columns:
        check_of = _CHECKS.get(_kind(column.target))
        if check_of is None:
            continue
        fits, what = check_of
        values = [v for r in body if column.index < len(r) and (v := r[column.index]) is not None
                  and text_of(v) and not cells.is_footer(text_of(v))]
        if len(values) < _MIN_VALUES:
            continue
        wrong = [text_of(v) for v in values if not fits(v)]
        if len(wrong) * 2 > len(values):
            shown = "、".join(list(dict.fromkeys(wrong))[:3])
            column.why = f"列标题像{what},但内容不像(如{shown}),请核对后手动对应"
            column.target = mapping.IGNORE


def people_above_header(rows: list[list[Any]], layout: Layout) -> list[tuple[int, str]]:
    """(Excel row, what it holds) for each row above the header that looks like a
    person's (a name beside an ID, phone or other number): never dropped unseen."""
    found = []
    for i, raw in enumerate(rows[:layout.header_rows[0]]):
        texts = [t for v in raw if (t := text_of(v))]
        if len(texts) < 3 or all(cells.is_stamp_or_date(v) for v in raw if text_of(v)):
            continue
        numbers = any(cells.is_number(v) or re.search(r"\d{6,}", text_of(v)) for v in raw)
        if numbers and any(looks_like_name(t) for t in texts):
            found.append((i + 1, "  ".join(texts)[:40]))
    return found
