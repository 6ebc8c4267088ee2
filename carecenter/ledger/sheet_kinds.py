"""The workbook as a whole: which sheets are the register, and which are not (issue 16).

A village's ledger is often one workbook with a 填表说明 sheet first, a 汇总 sheet
counting people per group (with the group leaders' names), one sheet per village group
(一组, 二组 …, with no group column) and a few blank sheets. Each sheet is told apart by
what it holds, not only by its name: a register sheet has a header with a name column
whose cells look like people's names; an instructions sheet lists the columns' names
(性别, 组别 …) where names belong; a summary counts (人数, 户数) and has no ID numbers.
Every sheet gets a kind and a reason the clerk can read; all register sheets are read
in one import, each with the group its name or title gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from carecenter.ledger import cells, column_content, kind_columns, mapping
from carecenter.ledger.column_content import is_label, looks_like_name
from carecenter.ledger.mapping import Layout
from carecenter.ledger.rows import is_group_heading
from carecenter.ledger.workbook import Sheet, text_of
from carecenter.rules.kinds import KINDS

REGISTER, SUMMARY, INSTRUCTIONS, BLANK, NO_TABLE, OTHER_KIND = (
    "register", "summary", "instructions", "blank", "no_table", "other_kind")
KIND_LABELS = {REGISTER: "人员台账", SUMMARY: "汇总表", INSTRUCTIONS: "填表说明",
               BLANK: "空白", NO_TABLE: "无人员表格", OTHER_KIND: "其他类别的台账"}

_INSTRUCTION_NAME = re.compile(r"说明|须知|要求|注意|指标解释|填表|示例|样表|模板")
_COVER_NAME = re.compile(r"封面|目录|封皮")
_SUMMARY_NAME = re.compile(r"汇总|统计|合计|总计|分类|情况表$")
_COUNT_LABEL = re.compile(r"人数|户数|数量|人次|个数|^合计$|^小计$|^总计$|^共计$")
# 白竹村三组留守老年人花名册, 第二村民小组: a group named in a title.
_GROUP_IN_TEXT = re.compile(r"(第?\s*[0-9一二三四五六七八九十]+\s*(?:村民小组|小组|组|队))")
# 上屋组, 堰塘组, 石板社: a group the village names by a place rather than a number, as a
# sheet's whole name (held-out check: its rows came in with no group, unsaid); not a
# sheet of cadres (领导小组, 帮扶组) or of one kind of people (留守老人组).
_NAMED_GROUP = re.compile(r"[\u4e00-\u9fff]{1,6}(?:组|队|社)")
_NOT_A_GROUP = re.compile(r"老人|老年|儿童|妇女|特困|留守|台账|名册|花名|汇总|统计|说明|领导|"
                          r"工作|督导|帮扶|结对|专班|考核|村委|支部|党|网格")
_SAMPLE = 300  # body rows looked at to judge a sheet: enough, and cheap on 20,000 rows


@dataclass
class SheetPlan:
    """One sheet of the workbook: what it is, why, and (for a register) its table."""

    name: str
    kind: str
    reason: str
    data: Sheet | None = None
    layout: Layout | None = None
    group: str | None = None  # the group its name or title gives its rows
    # The register's group those rows go into where it is named otherwise (三队 for
    # the register's 第三村民小组): the preview says where they really go.
    group_on_register: str | None = None

    @property
    def read(self) -> bool:
        return self.kind == REGISTER

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def describe(self) -> str:
        verb = "读取" if self.read else "不读取"
        group = f";其中的人记入“{self.group}”" if self.read and self.group else ""
        if self.read and self.group and self.group_on_register:
            group = f";其中的人记入登记册上的“{self.group_on_register}”(工作表写作“{self.group}”)"
        return f"工作表“{self.name}”:{self.kind_label},{verb}——{self.reason}{group}"


def _body_column(rows: list[list[Any]], layout: Layout, target: str) -> list[str]:
    column = layout.column_for(target)
    if column is None:
        return []
    body = rows[layout.first_row:layout.first_row + _SAMPLE]
    return [t for r in body if column < len(r) and (t := text_of(r[column]))]


def _group_of(sheet: Sheet, layout: Layout | None) -> str | None:
    return group_named(sheet, layout.header_rows[0] if layout else 0)


def group_named(sheet: Sheet, header_row: int) -> str | None:
    """一组 or 上屋组 as the sheet's name, or 白竹村三组… in a title row above the header
    (0-based ``header_row``): the group of the sheet's rows that name none."""
    name = sheet.name.strip()
    if is_group_heading(name) or (_NAMED_GROUP.fullmatch(name) and not _NOT_A_GROUP.search(name)):
        return name
    above = sheet.rows[:header_row]
    for text in [sheet.name, *(text_of(v) for r in above for v in r if v is not None)]:
        m = _GROUP_IN_TEXT.search(text)
        if m and "各组" not in text and is_group_heading(m.group(1)):
            return m.group(1).replace(" ", "")
    return None


