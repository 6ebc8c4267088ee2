"""National ID numbers (居民身份证号码, GB 11643-1999): normalise, check, decode.

One place decides whether a number can exist. The address code is judged against the
whole history of GB/T 2260 (``rules.address_codes``): a code no division ever had refuses
the number; codes of abolished counties stay valid in old numbers, so a code that is no
county today is only a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import mul

from carecenter import clock
from carecenter.errors import FieldError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
    # 港澳台居民居住证: Taiwan residents' permits are numbered 830000… (国办发〔2018〕81号).
    "83": "台湾省",
}

# Nobody born before this is alive to be registered; later but over 110 is only a warning.
EARLIEST_BIRTH = date(1900, 1, 1)
WARN_AGE = 110

_FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＸｘＥｅ＋．"}
# Only ASCII digits: str.isdigit() also accepts ², ① and Arabic-Indic digits.
_DIGITS15 = re.compile(r"[0-9]{15}")
_DIGITS18 = re.compile(r"[0-9]{17}[0-9X]")
_NOISE = re.compile(r"[\s\u3000'’‘\"-]")
_EXCEL_FLOAT = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class IdInfo:
    """What a valid ID number says about its holder."""

    number: str
    birth_date: date
    sex: str  # "male" | "female"
    province: str
    upgraded_from: str | None = None

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def sex_label(self) -> str:
        return "男" if self.sex == "male" else "女"


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day`` (a birthday counts on the day itself)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def normalise(raw: object) -> str:
    """Full-width digits, spaces and a lower-case x are typing noise, not errors."""
    text = "" if raw is None else str(raw)
    text = text.translate(_FULL_WIDTH)
    text = _NOISE.sub("", text)
    return text.upper()


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"check_char needs 17 digits, got {first17!r}")
    total = sum(map(mul, map(int, first17), WEIGHTS))  # in C: an import checks 20,000
    return CHECK_CHARS[total % 11]


def upgrade15(number15: str) -> str:
    """A 15-digit number (before 1999) becomes 18: '19' before the year, check added."""
    body = number15[:6] + "19" + number15[6:]
    return body + check_char(body)


def parse(raw: object, today: date | None = None, field: str = "id_number") -> IdInfo:
    """Return what the number says, or raise FieldError with the reason in Chinese."""
    today = today or clock.today()
    if isinstance(raw, str):
        return _parse_text(raw, today, field)
    return _parse(raw, today, field)


# Saving a file reads its number two or three times (the field, the ID rules), and an
# import matches each row by it first, a whole ledger earlier: answers are kept for as
# many numbers as a large ledger has. A refusal is not kept: it is raised anew.
@lru_cache(maxsize=20_000)
def _parse_text(raw: str, today: date, field: str) -> IdInfo:
    return _parse(raw, today, field)


def forget() -> None:
    """Drop the answers kept: an import starts from none, so what it keeps is its own
    ledger's numbers, and a second import of a file costs what the first did."""
    _parse_text.cache_clear()


def _parse(raw: object, today: date, field: str) -> IdInfo:
    text = normalise(raw)
    if not text:
        raise FieldError(field, "身份证号为空")
    if _EXCEL_FLOAT.match(text) or (text.endswith(".0") and text[:-2].isdigit()):
        raise FieldError(
            field,
            f"身份证号“{raw}”被 Excel 存成了数字,后几位已丢失;"
            "请把该列设为“文本”格式后重新录入",
        )
    upgraded_from = None
    if len(text) == 15:
        if not _DIGITS15.fullmatch(text):
            raise FieldError(field, "15 位身份证号只能由数字组成")
        upgraded_from = text
        text = upgrade15(text)
    if len(text) != 18:
        raise FieldError(field, f"身份证号应为 18 位(或旧的 15 位),现在是 {len(text)} 位")
    if not _DIGITS18.fullmatch(text):
        raise FieldError(field, "身份证号前 17 位必须是数字,最后一位是数字或 X")
    province = text[:2]
    if province not in PROVINCES:
        raise FieldError(field, f"身份证号开头“{province}”不是任何省份的代码")
    from carecenter.rules import address_codes

    code = text[:6]
    if text[2:4] == "00" and code not in address_codes.RESIDENCE_PERMITS:
        # 110000 names a province and 1100xx no city: nobody's registered address.
        raise FieldError(field, f"身份证号前 6 位“{code}”不是县级地址码")
    if not address_codes.lookup(code).ever_valid:
        # The check digit passes but no division ever had this code (GB/T 2260 history).
        raise FieldError(field, f"前 6 位地址码 {code} 从未用作行政区划代码,身份证号有误")
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise FieldError(
            field, f"身份证号中的出生日期“{text[6:14]}”不存在"
        ) from None
    if birth > today:
        raise FieldError(field, f"身份证号中的出生日期 {birth:%Y-%m-%d} 在今天之后")
    if birth < EARLIEST_BIRTH:
        raise FieldError(field, f"身份证号中的出生日期 {birth:%Y-%m-%d} 不可能")
    if upgraded_from is None and check_char(text[:17]) != text[17]:
        raise FieldError(field, "身份证号校验位不对,可能有一位数字抄错了,请逐位核对")
    sex = "male" if int(text[16]) % 2 == 1 else "female"
    return IdInfo(text, birth, sex, PROVINCES[province], upgraded_from)


def warnings_for(info: IdInfo, today: date | None = None) -> list[str]:
    """Things that may be right but deserve a second look."""
    today = today or clock.today()
    found: list[str] = []
    age = info.age_on(today)
    if age > WARN_AGE:
        found.append(f"按身份证号计算年龄为 {age} 岁,请核对出生日期")
    if info.upgraded_from is None and info.number.endswith("000"):
        # Excel keeps 15 significant digits: an 18-digit number typed as a number and
        # copied back as text ends in 000 (issue 16). Real ones seldom do.
        found.append("末三位为 000,疑被 Excel 截断(Excel 只保留 15 位数字),请对照身份证核对")
    elif info.number[14:17] == "000":
        # GB 11643: the sequence number of those born on one day in one county starts
        # at 001, so 000 is not issued; a number with it was most likely copied wrong.
        found.append("第 15–17 位顺序码为 000,身份证号不会这样编,请对照身份证核对")
    from carecenter.rules import address_codes

    # A county merged since keeps its code in old numbers: a look, not a refusal.
    former = address_codes.lookup(info.number[:6]).warning()
    if former:
        found.append(former)
    return found
