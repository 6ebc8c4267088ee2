"""Importing the ledger of another kind than the elders': a village's 留守儿童 ledger.

A children's ledger (儿童督导主任's 花名册, or the rows of 民发〔2016〕42号 附件1) names the
child and then the father, the mother and the 委托监护人, each with name, phone and
place of work: 父亲姓名 | 父亲电话 | 父亲务工地点 …, or a heading 父亲 over 姓名 | 电话 …
Columns are matched to the kind's declared fields (labels and synonyms) and to its roles'
fields by those prefixes. Every row is checked by the register's own rules before
anything is written; the accepted rows, and any village group the ledger names that
the register lacks, are written in one transaction. A child already on the register
(by ID number, else by name and village group) is updated, never added twice, and a
row that says what the file holds is 无变化 (``kind_update``); a row the clerk hid in
Excel is flagged (``hidden_rows``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from carecenter.access import audit
from carecenter.errors import KnownError, ValidationFailed
from carecenter.ledger import cells, kind_book, mapping, merged_down, sheet_kinds
from carecenter.ledger.hidden_rows import HIDDEN_WARNING
from carecenter.ledger.import_preview import ChangedSincePreview
from carecenter.ledger.kind_cells import (
    birth_matches,
    guardian_relation,
    id_info,
    read_choices,
    read_dates,
)
from carecenter.ledger.kind_columns import (  # noqa: F401 (re-exported)
    WHO,
    _find_header,
    kind_of,
    looks_like,
    map_columns,
)
from carecenter.ledger.kind_preview import (  # noqa: F401 (re-exported)
    KindPreview,
    KindResult,
    KindRow,
)
from carecenter.ledger.kind_update import (
    WHO_LABELS,
    Known,
    StoredFile,
    changes,
    fingerprint,
    load,
    merged,
    read_files,
)
from carecenter.ledger.mapping import Column, Layout, normalise_label
from carecenter.ledger.rows import TableShape
from carecenter.ledger.workbook import heads, read_sheet, text_of
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft, Register
from carecenter.rules import divisions
from carecenter.rules.fields import SUPPORTER
from carecenter.rules.kinds import KINDS, PersonKind
from carecenter.rules.roles import CLERK, require
from carecenter.settings.settings_store import Settings
from carecenter.storage import backups
from carecenter.storage.backends import retrying
from carecenter.storage.bulk import collector_paused
from carecenter.storage.database import Database

# Where a parent works, in the clerk's words: at home or in the county means not away.
_LOCAL = re.compile(r"在家|本村|本镇|本乡|本县|县城|务农|无")


def detect(path: str | Path, sheet: str | None = None) -> str | None:
    """The kind whose ledger this is, by its header (a children's names the parents or
    the guardian, a 特困 list the 特困供养证号, 认定时间 or 供养方式); None: the elders'
    (or not known). Without a sheet named, the first sheet with a table decides: a
    children's ledger behind a 填表说明 sheet is found."""
    if sheet is not None:
        return _kind_of(read_sheet(path, sheet).rows[:30])
    for head in heads(path):
        plan = sheet_kinds.classify(head)
        if plan.kind in (sheet_kinds.OTHER_KIND, sheet_kinds.REGISTER):
            return _kind_of(head.rows)  # not a 填表说明, 汇总 or blank sheet before it
    return None


def _kind_of(rows: list[list[Any]]) -> str | None:
    """``kind_of``, except that an elders' ledger that also has a 供养方式 column stays
    the elders': its 子女 (赡养人) columns say whose it is, and they would be lost."""
    kind = kind_of(rows)
    if kind is None or KINDS[kind].roles:
        return kind
    layout = mapping.detect(rows)
    if layout is not None and any(c.target.startswith("supporter:") for c in layout.columns):
        return None
    return kind


def _scope(whereabouts: str | None, home: divisions.Home | None) -> tuple[str | None, str]:
    """所在范围 from where the ledger says a parent is, from the village's county, as for
    an elder's supporters: 广东东莞 is 省外 for a Hunan village, not 县外省内."""
    if not whereabouts:
        return None, ""
    scope, why = divisions.scope_of(whereabouts, home)
    if scope is None and _LOCAL.fullmatch(whereabouts.strip()):
        return divisions.IN_COUNTY, ""
    return scope, why


