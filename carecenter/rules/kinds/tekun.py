"""特困群众: the extremely poor (特困供养人员), their file and yearly items.

The definition is a status the civil-affairs office confers (特困人员认定): the file
records the certificate and the day it was conferred, and the verdict reads them.

Items (seed 000): 全面落实救助供养、大病救助、临时救助、残疾人“两项补贴”等特殊支持政策;
“资金+物资+服务”的救助模式; 为特困供养户、残疾人等特困群众提供必要的访视和照料服务.
Each is a duty with a due date: the yearly review of 救助供养, 大病救助 for the seriously
ill, the yearly look at whether 临时救助 is needed, the 两项补贴 for the disabled, and a
service (访视和照料) delivered each quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from carecenter.rules.cadences import CadenceBook, CareFacts
from carecenter.rules.fields import (
    BASIC,
    HEALTH,
    NEEDS,
    Field,
    FieldType,
    Section,
    choices,
)
from carecenter.rules.kinds.declaration import (
    Figure,
    PersonKind,
    Values,
    every_quarter,
    every_year,
    next_change,
    pick,
)
from carecenter.rules.leftbehind import Verdict

SUPPORT = Section("tekun", "特困供养")

TEKUN_FIELDS: tuple[Field, ...] = (
    Field("tekun_cert", "特困供养证号", FieldType.TEXT, SUPPORT, max_length=30,
          synonyms=("供养证号", "特困证号", "特困人员供养证号", "供养证编号", "特困供养证编号",
                    "特困证编号")),
    Field("tekun_since", "认定时间", FieldType.DATE, SUPPORT,
          synonyms=("特困认定时间", "纳入时间", "认定日期", "特困认定日期", "纳入特困时间",
                    "纳入供养时间", "特困人员认定时间"), hint="民政部门认定为特困供养人员的日期"),
    Field("support_mode", "供养方式", FieldType.CHOICE, SUPPORT, choices(
        ("concentrated", "集中供养"), ("dispersed", "分散供养")),
        synonyms=("供养形式", "供养类型", "供养方式(集中/分散)")),
    Field("self_care", "生活自理能力", FieldType.CHOICE, SUPPORT, choices(
        ("full", "全自理"), ("partial", "半护理"), ("none", "全护理")),
        synonyms=("自理能力",)),
    Field("monthly_allowance", "基本生活费(元/月)", FieldType.INT, SUPPORT,
          synonyms=("供养金", "基本生活费")),
)

SUPPORT_REVIEW, ILLNESS_AID, TEMP_AID, ALLOWANCE, SERVICE = (
    "support", "illness_aid", "temp_aid", "allowance", "service")


@dataclass(frozen=True)
class StatusVerdict(Verdict):
    """A conferred status, not a 留守 finding: says 特困供养 where the others say 留守."""

    @property
    def label(self) -> str:
        if self.undecided:
            return "无法判断"
        return "特困" if self.left_behind else "不符合"

    @property
    def text(self) -> str:
        if self.undecided:
            return "无法判断是否特困供养人员:缺少" + ";".join(self.reasons)
        return f"{'符合' if self.left_behind else '不符合'}特困认定:" + ";".join(self.reasons)


def judge(values: Values, supporters: Sequence[Values], on: date) -> Verdict:
    return replace(_judge(values, on), until=next_change(on, values.get("tekun_since")))


def _judge(values: Values, on: date) -> Verdict:
    since = values.get("tekun_since")
    cert = values.get("tekun_cert")
    if since is None:
        return StatusVerdict(False, ("特困供养认定时间",), undecided=True)
    if since > on:
        return StatusVerdict(False, (f"{since:%Y-%m-%d} 才认定为特困供养人员",))
    mode = TEKUN_FIELDS[2].display(values.get("support_mode"))
    return StatusVerdict(True, (
        f"{since:%Y-%m-%d} 认定为特困供养人员" + (f"(证号 {cert})" if cert else "")
        + (f",{mode}" if mode else ""),))


def _seriously_ill(p: CareFacts, on: date) -> bool:
    return "serious" in p.illnesses or "serious_illness" in p.factors


def _disabled(p: CareFacts, on: date) -> bool:
    return p.disability_grade is not None


TEKUN = PersonKind(
    code="tekun",
    label="特困群众",
    short="特困",
    judge=judge,
    fields=pick((
        "name", "id_number", "sex", "birth_date", "ethnicity", "phone", "group_id", "address",
        "marital_status", "registered_on", "filled_by", "reviewed_by",
        "tekun_cert", "tekun_since", "support_mode", "self_care", "monthly_allowance",
        "health_status", "illnesses", "disability", "disability_grade", "living_with",
        "daily_carers", "housing_risks", "living_standard", "income_sources", "annual_income",
        "assistance", "difficulties", "service_needs", "needs_note", "note",
    ), TEKUN_FIELDS),
    sections=(BASIC, SUPPORT, HEALTH, NEEDS),
    roles=(),
    cadences=CadenceBook((
        # seed 000: 全面落实救助供养、大病救助、临时救助、残疾人“两项补贴”
        every_year("support_yearly", SUPPORT_REVIEW, "每年核实救助供养落实1次",
                   frozenset({SUPPORT_REVIEW})),
        every_year("illness_aid_yearly", ILLNESS_AID, "患重大疾病的,每年落实大病救助",
                   frozenset({ILLNESS_AID}), _seriously_ill),
        every_year("temp_aid_yearly", TEMP_AID, "每年排查临时救助需求1次", frozenset({TEMP_AID})),
        every_year("allowance_yearly", ALLOWANCE, "残疾的,每年落实残疾人两项补贴",
                   frozenset({ALLOWANCE}), _disabled),
        # seed 000: “资金+物资+服务”; 提供必要的访视和照料服务
        every_quarter("service_quarterly", SERVICE, "每季度提供访视和照料服务1次",
                      frozenset({SERVICE, "home"})),
    )),
    duties={SUPPORT_REVIEW: "救助供养", ILLNESS_AID: "大病救助", TEMP_AID: "临时救助",
            ALLOWANCE: "两项补贴", SERVICE: "服务送达"},
    records={SUPPORT_REVIEW: "救助供养落实", ILLNESS_AID: "大病救助", TEMP_AID: "临时救助",
             ALLOWANCE: "两项补贴发放", SERVICE: "服务送达(资金、物资、服务)", "home": "入户走访"},
    form_title="特困群众基本情况登记表",
    form="generic",
    figures=(
        Figure("concentrated", "集中供养", lambda v, on: v.get("support_mode") == "concentrated"),
        Figure("dispersed", "分散供养", lambda v, on: v.get("support_mode") == "dispersed"),
        Figure("full_care", "全护理", lambda v, on: v.get("self_care") == "none"),
    ),
    columns=("support_mode", "self_care"),
    card_ways=("入户走访", "服务送达", "救助落实"),
    seed="000",
    reads=("tekun_since", "tekun_cert", "support_mode"),
)
