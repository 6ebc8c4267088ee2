"""What a ledger's cells mean: IDs stored as numbers, dates in every form, relations.

Plain functions on one cell each, so that the import's rules can be read (and tested)
one by one. Messages are Chinese and complete.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from carecenter import idnumber
from carecenter.errors import FieldError
from carecenter.fields import parse_date
from carecenter.ledger.sheet import text_of

EXCEL_EPOCH = date(1899, 12, 30)
# Rows whose first words say they are not a person: totals, signatures, notes.
_FOOTER = re.compile(
    r"^(合\s*计|总\s*计|小\s*计|共\s*[0-9一二三四五六七八九十百千]+\s*(人|户|名)|"
    r"填\s*表\s*人|填\s*报\s*人|审\s*核\s*人|复\s*核\s*人|审\s*核|制\s*表|负\s*责\s*人|"
    r"单位负责人|填报单位|填表单位|填报日期|填表日期|制表日期|备\s*注\s*[:\uff1a]|"
    r"说\s*明\s*[:\uff1a]|注\s*[:\uff1a]|注\s*[0-9]|村\s*\(\s*居\s*\)|盖\s*章)"
)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_footer(text: str) -> bool:
    text = text.strip().replace("\uff08", "(").replace("\uff09", ")")
    return bool(_FOOTER.match(text))


_PLACEHOLDERS = frozenset({"待补充", "无", "暂无", "/", "-", "--", "—", "未登记", "不详", "未分组"})


def is_placeholder(value: Any) -> bool:
    """待补充, 无, / … written where the ID number is not known yet."""
    return text_of(value).replace(" ", "") in _PLACEHOLDERS


def id_text(value: Any) -> str:
    """An ID cell as text; a number Excel has rounded is refused, saying why.

    Excel keeps 15 significant digits, so an 18-digit number typed without the text
    format lost its last three; a 15-digit old number survives whole.
    """
    if is_number(value):
        number = float(value)
        if number >= 1e15:
            raise FieldError(
                "id_number",
                f"身份证号被 Excel 存成了数字(显示为 {number:.5E}),后几位已丢失;"
                "请在 Excel 中把该列设为“文本”格式后重新录入该列",
            )
        if number.is_integer():
            return str(int(number))
    return text_of(value)


def date_cell(value: Any) -> tuple[date | None, bool, str]:
    """(date, month only, note) from a date cell, a serial number, 19500312, 1950.3,
    1950年3月 …; ValueError when the cell is not a date."""
    if value is None or value == "":
        return None, False, ""
    if isinstance(value, datetime):
        return value.date(), False, ""
    if isinstance(value, date):
        return value, False, ""
    if is_number(value):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return parse_date(str(int(number))), False, ""
        if number.is_integer() and 1900 <= number <= 2100:
            return date(int(number), 1, 1), True, f"只填了年份 {int(number)},按 1 月 1 日记"
        if 1900 <= number < 2101:
            text = repr(number)
            year, _, month = text.partition(".")
            note = ""
            if month == "1":
                note = f"“{text}”按 {year} 年 1 月记;若是 10 月,请在 Excel 中把该列设为文本"
            return date(int(year), int(month), 1), True, note
        if number.is_integer() and 1 <= number < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(number)), False, ""
        raise ValueError(text_of(value))
    text = text_of(value).translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"})
    month_only = bool(re.fullmatch(r"\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?\s*", text))
    return parse_date(text), month_only, ""


def same_birth(typed: date, month_only: bool, real: date) -> bool:
    if month_only:
        return (typed.year, typed.month) == (real.year, real.month)
    return typed == real


_RELATIONS = (
    ("儿媳", "daughter_in_law"), ("媳", "daughter_in_law"), ("女婿", "son_in_law"),
    ("孙", "grandchild"), ("外孙", "grandchild"), ("配偶", "spouse"), ("老伴", "spouse"),
    ("丈夫", "spouse"), ("妻", "spouse"), ("儿子", "son"), ("女儿", "daughter"),
    ("子", "son"), ("女", "daughter"),
)


def relation_text(value: Any) -> str | None:
    """儿子 / 长子 / 次女 / 儿媳 … as one of the declared relations' labels."""
    from carecenter.fields import SUPPORTER

    text = text_of(value)
    if not text:
        return None
    f = SUPPORTER["relation"]
    if f.choice_code(text):
        return text
    for word, code in _RELATIONS:
        if word in text:
            return f.choice_label(code)
    return text


_PROVINCE_SHORT = {
    code: re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", name)
    for code, name in idnumber.PROVINCES.items()
}


def scope_from_whereabouts(whereabouts: str, home_province: str | None) -> str | None:
    """省外 when the place names another province than the person's own; else unknown."""
    if not whereabouts:
        return None
    if re.search(r"本县|本镇|本乡|本村|在家|县内|县城", whereabouts):
        return "本县内"
    if re.search(r"国外|境外|日本|韩国|新加坡|美国|欧洲", whereabouts):
        return "境外"
    if home_province:
        for code, short in _PROVINCE_SHORT.items():
            if short and short in whereabouts and code != home_province:
                return "省外"
    return None


def cjk_squeeze(text: str) -> str:
    """张  三 (spaces to line up two-character names) is 张三."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[\s\u3000]+(?=[\u4e00-\u9fff])", "", text.strip())
