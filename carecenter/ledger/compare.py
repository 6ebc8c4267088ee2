"""比对: the township's list beside the register, by ID number (自上而下比对核实).

The township's workbook is read like a village ledger (same header detection and
mapping). Differences: on their list and not ours, on ours and not theirs, and fields
that differ (name, village group, status, colour). A row of theirs without an ID
number is matched, as the import does, by name and village group to one of ours still
without a number. Rows of theirs that cannot be matched or read are listed too, so
nothing is silently dropped.

A workbook of several kinds' sheets (the quarterly export: 台账 of the elders, 留守儿童,
特困群众 …), each sheet saying its kind, is compared sheet by sheet, each sheet with the
register's people of its kind, and the passes put together (``Comparison.passes``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from carecenter.access import audit
from carecenter.errors import FieldError, KnownError
from carecenter.ledger import cells, mapping, style
from carecenter.ledger.mapping import Layout
from carecenter.ledger.workbook import heads, read_sheet, text_of
from carecenter.register.groups import GroupIndex
from carecenter.rules import idnumber
from carecenter.rules.kinds import KINDS, combined
from carecenter.rules.risk import COLOUR_LABELS, colour_code
from carecenter.rules.roles import CLERK, require
from carecenter.settings.settings_store import Settings
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, EXITED, STATUS_LABELS, person, village_group

_EXITED_WORDS = ("退出", "死亡", "去世", "迁出", "注销", "入住", "否", "不在册", "已故")
_ACTIVE_WORDS = ("在册", "正常", "是", "在库", "有效")


def status_code(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if any(w in text for w in _EXITED_WORDS):
        return EXITED
    if any(w in text for w in _ACTIVE_WORDS):
        return ACTIVE
    return None


@dataclass
class Ours:
    person_id: int
    name: str
    group: str
    status: str
    colour: str | None
    kinds: tuple[str, ...] = ("elder",)
    sheet: str = ""  # in a comparison of several sheets: the sheet it is missing from


# The register's people as a comparison reads them: by ID number, those without one, and
# its groups (read once for every sheet of a workbook).
RegisterPeople = tuple[dict[str, Ours], list[Ours], GroupIndex]


@dataclass
class Theirs:
    row: int
    name: str
    id_number: str
    group: str
    status: str
    colour: str
    sheet: str = ""  # in a comparison of several sheets: the row's sheet


@dataclass
class Difference:
    id_number: str
    name: str
    field: str
    theirs: str
    ours: str
    sheet: str = ""  # in a comparison of several sheets: the sheet that says it


@dataclass
class Comparison:
    path: Path
    sheet: str
    theirs_only: list[Theirs] = field(default_factory=list)
    ours_only: list[tuple[str, Ours]] = field(default_factory=list)  # (id or "", person)
    differences: list[Difference] = field(default_factory=list)
    unreadable: list[tuple[int, str, str]] = field(default_factory=list)  # row, name, why
    matched: int = 0
    kind: str | None = None  # the township's list is of one kind: compared with those only
    # A workbook of several kinds' sheets: one comparison per sheet (the lists above
    # are theirs together, each entry naming its sheet).
    passes: list[Comparison] = field(default_factory=list)
    # Such a workbook without a sheet for some kind on the register: kind → how many
    # of ours in it were compared with no sheet.
    uncompared: dict[str, int] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        said = ([f"按“{KINDS[self.kind].label}”名单比对,只计登记册上的这一类人员"]
                if self.kind else [])
        if self.passes:
            said = ["按工作表逐类比对:" + ";".join(
                f"“{p.sheet}”与登记册上的{KINDS[p.kind].label if p.kind else '全部人员'}"
                for p in self.passes)]
        return [
            *said,
            f"乡镇名单与登记册按身份证号比对:一致或已对上 {self.matched} 人",
            f"乡镇名单有、本村登记册没有:{len(self.theirs_only)} 人",
            f"本村登记册在册、乡镇名单没有:{len(self.ours_only)} 人",
            f"信息不一致:{len(self.differences)} 项",
            *([f"乡镇名单中无法识别身份证号的行:{len(self.unreadable)} 行"]
              if self.unreadable else []),
            *(f"工作表“{p.sheet}”:对上 {p.matched} 人,乡镇有本村无 {len(p.theirs_only)} 人,"
              f"本村有乡镇无 {len(p.ours_only)} 人,信息不一致 {len(p.differences)} 项"
              for p in self.passes),
            *(f"登记册上在册的{KINDS[k].label} {n} 人:名单中没有这一类的工作表,未比对"
              for k, n in self.uncompared.items()),
        ]


def _ours(database: Database) -> RegisterPeople:
    with database.session() as session:
        groups = dict(session.execute(select(village_group.c.id, village_group.c.name)).all())
        rows = session.execute(select(person.c.id, person.c.name, person.c.id_number,
                                      person.c.group_id, person.c.status, person.c.colour,
                                      person.c.kinds, person.c.kind)
                               .order_by(person.c.name_pinyin)).all()
    by_id: dict[str, Ours] = {}
    without: list[Ours] = []
    for r in rows:
        entry = Ours(r.id, r.name, groups.get(r.group_id, ""), r.status, r.colour,
                     combined(r.kinds, r.kind).codes)
        if r.id_number:
            by_id[r.id_number] = entry
        elif r.status == ACTIVE:
            without.append(entry)
    return by_id, without, GroupIndex(groups.items())


def read_theirs(path: str | Path, sheet: str | None, layout: Layout,
                rows: list[list[Any]]) -> tuple[list[Theirs], list[tuple[int, str, str]]]:
    columns = {t: j for j, t in layout.targets().items()}
    id_col = columns.get(mapping.person_target("id_number"))
    if id_col is None:
        raise KnownError("乡镇名单中找不到身份证号一列,无法按身份证号比对;请指定哪一列是身份证号")

    def cell(row: list[Any], target: str) -> Any:
        j = columns.get(target)
        return row[j] if j is not None and j < len(row) else None

    found: list[Theirs] = []
    unreadable: list[tuple[int, str, str]] = []
    for offset, row in enumerate(rows[layout.first_row:]):
        number = layout.first_row + offset + 1
        texts = [text_of(v) for v in row]
        name = cells.cjk_squeeze(text_of(cell(row, mapping.person_target("name"))))
        footer = next((t for t in texts if t and cells.is_footer(t)), None)
        first = next((t for t in texts if t), "")
        # 合计 | 197人 (the count in the name column) is a total, as the import reads it.
        if not any(texts) or (footer and (not name or cells.is_footer(name) or name == footer
                                          or first == footer)):
            continue
        raw = cell(row, mapping.person_target("id_number"))
        if raw is None or cells.is_placeholder(raw) or cells.is_remark(raw):
            found.append(Theirs(number, name, "",  # matched by name and group
                                text_of(cell(row, mapping.person_target("group_id"))),
                                text_of(cell(row, "extra:status")),
                                text_of(cell(row, "extra:colour"))))
            continue
        try:
            info = idnumber.parse(cells.id_text(raw))
        except FieldError as e:
            unreadable.append((number, name, e.message))
            continue
        found.append(Theirs(number, name, info.number,
                            text_of(cell(row, mapping.person_target("group_id"))),
                            text_of(cell(row, "extra:status")),
                            text_of(cell(row, "extra:colour"))))
    return found, unreadable


# How a township's list names its kind, in its title or its sheet's name (issue 21).
KIND_WORDS = (("child", ("留守儿童", "儿童")), ("woman", ("留守妇女", "妇女")),
              ("tekun", ("特困",)), ("elder", ("留守老年人", "留守老人", "老年人", "老人")))


def list_kind(sheet_name: str, rows: Sequence[Sequence[Any]], header_row: int) -> str | None:
    """The kind a township's list is of, by the words above its header (its title) or
    its sheet's name; None when it does not say (then it is compared with everyone)."""
    above = " ".join(text_of(c) for row in rows[:max(header_row, 0)] for c in row)
    for text in (above, sheet_name):
        for code, words in KIND_WORDS:
            if any(w in text for w in words):
                return code
    return None