def _shape(rows: Sequence[Sequence[Any]], at: int, columns: dict[int, str]) -> TableShape:
    """The elders' reading of a table's end, totals and signatures, for this header."""
    header = list(rows[at])
    labels = [Column(i, text_of(v), columns.get(i, mapping.IGNORE)) for i, v in enumerate(header)]
    for c in labels:
        if not c.target and normalise_label(c.label) in ("序号", "编号", "序"):
            c.target = "extra:seq"
    header_rows = (at - 1, at) if at > 0 and any(text_of(v) for v in rows[at - 1]) else (at,)
    return TableShape(Layout(header_rows, labels), [list(rows[i]) for i in header_rows])


def _not_a_row(shape: TableShape, number: int, raw: list[Any], name: str) -> str | None:
    """Why a row under the header is not a person's (a total, a signature, a second
    table), or None."""
    reason = shape.skip(number, raw)
    if reason is not None:
        return reason
    texts = [t for v in raw if (t := text_of(v))]
    if texts and (cells.is_footer(texts[0]) or (name and cells.is_footer(name))):
        return f"合计、签名或说明行:“{(name if cells.is_footer(name) else texts[0])[:20]}”"
    return None


def _damaged_id(row: KindRow, values: dict[str, Any], today: date) -> None:
    """An ID Excel damaged (a number cell, …000 typed back) comes in as no ID, flagged
    身份证号待核实, kept in 备注, the birth date from its intact digits (as the elders'
    import does: reviewer item 6)."""
    damage = cells.excel_damage(values.get("id_number"))
    if damage is None:
        return
    left, said = damage
    values.pop("id_number")
    birth = cells.birth_in(left, today)
    got = ""
    if birth is not None and not values.get("birth_date"):
        values["birth_date"] = birth
        got = f",出生日期按前 14 位记为 {birth:%Y-%m-%d}"
    kept = f"疑被截断的身份证号:{left}"
    values["note"] = f"{values['note']};{kept}" if values.get("note") else kept
    row.warnings.append(f"身份证号待核实:{said};未作为身份证号导入,原值记入备注{got},"
                        "请对照身份证补录")


def preview(database: Database, path: str | Path, kind_code: str = "child",
            sheet: str | None = None) -> KindPreview:
    """Read and check the ledger; nothing is written. Without a sheet named, every sheet
    holding this kind's table is read, one per village group often (``kind_book``:
    held-out check, the second group's children were left out unsaid)."""
    kind = KINDS[kind_code]
    if sheet is not None:
        return _preview(database, path, kind, sheet)
    every = heads(path)
    names = [h.name for h in every if looks_like(kind, h.rows)]
    if len(names) > 1:
        found = kind_book.combine([_preview(database, path, kind, n) for n in names])
    else:
        found = _preview(database, path, kind, names[0] if names else None)
    found.not_read = [h.name for h in every if h.name not in found.sheets]
    return found


