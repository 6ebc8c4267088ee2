"""农村留守儿童: the child's definition, file, people, duties and figures.

Definition (国发〔2016〕13号 and 民发〔2016〕42号, not in the seeds; DOMAIN.md "Who is
cared for"): 因父母双方外出务工或一方外出务工另一方无监护能力,无法与父母正常共同生活的
不满十六周岁农村户籍未成年人. 无监护能力: the parent at home has lost the capacity through
serious illness or disability (or is dead). A parent is away as the elders' supporters
are: outside the county (县域), not back for good; a Spring Festival visit (临时返乡)
does not end it. No minimum time away: the national definition names none.

Duties (seed 000): 由各村儿童督导主任监督监护人每周与留守儿童联系交流一次,村社干部每月至少
入户走访一次. The child leaves at 16, proposed on the work list the day they turn 16.
The file follows the registration form 民发〔2016〕42号 附件1 (农村留守儿童基本情况登记表).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from carecenter.calendar import add_months
from carecenter.rules.cadences import HOME_VISIT, CadenceBook
from carecenter.rules.fields import (
    BASIC,
    LOCATION_SCOPES,
    OUTSIDE_COUNTY,
    RETURN_KINDS,
    Field,
    FieldType,
    Section,
    choices,
    person_name,
)
from carecenter.rules.helper_duties import CHILD_DUTIES
from carecenter.rules.idnumber import age_on
from carecenter.rules.kinds.declaration import (
    Figure,
    PersonKind,
    Role,
    Values,
    every_month,
    every_week,
    next_change,
    pick,
)
from carecenter.rules.leftbehind import Verdict

LEAVING_AGE = 16  # 不满十六周岁

PARENTS = Section("parents", "父母")
GUARDIANS = Section("guardians", "委托监护人")
SCHOOL = Section("school", "就学与健康")
CARE = Section("child_care", "监护与帮扶")

SCHOOLING = choices(
    ("kindergarten", "幼儿园"), ("not_in_kindergarten", "未入园"), ("primary", "小学"),
    ("junior", "初中"), ("senior", "高中"), ("vocational", "中职"),
    ("dropped_out", "辍学"), ("not_in_school", "不在学"),
)
GUARDIANSHIP = choices(
    ("none", "无人监护"), ("parent_unable", "父或母无监护能力"),
    ("trustee_weak", "受委托监护人监护能力不足"), ("fair", "监护情况一般"),
    ("good", "监护情况较好"),
)
HARDSHIP = choices(
    ("orphan", "孤儿"), ("unsupported", "事实无人抚养儿童"), ("disabled", "残疾儿童"),
    ("ill", "重病儿童"), ("poor", "家庭经济困难"),
)

# The child's own fields (the common ones, name to 备注, come from the pool).
CHILD_FIELDS: tuple[Field, ...] = (
    Field("hukou_registered", "是否登记户口", FieldType.BOOL, BASIC, default=True),
    Field("hukou_place", "户籍所在地", FieldType.TEXT, BASIC, max_length=60),
    Field("schooling", "就学情况", FieldType.CHOICE, SCHOOL, SCHOOLING,
          synonyms=("就学", "在校情况", "就读情况"),
          hint="辍学:义务教育阶段辍学;不在学:14 至 16 岁未在学"),
    Field("school", "学校名称", FieldType.TEXT, SCHOOL, max_length=40,
          synonyms=("学校", "就读学校", "所在学校")),
    Field("grade", "年级班级", FieldType.TEXT, SCHOOL, max_length=20,
          synonyms=("年级", "班级", "就读年级")),
    Field("boarding", "是否学校寄宿", FieldType.BOOL, SCHOOL, synonyms=("寄宿", "是否寄宿")),
    Field("child_health", "身体情况", FieldType.MULTI, SCHOOL, choices(
        ("healthy", "健康"), ("disabled", "残疾"), ("ill", "患病")), exclusive=("healthy",),
        synonyms=("健康状况", "身体状况")),
    Field("illness_type", "患病类型", FieldType.TEXT, SCHOOL, max_length=40,
          hint="患有重特大疾病或严重精神障碍"),
    Field("guardianship", "监护情况", FieldType.CHOICE, CARE, GUARDIANSHIP,
          synonyms=("监护类型", "监护情况评估"),
          hint="较好:委托监护人较好履行监护职责;一般:基本履行;无人监护或能力不足的要重点关爱"),
    Field("hardship", "困境情况", FieldType.MULTI, CARE, HARDSHIP,
          synonyms=("困境类型", "儿童类别"),
          hint="孤儿、事实无人抚养儿童纳入补贴和保障范围(种子文件 000)"),
)

_AWAY = (
    Field("whereabouts", "当前务工地点", FieldType.TEXT, PARENTS, max_length=60,
          synonyms=("务工地点", "父母务工地点", "外出务工地点"),
          hint="写到省、市,如:广东省东莞市"),
    Field("location_scope", "所在范围", FieldType.CHOICE, PARENTS, LOCATION_SCOPES,
          hint="离开县域才算外出"),
    Field("away_since", "外出时间", FieldType.DATE, PARENTS),
    Field("returned_on", "返乡时间", FieldType.DATE, PARENTS),
    Field("return_kind", "返乡类型", FieldType.CHOICE, PARENTS, RETURN_KINDS),
)
PARENT_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", FieldType.TEXT, PARENTS, required=True, max_length=30,
          synonyms=("父母姓名",), check=person_name),
    Field("relation", "关系", FieldType.CHOICE, PARENTS, choices(
        ("father", "父亲"), ("mother", "母亲")), required=True),
    Field("id_number", "公民身份证号码", FieldType.ID_NUMBER, PARENTS, max_length=18),
    Field("phone", "联系电话", FieldType.PHONE, PARENTS, max_length=20,
          synonyms=("父母电话", "父母联系电话")),
    *_AWAY,
    Field("unable", "无监护能力", FieldType.BOOL, PARENTS,
          hint="留守在家的父亲或母亲因重病、重残等原因丧失监护能力,或已故"),
)
GUARDIAN_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", FieldType.TEXT, GUARDIANS, required=True, max_length=30,
          synonyms=("监护人", "监护人姓名", "委托监护人姓名"), check=person_name),
    Field("relation", "与儿童关系", FieldType.CHOICE, GUARDIANS, choices(
        ("grandfather", "祖父"), ("grandmother", "祖母"),
        ("maternal_grandfather", "外祖父"), ("maternal_grandmother", "外祖母"),
        ("sibling", "兄姐"), ("relative", "其他亲属"), ("friend", "朋友"), ("other", "其他")),
        required=True, synonyms=("与被监护人关系", "监护人关系")),
    Field("phone", "联系电话", FieldType.PHONE, GUARDIANS, max_length=20,
          synonyms=("监护人电话", "监护人联系电话")),
    Field("id_number", "公民身份证号码", FieldType.ID_NUMBER, GUARDIANS, max_length=18),
    Field("address", "居住地地址", FieldType.TEXT, GUARDIANS, max_length=60),
)

PARENT_ROLE = Role(
    "parent", "父母", PARENTS, PARENT_FIELDS,
    empty="尚未登记父母。父亲、母亲都要登记;外出的写明务工地点、电话和外出时间。",
    hint="父母一方去世的,登记后勾选“无监护能力”并在备注中写明。",
    summary=("name", "relation", "phone", "whereabouts", "location_scope", "away_since",
             "unable"),
)
GUARDIAN_ROLE = Role(
    "guardian", "委托监护人", GUARDIANS, GUARDIAN_FIELDS,
    empty="尚未登记委托监护人。父母外出时委托照看孩子的人(多为祖父母)登记在这里。",
    summary=("name", "relation", "phone", "address"),
)

CONTACT = "contact"  # a record: the guardian or the parents in touch with the child


def parent_away(s: Values, on: date) -> bool:
    """Away as the elders' supporters are: outside the county, not back for good
    (a Spring Festival visit, 临时返乡, does not end it)."""
    if s.get("location_scope") not in OUTSIDE_COUNTY:
        return False
    since = s.get("away_since")
    if since is not None and since > on:
        return False
    return not home_for_good(s, on)


def home_for_good(s: Values, on: date) -> bool:
    """Back for good (长期返乡) by ``on``: whatever the row says of where they worked."""
    back = s.get("returned_on")
    return back is not None and back <= on and s.get("return_kind") == "permanent"


def _who(s: Values) -> str:
    relation = PARENT_ROLE.field("relation").choice_label(s.get("relation"))
    return f"{relation}{s.get('name') or ''}"


def judge(values: Values, supporters: Sequence[Values], on: date) -> Verdict:
    """Is the child 留守 on ``on``, and why (or why not, or what is missing); ``until``
    the next day it may change by the calendar (the 16th birthday, a date ahead)."""
    birth = values.get("birth_date")
    days = [add_months(birth, 12 * LEAVING_AGE) if birth else None]
    for s in supporters:
        days += [s.get("away_since"), s.get("returned_on")]
    return replace(_judge(values, supporters, on), until=next_change(on, *days))


def _judge(values: Values, supporters: Sequence[Values], on: date) -> Verdict:
    birth = values.get("birth_date")
    if birth is None:
        return Verdict(False, ("出生日期(待补充身份证号或出生日期),无法判断是否不满 16 周岁",),
                       undecided=True)
    age = age_on(birth, on)
    if age >= LEAVING_AGE:
        turned = add_months(birth, 12 * LEAVING_AGE)
        return Verdict(False, (f"已满 16 周岁({turned:%Y-%m-%d} 满)",), age=age)
    parents = [s for s in supporters if s.get("role") == PARENT_ROLE.code]
    if not parents:
        return Verdict(False, ("父母的情况(外出务工地点、外出时间)",), undecided=True)
    away = [s for s in parents if parent_away(s, on)]
    home = [s for s in parents if not parent_away(s, on)]
    unable = [s for s in home if s.get("unable")]
    if away and len(parents) == 1:
        return Verdict(False, (f"只登记了{_who(away[0])},另一方的情况未登记",), undecided=True)
    if away and len(home) == len(unable):
        where = ";".join(
            f"{_who(s)}在{s.get('whereabouts') or '外地'}务工"
            + (f"(自 {s['away_since']:%Y-%m-%d})" if s.get("away_since") else "")
            for s in away)
        why = "父母双方均外出务工" if not home else \
            "父母一方外出务工、另一方无监护能力(" + "、".join(_who(s) for s in unable) + ")"
        return Verdict(True, (f"{why}:{where}",), age=age)
    reasons: list[str] = []
    for s in home:
        if s.get("unable"):
            continue
        back = s.get("returned_on")
        if back is not None and back <= on and s.get("return_kind") == "permanent":
            reasons.append(f"{_who(s)}已于 {back:%Y-%m-%d} 长期返乡")
        elif s.get("location_scope") is None:
            reasons.append(f"{_who(s)}的所在范围未填写")
        else:
            reasons.append(f"{_who(s)}在家(未离开县域)且有监护能力")
    return Verdict(False, tuple(reasons or ["父母未外出务工"]), age=age)


def _age_between(low: int, high: int) -> Figure:
    return Figure(f"age{low}_{high}", f"{low}-{high} 周岁",
                  lambda v, on: v.get("birth_date") is not None
                  and low <= age_on(v["birth_date"], on) <= high)


CHILD = PersonKind(
    code="child",
    label="农村留守儿童",
    short="儿童",
    judge=judge,
    fields=pick((
        "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "group_id", "address",
        "hukou_registered", "hukou_place", "registered_on", "filled_by", "reviewed_by",
        "schooling", "school", "grade", "boarding", "child_health", "disability",
        "disability_grade", "illness_type", "guardianship", "hardship", "income_sources",
        "assistance", "difficulties", "needs_note", "note",
    ), CHILD_FIELDS),
    sections=(BASIC, PARENTS, GUARDIANS, SCHOOL, CARE),
    roles=(PARENT_ROLE, GUARDIAN_ROLE),
    cadences=CadenceBook((
        # seed 000: 由各村儿童督导主任监督监护人每周与留守儿童联系交流一次
        every_week("guardian_contact", CONTACT, "监护人(或父母)每周与儿童联系交流1次,"
                   "儿童督导主任督促核实", frozenset({CONTACT})),
        # seed 000: 村社干部每月至少入户走访一次
        every_month("child_visit", "visit", "村社干部每月至少入户走访1次(了解就学、生活、安全)",
                    HOME_VISIT),
    )),
    duties={CONTACT: "监护人联系", "visit": "入户走访"},
    records={CONTACT: "监护人联系交流", "home": "入户走访"},
    form_title="农村留守儿童基本情况登记表",
    form="child",
    leaves_at=LEAVING_AGE,
    leave_rule="年满 16 周岁,不再属于留守儿童,提请退出",
    figures=(
        _age_between(0, 5), _age_between(6, 13), _age_between(14, 15),
        Figure("orphan", "孤儿", lambda v, on: "orphan" in (v.get("hardship") or ())),
        Figure("unsupported", "事实无人抚养",
               lambda v, on: "unsupported" in (v.get("hardship") or ())),
        Figure("unguarded", "无人监护", lambda v, on: v.get("guardianship") == "none"),
        Figure("dropped_out", "辍学", lambda v, on: v.get("schooling") == "dropped_out"),
        Figure("boarding", "学校寄宿", lambda v, on: bool(v.get("boarding"))),
    ),
    columns=("school", "grade", "guardianship"),
    helper_roles=("teacher",),
    helper_duties=CHILD_DUTIES,  # seed 000: 村社干部每月至少入户走访一次
    card_ways=("监护人联系交流", "入户走访"),
    seed="000",
    placement={"disability": SCHOOL, "disability_grade": SCHOOL, "income_sources": CARE,
               "assistance": CARE, "difficulties": CARE, "needs_note": CARE, "note": CARE},
)