def kind_sheets(path: str | Path) -> list[tuple[str, str]]:
    """(sheet, kind) for each sheet of people in the workbook, when there are several
    and each names a kind of its own (the quarterly export's 台账, 留守儿童, 特困群众);
    else none: one list, or sheets that are parts of one (一组, 二组), read as before."""
    found: list[tuple[str, str]] = []
    for head in heads(path):
        layout = mapping.detect(head.rows)
        if layout is None or mapping.person_target("id_number") not in layout.targets().values():
            continue  # a 汇总 or 填表说明 sheet
        kind = list_kind(head.name, head.rows, min(layout.header_rows, default=0))
        if kind is None or any(kind == k for _, k in found):
            return []
        found.append((head.name, kind))
    return found if len(found) > 1 else []


def compare_file(database: Database, path: str | Path, sheet: str | None = None,
                 adjust: Callable[[Layout], None] | None = None,
                 kind: str | None = None) -> Comparison:
    """``kind``: the list's kind; None: as its title says (``list_kind``), else all.
    Without a sheet, kind or mapping named, a workbook of several kinds' sheets is
    compared sheet by sheet (``kind_sheets``)."""
    if sheet is None and kind is None and adjust is None:
        sheets = kind_sheets(path)
        if sheets:
            ours = _ours(database)
            passes = [_compare_sheet(database, path, name, None, code, ours)
                      for name, code in sheets]
            return _together(Path(path), passes, ours)
    return _compare_sheet(database, path, sheet, adjust, kind)