def _preview(database: Database, path: str | Path, kind: PersonKind,
             sheet: str | None) -> KindPreview:
    data = read_sheet(path, sheet)
    found = _find_header(kind, data.rows, marked=False)
    if found is None:
        raise KnownError(f"没有找到“{kind.label}”台账的表头:需要“姓名”列"
                         + ("" if not kind.roles else
                            ",以及" + "、".join(r.label for r in kind.roles) + "的列"))
    at, columns, unknown = found
    sheet_group = sheet_kinds.group_named(data, at)
    merged_down.spread(data.rows, data.merged, at + 1,
                       next((i for i, t in columns.items() if t == "name"), None))
    register = Register(database)
    village = Settings(database).village()
    home = divisions.home_of(village.get("county", ""), village.get("province", ""))
    known = Known.read(database)
    rows: list[KindRow] = []
    ignored: list[tuple[int, str]] = []
    seen: dict[str, int] = {}  # ID number → the row that first gave it
    seen_names: dict[tuple[str, str, str], int] = {}
    pending: list[tuple[KindRow, dict[str, Any], list[dict[str, Any]]]] = []
    shape = _shape(data.rows, at, columns)
    for number, raw in enumerate(data.rows[at + 1:], start=at + 2):
        cells_ = {target: raw[i] for i, target in columns.items() if i < len(raw)}
        if not any(text_of(v) for v in raw):
            continue
        name = cells.cjk_squeeze(text_of(cells_.get("name")))
        why = _not_a_row(shape, number, list(raw), name)
        if why is not None:
            ignored.append((number, why))
            continue
        if not any(text_of(v) for v in cells_.values()):
            ignored.append((number, "没有可导入的内容:“" + "、".join(
                t for v in raw if (t := text_of(v)))[:20] + "”"))
            continue
        row = KindRow(number, name, hidden=number in data.hidden, group=sheet_group)
        rows.append(row)
        if shape.group and "group_id" not in cells_:
            row.group = shape.group  # a 一组 heading row above, not a column
        if not name:
            row.errors.append("姓名:没有姓名")
            continue
        if shape.exits_from is not None:
            # Under 退出人员名单: never come in as someone still on the register; this
            # kind's import does not end anyone, so the clerk does it in the file.
            row.errors.append(f"列在第 {shape.exits_from[0]} 行“{shape.exits_from[1][:20]}”下"
                              "(已退出的人):此类台账导入时不办理退出,请在档案中办理退出,"
                              "或从台账中删去这些行后重新导入")
            continue
        values: dict[str, Any] = {}
        around: dict[str, dict[str, Any]] = {}
        for target, value in cells_.items():
            text = text_of(value)
            if not text:
                continue
            if "." in target:
                who, name_ = target.split(".", 1)
                around.setdefault(who, {})[name_] = text
            elif target == "group_id":
                row.group = text if not text.isdigit() else text + "组"
            else:
                values[target] = value if not isinstance(value, str) else text
        _damaged_id(row, values, register.today())
        partial, notes = read_dates(kind, values)
        row.warnings.extend(notes + read_choices(kind, values))
        if partial:
            _birth_to_the_month(row, values, cells_.get("birth_date"))
        supporters = []
        for who, fields in around.items():
            role = next(r for r in kind.roles
                        if r.code == who or any(w[1] == (r.code, who) for w in WHO))
            if who in ("father", "mother", "husband"):
                fields["relation"] = who
            elif "relation" in fields:
                fields["relation"], warning = guardian_relation(
                    role.field("relation"), fields["relation"], fields.get("id_number"))
                if warning:
                    row.warnings.append(f"{WHO_LABELS.get(who, role.label)}"
                                        f"{fields.get('name') or ''}的{warning}")
            if not fields.get("name"):
                row.warnings.append(f"{WHO_LABELS.get(who, role.label)}没有姓名,未登记")
                continue
            if "location_scope" in {f.name for f in role.fields}:
                scope, why = _scope(fields.get("whereabouts"),
                                    home or divisions.home_from_id(text_of(values.get(
                                        "id_number"))))
                if scope is not None:  # the code, which the kind's verdict reads
                    fields["location_scope"] = SUPPORTER["location_scope"].choice_code(scope)
                elif why:
                    label = WHO_LABELS.get(who, role.label)
                    row.warnings.append(f"{label}{fields['name']}的所在范围未填:{why},"
                                        "请在档案中选择")
            supporters.append({"role": role.code, **fields})
        draft = PersonDraft(values, supporters, kind=kind.code, kinds=[kind.code])
        try:
            cleaned = register.clean(draft)
        except ValidationFailed as e:
            row.errors.extend(_with_label(kind, err.field, err.message) for err in e.errors)
            continue
        number_ = cleaned[0].get("id_number")
        birth = cleaned[0].get("birth_date")
        if number_:
            if number_ in seen:
                row.errors.append(f"身份证号 {number_} 与第 {seen[number_]} 行相同;"
                                  "同一文件中只导入第一行")
                continue
            seen[number_] = number
        else:
            # Without an ID number a child is told apart by name, group and birth date.
            key = (name, group_key(row.group) if row.group else "", text_of(birth))
            if key in seen_names:
                row.errors.append(f"姓名:与第 {seen_names[key]} 行姓名、村民小组相同且都没有"
                                  "身份证号,无法分辨,请补充身份证号")
                continue
            seen_names[key] = number
        if not _match(row, kind, known, number_, birth):
            continue
        if row.person_id is not None:
            pending.append((row, values, supporters))
            continue
        row.draft, row.cleaned = draft, cleaned
        row.warnings.extend(cleaned[2])
        verdict = kind.judge(cleaned[0], [dict(s) for s in draft.supporters], register.today())
        if not verdict.left_behind:
            row.warnings.append(verdict.text)
    files = read_files(database, [r.person_id for r, _, _ in pending if r.person_id])
    for row, values, supporters in pending:
        assert row.person_id is not None
        _update(register, kind, known, row, files[row.person_id], values, supporters)
    for row in rows:
        if row.hidden:  # issue 16: nothing hidden comes in unseen
            row.warnings.append(HIDDEN_WARNING)
    above = data.rows[at - 1] if at else []
    headers = {i: " ".join(t for t in (text_of(above[i]) if i < len(above) else "",
                                       text_of(data.rows[at][i]) if i < len(data.rows[at])
                                       else "") if t) for i in columns}
    from openpyxl.utils import get_column_letter

    header = data.rows[at]
    hidden = [(get_column_letter(j + 1), headers.get(j) or text_of(header[j])
               if j < len(header) else "", j in columns)
              for j in sorted(data.hidden_columns)
              if j in columns or any(j < len(r) and r[j] is not None for r in data.rows[at:])]
    return KindPreview(kind, at + 1, columns, rows, unknown, headers, ignored, str(path),
                       hidden, sorted(shape.left_out), sheets=[data.name])


