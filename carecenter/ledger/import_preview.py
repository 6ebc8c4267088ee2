"""What an import preview says of each row, and of the whole sheet (issue 7).

Plain data, read by the wizard's table, the command line and the skipped-rows report;
``carecenter.ledger.importer`` makes it and re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecenter.errors import ChangedMeanwhile
from carecenter.ledger.exits import ExitProposal
from carecenter.ledger.mapping import Layout
from carecenter.ledger.sheet_kinds import SheetPlan
from carecenter.register.people import Cleaned, PersonDraft, missing_facts
from carecenter.rules.fields import PERSON_FIELDS, SUPPORTER

NEW, UPDATE, REFUSED, IGNORED = "new", "update", "refused", "ignored"
ACTION_LABELS = {NEW: "新增", UPDATE: "更新", REFUSED: "拒绝", IGNORED: "忽略"}
# Wrong here refuses the row; elsewhere the value is left out and kept in 备注.


@dataclass
class Problem:
    field: str  # Chinese label of the field ("" for the row as a whole)
    message: str
    column: int | None = None  # 0-based sheet column, for the preview's cell tooltip


@dataclass
class RowPreview:
    row: int  # Excel's row number
    action: str
    name: str = ""
    id_number: str = ""
    person_id: int | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    draft: PersonDraft | None = None
    new_group: str | None = None  # key of a group this row needs created
    unchanged: bool = False  # an update that changes nothing: not written again
    cleaned: Cleaned | None = None  # what Register.clean made of the draft
    cells: list[Any] = field(default_factory=list)
    sheet: str = ""  # set when a workbook's several sheets are read in one import
    exit: ExitProposal | None = None  # 状态/备注 say the person has left (issue 16)
    basis: str = ""  # what an update was matched by: 身份证号, 姓名和村民小组
    # The stored file as the preview saw it: an update is refused if it changed since.
    seen: str | None = None
    hidden: bool = False  # the clerk hid this row in Excel (issue 16): flagged
    # Someone's data the import does not read (below the table's end, above its
    # header): listed, counted in the summary and in ``import``'s exit code.
    left_out: bool = False

    def why(self) -> str:
        """What will happen to this row and why, in a line (the preview, --dry-run)."""
        if self.action in (REFUSED, IGNORED):
            return ";".join(p.message if not p.field else f"{p.field}:{p.message}"
                            for p in self.errors) or "空行"
        if self.action == UPDATE:
            what = (f"按{self.basis}找到登记册上的此人," if self.basis else "登记册上已有此人,")
            what += "内容相同,无需改动" if self.unchanged else "更新档案"
        else:
            what = ("登记册上没有这个身份证号,新建档案" if self.id_number
                    else "没有身份证号,同组没有同名的人,新建档案(待补充身份证号)")
        if self.exit is not None:
            what += ",并建议办理退出(须确认)"
        return what + (";" + ";".join(f"{p.field}:{p.message}" if p.field else p.message
                                      for p in self.warnings) if self.warnings else "")

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”第 {self.row} 行" if self.sheet else f"第 {self.row} 行"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def accepted(self) -> bool:
        return self.action in (NEW, UPDATE)

    def problems_text(self) -> str:
        parts = [f"{p.field}:{p.message}" if p.field else p.message
                 for p in self.errors + self.warnings]
        return ";".join(parts)


@dataclass
class Preview:
    path: Path
    sheet: str
    layout: Layout
    rows: list[RowPreview]
    new_groups: dict[str, str]  # key → name as first written
    # (Excel row, its text) where a second table or notes start: nothing below is read.
    ended: tuple[int, str] | None = None
    # Every sheet of the workbook, what it is and whether it was read (issue 16).
    sheets: list[SheetPlan] = field(default_factory=list)
    # (where, column label, why) of every source column not imported (issue 16).
    skipped_columns: list[tuple[str, str, str]] = field(default_factory=list)

    # (where, column label, imported or not) of the columns hidden in Excel (issue 16).
    hidden_columns: list[tuple[str, str, bool]] = field(default_factory=list)

    # A group as the ledger writes it → the register's group it goes into, where their
    # names differ in more than spelling (三队 → 第三村民小组).
    group_aliases: dict[str, str] = field(default_factory=dict)

    # The clerk has confirmed the exits the ledger describes (wizard, --confirm-exits).
    confirm_exits: bool = False

    def not_imported(self) -> list[tuple[str, str, str]]:
        return list(self.skipped_columns)

    @property
    def exits(self) -> list[RowPreview]:
        """Rows coming in whose 状态 or 备注 say the person has left: exits proposed."""
        return [r for r in self.rows if r.accepted and r.exit is not None]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused(self) -> list[RowPreview]:
        return [r for r in self.rows if r.action == REFUSED]

    @property
    def left_out(self) -> list[RowPreview]:
        """Rows holding someone's data that the import does not read."""
        return [r for r in self.rows if r.left_out]

    def summary(self) -> str:
        same = sum(1 for r in self.rows if r.unchanged)
        unchanged = f"(其中 {same} 人与登记册相同,无需改动)" if same else ""
        text = (f"共 {len(self.rows)} 行:新增 {self.count(NEW)} 人,更新 {self.count(UPDATE)} 人"
                f"{unchanged},拒绝 {self.count(REFUSED)} 行,忽略 {self.count(IGNORED)} 行")
        incomplete = sum(1 for r in self.rows if r.accepted and not r.id_number)
        if incomplete:
            text += f";其中 {incomplete} 人待补充身份证号"
            facts = sum(1 for r in self.rows if r.accepted and r.cleaned is not None
                        and missing_facts(r.cleaned[0]))
            if facts:
                text += f"({facts} 人还缺出生日期或性别)"
        hidden = sum(1 for r in self.rows if r.hidden and r.action != IGNORED)
        if hidden:
            text += f";其中 {hidden} 行在表格中被隐藏(已逐行标出),请核对是否仍在册"
        if self.hidden_columns:
            text += ";在表格中被隐藏的列:" + "、".join(
                f"{where}“{label}”" + ("(已导入,请核对)" if imported else "(不导入)")
                for where, label, imported in self.hidden_columns)
        if self.exits:
            text += (f";其中 {len(self.exits)} 人台账写明已故、入住养老机构或子女返乡等,"
                     "建议办理退出(须确认)")
        if self.group_aliases:
            text += ";" + "、".join(f"台账中的“{written}”记入登记册上的“{name}”"
                                    for written, name in self.group_aliases.items())
        if self.new_groups:
            text += f";将新建村民小组:{'、'.join(self.new_groups.values())}"
        if self.ended:
            text += f";第 {self.ended[0]} 行“{self.ended[1][:20]}”起是另一张表或说明,未导入"
        if self.left_out:
            text += (f";其中 {len(self.left_out)} 行像是人员信息,但在表格之外(另一张表或表头上方),"
                     "未读取,请核对(已逐行标出)")
        if len(self.sheets) > 1:
            read = [p.name for p in self.sheets if p.read]
            skipped = [f"{p.name}({p.kind_label})" for p in self.sheets if not p.read]
            text += f";读取工作表:{'、'.join(read)}"
            if skipped:
                text += f";不读取:{'、'.join(skipped)}"
        return text