def _together(path: Path, passes: list[Comparison],
              ours: RegisterPeople) -> Comparison:
    """The passes as one comparison, each entry naming its sheet."""
    result = Comparison(path, "、".join(p.sheet for p in passes), passes=passes)
    for p in passes:
        result.matched += p.matched
        result.theirs_only += [replace(t, sheet=p.sheet) for t in p.theirs_only]
        result.ours_only += [(n, replace(o, sheet=p.sheet)) for n, o in p.ours_only]
        result.differences += [replace(d, sheet=p.sheet) for d in p.differences]
        result.unreadable += [(row, name, f"工作表“{p.sheet}”:{why}")
                              for row, name, why in p.unreadable]
    covered = {p.kind for p in passes}
    by_id, without, _index = ours
    for entry in [*by_id.values(), *without]:
        if entry.status == ACTIVE and not covered.intersection(entry.kinds):
            code = entry.kinds[0]
            result.uncompared[code] = result.uncompared.get(code, 0) + 1
    return result


def _compare_sheet(database: Database, path: str | Path, sheet: str | None,
                   adjust: Callable[[Layout], None] | None, kind: str | None,
                   ours: RegisterPeople | None = None) -> Comparison:
    data = read_sheet(path, sheet)
    layout = mapping.detect(data.rows)
    if layout is None:
        raise KnownError(f"在工作表“{data.name}”里找不到表头(需要有姓名和身份证号两列)")
    mapping.apply_saved(Settings(database), layout)
    if adjust:
        adjust(layout)
    theirs, unreadable = read_theirs(path, sheet, layout, data.rows)
    if kind is None:
        kind = list_kind(data.name, data.rows, min(layout.header_rows, default=0))
    return compare(database, Path(path), data.name, theirs, unreadable, kind, ours)


def compare(database: Database, path: Path, sheet: str, theirs: list[Theirs],
            unreadable: list[tuple[int, str, str]], kind: str | None = None,
            register: RegisterPeople | None = None) -> Comparison:
    """``register``: the register's people as ``_ours`` read them (read here if None)."""
    result = Comparison(path, sheet, unreadable=unreadable, kind=kind)
    ours, without_id, index = register if register is not None else _ours(database)

    def _group(text: str) -> str:
        """A group's key however it is written (1组, 一组, 第一村民小组, or 一队 for the
        register's only group numbered 1); "" for none."""
        return index.key(text + "组" if text.isdigit() else text) if text else ""

    if kind is not None:  # only this kind's people are missing from a list of this kind
        without_id = [e for e in without_id if kind in e.kinds]
    by_name: dict[tuple[str, str], list[Ours]] = {}
    for entry in without_id:
        by_name.setdefault((entry.name, _group(entry.group)), []).append(entry)
        by_name.setdefault((entry.name, ""), []).append(entry)
    found_without: set[int] = set()
    seen: set[str] = set()
    for t in theirs:
        if not t.id_number:
            candidates = [m for m in by_name.get((t.name, _group(t.group)), [])
                          if m.person_id not in found_without]
            if len(candidates) != 1:
                why = ("没有身份证号,登记册上同名同组的无身份证号人员不止一位" if candidates
                       else "没有身份证号,按姓名和村民小组在登记册上也未找到")
                result.unreadable.append((t.row, t.name, why))
                continue
            namesake = candidates[0]
            found_without.add(namesake.person_id)
            result.matched += 1
            result.differences += [Difference("", namesake.name, label, theirs_value,
                                              ours_value)
                                   for label, theirs_value, ours_value, same
                                   in _fields(t, namesake, _group) if not same]
            continue
        if t.id_number in seen:
            result.unreadable.append((t.row, t.name, f"身份证号 {t.id_number} 在名单中重复"))
            continue
        seen.add(t.id_number)
        mine = ours.get(t.id_number)
        if mine is None:
            result.theirs_only.append(t)
            continue
        result.matched += 1
        if kind is not None and kind not in mine.kinds:
            result.differences.append(Difference(
                t.id_number, mine.name, "类别", KINDS[kind].label,
                "、".join(KINDS[c].label for c in mine.kinds if c in KINDS)))
        for label, theirs_value, ours_value, same in _fields(t, mine, _group):
            if not same:
                result.differences.append(
                    Difference(t.id_number, mine.name, label, theirs_value, ours_value))
    for number, mine in ours.items():
        if number not in seen and mine.status == ACTIVE and (kind is None
                                                             or kind in mine.kinds):
            result.ours_only.append((number, mine))
    result.ours_only += [("", entry) for entry in without_id
                         if entry.person_id not in found_without]
    return result


