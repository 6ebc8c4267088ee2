"""农村留守老年人: the first kind, declared like the others (seed 002, DOMAIN.md).

Its definition is ``carecenter.rules.leftbehind``; its fields the common form of
``carecenter.rules.fields``; its people around it the 赡养人 (the spouse owes 扶养 and
is not one of them: seed 001); its cadences ``ELDER_CADENCES`` (seed 002).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from carecenter.rules import leftbehind
from carecenter.rules.cadences import DUTIES, ELDER_CADENCES, ELDER_VILLAGE_CADENCES
from carecenter.rules.fields import PERSON_FIELDS, SECTIONS, SUPPORTER_FIELDS, SUPPORTERS
from carecenter.rules.helper_duties import ELDER_DUTIES
from carecenter.rules.idnumber import age_on
from carecenter.rules.kinds.declaration import Figure, PersonKind, Role, Values

SUPPORTER_ROLE = Role(
    "supporter", "赡养人", SUPPORTERS, SUPPORTER_FIELDS,
    empty="尚未登记赡养人。子女或其他赡养义务人都要登记,外出的要写明去向和外出时间。",
    hint="提示:子女春节等临时回家,返乡类型选“临时返乡”,再外出时清空返乡时间即可。",
    summary=("name", "relation", "phone", "whereabouts", "location_scope", "away_since",
             "return_kind"),
)


def supporter_facts(supporters: Sequence[Values], role: str) -> list[leftbehind.SupporterFacts]:
    """The rows of one role as the verdict reads them (a row without a role is an
    elder's 赡养人: files made before kinds had roles)."""
    return [
        leftbehind.SupporterFacts(
            name=s.get("name") or "",
            location_scope=s.get("location_scope"),
            away_since=s.get("away_since"),
            returned_on=s.get("returned_on"),
            return_kind=s.get("return_kind"),
            relation=s.get("relation"),
        )
        for s in supporters if (s.get("role") or "supporter") == role
    ]


def judge(values: Values, supporters: Sequence[Values], on: date) -> leftbehind.Verdict:
    return leftbehind.assess(leftbehind.PersonFacts(
        birth_date=values.get("birth_date"),
        supporters=supporter_facts(supporters, SUPPORTER_ROLE.code),
        left_behind_year=values.get("left_behind_year"),
    ), on)


ELDER = PersonKind(
    code="elder",
    label="农村留守老年人",
    short="老年人",
    judge=judge,
    fields=PERSON_FIELDS,
    helper_duties=ELDER_DUTIES,  # seed 001
    sections=SECTIONS,
    roles=(SUPPORTER_ROLE,),
    cadences=ELDER_CADENCES,
    village_cadences=ELDER_VILLAGE_CADENCES,
    duties=DUTIES,
    records={"home": "入户走访", "phone": "电话问候", "video": "联系子女(视频或电话)",
             "health": "健康随访", "checkup": "健康体检"},
    form_title="农村留守老年人基本情况登记表",
    form="elder",
    figures=(
        Figure("age80", "80 周岁以上",
               lambda v, on: age_on(v["birth_date"], on) >= 80
               if v.get("birth_date") else False),
        Figure("alone", "独居", lambda v, on: "alone" in (v.get("living_with") or ())),
    ),
    seed="002",
    reads=("birth_date", "left_behind_year"),
    documents=("form", "card", "agreement"),
    card_ways=("入户走访", "电话问候", "健康随访", "健康体检"),
)