@dataclass
class ImportResult:
    created: int
    updated: int
    skipped: int
    groups_created: list[str]
    # Rows left out because their file was changed elsewhere after the preview.
    changed_meanwhile: list[str] = field(default_factory=list)


def fingerprint(values: dict[str, Any], supporters: list[dict[str, Any]]) -> str:
    """A stored file's values and current supporters, as one comparable text."""
    return repr((sorted(values.items()),
                 [sorted(s.items()) for s in sorted(supporters, key=lambda s: s["id"])]))


class ChangedSincePreview(ChangedMeanwhile):
    """Files the import would update were changed elsewhere after its preview."""

    def __init__(self, rows: list[str]) -> None:
        shown = "、".join(rows[:10]) + (f" 等 {len(rows)} 行" if len(rows) > 10 else "")
        super().__init__(
            f"预览之后,{shown} 的档案已在别处被修改。为免覆盖这些修改,本次导入没有写入,"
            "登记册没有改动。请重新预览后再导入,或选择跳过这些行、导入其余行。")
        self.rows = rows


def changed_since_preview(accepted: list[RowPreview], loaded: list[Any]) -> list[RowPreview]:
    """Rows whose stored file (``loaded``: the Person records, read in the import's own
    transaction) is no longer what the preview saw (issue 15: no lost update)."""
    names = [f.name for f in PERSON_FIELDS]
    now = {
        p.id: fingerprint(
            {n: getattr(p, n) for n in names},
            [{"id": s.id, **{f: getattr(s, f) for f in SUPPORTER}} for s in p.supporters])
        for p in loaded}
    return [r for r in accepted
            if r.person_id is not None and r.seen is not None
            and now.get(r.person_id) != r.seen]
