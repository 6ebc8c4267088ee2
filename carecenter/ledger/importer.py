"""Importing a village's Excel ledger: preview every row, then write them all at once.

The rules (issue 7), the same for every village's ledger:
- a row is matched by ID number, or, where it has none, by name and village group; a
  match is an update (更新), never a second file;
- a row with no ID number still comes in, flagged 待补充身份证号;
- refused (拒绝): a wrong check character, an impossible or future birth date, an
  unknown province, an ID Excel stored as a number, the second and later rows with the
  same ID in one file (the first is kept), and anything the editor itself would refuse;
- normalised: full-width digits, spaces, lower-case x, 15-digit numbers, dates in the
  clerk's forms, group spellings (a group not yet known is created);
- ignored (忽略): blank rows, totals, signatures and notes above or below the table.
Issue 16 adds: every register sheet of a workbook is read in one preview (``sheet_kinds``),
a group from the sheet's name or title; an ID ending in 000 (Excel's truncation) comes in
without the number; 所在范围 from 去向 (``rules.divisions``); a 状态/备注 saying the person
left proposes an exit, written only when the clerk confirms.
Nothing is written until ``apply``; then all accepted rows go in one transaction,
each through ``Register.save_in`` so the rules are the editor's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from carecenter import clock
from carecenter.care import due_dates as duestore
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.ledger import cells, mapping, sheet_kinds
from carecenter.ledger.compare import status_code
from carecenter.ledger.exits import proposed_exit
from carecenter.ledger.import_preview import (  # noqa: F401 (re-exported)
    ACTION_LABELS,
    IGNORED,
    NEW,
    REFUSED,
    UPDATE,
    ImportResult,
    Preview,
    Problem,
    RowPreview,
)
from carecenter.ledger.mapping import Layout
from carecenter.ledger.rows import TableShape
from carecenter.ledger.sheet_kinds import NO_TABLE
from carecenter.ledger.workbook import Sheet, read_sheet, read_sheets, text_of
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft, Register
from carecenter.rules import divisions, idnumber
from carecenter.rules.fields import PERSON, PERSON_FIELDS, SUPPORTER, FieldType
from carecenter.settings.settings_store import Settings
from carecenter.storage import backups
from carecenter.storage.bulk import collector_paused
from carecenter.storage.database import Database
from carecenter.storage.models import EXITED, person, supporter, village_group

KEY_FIELDS = frozenset({"name", "id_number", "birth_date", "sex"})
_HEADER_NEEDED = "需要有“姓名”一列,以及身份证号、性别、组别、电话等列中的至少一列。"
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ImportCancelled(KnownError):
    def __init__(self) -> None:
        super().__init__("导入已取消,登记册没有任何改动")


@dataclass
class _Stored:
    """What the register holds, read once per preview."""

    by_id: dict[str, int] = field(default_factory=dict)
    by_name_group: dict[tuple[str, int | None], list[int]] = field(default_factory=dict)
    without_id: set[int] = field(default_factory=set)
    births: dict[int, date | None] = field(default_factory=dict)
    exited: set[int] = field(default_factory=set)
    groups: dict[str, int] = field(default_factory=dict)  # group_key → id
    keys: dict[str, str] = field(default_factory=dict)  # a group as written → group_key


class LedgerImport:
    """One ledger file: open, (re)map, preview, apply."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.register = Register(database, today=today)
        self.settings = Settings(database)
        self.today = today
        # field → sheet column per sheet, for the preview's cells
        self._columns: dict[str, dict[str, int]] = {}
        self.book: list[sheet_kinds.SheetPlan] = []  # every sheet of the workbook opened
        self._home: divisions.Home | None = None  # the village's county, from 本村设置
        self._created: dict[int, int] = {}  # id(row) → the person an apply created for it
        # name → rows without an ID read so far, to know a person on two sheets (issue 16)
        self._without_id: dict[str, list[tuple[RowPreview, dict[str, Any]]]] = {}

    def open(self, path: str | Path, sheet: str | None = None) -> tuple[Sheet, Layout]:
        """The first register sheet and its layout. Without a sheet named, every sheet
        is classified (register, summary, instructions, blank: issue 16) and the preview
        reads all register sheets; the one returned carries the mapping the clerk sees."""
        sheets = [read_sheet(path, sheet)] if sheet is not None else list(read_sheets(path))
        plans = sheet_kinds.plan(sheets)
        chosen = [p for p in plans if p.read] or [
            p for p in plans if p.layout is not None and (sheet is not None or p.kind == NO_TABLE)]
        if chosen:
            self.book = plans
            first = chosen[0]
            assert first.data is not None or first.layout is not None
            data = first.data or next(s for s in sheets if s.name == first.name)
            first.data = data
            assert first.layout is not None
            return data, mapping.apply_saved(self.settings, first.layout)
        if len(plans) > 1:
            reasons = ";".join(f"“{p.name}”{p.kind_label}:{p.reason}" for p in plans)
            raise KnownError(f"在工作簿的 {len(plans)} 张工作表({'、'.join(p.name for p in plans)})"
                             f"里都找不到表头:{_HEADER_NEEDED}({reasons})")
        data = sheets[0]
        if not any(any(v is not None for v in row) for row in data.rows):
            raise KnownError(f"工作表“{data.name}”是空的,没有可导入的内容")
        raise KnownError(
            f"在工作表“{data.name}”的前 {mapping.HEADER_SCAN_ROWS} 行里找不到表头:"
            f"{_HEADER_NEEDED}请检查是否选对了工作表"
        )

    def _parts(self, data: Sheet, layout: Layout) -> list[tuple[Sheet, Layout, str | None]]:
        """The sheets one preview reads: the one opened, then the workbook's other
        register sheets; a sheet laid out like the first takes the clerk's mapping."""
        plans = self.book if any(p.data is data for p in self.book) else []
        mine = next((p for p in plans if p.data is data), None)
        parts: list[tuple[Sheet, Layout, str | None]] = [
            (data, layout, mine.group if mine else None)]
        chosen = layout.targets()
        for p in plans:
            if not p.read or p is mine or p.data is None or p.layout is None:
                continue
            other = p.layout
            if other.key == layout.key:
                for c in other.columns:
                    c.target = chosen.get(c.index, mapping.IGNORE)
            else:
                other = mapping.apply_saved(self.settings, other)
            parts.append((p.data, other, p.group))
        return parts

    def save_mapping(self, layout: Layout) -> None:
        mapping.save(self.settings, layout)

    # -- preview -----------------------------------------------------------------------

    def preview(self, path: str | Path, data: Sheet, layout: Layout,
                progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> Preview:
        with collector_paused():
            return self._preview(path, data, layout, progress, cancelled)

    def _preview(self, path: str | Path, data: Sheet, layout: Layout,
                 progress: Progress | None, cancelled: Cancelled | None) -> Preview:
        parts = self._parts(data, layout)
        for part_data, part_layout, _ in parts:
            if part_layout.column_for(mapping.person_target("name")) is None:
                raise KnownError(f"请把工作表“{part_data.name}”的“姓名”对应到台账中的一列,"
                                 "否则无法导入")
        idnumber.forget()
        village = self.settings.village()
        self._home = divisions.home_of(village.get("county", ""), village.get("province", ""))
        stored = self._stored()
        new_groups: dict[str, str] = {}
        seen_ids: dict[str, tuple[RowPreview, dict[str, Any]]] = {}
        seen_names: dict[tuple[str, str], str] = {}
        self._without_id = {}
        rows: list[RowPreview] = []
        pending: list[tuple[RowPreview, dict[str, Any], list[dict[str, Any]], bool]] = []
        total = sum(max(len(d.rows) - lay.first_row, 0) for d, lay, _ in parts) or 1
        done = 0
        ended: tuple[int, str] | None = None
        several = len(parts) > 1
        for part_data, part_layout, group in parts:
            self._columns[part_data.name] = {
                t.partition(":")[2]: j for j, t in part_layout.targets().items()
                if t.startswith("person:")}
            body = part_data.rows[part_layout.first_row:]
            shape = TableShape(part_layout, [part_data.rows[i] for i in part_layout.header_rows],
                               group)
            for offset, raw in enumerate(body):
                if cancelled and cancelled():
                    raise ImportCancelled()
                if progress and (done + offset) % 200 == 0:
                    progress(done + offset, total * 2)
                number = part_layout.first_row + offset + 1
                reason = shape.skip(number, raw)
                if reason:
                    rows.append(RowPreview(number, IGNORED, cells=list(raw),
                                           errors=[Problem("", reason)],
                                           sheet=part_data.name if several else ""))
                    continue
                result = self._read_row(number, raw, part_layout, stored, new_groups,
                                        shape.group)
                if result is None:
                    continue
                row, values, supporters, month_only = result
                row.sheet = part_data.name if several else ""
                rows.append(row)
                if self._continues(shape, row, values, supporters):
                    continue
                if row.action != NEW:  # ignored or refused while reading
                    continue
                self._match(row, values, stored, seen_ids, seen_names)
                status = values.pop("_status", "")
                self._exited_in_ledger(row, status, stored)
                self._propose_exit(row, status, values, stored)
                if row.accepted:
                    pending.append((row, values, supporters, month_only))
            done += len(body)
            self._trim_trailing_ignored(rows)
            ended = ended or shape.ended
        files = self._load_files({r.person_id for r, *_ in pending if r.person_id})
        for index, (row, values, supporters, month_only) in enumerate(pending):
            if cancelled and cancelled():
                raise ImportCancelled()
            if progress and index % 200 == 0:
                progress(total + index * total // max(len(pending), 1), total * 2)
            self._check(row, values, supporters, month_only, files.get(row.person_id or -1))
        for r in rows:
            if r.action == REFUSED and r.new_group:
                r.warnings = [w for w in r.warnings if not w.message.endswith("导入时将新建")]
        used = {r.new_group for r in rows if r.accepted and r.new_group}
        if progress:
            progress(total * 2, total * 2)
        names = "、".join(d.name for d, _, _ in parts)
        return Preview(Path(path), names, layout, rows,
                       {k: v for k, v in new_groups.items() if k in used}, ended,
                       sheets=list(self.book) if any(p.data is data for p in self.book) else [],
                       skipped_columns=self._not_imported(parts, rows))

    @staticmethod
    def _not_imported(parts: list[tuple[Sheet, Layout, str | None]],
                      rows: list[RowPreview]) -> list[tuple[str, str, str]]:
        """Every column of the sheets read that is not imported, with the reason: one
        without a header but with values too (issue 16: nothing dropped unseen)."""
        from openpyxl.utils import get_column_letter

        found: list[tuple[str, str, str]] = []
        several = len(parts) > 1
        for data, layout, _ in parts:
            prefix = f"工作表“{data.name}”" if several else ""
            known = {c.index for c in layout.columns}
            filled: set[int] = set()
            read = [r.cells for r in rows if r.action != IGNORED
                    and r.sheet == (data.name if several else "")]
            width = max((len(c) for c in read), default=0)
            unknown = [j for j in range(width) if j not in known]
            for line in read:
                filled.update(j for j in unknown if j < len(line) and line[j] is not None
                              and text_of(line[j]))
            for c in layout.columns:
                if c.target == mapping.IGNORE:
                    why = c.why or mapping.why_not_imported(c.label)
                elif c.target in ("extra:kind", "extra:colour"):
                    why = mapping.why_not_imported(c.label)
                else:
                    continue
                found.append((f"{prefix}{get_column_letter(c.index + 1)} 列", c.label, why))
            for j in sorted(filled):
                found.append((f"{prefix}{get_column_letter(j + 1)} 列", "",
                              "没有列标题,但有内容"))
        return found

    @staticmethod
    def _continues(shape: TableShape, row: RowPreview, values: dict[str, Any],
                   supporters: list[dict[str, Any]]) -> bool:
        """A row holding only a supporter joins the person above (cells merged down)."""
        above = shape.above(row.row, row.action == IGNORED, row.name, supporters,
                            [k for k in values if not k.startswith("_") and k != "group_id"],
                            row.action == NEW)
        if above is None:
            return False
        row.action = IGNORED
        row.errors = [Problem("", f"赡养人并入第 {above[0]} 行{above[1]}")]
        row.warnings = []
        row.new_group = None
        return True

    @staticmethod
    def _trim_trailing_ignored(rows: list[RowPreview]) -> None:
        """Blank rows after the table's end are not worth a line in the preview."""
        while rows and rows[-1].action == IGNORED and rows[-1].errors[0].message == "空行":
            rows.pop()

    def _stored(self) -> _Stored:
        stored = _Stored()
        with self.database.session() as session:
            query = select(person.c.id, person.c.id_number, person.c.name,
                           person.c.group_id, person.c.status, person.c.birth_date)
            for pid, number, name, group_id, status, birth in session.execute(query):
                stored.births[pid] = birth
                if number:
                    stored.by_id[number] = pid
                else:
                    stored.without_id.add(pid)
                stored.by_name_group.setdefault((name, group_id), []).append(pid)
                if status == EXITED:
                    stored.exited.add(pid)
            for gid, name in session.execute(select(village_group.c.id, village_group.c.name)):
                stored.groups.setdefault(group_key(name), gid)
        return stored

    def _read_row(
        self, number: int, raw: list[Any], layout: Layout, stored: _Stored,
        new_groups: dict[str, str], heading_group: str | None = None,
    ) -> tuple[RowPreview, dict[str, Any], list[dict[str, Any]], bool] | None:
        targets = layout.targets()
        row = RowPreview(number, NEW, cells=list(raw))
        texts = [text_of(v) for v in raw]
        name_col = layout.column_for(mapping.person_target("name"))
        name_text = texts[name_col] if name_col is not None and name_col < len(texts) else ""
        footer = next((t for t in texts if t and cells.is_footer(t)), None)
        first = next((t for t in texts if t), "")
        # 合计 | 3人 (the count in the name column) is a total row, not a person.
        if footer and (not name_text or cells.is_footer(name_text) or name_text == footer
                       or first == footer):
            row.action = IGNORED
            row.errors.append(Problem("", f"合计、签名或说明行:“{footer[:20]}”"))
            return row, {}, [], False
        if not any(t for j, t in enumerate(texts) if targets.get(j) != "extra:seq"):
            row.action = IGNORED
            row.errors.append(Problem("", "空行"))
            return row, {}, [], False
        if mapping.normalise_label(name_text) in ("姓名", "老人姓名", "人员姓名"):
            row.action = IGNORED
            row.errors.append(Problem("", "重复的表头行"))
            return row, {}, [], False
        values: dict[str, Any] = {}
        supporters: dict[int, dict[str, Any]] = {}
        notes: list[str] = []
        month_only = False
        for j, target in targets.items():
            value = raw[j] if j < len(raw) else None
            if value is None or texts[j] == "":
                continue
            kind, _, rest = target.partition(":")
            if kind == "person":
                if PERSON[rest].type is FieldType.DATE:
                    month_only = self._date(row, j, rest, value, values, notes) or month_only
                elif rest == "id_number":
                    if cells.is_placeholder(value):
                        continue
                    if cells.is_remark(value):
                        notes.append(f"身份证号栏:{text_of(value)}")
                        continue
                    try:
                        values[rest] = cells.id_text(value)
                    except FieldError as e:
                        row.errors.append(Problem(PERSON[rest].label, e.message, j))
                elif rest == "group_id":
                    if cells.is_placeholder(value):
                        continue
                    values[rest] = self._group(row, j, value, stored, new_groups)
                elif rest == "name":
                    name, remark = cells.name_and_remark(cells.cjk_squeeze(texts[j]))
                    values[rest] = name
                    if remark:
                        notes.append(f"姓名后注:{remark}")
                        row.warnings.append(Problem("姓名", f"姓名后的“{remark}”记入备注", j))
                else:
                    values[rest] = texts[j]
            elif kind == "supporter":
                index, _, name = rest.partition(":")
                entry = supporters.setdefault(int(index), {"_columns": {}})
                entry["_columns"][name] = j
                if SUPPORTER[name].type is FieldType.DATE:
                    try:
                        entry[name] = cells.date_cell(value)[0]
                    except ValueError:
                        entry[name] = texts[j]
                elif name == "relation":
                    entry[name] = cells.relation_text(value)
                elif name == "name":
                    entry[name] = cells.cjk_squeeze(texts[j])
                else:
                    entry[name] = texts[j]
            elif rest == "age":
                values["_age"] = (texts[j], j)
            elif rest == "status":
                values["_status"] = texts[j]
        if heading_group and "group_id" not in values and values.get("name"):
            # The group is a heading row above (一组 … 二组 …), not a column.
            values["group_id"] = self._group(row, None, heading_group, stored, new_groups)
        if row.errors:
            row.action = REFUSED
        row.name = str(values.get("name") or "")
        if notes:
            values["_notes"] = notes
        return row, values, [supporters[k] for k in sorted(supporters)], month_only

    def _date(self, row: RowPreview, column: int, name: str, value: Any,
              values: dict[str, Any], notes: list[str]) -> bool:
        label = PERSON[name].label
        try:
            day, month_only, note = cells.date_cell(value)
        except ValueError:
            message = f"{label}“{text_of(value)}”不是有效日期"
            if name == "birth_date":
                row.errors.append(Problem(label, message + ",请写成 1950-03-12 或 1950.3", column))
            else:
                row.warnings.append(Problem(label, message + ",未导入该项,原值记入备注", column))
                notes.append(f"{label}:{text_of(value)}")
            return False
        if note:
            row.warnings.append(Problem(label, note, column))
        values[name] = day
        return month_only and name == "birth_date"

    @staticmethod
    def _group(row: RowPreview, column: int | None, value: Any, stored: _Stored,
               new_groups: dict[str, str]) -> int:
        text = text_of(value)
        if text.isdigit():
            text += "组"
        key = stored.keys.get(text)
        if key is None:  # a ledger writes its few groups over and over
            key = stored.keys[text] = group_key(text)
        if key in stored.groups:
            return stored.groups[key]
        if key not in new_groups:
            new_groups[key] = text.replace(" ", "")[:30]
        row.new_group = key
        row.warnings.append(Problem("村民小组", f"“{new_groups[key]}”还没有,导入时将新建",
                                    column))
        # A placeholder until the group exists; negative never clashes with a real id.
        return -1 - list(new_groups).index(key)

    def _match(self, row: RowPreview, values: dict[str, Any], stored: _Stored,
               seen_ids: dict[str, tuple[RowPreview, dict[str, Any]]],
               seen_names: dict[tuple[str, str], str]) -> None:
        raw_id = values.get("id_number")
        label = PERSON["id_number"].label
        number = None
        if raw_id and self._truncated(row, values, idnumber.normalise(raw_id), stored):
            raw_id = None
        if raw_id:
            try:
                info = idnumber.parse(raw_id, today=self.today())
            except FieldError as e:
                row.action = REFUSED
                row.errors.append(Problem(label, e.message, None))
                return
            number = info.number
            values["_id_info"] = info
            row.id_number = number
            if number in seen_ids:
                first, first_values = seen_ids[number]
                if first.sheet != row.sheet and first_values.get("name") == values.get("name"):
                    # The same person on two sheets (a 总表 and a group's sheet): read once,
                    # the group taken from whichever sheet gives one.
                    if first_values.get("group_id") is None and values.get("group_id") is not None:
                        first_values["group_id"] = values["group_id"]
                        first.new_group = first.new_group or row.new_group
                    row.action = IGNORED
                    row.errors.append(Problem("", f"与{first.where}是同一人(身份证号、姓名相同),"
                                                  "已在那里读入"))
                    row.warnings = []
                    row.new_group = None
                    return
                row.action = REFUSED
                row.errors.append(Problem(
                    label, f"与{first.where}身份证号相同;同一文件中只保留第一行"))
                return
            seen_ids[number] = (row, values)
            if info.upgraded_from:
                row.warnings.append(Problem(label, f"15 位旧号 {info.upgraded_from} 已升为 18 位"))
        name = str(values.get("name") or "")
        group = values.get("group_id")
        if number and number in stored.by_id:
            row.action, row.person_id = UPDATE, stored.by_id[number]
            row.basis = "身份证号"
        elif name:
            candidates = stored.by_name_group.get((name, group), [])
            if number:
                candidates = [c for c in candidates if c in stored.without_id]
            elif len(candidates) > 1:
                candidates = self._narrow(candidates, values, stored)
            if len(candidates) == 1:
                row.action, row.person_id = UPDATE, candidates[0]
                row.basis = "姓名和村民小组"
                if number:
                    row.warnings.append(Problem(label, "按姓名和村民小组找到登记册上尚无身份证号的"
                                                       "同一人,将补上身份证号"))
            elif len(candidates) > 1 and not number:
                row.action = REFUSED
                row.errors.append(Problem(
                    "姓名", f"登记册上同一村民小组有 {len(candidates)} 位“{name}”,"
                    "没有身份证号无法分辨是哪一位,请补充身份证号"))
                return
        if not number:
            if self._same_on_another_sheet(row, values, name, group):
                return
            birth = values.get("birth_date")
            key = (name, f"{group}|{birth or ''}")
            if key in seen_names:
                row.action = REFUSED
                row.errors.append(Problem(
                    "姓名", f"与{seen_names[key]}姓名、村民小组相同且都没有身份证号,"
                    "无法分辨,请补充身份证号"))
                return
            seen_names[key] = row.where
        if row.person_id in stored.exited:
            row.warnings.append(Problem("", "此人已退出登记册,只更新档案内容"))

    def _same_on_another_sheet(self, row: RowPreview, values: dict[str, Any], name: str,
                               group: Any) -> bool:
        """A person without an ID number on a 总表 and again on a group's sheet is one
        person (a group's sheet names the group the 总表 left out): read once, said so."""
        if not row.sheet or not name:
            return False
        for first, first_values in self._without_id.get(name, []):
            theirs = first_values.get("group_id")
            if first.sheet == row.sheet or not (theirs is None or group is None
                                                or theirs == group):
                continue
            if theirs is None and group is not None:
                first_values["group_id"] = group
                first.new_group = first.new_group or row.new_group
            row.action, row.person_id, row.warnings, row.new_group = IGNORED, None, [], None
            row.errors.append(Problem("", f"与{first.where}同名、都没有身份证号且村民小组不矛盾,"
                                          "按同一人处理,已在那里读入;如是两个人,请补充身份证号"))
            return True
        self._without_id.setdefault(name, []).append((row, values))
        return False

    def _truncated(self, row: RowPreview, values: dict[str, Any], number: str,
                   stored: _Stored) -> bool:
        """An ID that Excel cut to 15 digits and the clerk typed back (…000) is not
        trusted: the person comes in 待补充身份证号, the number kept in 备注 and the
        birth date taken from its intact first 14 digits (issue 16)."""
        if not (cells.looks_truncated(number) and number.isdigit()):
            return False
        column = self._column(row, "id_number")
        if number in stored.by_id:  # already on the register so: matched, and flagged
            row.warnings.append(Problem("身份证号", f"“{number}”末三位为 000,疑被 Excel 截断;"
                                                   "登记册上也是这个号,请对照身份证核对", column))
            return False
        try:
            birth: date | None = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            birth = None
        values.pop("id_number", None)
        values.setdefault("_notes", []).append(f"疑被截断的身份证号:{number}")
        if birth is not None and not values.get("birth_date") and birth <= self.today():
            values["birth_date"] = birth
            got = f",出生日期按前 14 位记为 {birth:%Y-%m-%d}"
        else:
            got = ""
        row.warnings.append(Problem(
            "身份证号", f"“{number}”末三位为 000,疑被 Excel 截断(Excel 只保留 15 位数字);"
            f"未作为身份证号导入,原值记入备注{got},请对照身份证补录", column))
        return True

    def _exited_in_ledger(self, row: RowPreview, status: str, stored: _Stored) -> None:
        """A ledger (our own export, the township's list) may say someone has left: no
        new file for them, and a person still on the register is only flagged; an exit
        needs its date and reason, given in the person's file."""
        if not status or status_code(status) != EXITED or not row.accepted:
            return
        if "退出" not in status and proposed_exit(status, self.today()) is not None:
            return  # 已故, 户口已迁出: an exit proposed, with its reason and date

        if row.action == NEW:
            row.action = IGNORED
            row.errors.append(Problem("", f"台账中此人状态为“{status}”,不新建档案"))
            row.warnings = []
            row.new_group = None
        elif row.person_id not in stored.exited:
            row.warnings.append(Problem("状态", f"台账中为“{status}”,登记册上仍在册;"
                                              "如属实,请在档案中办理退出"))

    def _propose_exit(self, row: RowPreview, status: str, values: dict[str, Any],
                      stored: _Stored) -> None:
        """状态 or 备注 saying the person died, moved into a home or has children back:
        an exit proposed with its reason and date, for the clerk to confirm."""
        if not row.accepted or row.person_id in stored.exited:
            return
        for label, text in (("状态", status), ("备注", str(values.get("note") or ""))):
            proposal = proposed_exit(text, self.today())
            if proposal is not None:
                row.exit = proposal
                row.warnings.append(Problem(label, proposal.describe() + ";导入时须确认",
                                            self._column(row, "note") if label == "备注" else None))
                return

    @staticmethod
    def _narrow(candidates: list[int], values: dict[str, Any], stored: _Stored) -> list[int]:
        """Several people of that name in the group: the one with the row's birth date,
        else the one still without an ID number (whom an ID-less ledger row describes)."""
        birth = values.get("birth_date")
        if isinstance(birth, date):
            same = [c for c in candidates if (b := stored.births.get(c)) is not None
                    and (b == birth or (b.year, b.month) == (birth.year, birth.month)
                         and birth.day == 1)]
            if same:
                candidates = same
        if len(candidates) > 1:
            without = [c for c in candidates if c in stored.without_id]
            if len(without) == 1:
                return without
        return candidates

    def _load_files(self, ids: set[int]) -> dict[int, tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Stored values and supporters of the people the file updates, read in batches."""
        files: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        wanted = sorted(ids)
        names = [f.name for f in PERSON_FIELDS]
        with self.database.session() as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                query = select(person.c.id, *(person.c[n] for n in names)).where(
                    person.c.id.in_(chunk))
                for r in session.execute(query):
                    files[r[0]] = (dict(zip(names, r[1:], strict=True)), [])
                squery = select(supporter).where(supporter.c.person_id.in_(chunk)).order_by(
                    supporter.c.person_id, supporter.c.position)
                for s in session.execute(squery).mappings():
                    values = {f: s[f] for f in SUPPORTER}
                    files[s["person_id"]][1].append({"id": s["id"], **values})
        return files

    def _check(self, row: RowPreview, values: dict[str, Any], supporters: list[dict[str, Any]],
               month_only: bool,
               stored: tuple[dict[str, Any], list[dict[str, Any]]] | None) -> None:
        """Merge the row into the stored file and clean it as the editor would."""
        notes: list[str] = list(values.pop("_notes", []))
        info = values.pop("_id_info", None)
        age = values.pop("_age", None)
        if info is not None:
            values["id_number"] = info.number
            typed = values.get("birth_date")
            if typed is not None and cells.same_birth(typed, month_only, info.birth_date):
                values.pop("birth_date")
        elif month_only and values.get("birth_date"):
            row.warnings.append(Problem("出生日期", "台账只写到月份,日期按 1 日记"))
        if age and info is None and not values.get("birth_date") and not (
            stored and stored[0].get("birth_date")
        ):
            self._birth_from_age(row, values, age)
        sex = values.get("sex")
        if isinstance(sex, str):
            values["sex"], coded = cells.sex_text(sex)
            if coded and info is None:  # with an ID number, the number says the sex
                row.warnings.append(Problem("性别", f"性别写作“{sex}”,按 {values['sex']} 记",
                                            self._column(row, "sex")))
        for name in list(values):
            f = PERSON[name]
            if name in KEY_FIELDS or f.type is FieldType.GROUP:
                continue
            try:
                f.clean(values[name])
            except FieldError as e:
                row.warnings.append(Problem(f.label, f"{e.message};未导入该项,原值记入备注",
                                            self._column(row, name)))
                notes.append(f"{f.label}:{text_of(values.pop(name))}")
        merged_supporters = self._supporters(row, supporters, values, stored, notes)
        if stored is not None:
            base = dict(stored[0])
            if info is not None and base.get("id_number") != info.number:
                base["birth_date"] = None
                base["sex"] = None
            base.update(values)
            values = base
        if notes:
            old = str(values.get("note") or "")
            extra = "台账原值:" + ";".join(notes)
            if extra not in old:
                values["note"] = (old + ";" if old else "") + extra
        draft = PersonDraft(values, merged_supporters)
        try:
            clean_values, clean_supporters, warnings = self.register.clean(draft, row.person_id)
        except ValidationFailed as e:
            row.action = REFUSED
            for error in e.errors:
                label = _label(error.field)
                row.errors.append(Problem(label, error.message, self._column(row, error.field)))
            return
        row.draft = draft
        row.cleaned = (clean_values, clean_supporters, warnings)
        if stored is not None:
            fields = [f.name for f in SUPPORTER.values()]
            row.unchanged = all(stored[0].get(k) == v for k, v in clean_values.items()) and [
                {k: s.get(k) for k in fields} for s in stored[1]] == [
                {k: s.get(k) for k in fields} for s in clean_supporters]
        if not clean_values.get("id_number"):
            row.warnings.append(Problem("身份证号", "待补充身份证号"))
        row.warnings.extend(Problem("", w) for w in warnings if "15 位旧身份证号" not in w)

    def _birth_from_age(self, row: RowPreview, values: dict[str, Any],
                        age: tuple[str, int]) -> None:
        text, column = age
        years = cells.age_years(text)  # 78, 78岁, 七十八 (issue 16: ages in words)
        if years is None:
            row.warnings.append(Problem("年龄", f"年龄“{text}”看不懂,未用于出生日期", column))
            return
        if 0 < years < 120:
            values["birth_date"] = date(self.today().year - years, 1, 1)
            written = "" if text.strip().rstrip("岁周").isdigit() else f"(台账写作“{text}”)"
            row.warnings.append(Problem(
                "出生日期", f"没有身份证号和出生日期,按年龄 {years} 岁{written}暂记为 "
                f"{values['birth_date']:%Y} 年 1 月 1 日,补充身份证号后自动更正", column))

    def _column(self, row: RowPreview, name: str) -> int | None:
        columns = self._columns.get(row.sheet) or next(iter(self._columns.values()), {})
        return columns.get(name)

    def _supporters(self, row: RowPreview, rows: list[dict[str, Any]], values: dict[str, Any],
                    stored: tuple[dict[str, Any], list[dict[str, Any]]] | None,
                    notes: list[str]) -> list[dict[str, Any]]:
        existing = [dict(s) for s in stored[1]] if stored else []
        number = values.get("id_number") or (stored[0].get("id_number") if stored else "") or ""
        home = self._home or divisions.home_from_id(str(number))
        for index, entry in enumerate(rows, start=1):
            columns = entry.pop("_columns", {})
            filled = {k: v for k, v in entry.items() if v not in (None, "")}
            if not filled:
                continue
            if not filled.get("name"):
                shown = "、".join(f"{SUPPORTER[k].label}{text_of(v)}" for k, v in filled.items())
                row.warnings.append(Problem(
                    f"赡养人{index}", f"没有姓名,未导入({shown}),原值记入备注"))
                notes.append(f"赡养人{index}:{shown}")
                continue
            if not filled.get("relation"):
                filled["relation"] = "其他赡养义务人"
                row.warnings.append(Problem(f"赡养人{index}",
                                            f"{filled['name']}未填关系,暂记为“其他赡养义务人”"))
            match = next((s for s in existing if s.get("name") == filled["name"]), None)
            if "location_scope" not in filled and not (match and match.get("location_scope")):
                self._scope(row, index, filled, columns, home)
            for name in list(filled):
                f = SUPPORTER[name]
                try:
                    f.clean(filled[name])
                except FieldError as e:
                    if name in ("name", "relation"):
                        continue  # the register's clean refuses the row, naming it
                    row.warnings.append(Problem(
                        f"赡养人{index}", f"{e.message};未导入该项,原值记入备注",
                        columns.get(name)))
                    notes.append(f"赡养人{index}{f.label}:{text_of(filled.pop(name))}")
            if match is None:
                existing.append(filled)
            else:
                match.update(filled)
        return existing

    def _scope(self, row: RowPreview, index: int, filled: dict[str, Any],
               columns: dict[str, int], home: divisions.Home | None) -> None:
        """所在范围 from where the ledger says the supporter is, seen from the village's
        county (本村设置); a place not known for sure is flagged, never guessed."""
        where = str(filled.get("whereabouts") or "")
        if not where:
            return
        scope, why = divisions.scope_of(where, home)
        if scope:
            filled["location_scope"] = scope
            return
        row.warnings.append(Problem(
            f"赡养人{index}", f"{filled['name']}的所在范围未填:{why},请在档案中选择",
            columns.get("whereabouts")))

    # -- apply -------------------------------------------------------------------------

    @staticmethod
    def _preload(session: Any, ids: list[int]) -> list[Any]:
        """The files to update, with their supporters, read in a few queries: each
        row's save then finds them in the session instead of querying twice."""
        from sqlalchemy.orm import selectinload

        from carecenter.storage.models import Person

        loaded: list[Any] = []
        for start in range(0, len(ids), 500):
            loaded += session.execute(
                select(Person).options(selectinload(Person.supporters))  # type: ignore[arg-type]
                .where(person.c.id.in_(ids[start:start + 500]))).scalars().all()
        return loaded

    def _create(self, session: Any, batch: list[tuple[RowPreview, PersonDraft]]) -> list[int]:
        """New people in bulk; a refusal names the first row it concerns."""
        try:
            cleaned = [row.cleaned for row, _ in batch]
            ids = [r.person_id for r in self.register.create_many(
                session, [draft for _, draft in batch],
                None if any(c is None for c in cleaned) else cleaned)]  # type: ignore[arg-type]
            self._created.update((id(row), pid) for (row, _), pid in zip(batch, ids, strict=True))
            return ids
        except ValidationFailed as e:
            raise KnownError(f"第 {batch[0][0].row} 行起的一批:{e.message}。"
                             "导入已撤销,登记册没有改动") from e

    def _exits(self, session: Any, preview: Preview) -> list[int]:
        """The exits the clerk confirmed, in the import's transaction."""
        done: list[int] = []
        for row in preview.exits:
            assert row.exit is not None
            pid = row.person_id or self._created.get(id(row))
            if pid is None:
                continue
            note = f"据台账{row.exit.said[:40]}"
            try:
                self.register.exit_in(session, pid, row.exit.on, row.exit.reason, note,
                                      refresh_due=False)
            except ValidationFailed as e:
                raise KnownError(f"{row.where}:{e.message}。导入已撤销,登记册没有改动") from e
            done.append(pid)
        return done

    def apply(self, preview: Preview, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ImportResult:
        """Write every accepted row, and create the new groups, in one transaction."""
        accepted = [r for r in preview.rows if r.accepted and r.draft is not None]
        if preview.exits and not preview.confirm_exits:
            raise KnownError(f"有 {len(preview.exits)} 人台账写明已故、入住养老机构或子女返乡等,"
                             "请先确认按台账办理退出,或改正台账后再导入;登记册没有改动")
        self._created = {}
        if any(not r.unchanged for r in accepted) or preview.exits:
            # The way back from an import the clerk regrets (issue 15).
            self.database.back_up(backups.IMPORT)
        written: list[int] = []
        batch: list[tuple[RowPreview, PersonDraft]] = []
        with collector_paused(), self.database.transaction() as session:
            group_ids: dict[str, int] = {}
            for key, name in preview.new_groups.items():
                existing = self.register.groups.find(session, name)
                group_ids[key] = existing or self.register.groups.add_in(session, name)
            # Held here: the session's identity map keeps objects only while referenced.
            loaded = self._preload(session,
                                   [r.person_id for r in accepted if r.person_id is not None])
            for done, row in enumerate(accepted):
                if cancelled and cancelled():
                    raise ImportCancelled()
                if progress and done % 100 == 0:
                    progress(done, len(accepted))
                assert row.draft is not None
                values = dict(row.draft.values)
                if row.new_group is not None:
                    values["group_id"] = group_ids[row.new_group]
                draft = PersonDraft(values, row.draft.supporters)
                if row.unchanged:
                    continue
                if row.person_id is None and row.cleaned is not None:
                    group = values.get("group_id")
                    row.cleaned[0]["group_id"] = group
                    batch.append((row, draft))
                    if len(batch) >= 1000:
                        written += self._create(session, batch)
                        batch = []
                    continue
                try:
                    saved = self.register.save_in(session, draft, row.person_id,
                                                  allow_duplicate=True, refresh_due=False)
                except ValidationFailed as e:
                    raise KnownError(
                        f"第 {row.row} 行:{e.message}。导入已撤销,登记册没有改动") from e
                written.append(saved.person_id)
            written += self._create(session, batch)
            written += self._exits(session, preview)
            del loaded
            created = sum(1 for r in accepted if r.person_id is None)
            updated = len(accepted) - created
            # The visit cadences' due dates, for everyone written, in a few batches.
            session.flush()
            duestore.refresh(session.connection(), written, self.today())
            if progress:
                progress(len(accepted), len(accepted))
        return ImportResult(created, updated, len(preview.rows) - len(accepted),
                            list(preview.new_groups.values()))


def _label(name: str) -> str:
    if name in PERSON:
        return PERSON[name].label
    if name in SUPPORTER:
        return "赡养人" + SUPPORTER[name].label
    return ""
