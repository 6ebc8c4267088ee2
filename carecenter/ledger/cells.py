"""What a ledger's cells mean: IDs stored as numbers, dates in every form, relations.

Plain functions on one cell each, so that the import's rules can be read (and tested)
one by one. Messages are Chinese and complete.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from carecenter.errors import FieldError
from carecenter.ledger.workbook import text_of
from carecenter.rules.fields import parse_date

EXCEL_EPOCH = date(1899, 12, 30)
# Rows whose first words say they are not a person: totals, signatures, notes.
_FOOTER = re.compile(
    r"^(合\s*计|总\s*计|小\s*计|共\s*计|累\s*计|共\s*[0-9一二三四五六七八九十百千]+\s*(人|户|名)|"
    r"填\s*表\s*人|填\s*报\s*人|审\s*核\s*人|复\s*核\s*人|审\s*核|制\s*表|负\s*责\s*人|"
    r"单位负责人|填报单位|填表单位|填报日期|填表日期|制表日期|备\s*注\s*[:\uff1a]|"
    r"说\s*明\s*[:\uff1a]|注\s*[:\uff1a]|注\s*[0-9]|村\s*[(\uff08]\s*居\s*[)\uff09]|盖\s*章|"
    r"经\s*办\s*人|签\s*字|签\s*名|统\s*计\s*人|联\s*系\s*人\s*[:\uff1a]|"
    r"(?:[(（]?\s*(?:公\s*章|印\s*章|盖\s*章)\s*[)）]?\s*)$)"
)
# What stands under a table and is nobody's row (issue 16): the committee's stamp line,
# a date, a signature; a row of nothing else ends the table wherever it sits.
_STAMP = re.compile(r"村\s*民?\s*委\s*员?\s*会|居\s*委\s*会|人民政府|盖\s*章|公\s*章|签\s*字|"
                    r"签\s*名|经\s*办\s*人|负\s*责\s*人|审\s*核|填\s*报|制\s*表")
_DATE_LINE = re.compile(
    r"^\s*(?:日\s*期\s*[:\uff1a]?\s*)?[0-9〇零一二三四五六七八九十]{4}\s*年\s*"
    r"[0-9〇零一二三四五六七八九十]{1,2}\s*月(?:\s*[0-9〇零一二三四五六七八九十]{1,3}\s*日)?\s*$|"
    r"^\s*\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}\s*$|^\s*(?:报送|填报|填表)?日\s*期\s*[:\uff1a]")


def is_stamp_or_date(value: Any) -> bool:
    """白竹村村民委员会(盖章), 2026年12月5日, 经办人:…: a line under a table."""
    if isinstance(value, date):
        return True
    text = text_of(value)
    return bool(text) and (bool(_STAMP.search(text)) or bool(_DATE_LINE.match(text))
                           or is_footer(text))


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_footer(text: str) -> bool:
    return bool(_FOOTER.match(text.strip()))  # both kinds of brackets: in the pattern


def first_footer(texts: list[str]) -> str | None:
    """The first of a row's cells (each ``text_of``: stripped) that says the row is
    a total, signature or note, or None: asked of every row of a ledger."""
    match = _FOOTER.match
    return next((t for t in texts if t and match(t)), None)


_PLACEHOLDERS = frozenset({"待补充", "无", "暂无", "/", "-", "--", "—", "未登记", "不详", "未分组"})


def is_placeholder(value: Any) -> bool:
    """待补充, 无, / … written where the ID number (or group) is not known yet."""
    return text_of(value).replace(" ", "") in _PLACEHOLDERS


def is_remark(value: Any) -> bool:
    """Words without a digit where an ID number belongs (暂未办理, 身份证丢失): no number,
    but worth keeping in 备注."""
    text = text_of(value).replace(" ", "")
    return bool(text) and not is_placeholder(value) and not re.search(r"[0-9\uff10-\uff19]", text)


def id_text(value: Any) -> str:
    """An ID cell as text; a number Excel has rounded is refused, saying why.

    Excel keeps 15 significant digits, so an 18-digit number typed without the text
    format lost its last three; a 15-digit old number survives whole.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # exact, whatever its length: the check character says the rest
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


def damaged_number(value: Any) -> str | None:
    """The digits Excel kept of an ID stored as a number (4.30524E+17: its 15
    significant digits, the rest zeros), or None when the cell is not such a number.
    An exact integer with a valid check character (a program, not Excel, wrote it)
    is whole and not damaged."""
    if not is_number(value) or not 1e15 <= float(value) < 1e18:  # a negative: no ID at all
        return None
    if isinstance(value, int) and len(str(value)) == 18:
        from carecenter.rules.idnumber import check_char

        if check_char(str(value)[:17]) == str(value)[17]:
            return None
    from decimal import Decimal

    return str(int(Decimal(f"{float(value):.15g}")))


_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[Ee]\+?1[4-7]")


def is_scientific(text: str) -> bool:
    """4.30524E+17 typed or pasted as text: Excel's display of an ID it kept as a
    number, all but its first few digits gone."""
    return bool(_SCIENTIFIC.fullmatch(text.replace(" ", "")))