def _birth_to_the_month(row: KindRow, values: dict[str, Any], written: Any) -> None:
    """A birth date written to the month (2010年11月) or the year agrees with an ID number
    born in it, as in the elders' import: the number's day is kept; without a number the
    first of the month is, said on the row."""
    info = id_info(values.get("id_number"))
    if info is not None and birth_matches(values["birth_date"], written, info.birth_date):
        values.pop("birth_date")
    elif not text_of(values.get("id_number")):
        row.warnings.append(f"出生日期:台账只写到“{text_of(written)}”,"
                            f"按 {values['birth_date']:%Y-%m-%d} 记")


def _with_label(kind: PersonKind, field_name: str, message: str) -> str:
    """The refusal with the field it is about, as the elders' preview names it."""
    label = next((f.label for f in kind.fields if f.name == field_name), "")
    return f"{label}:{message}" if label and not message.startswith(label) else message


def _match(row: KindRow, kind: PersonKind, known: Known, number: str | None,
           birth: Any) -> bool:
    """The file the row is (``row.person_id``), by ID number, else by name and group;
    False when the row is refused because several files could be it."""
    if number and number in known.by_id:
        row.person_id, row.basis = known.by_id[number], "身份证号"
        return True
    found = known.by_name_and_group(kind, row.name, row.group, birth, bool(number))
    if len(found) == 1:
        row.person_id, row.basis = found[0], "姓名和村民小组"
        if number:
            row.warnings.append("按姓名和村民小组找到登记册上尚无身份证号的同一人,将补上身份证号")
        return True
    if len(found) > 1 and not number:
        row.errors.append(f"姓名:登记册上{row.group or ''}有 {len(found)} 位“{row.name}”,"
                          "没有身份证号无法分辨是哪一位,请补充身份证号")
        return False
    return True


