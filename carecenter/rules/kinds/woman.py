"""农村留守妇女: the woman's definition, file, husband and yearly items.

Definition (the 三留守 census after 民发〔2016〕42号, not in the seeds): 丈夫外出务工,自己
留守在农村户籍所在地居住生活,20—59周岁的已婚妇女. The husband is away as the elders'
supporters are (outside the county, not back for good); no minimum time is named.

Yearly items (seed 000): 就业技能培训 (乡村旅游、农村电商、特色手工、扶贫车间), 参加一次
心理健康知识讲座, 实现一次夫妻团聚, “两癌”筛查 — each a duty due once in every calendar
year, met by a record of that kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from carecenter.calendar import add_months
from carecenter.rules.cadences import CadenceBook
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
from carecenter.rules.idnumber import age_on
from carecenter.rules.kinds.declaration import (
    Figure,
    PersonKind,
    Role,
    Values,
    every_year,
    next_change,
    pick,
)
from carecenter.rules.leftbehind import Verdict

MIN_AGE, MAX_AGE = 20, 59

HUSBAND = Section("husband", "丈夫")
GROWTH = Section("growth", "就业与健康")

WOMAN_FIELDS: tuple[Field, ...] = (
    Field("employment", "就业情况", FieldType.CHOICE, GROWTH, choices(
        ("farming", "务农"), ("local_work", "就近务工"), ("self_employed", "自主创业"),
        ("public_post", "公益性岗位"), ("none", "无业"))),
    Field("training_wish", "培训意愿", FieldType.MULTI, GROWTH, choices(
        ("tourism", "乡村旅游"), ("ecommerce", "农村电商"), ("handicraft", "特色手工"),
        ("workshop", "扶贫车间"), ("other", "其他")),
        hint="种子文件 000:鼓励参加就业技能培训,实现就近就业"),
    Field("children_at_home", "在家子女数", FieldType.INT, GROWTH),
    Field("elders_at_home", "在家老人数", FieldType.INT, GROWTH),
)

HUSBAND_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", FieldType.TEXT, HUSBAND, required=True, max_length=30,
          synonyms=("丈夫姓名",), check=person_name),
    Field("relation", "关系", FieldType.CHOICE, HUSBAND, choices(("husband", "丈夫"),),
          required=True, default="husband"),
    Field("phone", "联系电话", FieldType.PHONE, HUSBAND, max_length=20,
          synonyms=("丈夫电话",)),
    Field("whereabouts", "务工地点", FieldType.TEXT, HUSBAND, max_length=60,
          synonyms=("丈夫务工地点",)),
    Field("location_scope", "所在范围", FieldType.CHOICE, HUSBAND, LOCATION_SCOPES,
          hint="离开县域才算外出"),
    Field("away_since", "外出时间", FieldType.DATE, HUSBAND),
    Field("returned_on", "返乡时间", FieldType.DATE, HUSBAND),
    Field("return_kind", "返乡类型", FieldType.CHOICE, HUSBAND, RETURN_KINDS),
)
HUSBAND_ROLE = Role(
    "husband", "丈夫", HUSBAND, HUSBAND_FIELDS,
    empty="尚未登记丈夫。外出务工的丈夫写明务工地点、电话和外出时间。",
    summary=("name", "phone", "whereabouts", "location_scope", "away_since", "return_kind"),
)

TRAINING, TALK, REUNION, SCREENING = "training", "mental_talk", "reunion", "screening"


def judge(values: Values, supporters: Sequence[Values], on: date) -> Verdict:
    """Is she 留守 on ``on``; ``until`` the next day it may change by the calendar."""
    birth = values.get("birth_date")
    days = [add_months(birth, 12 * MIN_AGE) if birth else None,
            add_months(birth, 12 * (MAX_AGE + 1)) if birth else None]
    for s in supporters:
        days += [s.get("away_since"), s.get("returned_on")]
    return replace(_judge(values, supporters, on), until=next_change(on, *days))


def _judge(values: Values, supporters: Sequence[Values], on: date) -> Verdict:
    birth = values.get("birth_date")
    if birth is None:
        return Verdict(False, ("出生日期(待补充身份证号或出生日期)",), undecided=True)
    age = age_on(birth, on)
    if values.get("sex") == "male":
        return Verdict(False, ("留守妇女须为女性",))
    if not MIN_AGE <= age <= MAX_AGE:
        return Verdict(False, ("不在 20-59 周岁之间",), age=age)
    husbands = [s for s in supporters if s.get("role") == HUSBAND_ROLE.code]
    if not husbands:
        return Verdict(False, ("丈夫的情况(务工地点、外出时间)",), undecided=True)
    h = husbands[0]
    back = h.get("returned_on")
    if back is not None and back <= on and h.get("return_kind") == "permanent":
        return Verdict(False, (f"丈夫{h.get('name')}已于 {back:%Y-%m-%d} 长期返乡",),
                       age=age)
    if h.get("location_scope") is None:
        return Verdict(False, (f"丈夫{h.get('name')}的所在范围",), undecided=True)
    if h.get("location_scope") not in OUTSIDE_COUNTY:
        return Verdict(False, (f"丈夫{h.get('name')}在本县内,未离开县域",), age=age)
    since = h.get("away_since")
    if since is not None and since > on:
        return Verdict(False, (f"丈夫 {since:%Y-%m-%d} 才外出",), age=age)
    where = h.get("whereabouts") or "外地"
    return Verdict(True, (f"丈夫{h.get('name')}在{where}务工"
                          + (f"(自 {since:%Y-%m-%d})" if since else ""),), age=age)


WOMAN = PersonKind(
    code="woman",
    label="农村留守妇女",
    short="妇女",
    judge=judge,
    fields=pick((
        "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "group_id", "address",
        "education", "registered_on", "filled_by", "reviewed_by",
        "employment", "training_wish", "children_at_home", "elders_at_home",
        "health_status", "illnesses", "disability", "disability_grade",
        "living_standard", "income_sources", "annual_income", "assistance", "difficulties",
        "service_needs", "needs_note", "note",
    ), WOMAN_FIELDS),
    sections=(BASIC, HUSBAND, GROWTH),
    roles=(HUSBAND_ROLE,),
    cadences=CadenceBook((
        # seed 000: 鼓励农村留守妇女参加……就业技能培训; 参加一次心理健康知识讲座;
        # 实现一次夫妻团聚; 积极开展“两癌”筛查工作 — once in each calendar year.
        every_year("training_yearly", TRAINING, "每年参加就业技能培训1次", frozenset({TRAINING})),
        every_year("talk_yearly", TALK, "每年参加心理健康知识讲座1次", frozenset({TALK})),
        every_year("reunion_yearly", REUNION, "每年实现夫妻团聚1次", frozenset({REUNION})),
        every_year("screening_yearly", SCREENING, "每年“两癌”筛查1次", frozenset({SCREENING})),
    )),
    duties={TRAINING: "技能培训", TALK: "心理健康讲座", REUNION: "夫妻团聚", SCREENING: "两癌筛查"},
    records={TRAINING: "技能培训", TALK: "心理健康讲座", REUNION: "夫妻团聚",
             SCREENING: "两癌筛查", "home": "入户走访"},
    form_title="农村留守妇女基本情况登记表",
    form="generic",
    figures=(
        Figure("local_work", "就近就业",
               lambda v, on: v.get("employment") in ("local_work", "self_employed",
                                                      "public_post")),
        Figure("training_wish", "有培训意愿", lambda v, on: bool(v.get("training_wish"))),
    ),
    columns=("employment",),
    card_ways=("入户走访", "技能培训", "心理健康讲座", "两癌筛查"),
    seed="000",
    reads=("birth_date", "sex"),
    placement={"health_status": GROWTH, "illnesses": GROWTH, "disability": GROWTH,
               "disability_grade": GROWTH, "living_standard": GROWTH,
               "income_sources": GROWTH, "annual_income": GROWTH, "assistance": GROWTH,
               "difficulties": GROWTH, "service_needs": GROWTH, "needs_note": GROWTH,
               "note": GROWTH},
)
