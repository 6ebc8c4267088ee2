"""The fields of a person's file and of a supporter, each declared once.

A declaration carries the English name (the database column), the Chinese label, the
type, the choices, the validator and the form section. The editor, the register table,
the storage columns, and later the PDF registration form and the Excel column mapping
are all built from these declarations (STYLE.md, point 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from carecenter import clock
from carecenter.errors import FieldError


class FieldType(Enum):
    TEXT = "text"
    LONGTEXT = "longtext"
    DATE = "date"
    INT = "int"
    CHOICE = "choice"
    MULTI = "multi"
    BOOL = "bool"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    GROUP = "group"  # a village group, by id

    # Members are singletons compared by identity: hash them so too. Enum's own hash
    # runs Python code, and an import looks a type up half a million times.
    __hash__ = object.__hash__


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclass(frozen=True)
class Section:
    code: str
    label: str


# The editor's tabs, in order (issue 3). "supporters" holds the supporter table.
BASIC = Section("basic", "基本信息")
SUPPORTERS = Section("supporters", "赡养人")
HEALTH = Section("health", "健康与照料")
NEEDS = Section("needs", "困难与需求")
SECTIONS: tuple[Section, ...] = (BASIC, SUPPORTERS, HEALTH, NEEDS)


@dataclass(frozen=True)
class Field:
    """One field of a form: everything any view needs to show, edit or store it."""

    name: str
    label: str
    type: FieldType
    section: Section
    choices: tuple[Choice, ...] = ()
    required: bool = False
    max_length: int = 60
    synonyms: tuple[str, ...] = ()  # other headers a village ledger uses for it
    hint: str = ""
    exclusive: tuple[str, ...] = ()  # multi-choice codes that stand alone
    default: Any = None
    check: Callable[[Any], str | None] | None = None  # a rule of this field's own


    def choice_label(self, code: str | None) -> str:
        for c in self.choices:
            if c.code == code:
                return c.label
        return code or ""

    def choice_code(self, label: str) -> str | None:
        label = label.strip()
        for c in self.choices:
            if label in (c.label, c.code):
                return c.code
        return None

    def display(self, value: Any) -> str:
        """The value as the clerk reads it."""
        if value is None or value == "" or value == []:
            return ""
        if self.type is FieldType.CHOICE:
            return self.choice_label(value)
        if self.type is FieldType.MULTI:
            return "、".join(self.choice_label(v) for v in value)
        if self.type is FieldType.BOOL:
            return "是" if value else "否"
        if self.type is FieldType.DATE:
            return value.strftime("%Y-%m-%d")
        return str(value)

    def clean(self, value: Any, row: int | None = None) -> Any:
        """Turn what was typed into the stored value, or raise FieldError in Chinese."""
        if value is None and not self.required and self.check is None:
            # Most fields of an imported row are blank: the type's blank value, worked
            # out once by its cleaner (a fresh list each time for a multi-choice).
            blank = _BLANKS.get(self.type, _UNKNOWN)
            if blank is _UNKNOWN:
                blank = _BLANKS[self.type] = _CLEANERS[self.type](self, None, row)
            return [] if blank == [] else blank
        cleaner = _CLEANERS[self.type]
        result = cleaner(self, value, row)
        if self.required and result in (None, "", []):
            raise FieldError(self.name, f"{self.label}不能为空", row)
        if self.check is not None and result not in (None, "", []):
            message = self.check(result)
            if message:
                raise FieldError(self.name, message, row)
        return result


_UNKNOWN = object()
_BLANKS: dict[FieldType, Any] = {}
_FULL_WIDTH_DIGITS = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}
_FULL_WIDTH_PHONE = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９－"}
# Compiled once: an import cleans ~100,000 values through these.
_SPACES = re.compile(r"\s+")
_PHONE_NOISE = re.compile(r"[\s()()]")
_NAME_DIGIT = re.compile(r"[0-9０-９]")
_NAME_SYMBOL = re.compile(r"[^\w·•・.\s]")


def _fail(f: Field, row: int | None, message: str) -> FieldError:
    return FieldError(f.name, message, row)


def _clean_text(f: Field, value: Any, row: int | None) -> str | None:
    text = "" if value is None else str(value).replace("\u3000", " ").strip()
    if f.type is not FieldType.LONGTEXT:
        text = _SPACES.sub(" ", text)
    if len(text) > f.max_length:
        raise _fail(f, row, f"{f.label}太长:最多 {f.max_length} 个字,现在 {len(text)} 个字")
    return text or None


def parse_date(value: Any) -> date | None:
    """Dates as clerks write them: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305.

    A month without a day (1950.3, 1950年3月) means the first of that month.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().translate(_FULL_WIDTH_DIGITS)
    text = text.replace("日", "").replace("号", "")
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})?)?\s*", text)
    if not m:
        raise ValueError(text)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


