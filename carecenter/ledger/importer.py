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
Nothing is written until ``apply``; then all accepted rows go in one transaction,
each through ``Register.save_in`` so the rules are the editor's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from carecenter import clock
from carecenter.care import due_dates as duestore
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.ledger import cells, mapping
from carecenter.ledger.compare import status_code
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
from carecenter.ledger.workbook import Sheet, read_sheet, read_sheets, text_of
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft, Register
from carecenter.rules import idnumber
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
        self._columns: dict[str, int] = {}  # field → sheet column, for the preview's cells

    def open(self, path: str | Path, sheet: str | None = None) -> tuple[Sheet, Layout]:
        """The sheet and its layout; without a sheet named, the first sheet that holds a
        table (a workbook often starts with a 填表说明 sheet)."""
        sheets = iter([read_sheet(path, sheet)]) if sheet is not None else read_sheets(path)
        seen: list[Sheet] = []
        for data in sheets:
            layout = mapping.detect(data.rows)
            if layout is not None:
                return data, mapping.apply_saved(self.settings, layout)
            seen.append(data)
        if len(seen) > 1:
            raise KnownError(f"在工作簿的 {len(seen)} 张工作表({'、'.join(d.name for d in seen)})"
                             f"里都找不到表头:{_HEADER_NEEDED}")
        data = seen[0]
        if not any(any(v is not None for v in row) for row in data.rows):
            raise KnownError(f"工作表“{data.name}”是空的,没有可导入的内容")
        raise KnownError(
            f"在工作表“{data.name}”的前 {mapping.HEADER_SCAN_ROWS} 行里找不到表头:"
            f"{_HEADER_NEEDED}请检查是否选对了工作表"
        )

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
        if layout.column_for(mapping.person_target("name")) is None:
            raise KnownError("请把“姓名”对应到台账中的一列,否则无法导入")
        idnumber.forget()
        stored = self._stored()
        self._columns = {t.partition(":")[2]: j for j, t in layout.targets().items()
                         if t.startswith("person:")}
        new_groups: dict[str, str] = {}
        seen_ids: dict[str, int] = {}
        seen_names: dict[tuple[str, str], int] = {}
        rows: list[RowPreview] = []
        body = data.rows[layout.first_row:]
        pending: list[tuple[RowPreview, dict[str, Any], list[dict[str, Any]], bool]] = []
        shape = TableShape(layout, [data.rows[i] for i in layout.header_rows])
        for offset, raw in enumerate(body):
            if cancelled and cancelled():
                raise ImportCancelled()
            if progress and offset % 200 == 0:
                progress(offset, len(body) * 2)
            number = layout.first_row + offset + 1
            reason = shape.skip(number, raw)
            if reason:
                rows.append(RowPreview(number, IGNORED, cells=list(raw),
                                       errors=[Problem("", reason)]))
                continue
            result = self._read_row(number, raw, layout, stored, new_groups, shape.group)
            if result is None:
                continue
            row, values, supporters, month_only = result
            rows.append(row)
            if self._continues(shape, row, values, supporters):
                continue
            if row.action != NEW:  # ignored or refused while reading
                continue
            self._match(row, values, stored, seen_ids, seen_names)
            self._exited_in_ledger(row, values.pop("_status", ""), stored)
            if row.accepted:
                pending.append((row, values, supporters, month_only))
        self._trim_trailing_ignored(rows)
        files = self._load_files({r.person_id for r, *_ in pending if r.person_id})
        for done, (row, values, supporters, month_only) in enumerate(pending):
            if cancelled and cancelled():
                raise ImportCancelled()
            if progress and done % 200 == 0:
                progress(len(body) + done * len(body) // max(len(pending), 1), len(body) * 2)
            self._check(row, values, supporters, month_only, files.get(row.person_id or -1))
        for r in rows:
            if r.action == REFUSED and r.new_group:
                r.warnings = [w for w in r.warnings if not w.message.endswith("导入时将新建")]
        used = {r.new_group for r in rows if r.accepted and r.new_group}
        if progress:
            progress(len(body) * 2, len(body) * 2)
        return Preview(Path(path), data.name, layout, rows,
                       {k: v for k, v in new_groups.items() if k in used}, shape.ended)

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
               seen_ids: dict[str, int], seen_names: dict[tuple[str, str], int]) -> None:
        raw_id = values.get("id_number")
        label = PERSON["id_number"].label
        number = None
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
                row.action = REFUSED
                row.errors.append(Problem(
                    label, f"与第 {seen_ids[number]} 行身份证号相同;同一文件中只保留第一行"))
                return
            seen_ids[number] = row.row
            if info.upgraded_from:
                row.warnings.append(Problem(label, f"15 位旧号 {info.upgraded_from} 已升为 18 位"))
        name = str(values.get("name") or "")
        group = values.get("group_id")
        if number and number in stored.by_id:
            row.action, row.person_id = UPDATE, stored.by_id[number]
        elif name:
            candidates = stored.by_name_group.get((name, group), [])
            if number:
                candidates = [c for c in candidates if c in stored.without_id]
            elif len(candidates) > 1:
                candidates = self._narrow(candidates, values, stored)
            if len(candidates) == 1:
                row.action, row.person_id = UPDATE, candidates[0]
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
            birth = values.get("birth_date")
            key = (name, f"{group}|{birth or ''}")
            if key in seen_names:
                row.action = REFUSED
                row.errors.append(Problem(
                    "姓名", f"与第 {seen_names[key]} 行姓名、村民小组相同且都没有身份证号,"
                    "无法分辨,请补充身份证号"))
                return
            seen_names[key] = row.row
        if row.person_id in stored.exited:
            row.warnings.append(Problem("", "此人已退出登记册,只更新档案内容"))

    @staticmethod
    def _exited_in_ledger(row: RowPreview, status: str, stored: _Stored) -> None:
        """A ledger (our own export, the township's list) may say someone has left: no
        new file for them, and a person still on the register is only flagged; an exit
        needs its date and reason, given in the person's file."""
        if not status or status_code(status) != EXITED or not row.accepted:
            return
        if row.action == NEW:
            row.action = IGNORED
            row.errors.append(Problem("", f"台账中此人状态为“{status}”,不新建档案"))
            row.warnings = []
            row.new_group = None
        elif row.person_id not in stored.exited:
            row.warnings.append(Problem("状态", f"台账中为“{status}”,登记册上仍在册;"
                                              "如属实,请在档案中办理退出"))

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
            values["sex"] = sex.strip().removesuffix("性")
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
        m = re.match(r"\s*([0-9]+(?:\.[0-9]*)?)\s*(?:岁|周岁)?\s*$", text)  # 78, 78岁
        if not m:
            return
        years = int(float(m.group(1)))
        if 0 < years < 120:
            values["birth_date"] = date(self.today().year - years, 1, 1)
            row.warnings.append(Problem(
                "出生日期", f"没有身份证号和出生日期,按年龄 {years} 岁暂记为 "
                f"{values['birth_date']:%Y} 年 1 月 1 日,补充身份证号后自动更正", column))

    def _column(self, row: RowPreview, name: str) -> int | None:
        return self._columns.get(name)

    def _supporters(self, row: RowPreview, rows: list[dict[str, Any]], values: dict[str, Any],
                    stored: tuple[dict[str, Any], list[dict[str, Any]]] | None,
                    notes: list[str]) -> list[dict[str, Any]]:
        existing = [dict(s) for s in stored[1]] if stored else []
        home = (values.get("id_number") or (stored[0].get("id_number") if stored else "")
                or "")[:2] or None
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
                scope = cells.scope_from_whereabouts(str(filled.get("whereabouts") or ""), home)
                if scope:
                    filled["location_scope"] = scope
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
            return [r.person_id for r in self.register.create_many(
                session, [draft for _, draft in batch],
                None if any(c is None for c in cleaned) else cleaned)]  # type: ignore[arg-type]
        except ValidationFailed as e:
            raise KnownError(f"第 {batch[0][0].row} 行起的一批:{e.message}。"
                             "导入已撤销,登记册没有改动") from e

    def apply(self, preview: Preview, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ImportResult:
        """Write every accepted row, and create the new groups, in one transaction."""
        accepted = [r for r in preview.rows if r.accepted and r.draft is not None]
        if any(not r.unchanged for r in accepted):
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
