"""红黄绿: the risk colour a person's assessment proposes, and why (seed 002, 三色分级).

The assessment looks at four aspects — the person's own condition, how they are cared
for, the carer, the family — and ticks factors. Any red factor proposes red; else any
yellow factor proposes yellow; else green. The clerk may choose another colour only
with a written reason (``carecenter.care.care_book``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

RED = "red"
YELLOW = "yellow"
GREEN = "green"
COLOURS = (RED, YELLOW, GREEN)  # most urgent first
COLOUR_LABELS = {RED: "红色", YELLOW: "黄色", GREEN: "绿色"}
COLOUR_SHORT = {RED: "红", YELLOW: "黄", GREEN: "绿"}
COLOUR_MEANING = {RED: "高风险,重点关注", YELLOW: "低风险,密切关注", GREEN: "一般人员"}
COLOUR_HEX = {RED: "#d7301f", YELLOW: "#f0b400", GREEN: "#2e8b57"}
RANK = {RED: 0, YELLOW: 1, GREEN: 2}

# seed 002: 一旦定级并启动保护措施,要持续不低于三个月的关爱服务. Lowering a colour before
# its three months are over needs one of these reasons, and the visits of the higher
# colour continue until the three months are over (unless the person exits).
HOLD_MONTHS = 3
LOWERING_REASONS: dict[str, str] = {
    "mistaken": "原评定有误,经复核更正",
    "risk_gone": "风险因素已消除(如子女返乡照料、已有固定照料人)",
    "recovered": "病情好转,恢复生活自理",
    "moved_in_family": "已与子女或近亲属同住",
}


def colour_code(text: str) -> str | None:
    """red / 红 / 红色 → red; anything else None."""
    text = text.strip().lower()
    for code in COLOURS:
        if text in (code, COLOUR_LABELS[code], COLOUR_SHORT[code]):
            return code
    return None


@dataclass(frozen=True)
class Aspect:
    code: str
    label: str


SELF = Aspect("self", "自身情况")
CARE = Aspect("care", "被照护情况")
CARER = Aspect("carer", "照顾者情况")
FAMILY = Aspect("family", "家庭情况")
ASPECTS = (SELF, CARE, CARER, FAMILY)


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    colour: str
    aspect: Aspect
    key: bool = True  # one of the eight key categories (八类重点对象)


FACTORS: tuple[Factor, ...] = (
    # 高风险 (red)
    Factor("guardianship", "家庭监护缺失或不当", RED, CARER),
    Factor("incapacitated", "失能(失智)", RED, SELF),
    Factor("serious_illness", "患有重大疾病", RED, SELF),
    Factor("abused", "被虐待或遗弃", RED, CARE, key=False),
    Factor("violence", "被暴力侵害", RED, CARE, key=False),
    Factor("danger", "其他危及生命安全的情况", RED, SELF, key=False),
    # 低风险 (yellow)
    Factor("advanced_age", "高龄", YELLOW, SELF),
    Factor("poor", "家庭经济困难", YELLOW, FAMILY),
    Factor("physical_disability", "身患残疾", YELLOW, SELF),
    Factor("intellectual_disability", "智力障碍", YELLOW, SELF),
    Factor("care_inadequate", "日常照护不到位", YELLOW, CARE),
)
FACTOR = {f.code: f for f in FACTORS}
KEY_CATEGORIES = tuple(f for f in FACTORS if f.key)  # the eight (八类重点对象)
ADVANCED_AGE = 80  # 高龄


@dataclass(frozen=True)
class Proposal:
    colour: str
    because: tuple[Factor, ...]  # the factors that set the colour

    @property
    def text(self) -> str:
        if not self.because:
            return f"建议{COLOUR_LABELS[self.colour]}:未勾选任何风险因素,为一般人员"
        labels = "、".join(f.label for f in self.because)
        return f"建议{COLOUR_LABELS[self.colour]}({COLOUR_MEANING[self.colour]}):{labels}"


def propose(factors: Iterable[str]) -> Proposal:
    """The colour the ticked factors call for, with the factors that decide it."""
    chosen = [FACTOR[code] for code in factors if code in FACTOR]
    for colour in (RED, YELLOW):
        because = tuple(f for f in FACTORS if f.colour == colour and f in chosen)
        if because:
            return Proposal(colour, because)
    return Proposal(GREEN, ())


def suggested_factors(values: dict[str, Any], on: date) -> dict[str, str]:
    """Factors the person's file already points to, each with the fact behind it.

    Only a suggestion for the assessor, who confirms or clears each one.
    """
    found: dict[str, str] = {}
    birth = values.get("birth_date")
    if isinstance(birth, date):
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        if age >= ADVANCED_AGE:
            found["advanced_age"] = f"{age} 岁"
    health = values.get("health_status")
    if health in ("partly_disabled", "disabled", "dementia"):
        found["incapacitated"] = {"partly_disabled": "部分失能", "disabled": "完全失能",
                                  "dementia": "失智"}[health]
    if "serious" in (values.get("illnesses") or []):
        found["serious_illness"] = "档案:患其他重大疾病"
    disability = values.get("disability")
    if disability == "intellectual":
        found["intellectual_disability"] = "档案:智力残疾"
    elif disability and disability != "none":
        found["physical_disability"] = "档案:有残疾"
    assistance = set(values.get("assistance") or [])
    if values.get("living_standard") == "poor" or assistance & {"dibao", "tekun"}:
        found["poor"] = "档案:贫困或享受低保、特困供养"
    if "nobody" in (values.get("daily_carers") or []):
        found["care_inadequate"] = "档案:无人照顾"
    return found
