"""What an import of another kind's ledger (a children's) will do, row by row: the
preview ``kind_import`` makes and applies, and ``kind_book`` puts together from several
sheets (one per village group)."""

from __future__ import annotations

from dataclasses import dataclass, field

from carecenter.ledger.import_preview import ACTION_LABELS, NEW, REFUSED, UPDATE
from carecenter.register.people import Cleaned, PersonDraft
from carecenter.rules.kinds import PersonKind


@dataclass
class KindRow:
    row: int  # the sheet's row number (1 = the first row)
    name: str
    draft: PersonDraft | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    group: str | None = None  # the village group the row names
    person_id: int | None = None  # the file it updates (None: a new file)
    basis: str = ""  # how that file was found: 身份证号, 姓名和村民小组
    changes: list[str] = field(default_factory=list)  # what an update changes
    seen: str | None = None  # the file's fingerprint when the preview read it
    hidden: bool = False  # the clerk hid the row in Excel (issue 16)
    cleaned: Cleaned | None = None  # what the register's clean made of a new file
    sheet: str = ""  # the sheet it is on, when the preview read several

    @property
    def where(self) -> str:
        """第 5 行, or 工作表“二组”第 5 行 when several sheets were read."""
        return f"工作表“{self.sheet}”第 {self.row} 行" if self.sheet else f"第 {self.row} 行"

    @property
    def accepted(self) -> bool:
        return self.draft is not None and not self.errors

    @property
    def unchanged(self) -> bool:
        """On the register already, saying what the file holds: nothing to write."""
        return self.accepted and self.person_id is not None and not self.changes

    @property
    def action(self) -> str:
        if not self.accepted:
            return REFUSED
        return NEW if self.person_id is None else UPDATE

    @property
    def action_label(self) -> str:
        """新增 / 更新 / 无变化 / 拒绝: what the import does with the row."""
        return "无变化" if self.unchanged else ACTION_LABELS[self.action]

    def why(self) -> str:
        """What will happen and why, in a line (the wizard's table, ``--dry-run``)."""
        if not self.accepted:
            return ";".join(self.errors)
        if self.person_id is None:
            what = "新建档案"
        else:
            what = f"按{self.basis}找到登记册上的此人," + (
                "内容相同,无需改动" if self.unchanged else f"更新:{'、'.join(self.changes)}")
        return what + "".join(";" + w for w in self.warnings)


@dataclass
class KindResult:
    created: list[int]
    updated: list[int]
    unchanged: int
    # Rows left out because their file was changed elsewhere after the preview.
    changed_meanwhile: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return self.created + self.updated


@dataclass
class KindPreview:
    kind: PersonKind
    header_row: int
    columns: dict[int, str]  # column → target (a field, or "father.phone")
    rows: list[KindRow]
    unknown: list[str] = field(default_factory=list)  # headers matched to nothing
    headers: dict[int, str] = field(default_factory=dict)  # column → its header, as written
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (row, why) not a person
    path: str = ""
    # (column letter, header, imported) of the columns hidden in Excel (issue 16).
    hidden_columns: list[tuple[str, str, bool]] = field(default_factory=list)
    # Rows below the table's end that hold someone's data: not read, and said so.
    left_out: list[int] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the sheets read
    not_read: list[str] = field(default_factory=list)  # the workbook's other sheets

    @property
    def accepted(self) -> list[KindRow]:
        return [r for r in self.rows if r.accepted]

    @property
    def refused(self) -> list[KindRow]:
        return [r for r in self.rows if not r.accepted]

    def count(self, label: str) -> int:
        """Rows by what happens to them: 新增, 更新, 无变化, 拒绝."""
        return sum(1 for r in self.rows if r.action_label == label)

    def summary(self) -> str:
        hidden = sum(1 for r in self.rows if r.hidden)
        return (f"共 {len(self.rows)} 行:新增 {self.count('新增')} 人,更新 {self.count('更新')} 人,"
                f"无变化 {self.count('无变化')} 人,拒绝 {self.count('拒绝')} 行"
                + (f";其中 {hidden} 行在表格中被隐藏(已逐行标出),请核对是否仍在册"
                   if hidden else "")
                + (";在表格中被隐藏的列:" + "、".join(
                    f"{where} 列“{label}”" + ("(已导入,请核对)" if imported else "(不导入)")
                    for where, label, imported in self.hidden_columns)
                   if self.hidden_columns else "")
                + (f";其中 {len(self.left_out)} 行像是人员信息,但在表格之外(另一张表),未读取,"
                   "请核对" if self.left_out else ""))

    def lines(self, every: bool = True) -> list[str]:
        """The preview as text: the columns, every row (or, ``every`` False, only the
        rows with something to say) with what happens to it, and the summary."""
        if len(self.sheets) > 1:
            out = [f"按“{self.kind.label}”台账读取工作表:{'、'.join(self.sheets)},"
                   f"识别 {len(self.columns)} 列" + (f",未识别:{'、'.join(self.unknown)}"
                                                     if self.unknown else "")]
        else:
            out = [f"按“{self.kind.label}”台账读取:表头在第 {self.header_row} 行,"
                   f"识别 {len(self.columns)} 列" + (f",未识别:{'、'.join(self.unknown)}"
                                                     if self.unknown else "")]
        if self.not_read:
            out[0] += f";不读取工作表:{'、'.join(self.not_read)}(不是{self.kind.label}名单)"
        for number, why in self.ignored:
            out.append(f"第 {number} 行:忽略:{why}")
        for r in self.rows:
            if every or r.errors or r.warnings:
                out.append(f"{r.where} {r.name or '(无姓名)'} [{r.action_label}]:{r.why()}")
        out.append(self.summary())
        return out