def _clean_date(f: Field, value: Any, row: int | None) -> date | None:
    try:
        result = parse_date(value)
    except ValueError:
        raise _fail(f, row, f"{f.label}“{value}”不是有效日期,请写成 2024-03-05") from None
    if result and result > clock.today():
        raise _fail(f, row, f"{f.label} {result:%Y-%m-%d} 在今天之后")
    if result and result.year < 1900:
        raise _fail(f, row, f"{f.label} {result:%Y-%m-%d} 不可能")
    return result


def _clean_int(f: Field, value: Any, row: int | None) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().replace(",", "").replace(",", "").removesuffix("元")
    if not re.fullmatch(r"-?[0-9]{1,12}(\.[0-9]*)?", text):
        raise _fail(f, row, f"{f.label}应填不超过 12 位的数字,现在是“{value}”")
    number = int(float(text))
    if number < 0:
        raise _fail(f, row, f"{f.label}不能是负数")
    return number


def _clean_choice(f: Field, value: Any, row: int | None) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    code = f.choice_code(str(value))
    if code is None:
        allowed = "、".join(c.label for c in f.choices)
        raise _fail(f, row, f"{f.label}“{value}”不在可选项中(可选:{allowed})")
    return code


def _clean_multi(f: Field, value: Any, row: int | None) -> list[str]:
    if value is None or value == "":
        return []
    items: Iterable[str]
    if isinstance(value, str):
        items = [p for p in re.split(r"[、,,;;/\s]+", value) if p]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = [str(v) for v in value]
    else:  # a number or a date where answers were expected (found by tests/test_properties)
        items = [str(value)]
    codes: list[str] = []
    for item in items:
        code = f.choice_code(item)
        if code is None:
            allowed = "、".join(c.label for c in f.choices)
            raise _fail(f, row, f"{f.label}“{item}”不在可选项中(可选:{allowed})")
        if code not in codes:
            codes.append(code)
    for code in f.exclusive:
        if code in codes and len(codes) > 1:
            raise _fail(f, row, f"{f.label}选了“{f.choice_label(code)}”就不能再选其他项")
    # Keep the declared order so that the same answers always read the same.
    order = [c.code for c in f.choices]
    return sorted(codes, key=order.index)


def _clean_bool(f: Field, value: Any, row: int | None) -> bool:
    if isinstance(value, str):
        return value.strip() in ("是", "1", "true", "True", "√", "有")
    return bool(value)


_PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8}")


_DASHED_MOBILE = re.compile(r"1[3-9]\d(?:-\d{4}-\d{4}|-\d{8}|\d{4}-\d{4})")