def _update(register: Register, kind: PersonKind, known: Known, row: KindRow,
            stored: StoredFile, values: dict[str, Any], supporters: list[dict[str, Any]]
            ) -> None:
    """The row over the stored file, checked as the editor would, and what it changes.
    A file of another kind (a 特困 child) takes this kind too, if the ledger shows the
    person is of it; else the row is refused rather than a second kind put on a file."""
    kinds = list(stored.kinds)
    added = kind.code not in kinds
    if added:
        kinds.append(kind.code)
    values = dict(values)
    new_group = False
    if row.group:
        gid = known.groups.find(row.group)
        if gid is None:
            new_group = True  # made by the import, which then sets it
        else:
            values["group_id"] = gid
    base, people = merged(stored, values, supporters)
    draft = PersonDraft(base, people, kind=stored.kind, kinds=kinds)
    try:
        clean_values, clean_people, warnings = register.clean(draft, row.person_id)
    except ValidationFailed as e:
        row.errors.extend(_with_label(kind, err.field, err.message) for err in e.errors)
        return
    verdict = kind.judge(clean_values, clean_people, register.today())
    if added:
        held = "、".join(KINDS[c].label for c in stored.kinds)
        if not verdict.left_behind:
            row.errors.append(f"登记册上此人({row.basis}相同)是{held},按台账又不是"
                              f"{kind.label}({verdict.text}),未导入;请核对身份证号")
            return
        row.warnings.append(f"登记册上此人是{held},将增加“{kind.label}”类别")
    elif not verdict.left_behind:
        row.warnings.append(verdict.text)
    row.warnings.extend(warnings)
    if row.person_id in known.exited:
        row.warnings.append("此人已退出登记册,只更新档案内容")
    row.changes = ([f"增加为{kind.label}"] if added else []) + changes(
        stored, draft.kindset.fields, clean_values, clean_people, new_group)
    row.draft, row.seen = draft, stored.seen


@retrying
def apply(database: Database, found: KindPreview, skip_changed: bool = False) -> KindResult:
    """Write the accepted rows that change something (new files, updates) and any new
    village group in one transaction. A file changed elsewhere since the preview is
    not written over: the import is refused whole (``ChangedSincePreview`` naming the
    rows), or with ``skip_changed`` those rows are left out and the rest written."""
    register = Register(database)
    writes = [r for r in found.accepted if not r.unchanged]
    if writes:
        require(database.operator, CLERK, "导入台账")  # before the backup it asks for
        database.back_up(backups.IMPORT)  # the way back from an import the clerk regrets
    with collector_paused(), database.transaction() as session:
        groups = register.groups.index(session)
        # Held here: the session keeps the files only while they are referenced.
        loaded = load(session, [r.person_id for r in writes if r.person_id is not None])
        changed = [r for r in writes if r.person_id is not None and (
            r.person_id not in loaded or fingerprint(loaded[r.person_id]) != r.seen)]
        if changed and not skip_changed:
            raise ChangedSincePreview([f"{r.where} {r.name}" for r in changed])
        drafts, updates = [], []
        for row in writes:
            if row in changed:
                continue
            assert row.draft is not None
            values = dict(row.draft.values)
            if row.group:
                gid = groups.find(row.group)
                if gid is None:  # as the preview found: made by the import
                    gid = register.groups.add_in(session, row.group[:30])
                    groups.add(gid, row.group[:30])
                values["group_id"] = gid
            draft = PersonDraft(values, row.draft.supporters, row.draft.kind, row.draft.kinds)
            if row.person_id is None:
                drafts.append(draft)
            else:
                updates.append((row, draft))
        try:
            created = [r.person_id for r in register.create_many(session, drafts)]
        except ValidationFailed as e:
            raise KnownError(f"{e.message}。导入已撤销,登记册没有改动") from e
        updated = []
        for row, draft in updates:
            assert row.person_id is not None
            try:
                updated.append(register.save_in(session, draft, row.person_id,
                                                allow_duplicate=True,
                                                refresh_due=False).person_id)
            except KnownError as e:
                raise KnownError(f"{row.where} {row.name}:{e.message}。"
                                 "导入已撤销,登记册没有改动") from e
        del loaded
        from carecenter.care import due_dates
        from carecenter.register import verdicts

        session.flush()
        ids = created + updated
        due_dates.refresh(session.connection(), ids, register.today())
        verdicts.refresh(session.connection(), ids, register.today())
        if ids:
            audit.record(session, "imported", "ledger",
                         summary=f"导入{found.kind.label}台账 {Path(found.path).name}:"
                         f"新建 {len(created)} 人,更新 {len(updated)} 人", count=len(ids))
    return KindResult(created, updated, sum(1 for r in found.rows if r.unchanged),
                      [f"{r.where} {r.name}" for r in changed])