def shown_as_number(value: Any) -> str:
    """How Excel shows such a number in a narrow column: 4.30524E+17."""
    mantissa, _, exponent = f"{float(value):.5E}".partition("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"


def excel_damage(value: Any) -> tuple[str, str] | None:
    """(what is left of it, what Excel did) for an ID cell Excel damaged: a number
    (4.30524E+17), its display pasted as text, or 18 digits typed back ending in 000;
    None for any other cell. Such an ID is flagged, never trusted nor refused."""
    if is_number(value):
        digits = damaged_number(value)
        if digits is None:
            return None
        return digits, (f"身份证号被 Excel 存成了数字(显示为 {shown_as_number(value)}),"
                        f"只留下前 15 位“{digits[:15]}”")
    text = text_of(value).replace(" ", "")
    if is_scientific(text):
        return text, f"台账中是 Excel 显示的数字“{text}”,身份证号已无法还原"
    if looks_truncated(text) and text.isdigit():
        return text, f"“{text}”末三位为 000,疑被 Excel 截断(Excel 只保留 15 位数字)"
    return None


def birth_in(digits: str, today: date) -> date | None:
    """The birth date in an 18-digit number's 7th to 14th digits, if it is one."""
    if len(digits) != 18 or not digits.isdigit():
        return None
    try:
        birth = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return None
    return birth if date(1900, 1, 1) <= birth <= today else None


def looks_truncated(number: str) -> bool:
    """An 18-digit number ending in 000: what Excel leaves of a number it kept to 15
    significant digits, typed back as text (issue 16). Real numbers seldom end so (the
    sequence code x00 with check digit 0), so it is flagged, not refused."""
    return len(number) == 18 and number.endswith("000")


# Sex as ledgers code it: GB/T 2261.1 (1 男, 2 女), or M/F.
_SEX_CODES = {"1": "男", "2": "女", "M": "男", "F": "女", "MALE": "男", "FEMALE": "女",
              "男性": "男", "女性": "女", "男": "男", "女": "女"}


def sex_text(value: Any) -> tuple[str, bool]:
    """(男/女 or the text as written, whether it was a code worth flagging)."""
    text = text_of(value).replace(" ", "").upper()
    label = _SEX_CODES.get(text)
    if label is None:
        return text_of(value), False
    return label, text not in ("男", "女", "男性", "女性")


def age_years(text: str) -> int | None:
    """78, 78岁, 七十八, 七十八周岁 as whole years; None when it is not an age."""
    text = re.sub(r"\s|周?岁$", "", text)
    if not text:
        return None
    if re.fullmatch(r"[0-9]+(?:\.[0-9]*)?", text):
        return int(float(text))
    if not re.fullmatch(r"[零〇一二两三四五六七八九十百]+", text):
        return None
    import cn2an  # a library for numbers in words (issue 16), loaded only when needed

    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


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
    only_year = re.fullmatch(r"\s*(\d{4})\s*年?\s*", text)
    if only_year and 1900 <= int(only_year.group(1)) <= 2100:  # 2020年, as the number 2020
        year = only_year.group(1)
        return date(int(year), 1, 1), True, f"只填了年份 {year},按 1 月 1 日记"
    month_only = bool(re.fullmatch(r"\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?\s*", text))
    return parse_date(text), month_only, ""


def same_birth(typed: date, month_only: bool, real: date) -> bool:
    if month_only:
        return (typed.year, typed.month) == (real.year, real.month)
    return typed == real


_RELATIONS = (
    # Nephews, siblings and in-laws first: 侄子 is not a son (子).
    ("侄", "other"), ("甥", "other"), ("兄", "other"), ("弟", "other"), ("姐", "other"),
    ("妹", "other"), ("叔", "other"), ("伯", "other"), ("舅", "other"), ("姑", "other"),
    ("儿媳", "daughter_in_law"), ("媳", "daughter_in_law"), ("女婿", "son_in_law"),
    ("孙", "grandchild"), ("外孙", "grandchild"), ("配偶", "spouse"), ("老伴", "spouse"),
    ("丈夫", "spouse"), ("妻", "spouse"), ("儿子", "son"), ("女儿", "daughter"),
    ("子", "son"), ("女", "daughter"),
)


def relation_text(value: Any) -> str | None:
    """儿子 / 长子 / 次女 / 儿媳 … as one of the declared relations' labels."""
    from carecenter.rules.fields import SUPPORTER

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


# Full-width brackets by escape: an editor once made them half-width here, and
# 岑桂花（已故） was refused as a name with punctuation (held-out check).
_ANNOTATED = re.compile(r"(.+?)\s*[(\uff08\[\u3010]([^)\uff09\]\u3011]*)[)\uff09\]\u3011]\s*")


def name_and_remark(text: str) -> tuple[str, str]:
    """刘桂英(户主) → (刘桂英, 户主): a remark written after the name."""
    m = _ANNOTATED.fullmatch(text)
    return (m.group(1), m.group(2).strip()) if m else (text, "")


def cjk_squeeze(text: str) -> str:
    """张  三 (spaces to line up two-character names) is 张三."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[\s\u3000]+(?=[\u4e00-\u9fff])", "", text.strip())