def normalise_phone(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.translate(_FULL_WIDTH_PHONE)
    text = _PHONE_NOISE.sub("", text)
    text = text.removeprefix("+86").removeprefix("0086")
    if _DASHED_MOBILE.fullmatch(text):  # 139-0739-1234: a mobile grouped as it is read out
        return text.replace("-", "")
    return text


def _clean_phone(f: Field, value: Any, row: int | None) -> str | None:
    text = normalise_phone(value)
    if not text:
        return None
    if not _PHONE.fullmatch(text):
        raise _fail(
            f, row, f"{f.label}“{value}”不像电话号码:手机是 11 位数字,座机如 0736-1234567"
        )
    return text


def _clean_id_number(f: Field, value: Any, row: int | None) -> str | None:
    from carecenter.rules import idnumber

    if value is None or idnumber.normalise(value) == "":
        return None
    try:
        return idnumber.parse(value, field=f.name).number
    except FieldError as e:
        raise FieldError(f.name, e.message, row) from None


def _clean_group(f: Field, value: Any, row: int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # inf, nan (tests/test_properties)
        raise _fail(f, row, f"{f.label}无效") from None
    # A row id SQLite can hold (a preview marks a group still to be made with a
    # negative one); never a fraction or a yes/no.
    if isinstance(value, bool) or number != value and not isinstance(value, str) \
            or not -(1 << 62) < number < 1 << 62:
        raise _fail(f, row, f"{f.label}无效")
    return number


_CLEANERS: dict[FieldType, Callable[[Field, Any, int | None], Any]] = {
    FieldType.TEXT: _clean_text,
    FieldType.LONGTEXT: _clean_text,
    FieldType.DATE: _clean_date,
    FieldType.INT: _clean_int,
    FieldType.CHOICE: _clean_choice,
    FieldType.MULTI: _clean_multi,
    FieldType.BOOL: _clean_bool,
    FieldType.ID_NUMBER: _clean_id_number,
    FieldType.PHONE: _clean_phone,
    FieldType.GROUP: _clean_group,
}


def person_name(value: str) -> str | None:
    """Names are written in characters; a digit or a stray symbol is a typing slip.

    The middle dot of minority names (阿依古丽·买买提) is allowed, so are Latin letters.
    """
    if _NAME_DIGIT.search(value):
        return f"姓名“{value}”里有数字,请核对"
    if _NAME_SYMBOL.search(value):
        return f"姓名“{value}”里有标点或符号,请核对"
    return None


def choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(code, label) for code, label in pairs)


SEX = choices(("male", "男"), ("female", "女"))

# Where a person stands on the register: on it, or exited (with the file kept).
ACTIVE = "active"
EXITED = "exited"
STATUS_LABELS = {ACTIVE: "在册", EXITED: "已退出"}

# --- the person's file: 基本情况登记表 (DOMAIN.md "One person, one file") ---
PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", FieldType.TEXT, BASIC, required=True, max_length=30,
          # Not 户主姓名: the householder is often the son (issue 16), never the elder's.
          synonyms=("老人姓名", "留守老人姓名", "留守老年人姓名", "人员姓名", "对象姓名",
                    "老年人姓名"), check=person_name),
    Field("id_number", "身份证号", FieldType.ID_NUMBER, BASIC, max_length=18,
          synonyms=("身份证号码", "公民身份号码", "身份证", "证件号码", "身份证件号码",
                    "证件号"),
          hint="18 位;15 位旧号会自动升位;没有可先空着,标记为待补充"),
    Field("sex", "性别", FieldType.CHOICE, BASIC, SEX, hint="有身份证号时自动填写"),
    Field("birth_date", "出生日期", FieldType.DATE, BASIC,
          synonyms=("出生年月", "出生年月日"), hint="有身份证号时自动填写"),
    Field("ethnicity", "民族", FieldType.TEXT, BASIC, max_length=10, default="汉族"),
    Field("phone", "联系电话", FieldType.PHONE, BASIC, max_length=20,
          synonyms=("电话", "手机", "手机号码", "联系方式", "本人电话", "老人电话")),
    Field("group_id", "村民小组", FieldType.GROUP, BASIC,
          synonyms=("组别", "所在组", "村民小组", "组", "所属村民小组", "所在村民小组",
                    "村民组", "小组", "所属组", "组名", "村组", "所在村组", "所属村组",
                    "组号", "所属小组", "村民小组名称", "居住组", "所在组别", "组别名称")),
    Field("address", "家庭住址", FieldType.TEXT, BASIC, max_length=100,
          synonyms=("住址", "家庭地址", "现住址", "居住地址", "详细地址")),
    Field("education", "文化程度", FieldType.CHOICE, BASIC, choices(
        ("illiterate", "文盲"), ("primary", "小学"), ("junior", "初中"),
        ("senior", "高中及以上"))),
    Field("marital_status", "婚姻状况", FieldType.CHOICE, BASIC, choices(
        ("unmarried", "未婚"), ("married", "已婚双方健在"), ("widowed", "丧偶"),
        ("divorced", "离异")), synonyms=("婚姻",)),
    Field("medical_insurance", "医疗保险", FieldType.CHOICE, BASIC, choices(
        ("resident", "城乡居民医保"), ("employee", "职工医保"), ("none", "未参保")),
        synonyms=("医保",)),
    Field("left_behind_year", "最近认定为留守的年度", FieldType.INT, BASIC,
          check=lambda year: None if 1990 <= year <= clock.today().year
          else f"年度 {year} 不对,请填写如 2025 的年份",
          hint="保存时按规定自动记录;上年度已是留守老人的,春节后子女暂未外出也继续认定"),
    Field("registered_on", "填报日期", FieldType.DATE, BASIC),
    Field("filled_by", "填表人", FieldType.TEXT, BASIC, max_length=20),
    Field("reviewed_by", "复核人", FieldType.TEXT, BASIC, max_length=20),
    # 健康与照料
    Field("health_status", "健康状况", FieldType.CHOICE, HEALTH, choices(
        ("healthy", "健康"), ("chronic", "患慢性病"), ("partly_disabled", "部分失能"),
        ("disabled", "完全失能"), ("dementia", "失智")), synonyms=("身体状况",)),
    Field("illnesses", "患病情况", FieldType.MULTI, HEALTH, choices(
        ("hypertension", "高血压"), ("diabetes2", "2型糖尿病"), ("tuberculosis", "肺结核"),
        ("mental", "严重精神障碍"), ("serious", "其他重大疾病")),
        hint="高血压、2型糖尿病、肺结核、严重精神障碍者每月健康随访"),
    Field("disability", "残疾情况", FieldType.CHOICE, HEALTH, choices(
        ("none", "无"), ("physical", "肢体残疾"), ("visual", "视力残疾"),
        ("hearing", "听力残疾"), ("speech", "言语残疾"), ("intellectual", "智力残疾"),
        ("mental", "精神残疾"), ("multiple", "多重残疾"))),
    Field("disability_grade", "残疾等级", FieldType.CHOICE, HEALTH, choices(
        ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"))),
    Field("living_with", "陪伴居住", FieldType.MULTI, HEALTH, choices(
        ("spouse", "配偶"), ("grandchildren", "孙辈"), ("relatives", "其他近亲属"),
        ("alone", "独居"), ("empty_nest", "空巢")), exclusive=("alone",),
        synonyms=("居住情况", "居住方式")),
    # seed 001: 老年人与配偶有相互扶养的义务 — the spouse owes 扶养, not 赡养: recorded here,
    # living together, never among the supporters whose place decides 留守.
    Field("spouse_name", "配偶姓名", FieldType.TEXT, HEALTH, max_length=30,
          synonyms=("老伴姓名", "配偶"),
          hint="配偶不是赡养义务人,不计入“子女或其他赡养义务人是否外出”"),
    Field("spouse_phone", "配偶电话", FieldType.PHONE, HEALTH, max_length=20,
          synonyms=("老伴电话", "配偶联系电话")),
    Field("daily_carers", "日常照料人", FieldType.MULTI, HEALTH, choices(
        ("spouse", "配偶"), ("relatives", "近亲属"), ("hired", "雇人"),
        ("home_service", "居家养老服务"), ("self", "自己"), ("neighbours", "邻里"),
        ("nobody", "无人照顾")), exclusive=("nobody",)),
    Field("care_situation", "照料情况", FieldType.LONGTEXT, HEALTH, max_length=300),
    Field("refuses_institution", "不愿入住养老机构", FieldType.BOOL, HEALTH,
          hint="独居、空巢、高龄、重病、重残、失能而不愿入住养老机构的,每周巡访一次"),
    Field("housing_risks", "住房安全隐患", FieldType.MULTI, HEALTH, choices(
        ("dilapidated", "危房"), ("geohazard", "地质灾害隐患点"),
        ("flood_zone", "洪涝易发区")),
        hint="汛期需提前转移到安全地方(种子文件 001)"),
    # 困难与需求
    Field("family_structure", "家庭结构", FieldType.TEXT, NEEDS, max_length=100,
          hint="如:老两口,一子一女均在外务工"),
    Field("living_standard", "生活状况", FieldType.CHOICE, NEEDS, choices(
        ("good", "良好"), ("fair", "一般"), ("poor", "贫困"))),
    Field("income_sources", "经济来源", FieldType.MULTI, NEEDS, choices(
        ("work", "打工"), ("farming", "种养殖业"), ("government", "政府救助"),
        ("family_help", "亲朋接济"), ("pension", "养老保险/养老金"), ("other", "其他"))),
    Field("annual_income", "年收入(元)", FieldType.INT, NEEDS, synonyms=("年收入",)),
    Field("assistance", "救助帮扶", FieldType.MULTI, NEEDS, choices(
        ("dibao", "低保"), ("tekun", "特困供养"), ("medical", "医疗救助"),
        ("temporary", "临时救助"), ("housing", "住房救助"), ("elder_allowance", "老年人福利津贴"),
        ("disability_allowance", "残疾人两项补贴"), ("other", "其他"))),
    Field("difficulties", "存在困难", FieldType.LONGTEXT, NEEDS, max_length=300),
    Field("service_needs", "关爱服务需求", FieldType.MULTI, NEEDS, choices(
        ("daily_care", "生活照料"), ("production", "生产帮助"), ("emotional", "精神慰藉"),
        ("health", "医疗保健"), ("legal", "法律援助"), ("safety", "安全服务"),
        ("culture", "文化娱乐"), ("emergency", "紧急救助"))),
    Field("needs_note", "需求说明", FieldType.LONGTEXT, NEEDS, max_length=300),
    Field("note", "备注", FieldType.LONGTEXT, NEEDS, max_length=300),
)

# --- a supporter (赡养人): every one of them, with where they are ---
LOCATION_SCOPES = choices(
    ("in_county", "本县内"), ("out_county", "县外省内"), ("out_province", "省外"),
    ("abroad", "境外"),
)
OUTSIDE_COUNTY = frozenset({"out_county", "out_province", "abroad"})
RETURN_KINDS = choices(("temporary", "临时返乡"), ("permanent", "长期返乡"))

SUPPORTER_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", FieldType.TEXT, SUPPORTERS, required=True, max_length=30,
          # 家庭成员 | 与老人关系 rows under the elder: the spouse and the children (held-out
          # check: their names were dropped, and the spouse with them).
          synonyms=("子女姓名", "赡养人姓名", "外出子女姓名", "赡养义务人姓名", "家庭成员",
                    "家庭成员姓名", "成员姓名", "家属姓名", "亲属姓名"), check=person_name),
    Field("relation", "关系", FieldType.CHOICE, SUPPORTERS, choices(
        ("son", "儿子"), ("daughter", "女儿"), ("daughter_in_law", "儿媳"),
        ("son_in_law", "女婿"), ("grandchild", "孙子女"),
        # A 配偶 row (a ledger's 老伴/丈夫/妻子) is taken in and moved to the spouse
        # fields when the file is saved (seed 001: 扶养, not 赡养).
        ("spouse", "配偶"),
        ("other", "其他赡养义务人")), required=True,
          synonyms=("与老人关系", "与本人关系", "子女关系", "称谓")),
    Field("phone", "电话", FieldType.PHONE, SUPPORTERS, max_length=20,
          synonyms=("子女电话", "子女联系电话", "赡养人电话", "赡养人联系电话",
                    "外出子女电话")),
    Field("whereabouts", "去向(务工地)", FieldType.TEXT, SUPPORTERS, max_length=60,
          synonyms=("外出务工地点", "务工地点", "去向", "务工地", "外出地点",
                    "务工地址", "子女务工地", "外出去向", "工作地点", "工作单位", "务工单位",
                    "现居住地", "现住地", "所在地", "外出务工地", "务工去向", "外出地",
                    "外出地址", "打工地点", "工作地")),
    Field("location_scope", "所在范围", FieldType.CHOICE, SUPPORTERS, LOCATION_SCOPES,
          hint="离开县域才算外出"),
    Field("away_since", "外出时间", FieldType.DATE, SUPPORTERS, synonyms=("外出时间",)),
    Field("returned_on", "返乡时间", FieldType.DATE, SUPPORTERS),
    Field("return_kind", "返乡类型", FieldType.CHOICE, SUPPORTERS, RETURN_KINDS),
)


def by_name(fields: Sequence[Field]) -> dict[str, Field]:
    return {f.name: f for f in fields}


PERSON = by_name(PERSON_FIELDS)
SUPPORTER = by_name(SUPPORTER_FIELDS)


def in_section(fields: Sequence[Field], section: Section) -> list[Field]:
    return [f for f in fields if f.section == section]
