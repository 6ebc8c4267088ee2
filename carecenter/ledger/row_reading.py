"""One ledger row read into a file: its cells typed and checked as the editor would, the
group from the row or the sheet, a birth date from an age, the supporters in the row,
each problem named by row and field in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Any

from carecenter.errors import FieldError, ValidationFailed
from carecenter.ledger import cells, mapping, value_words
from carecenter.ledger.import_preview import (  # noqa: F401 (re-exported)
    ACTION_LABELS,
    IGNORED,
    NEW,
    REFUSED,
    UPDATE,
    ChangedSincePreview,
    ImportResult,
    Preview,
    Problem,
    RowPreview,
    changed_since_preview,
    fingerprint,
)
from carecenter.ledger.mapping import Layout
from carecenter.ledger.row_matching import RowMatching, Stored
from carecenter.ledger.workbook import text_of
from carecenter.register.form_values import CLEANED
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft
from carecenter.rules import divisions, idnumber
from carecenter.rules.fields import PERSON, SUPPORTER, FieldType

KEY_FIELDS = frozenset({"name", "id_number", "birth_date", "sex"})


class RowReading(RowMatching):
    """The importer's row-reading half (``importer.LedgerImport`` is one)."""

    def _read_row(
        self, number: int, raw: list[Any], layout: Layout, stored: Stored,
        new_groups: dict[str, str], heading_group: str | None = None,
    ) -> tuple[RowPreview, dict[str, Any], list[dict[str, Any]], bool] | None:
        reading = self._readings.get(id(layout))
        if reading is None:  # once per sheet and preview (a remap changes the layout)
            reading = self._readings[id(layout)] = _Reading(layout)
        labels = reading.labels
        row = RowPreview(number, NEW, cells=list(raw))
        texts = [text_of(v) for v in raw]
        name_col = reading.name_col
        name_text = texts[name_col] if name_col is not None and name_col < len(texts) else ""
        footer = cells.first_footer(texts)
        # 合计 | 3人 (the count in the name column) is a total row, not a person.
        if footer and (not name_text or cells.is_footer(name_text) or name_text == footer
                       or next(t for t in texts if t) == footer):
            row.action = IGNORED
            row.errors.append(Problem("", f"合计、签名或说明行:“{footer[:20]}”"))
            return row, {}, [], False
        if not any(t for j, t in enumerate(texts) if j not in reading.numbering):
            row.action = IGNORED
            # 本季度新增人员 merged across from column A sits in the 序号 column: a
            # heading, shown as such rather than hidden as a blank row.
            words = next((t for t in texts if t and not t.isdigit()), "")
            row.errors.append(Problem("", f"标题或说明行:“{words[:20]}”,不是人员" if words
                                      else "空行"))
            return row, {}, [], False
        if "名" in name_text and mapping.normalise_label(name_text) in (
                "姓名", "老人姓名", "人员姓名"):
            row.action = IGNORED
            row.errors.append(Problem("", "重复的表头行"))
            return row, {}, [], False
        values: dict[str, Any] = {}
        supporters: dict[int, dict[str, Any]] = {}
        notes: list[str] = []
        month_only = False
        for j, kind, rest, dated in reading.plan:
            value = raw[j] if j < len(raw) else None
            if value is None or texts[j] == "":
                continue
            if kind == "person":
                if dated:
                    month_only = self._date(row, j, rest, value, values, notes) or month_only
                elif rest == "id_number":
                    if cells.is_placeholder(value):
                        continue
                    if cells.is_remark(value):
                        notes.append(f"身份证号栏:{text_of(value)}")
                        continue
                    damage = cells.excel_damage(
                        value if not isinstance(value, str) else idnumber.normalise(value))
                    if damage is not None:
                        # A number cell, or …000 typed back: flagged, the person coming
                        # in without it (reviewer item 6), in ``_damaged``.
                        values[rest], values["_id_damage"] = damage[0], damage
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
                elif value_words.reads(rest, labels.get(j, "")):
                    self._words(row, j, rest, labels[j], texts[j], values, notes)
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
        if reading.relations:  # most ledgers have none: nothing to do per row
            for index, entry in supporters.items():
                if not entry.get("relation") and index in reading.relations:
                    entry["relation"] = reading.relations[index]
        if heading_group and "group_id" not in values and values.get("name"):
            # The group is a heading row above (一组 … 二组 …), not a column.
            values["group_id"] = self._group(row, None, heading_group, stored, new_groups)
        if row.errors:
            row.action = REFUSED
        row.name = str(values.get("name") or "")
        if notes:
            values["_notes"] = notes
        return row, values, [supporters[k] for k in sorted(supporters)], month_only

    @staticmethod
    def _words(row: RowPreview, column: int, name: str, label: str, text: str,
               values: dict[str, Any], notes: list[str]) -> None:
        """A 是否独居 or 房屋状况 cell read into its field; several columns of one field
        together (a multi-choice gathers them; of a single choice the first column
        says it and a differing later one is kept in 备注, flagged)."""
        value, note = value_words.read(name, label, text)
        f = PERSON[name]
        if note:
            row.warnings.append(Problem(f.label, note, column))
        if value is None:
            return  # 否, 安全, 能自理: nothing to record
        had = values.get(name)
        if had is None:
            values[name] = value
        elif f.type is FieldType.MULTI and isinstance(had, list) and isinstance(value, list):
            values[name] = list(dict.fromkeys(had + value))
        elif f.type is FieldType.MULTI:
            values[name] = "、".join(v if isinstance(v, str) else "、".join(v)
                                    for v in (had, value))
        elif had != value:
            row.warnings.append(Problem(f.label, f"“{label}”一列写作“{text}”,与前面一列"
                                        "不同,按前面一列记,此列原值记入备注", column))
            notes.append(f"{label}:{text}")

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
    def _group(row: RowPreview, column: int | None, value: Any, stored: Stored,
               new_groups: dict[str, str]) -> int:
        text = text_of(value)
        if text.isdigit():
            text += "组"
        key = stored.keys.get(text)
        if key is None:  # a ledger writes its few groups over and over
            key = stored.keys[text] = stored.groups.key(text)
            if key in stored.groups.ids and key != group_key(text):
                # 三队 where the register's only group numbered 3 is 第三村民小组: said.
                stored.aliases[text] = stored.groups.names[stored.groups.ids[key]]
        if key in stored.groups.ids:
            return stored.groups.ids[key]
        if key not in new_groups:
            new_groups[key] = text.replace(" ", "")[:30]
        row.new_group = key
        row.warnings.append(Problem("村民小组", f"“{new_groups[key]}”还没有,导入时将新建",
                                    column))
        # A placeholder until the group exists; negative never clashes with a real id.
        return -1 - list(new_groups).index(key)

    def _check(self, row: RowPreview, values: dict[str, Any], supporters: list[dict[str, Any]],
               month_only: bool,
               stored: tuple[dict[str, Any], list[dict[str, Any]]] | None) -> None:
        """Merge the row into the stored file and clean it as the editor would."""
        values.pop("_supporters", None)
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
        cleaned: dict[str, Any] = {}
        for name in list(values):
            f = PERSON[name]
            if name in KEY_FIELDS or f.type is FieldType.GROUP:
                continue
            try:
                values[name] = f.clean(values[name])
                cleaned[name] = f
            except FieldError as e:
                row.warnings.append(Problem(f.label, f"{e.message};未导入该项,原值记入备注",
                                            self._column(row, name)))
                wrong = values.pop(name)
                notes.append(f"{f.label}:" + ("、".join(f.choice_label(v) for v in wrong)
                                               if isinstance(wrong, list) else text_of(wrong)))
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
                cleaned.pop("note", None)  # longer now: its rule runs on it again
        draft = PersonDraft(values, merged_supporters, cleaned=cleaned)
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
            if "location_scope" not in filled:
                if not (match and match.get("location_scope")):
                    self._scope(row, index, filled, columns, home)
                elif (filled.get("whereabouts")
                      and str(filled["whereabouts"]) != str(match.get("whereabouts") or "")):
                    # The ledger says the supporter is somewhere else now: the stored
                    # 所在范围 was for the old place (never kept silently stale).
                    self._rescope(row, index, filled, columns, home, match)
            done: dict[str, Any] = {}
            for name in list(filled):
                f = SUPPORTER[name]
                try:
                    filled[name] = f.clean(filled[name])
                    done[name] = f
                except FieldError as e:
                    if name in ("name", "relation"):
                        continue  # the register's clean refuses the row, naming it
                    row.warnings.append(Problem(
                        f"赡养人{index}", f"{e.message};未导入该项,原值记入备注",
                        columns.get(name)))
                    notes.append(f"赡养人{index}{f.label}:{text_of(filled.pop(name))}")
            if match is None:
                filled[CLEANED] = done
                existing.append(filled)
            else:
                match.update(filled)
                match[CLEANED] = {**match.get(CLEANED, {}), **done}
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


    def _rescope(self, row: RowPreview, index: int, filled: dict[str, Any],
                 columns: dict[str, int], home: divisions.Home | None,
                 stored: dict[str, Any]) -> None:
        """A stored supporter whose place the ledger changes: 所在范围 from the new place;
        a new place not known for sure keeps the stored range, flagged for the clerk."""
        scope, why = divisions.scope_of(str(filled["whereabouts"]), home)
        if scope:
            filled["location_scope"] = scope
            return
        label = SUPPORTER["location_scope"].display(stored.get("location_scope"))
        row.warnings.append(Problem(
            f"赡养人{index}", f"{filled['name']}的去向改为“{filled['whereabouts']}”({why}),"
            f"所在范围仍记为“{label}”,请在档案中核对", columns.get("whereabouts")))


class _Reading:
    """What reading a row needs of its sheet's mapping, worked out once per sheet and
    preview rather than for each of its thousands of rows."""

    def __init__(self, layout: Layout) -> None:
        targets = layout.targets()
        self.labels = {c.index: c.label.rpartition("/")[2] for c in layout.columns}
        self.name_col = layout.column_for(mapping.person_target("name"))
        self.numbering = {j for j, t in targets.items() if t == "extra:seq"}
        # (column, person or supporter or extra, field, a person's date?)
        self.plan = tuple(
            (j, kind, rest, kind == "person" and PERSON[rest].type is FieldType.DATE)
            for j, (kind, _, rest) in ((j, t.partition(":")) for j, t in targets.items()))
        # 儿子姓名 | 女儿电话: each supporter's relation as its columns' own words say it.
        self.relations: dict[int, str] = {}
        for j, target in targets.items():
            if target.startswith("supporter:") and (
                    word := mapping.relation_in_label(self.labels.get(j, ""))):
                self.relations.setdefault(int(target.split(":")[1]), word)


def _label(name: str) -> str:
    if name in PERSON:
        return PERSON[name].label
    if name in SUPPORTER:
        return "赡养人" + SUPPORTER[name].label
    return ""
