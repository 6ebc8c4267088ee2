"""What a ledger's 状态 or 备注 says about someone leaving the register (issue 16).

已故, 2026年10月去世, 已入住乡敬老院, 子女已返乡, 户口已迁出: a person the ledger
describes so is not 在册 any more, whatever the row's other cells say. The import
proposes the exit (reason and date) for the clerk to confirm; it never decides alone,
and never imports such a person as active without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from carecenter.storage.models import EXIT_REASONS

# In order: a person who died in the home for the aged died.
_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("died", re.compile(r"已故|去世|过世|死亡|病故|亡故|身故|已逝|逝世|离世|已殁")),
    ("institution", re.compile(
        r"(?:入住|住进|送往|进入|进了|住在|入院|在)[^,，;；。]{0,8}"
        r"(?:敬老院|养老院|福利院|养老机构|幸福院|供养中心|光荣院|托养|护理院)|"
        r"(?:敬老院|养老院|福利院|供养中心)(?:集中)?供养|集中供养")),
    ("supporter_returned", re.compile(
        r"(?:子女|儿子|女儿|儿女|赡养人|儿媳|孩子)[^,，;；。]{0,6}"
        r"(?:返乡|回乡|回家|回来|回村|在家照顾|返回)|已返乡")),
    ("moved", re.compile(r"迁出|迁走|户口已迁|搬离|随子女(?:外出|进城|搬)|搬到外地")),
)
_NOT = re.compile(r"未|不|没有|拟|准备|计划|是否")
# A relative named before the words in the same clause: 老伴已去世, 丈夫入住敬老院, 女儿在
# 敬老院上班 say nothing about the elder leaving (the elder lives on, often alone).
_SOMEONE_ELSE = re.compile(r"老伴|配偶|丈夫|妻子|老公|老婆|爱人|前夫|前妻|儿子|女儿|子女|儿媳|"
                           r"女婿|孙|父亲|母亲|哥|弟|姐|妹|侄|其夫|其妻|大儿|二儿|小儿|长子|次子")
# Working in a home, not living there.
_WORKS_THERE = re.compile(r"^[^,，;；。]{0,4}(?:上班|工作|务工|打工|做工|当护工|帮工)")
# Home for the Spring Festival is not home for good: seed 002's carry-over rule.
_FOR_A_WHILE = re.compile(r"春节|过年|过节|探亲|暂时|临时|短期|放假|节假日|农忙|偶尔|每年|逢年")
_CLAUSE = re.compile(r"[,，;；。、\s]+")
_FULL = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*(?:[月./-]\s*(\d{1,2})\s*日?|月)?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


@dataclass(frozen=True)
class ExitProposal:
    reason: str  # a key of EXIT_REASONS
    on: date
    said: str  # what the ledger says, as written
    dated: bool  # the date is the ledger's, not the import's

    @property
    def reason_label(self) -> str:
        return EXIT_REASONS[self.reason]

    def describe(self) -> str:
        when = f"{self.on:%Y-%m-%d}" + ("" if self.dated else "(台账未写日期,按导入当天记)")
        return f"台账写明“{self.said[:30]}”:建议办理退出,原因“{self.reason_label}”,日期 {when}"


def proposed_exit(text: str, today: date) -> ExitProposal | None:
    """The exit a 状态 or 备注 text describes, or None."""
    text = text.strip()
    if not text:
        return None
    for reason, pattern in _REASONS:
        for clause in _CLAUSE.split(text):
            if _says(reason, pattern, clause):
                on = _date_in(clause, today) or _date_in(text, today)
                return ExitProposal(reason, on or today, text, on is not None)
    return None


def _says(reason: str, pattern: re.Pattern[str], clause: str) -> bool:
    """Does this clause say the elder left for this reason?"""
    m = pattern.search(clause)
    if m is None or _NOT.search(clause[max(0, m.start() - 3):m.end()]):
        return False
    if reason == "supporter_returned":
        return not _FOR_A_WHILE.search(clause)
    if _SOMEONE_ELSE.search(clause[:m.start()]):
        return False
    return not (reason == "institution" and _WORKS_THERE.match(clause[m.end():]))


def _date_in(text: str, today: date) -> date | None:
    """2026年10月3日, 2026.10, 2026-10-03, 10月3日 (this year, or last when later)."""
    m = _FULL.search(text)
    try:
        if m:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        else:
            md = _MONTH_DAY.search(text)
            if md is None:
                return None
            day = date(today.year, int(md.group(1)), int(md.group(2)))
            if day > today:
                day = day.replace(year=today.year - 1)
    except ValueError:
        return None
    return day if day <= today else None
