"""What a cell of another kind's ledger says, before the register's rules check the row.

A children's 花名册 or a 特困 list is written as the elders' ledgers are: 出生年月 as
"2010年11月" (or the number 2010.11), 供养方式 as 分散 for 分散供养, and the guardian's
relation to the child in the village's words (爷爷, 外婆, 祖孙). ``kind_import`` reads
each row's cells through here; what is turned into what is said as a warning on the row,
and a date that is no date, or a choice that is none of the declared ones (other than
the guardian's relation), is left for the register's clean to refuse by name.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from carecenter.errors import FieldError
from carecenter.ledger import cells
from carecenter.ledger.workbook import text_of
from carecenter.rules import idnumber
from carecenter.rules.fields import Field, FieldType
from carecenter.rules.kinds import PersonKind

# The guardian's relation to the child (委托监护人 与儿童关系), as ledgers write it: the
# guardian's own title (爷爷) or the pair (爷孙: grandfather and grandchild).
GUARDIAN_WORDS: dict[str, str] = {
    "爷爷": "祖父", "爷": "祖父", "爷孙": "祖父", "祖父": "祖父",
    "奶奶": "祖母", "奶": "祖母", "奶孙": "祖母", "祖母": "祖母",
    "外公": "外祖父", "姥爷": "外祖父", "外爷": "外祖父", "外祖父": "外祖父",
    "外婆": "外祖母", "姥姥": "外祖母", "外祖母": "外祖母",
    "哥哥": "兄姐", "姐姐": "兄姐", "兄": "兄姐", "姐": "兄姐", "兄长": "兄姐",
    "兄妹": "兄姐", "兄弟": "兄姐", "姐弟": "兄姐", "姐妹": "兄姐",
    "邻居": "其他", "村干部": "其他", "老师": "其他",
}
# A pair that names grandparents without saying which one: the guardian's sex decides
# (from the ID number), else the clerk is asked.
GRANDPARENT_PAIRS: dict[str, tuple[str, str]] = {
    "祖孙": ("祖父", "祖母"), "祖父母": ("祖父", "祖母"), "爷爷奶奶": ("祖父", "祖母"),
    "外祖孙": ("外祖父", "外祖母"), "外祖父母": ("外祖父", "外祖母"),
    "外公外婆": ("外祖父", "外祖母"), "姥姥姥爷": ("外祖父", "外祖母"),
    "姥爷姥姥": ("外祖父", "外祖母"),
}
# Other choices as ledgers write them, by field (a 特困 list's 自理能力 in the words of
# the assessment: 半自理 is the 半护理 grade).
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "self_care": {"自理": "全自理", "能自理": "全自理", "完全自理": "全自理",
                  "具备生活自理能力": "全自理", "半自理": "半护理", "部分自理": "半护理",
                  "部分失能": "半护理", "部分丧失生活自理能力": "半护理",
                  "不能自理": "全护理", "完全不能自理": "全护理", "失能": "全护理",
                  "完全失能": "全护理", "完全丧失生活自理能力": "全护理"},
}
# Uncles, aunts and cousins: 其他亲属, as they are, without a word to the clerk.
_KIN = re.compile(r"叔|伯|姑|舅|姨|婶|侄|甥|亲戚|亲属|堂|表|嫂|姐夫")
UNKNOWN_RELATION = "其他亲属"


def guardian_relation(field: Field, value: str, id_number: str | None
                      ) -> tuple[str, str | None]:
    """(the relation's label, a warning or None) for what the ledger wrote; a word the
    program does not know is 其他亲属 with a warning, never a refused row."""
    word = re.sub(r"[\s\u3000]", "", value)
    if field.choice_code(word):
        return word, None
    if word in GUARDIAN_WORDS:
        return GUARDIAN_WORDS[word], None
    if word in GRANDPARENT_PAIRS:
        male, female = GRANDPARENT_PAIRS[word]
        sex = _sex_of(id_number)
        if sex is not None:
            return (male if sex == "male" else female), None
        return UNKNOWN_RELATION, (f"{field.label}写作“{value}”,没有写明{male}还是{female},"
                                  f"按“{UNKNOWN_RELATION}”记,请在档案中改正")
    if _KIN.search(word):
        return UNKNOWN_RELATION, None
    return UNKNOWN_RELATION, (f"{field.label}“{value}”不是可选的关系"
                              f"({'、'.join(c.label for c in field.choices)}),"
                              f"按“{UNKNOWN_RELATION}”记,请核对")


def _sex_of(id_number: str | None) -> str | None:
    info = id_info(id_number)
    return info.sex if info is not None else None


def id_info(number: Any) -> idnumber.IdInfo | None:
    """What an ID number says, or None when there is none or it is wrong (the register's
    clean refuses a wrong one by name)."""
    text = text_of(number)
    if not text:
        return None
    try:
        return idnumber.parse(text)
    except FieldError:
        return None


def read_dates(kind: PersonKind, values: dict[str, Any]) -> tuple[bool, list[str]]:
    """Each date of the person as a date (a serial number, 20101124, 2010.11, 2010年11月)
    in place; (the birth date was written to the month or year only, notes). A cell that
    is no date is left as written, for the register's clean to refuse by name."""
    partial = False
    notes: list[str] = []
    for f in kind.fields:
        if f.type is not FieldType.DATE or values.get(f.name) in (None, ""):
            continue
        try:
            day, month_only, note = cells.date_cell(values[f.name])
        except ValueError:
            continue
        values[f.name] = day
        if note:
            notes.append(f"{f.label}:{note}")
        if f.name == "birth_date":
            partial = month_only
    return partial, notes


def birth_matches(typed: date, written: Any, real: date) -> bool:
    """Does a birth date written to the month (2010年11月) or the year (2010) agree with
    the one the ID number gives? As the elders' import reads it: to what was written."""
    if re.fullmatch(r"\s*\d{4}\s*年?\s*", text_of(written)) or (
            cells.is_number(written) and float(written).is_integer()
            and 1900 <= float(written) <= 2100):
        return typed.year == real.year
    return cells.same_birth(typed, True, real)


def read_choices(kind: PersonKind, values: dict[str, Any]) -> list[str]:
    """A choice written shorter or longer than its label (分散 for 分散供养, 集中供养户)
    taken as the one label it fits; notes for what was read so."""
    notes: list[str] = []
    for f in kind.fields:
        value = values.get(f.name)
        if f.type is not FieldType.CHOICE or not isinstance(value, str) or not value.strip():
            continue
        word = value.strip()
        if f.choice_code(word):
            continue
        said = CHOICE_WORDS.get(f.name, {}).get(word)
        if said is not None:
            values[f.name] = said
            notes.append(f"{f.label}写作“{word}”,按“{said}”记")
            continue
        fits = [c for c in f.choices if len(word) >= 2 and (word in c.label or c.label in word)]
        if len(fits) == 1:
            values[f.name] = fits[0].label
            if word not in fits[0].label:
                notes.append(f"{f.label}写作“{word}”,按“{fits[0].label}”记")
    return notes