def _fields(t: Theirs, mine: Ours, group: Callable[[str], str]) -> list[
        tuple[str, str, str, bool]]:
    found = []
    if t.name:
        found.append(("姓名", t.name, mine.name, t.name == mine.name))
    if t.group:
        found.append(("村民小组", t.group, mine.group, group(t.group) == group(mine.group)))
    if t.status:
        code = status_code(t.status)
        found.append(("状态", t.status, STATUS_LABELS.get(mine.status, mine.status),
                      code == mine.status))
    if t.colour:
        ours_label = COLOUR_LABELS.get(mine.colour or "", "未评估")
        found.append(("风险等级", t.colour, ours_label, colour_code(t.colour) == mine.colour))
    return found


def save_differences(result: Comparison, path: str | Path, database: Database) -> Path:
    """The differences as a workbook: full ID numbers, so a 经办人's, and logged (issue
    18), as every export of the register is."""
    require(database.operator, CLERK, "保存比对差异表(含完整身份证号)")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise KnownError(f"差异清单应以 .xlsx 结尾:{target.name}")
    book = style.new_workbook()
    source = f"比对对象:{result.path.name}(工作表“{result.sheet}”)"
    sheet = book.create_sheet("比对汇总")
    style.write_table(sheet, ["项目"], [[line] for line in result.summary_lines()], [70],
                      title="与乡镇名单比对结果", subtitle=source)
    # A comparison of several sheets: each row names its sheet, in a last column (the
    # first ones stay where the clerk is used to them).
    where = ["工作表"] if result.passes else []
    wide = [14] if result.passes else []

    def at(sheet_name: str) -> list[str]:
        return [sheet_name] if result.passes else []

    sheet = book.create_sheet("乡镇有本村无")
    style.write_table(sheet, ["乡镇名单行号", "姓名", "身份证号", "村民小组", "状态", "风险等级",
                              *where],
                      [[t.row, t.name, t.id_number, t.group, t.status, t.colour, *at(t.sheet)]
                       for t in result.theirs_only],
                      [12, 10, 21, 10, 10, 10, *wide], text_columns={3},
                      title="乡镇名单有、本村登记册没有", subtitle=source)
    sheet = book.create_sheet("本村有乡镇无")
    style.write_table(sheet, ["档案号", "姓名", "身份证号", "村民小组", "风险等级", *where],
                      [[m.person_id, m.name, number or "待补充", m.group,
                        COLOUR_LABELS.get(m.colour or "", "未评估"), *at(m.sheet)]
                       for number, m in result.ours_only],
                      [8, 10, 21, 10, 10, *wide], text_columns={3},
                      title="本村登记册在册、乡镇名单没有", subtitle=source)
    sheet = book.create_sheet("信息不一致")
    style.write_table(sheet, ["身份证号", "姓名", "项目", "乡镇名单", "本村登记册", *where],
                      [[d.id_number, d.name, d.field, d.theirs, d.ours, *at(d.sheet)]
                       for d in result.differences],
                      [21, 10, 10, 16, 16, *wide], text_columns={1},
                      title="信息不一致", subtitle=source)
    if result.unreadable:
        sheet = book.create_sheet("无法比对的行")
        style.write_table(sheet, ["乡镇名单行号", "姓名", "原因"],
                          [list(u) for u in result.unreadable], [12, 10, 70],
                          title="乡镇名单中无法比对的行", subtitle=source)
    style.save(book, target)
    rows = len(result.theirs_only) + len(result.ours_only) + len(result.differences)
    audit.log(database, "export", "ledger",
              f"保存与乡镇名单({result.path.name})比对的差异表 {target.name}", count=rows,
              need=CLERK)
    return target