def _counts(sheet: Sheet) -> bool:
    """A header cell that counts (人数, 户数, 合计) over numbers below it."""
    for i, row in enumerate(sheet.rows[:mapping.HEADER_SCAN_ROWS]):
        for j, value in enumerate(row):
            if isinstance(value, str) and _COUNT_LABEL.search(mapping.normalise_label(value)):
                below = [r[j] for r in sheet.rows[i + 1:i + 1 + _SAMPLE] if j < len(r)]
                if any(cells.is_number(v) or text_of(v).isdigit() for v in below):
                    return True
    return False


def classify(sheet: Sheet) -> SheetPlan:
    """What one sheet is, with the reason, and its table when it is a register."""
    name = sheet.name
    if not any(any(v is not None and text_of(v) for v in row) for row in sheet.rows):
        return SheetPlan(name, BLANK, "空白工作表")
    layout = mapping.detect(sheet.rows)
    other = kind_columns.kind_of(sheet.rows[:mapping.HEADER_SCAN_ROWS])
    if other is not None:
        # A children's sheet in the elders' workbook: its guardian and parents are no
        # elder's supporters, and a child is no elder (it would come in as one).
        label = KINDS[other].label
        return SheetPlan(name, OTHER_KIND, f"{label}台账(表头有父母、监护人或丈夫等),"
                         f"不作为老年人导入;请另行导入:import 文件 --sheet {name}",
                         layout=layout)
    if layout is None:
        if _counts(sheet) or _SUMMARY_NAME.search(name):
            return SheetPlan(name, SUMMARY, "按组统计人数的汇总表,没有人员名单")
        if _INSTRUCTION_NAME.search(name):
            return SheetPlan(name, INSTRUCTIONS, "填表说明,不是人员名单")
        if _COVER_NAME.search(name):
            return SheetPlan(name, NO_TABLE, "封面或目录,不是人员名单")
        return SheetPlan(name, NO_TABLE, "找不到有“姓名”一列的表头")
    column_content.check(sheet.rows, layout)
    names = _body_column(sheet.rows, layout, mapping.person_target("name"))
    people = sum(1 for t in names if looks_like_name(t))
    ids = _body_column(sheet.rows, layout, mapping.person_target("id_number"))
    if not names:
        return SheetPlan(name, BLANK, "只有表头,没有人员", layout=layout)
    id_like = sum(1 for t in ids if re.fullmatch(r"\s*[0-9]{15}(?:[0-9]{2}[0-9Xx])?\s*", t))
    if people * 2 < len(names) and id_like * 2 < len(names):
        labels = sum(1 for t in names if is_label(t)
                     or len(t) > 8)
        if labels * 2 >= len(names) or _INSTRUCTION_NAME.search(name):
            shown = "、".join(names[:3])
            return SheetPlan(name, INSTRUCTIONS,
                             f"“姓名”一列写的是{shown}等栏目名或说明,不是人名", layout=layout)
        if _counts(sheet) and not ids:
            return SheetPlan(name, SUMMARY, "按组统计人数的汇总表", layout=layout)
        return SheetPlan(name, NO_TABLE,
                         f"“姓名”一列大多不像人名(如{'、'.join(names[:3])})", layout=layout)
    if _INSTRUCTION_NAME.search(name) and not id_like:
        # A 填表说明 sheet whose 项目 column reads like names (监护人姓名): no ID
        # number says it is anyone's register (held-out check: one came in as a person).
        return SheetPlan(name, INSTRUCTIONS, "填表说明,不是人员名单", layout=layout)
    personal = any(layout.column_for(mapping.person_target(f)) is not None
                   for f in ("id_number", "birth_date", "sex"))
    if _counts(sheet) and not personal and people < 40:
        return SheetPlan(name, SUMMARY, "按组统计人数的汇总表,其中的姓名是组长等,不是老人",
                         layout=layout)
    group = _group_of(sheet, layout)
    reason = f"表头在第 {layout.first_row} 行,约 {len(names)} 人" if len(names) < _SAMPLE else (
        f"表头在第 {layout.first_row} 行")
    return SheetPlan(name, REGISTER, reason, sheet, layout, group)


def plan(sheets: list[Sheet]) -> list[SheetPlan]:
    return [classify(s) for s in sheets]
