"""Importing the ledger of another kind than the elders': a village's 留守儿童 ledger.

A children's ledger (儿童督导主任's 花名册, or the rows of 民发〔2016〕42号 附件1) names the
child and then the father, the mother and the 委托监护人, each with name, phone and
place of work: 父亲姓名 | 父亲电话 | 父亲务工地点 …, or a heading 父亲 over 姓名 | 电话 …
Columns are matched to the kind's declared fields (labels and synonyms) and to its roles'
fields by those prefixes. Every row is checked by the register's own rules before
anything is written; the accepted rows, and any village group the ledger names that
the register lacks, are written in one transaction. A child whose ID number is already
on the register is not added twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from carecenter.errors import KnownError, ValidationFailed
from carecenter.ledger import cells, mapping
from carecenter.ledger.mapping import Column, Layout, normalise_label
from carecenter.ledger.rows import TableShape
from carecenter.ledger.workbook import heads, read_sheet, text_of
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft, Register
from carecenter.rules import divisions
from carecenter.rules.fields import SUPPORTER
from carecenter.rules.kinds import KINDS, PersonKind, Role
from carecenter.settings.settings_store import Settings
from carecenter.storage.bulk import collector_paused
from carecenter.storage.database import Database
from carecenter.storage.models import person, village_group

# Who a column is about, by the words it starts with (or its heading): (role, relation).
WHO: tuple[tuple[tuple[str, ...], tuple[str, str | None]], ...] = (
    (("受委托监护人", "委托监护人", "实际监护人", "监护人"), ("guardian", None)),
    (("父亲", "爸爸"), ("parent", "father")),
    (("母亲", "妈妈"), ("parent", "mother")),
    (("丈夫",), ("husband", "husband")),
)
# What the rest of such a column names, in the role's fields.
ROLE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("身份证", "证件号"), "id_number"),
    (("电话", "手机", "联系方式"), "phone"),
    (("务工", "去向", "外出地", "工作地", "打工"), "whereabouts"),
    (("外出时间", "外出日期"), "away_since"),
    (("关系", "称谓"), "relation"),
    (("住址", "地址", "居住地"), "address"),
    (("姓名", "名字", "", "情况"), "name"),
)
RELATION_WORDS = {"爷爷": "祖父", "奶奶": "祖母", "外公": "外祖父", "外婆": "外祖母",
                  "姥爷": "外祖父", "姥姥": "外祖母", "哥哥": "兄姐", "姐姐": "兄姐"}
EXTRAS = {"序号", "编号", "年龄", "备注说明"}
# Where a parent works, in the clerk's words: at home or in the county means not away.
_LOCAL = re.compile(r"在家|本村|本镇|本乡|本县|县城|务农|无")


@dataclass
class KindRow:
    row: int  # the sheet's row number (1 = the first row)
    name: str
    draft: PersonDraft | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    group: str | None = None  # the village group the row names

    @property
    def accepted(self) -> bool:
        return self.draft is not None and not self.errors


@dataclass
class KindPreview:
    kind: PersonKind
    header_row: int
    columns: dict[int, str]  # column → target (a field, or "father.phone")
    rows: list[KindRow]
    unknown: list[str] = field(default_factory=list)  # headers matched to nothing
    headers: dict[int, str] = field(default_factory=dict)  # column → its header, as written
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (row, why) not a person

    @property
    def accepted(self) -> list[KindRow]:
        return [r for r in self.rows if r.accepted]

    def lines(self) -> list[str]:
        out = [f"按“{self.kind.label}”台账读取:表头在第 {self.header_row} 行,"
               f"识别 {len(self.columns)} 列" + (f",未识别:{'、'.join(self.unknown)}"
                                                 if self.unknown else "")]
        for number, why in self.ignored:
            out.append(f"第 {number} 行:忽略:{why}")
        for r in self.rows:
            for e in r.errors:
                out.append(f"第 {r.row} 行 {r.name}:未导入:{e}")
            for w in r.warnings:
                out.append(f"第 {r.row} 行 {r.name}:{w}")
        refused = len(self.rows) - len(self.accepted)
        out.append(f"可导入 {len(self.accepted)} 人,不导入 {refused} 人")
        return out


def _person_names(kind: PersonKind) -> dict[str, str]:
    # How children's ledgers name the child (the shared 姓名 field names an elder).
    names: dict[str, str] = {"儿童姓名": "name", "学生姓名": "name", "留守儿童姓名": "name",
                             "孩子姓名": "name"}
    for f in kind.fields:
        for n in (f.label, *f.synonyms):
            names.setdefault(normalise_label(n), f.name)
    return names


def _role_of(kind: PersonKind, label: str, heading: str) -> tuple[Role, str | None, str] | None:
    """(role, relation, what the rest of the label names) when the column is about
    someone around the person: by its own words (父亲电话) or its heading's (父亲 over 电话)."""
    roles = {r.code: r for r in kind.roles}
    if label in ("与儿童关系", "与被监护人关系", "与留守儿童关系") and "guardian" in roles:
        return roles["guardian"], None, "关系"
    for text, own in ((label, True), (heading, False)):
        for words, (code, relation) in WHO:
            for word in words:
                if text.startswith(word) and code in roles:
                    return roles[code], relation, label[len(word):] if own else label
    return None


def _role_field(role: Role, rest: str) -> str | None:
    rest = rest.removeprefix("的")
    for words, name in ROLE_WORDS:
        if (any(w and w in rest for w in words) or rest in words) \
                and any(f.name == name for f in role.fields):
            return name
    return None


def map_columns(kind: PersonKind, header: Sequence[Any], heading: Sequence[Any] = ()
                ) -> tuple[dict[int, str], list[str]]:
    """Each column's target, and the labels matched to nothing."""
    people = _person_names(kind)
    columns: dict[int, str] = {}
    unknown = []
    carried = ""
    for i, cell in enumerate(header):
        label = normalise_label(cell)
        above = normalise_label(heading[i]) if i < len(heading) else ""
        if not label and above:  # a label over both rows (merged down): its own column
            label, above, carried = above, "", ""
            cell = heading[i]
        carried = above or carried
        if not label:
            continue
        target = None
        who = _role_of(kind, label, carried if carried != label else "")
        if who is not None:
            role, relation, rest = who
            name = _role_field(role, rest)
            if name is not None:
                target = f"{relation or role.code}.{name}"
        elif label in people:
            target = people[label]
        if target is None:
            if label not in EXTRAS and not label.startswith("序"):
                unknown.append(str(cell).strip())
            continue
        if target not in columns.values():
            columns[i] = target
    return columns, unknown


def looks_like(kind: PersonKind, rows: Sequence[Sequence[Any]]) -> bool:
    """Does a header among the first rows name the people around this kind (a child's
    父亲 and 母亲 or 监护人)? Then the ledger is this kind's."""
    return _find_header(kind, rows) is not None


def _find_header(kind: PersonKind, rows: Sequence[Sequence[Any]]
                 ) -> tuple[int, dict[int, str], list[str]] | None:
    """(index of the header row, columns, unknown labels): the row, or the pair of rows
    (a heading over the labels), that names the person and someone around them."""
    best: tuple[int, dict[int, str], list[str]] | None = None
    for index in range(min(30, len(rows))):
        shapes: list[tuple[Sequence[Any], Sequence[Any]]] = [((), rows[index])]
        if index > 0:
            shapes.append((rows[index - 1], rows[index]))
        for heading, header in shapes:
            columns, unknown = map_columns(kind, header, heading)
            roles = {t.split(".")[0] for t in columns.values() if "." in t}
            if "name" in columns.values() and roles and (
                    best is None or len(columns) > len(best[1])):
                best = (index, columns, unknown)
    return best


def kind_of(rows: Sequence[Sequence[Any]]) -> str | None:
    """The kind (not the elders') whose header these first rows hold, or None."""
    for k in KINDS.values():
        if k.roles and all(r.code != "supporter" for r in k.roles) and looks_like(k, rows):
            return k.code
    return None


def detect(path: str | Path, sheet: str | None = None) -> str | None:
    """The kind whose ledger this is, by its header (a children's names the parents or
    the guardian); None: the elders' (or not known). Without a sheet named, the first
    sheet with a table decides: a children's ledger behind a 填表说明 sheet is found."""
    if sheet is not None:
        return kind_of(read_sheet(path, sheet).rows[:30])
    for head in heads(path):
        kind = kind_of(head.rows)
        if kind is not None or mapping.detect(head.rows) is not None:
            return kind
    return None


def _sheet_for(path: str | Path, kind: PersonKind) -> str | None:
    """The first sheet holding this kind's table (None: the first sheet)."""
    return next((h.name for h in heads(path) if looks_like(kind, h.rows)), None)


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


def _guardian_relation(value: str) -> str:
    return RELATION_WORDS.get(value, value)


def preview(database: Database, path: str | Path, kind_code: str = "child",
            sheet: str | None = None) -> KindPreview:
    """Read and check the ledger; nothing is written."""
    kind = KINDS[kind_code]
    data = read_sheet(path, sheet if sheet is not None else _sheet_for(path, kind))
    found = _find_header(kind, data.rows)
    if found is None:
        raise KnownError(f"没有找到“{kind.label}”台账的表头:需要“姓名”列,以及"
                         + "、".join(r.label for r in kind.roles) + "的列")
    at, columns, unknown = found
    register = Register(database)
    village = Settings(database).village()
    home = divisions.home_of(village.get("county", ""), village.get("province", ""))
    taken_names: set[tuple[str, str]] = set()
    with database.session() as session:
        taken = {n: (name, kinds) for n, name, kinds in session.execute(
            select(person.c.id_number, person.c.name, person.c.kinds)
            .where(person.c.id_number.is_not(None)))}
        for name, group in session.execute(
                select(person.c.name, village_group.c.name)
                .select_from(person.outerjoin(village_group,
                                              person.c.group_id == village_group.c.id))
                .where(person.c.id_number.is_(None))):
            taken_names.add((name, group_key(group) if group else ""))
    rows: list[KindRow] = []
    ignored: list[tuple[int, str]] = []
    seen: set[str] = set()
    seen_names: dict[tuple[str, str, str], int] = {}
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
        row = KindRow(number, name)
        rows.append(row)
        if shape.group and "group_id" not in cells_:
            row.group = shape.group  # a 一组 heading row above, not a column
        if not name:
            row.errors.append("姓名:没有姓名")
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
        supporters = []
        for who, fields in around.items():
            role = next(r for r in kind.roles
                        if r.code == who or any(w[1] == (r.code, who) for w in WHO))
            if who in ("father", "mother", "husband"):
                fields["relation"] = who
            elif "relation" in fields:
                fields["relation"] = _guardian_relation(fields["relation"])
            if not fields.get("name"):
                row.warnings.append(f"{role.label}没有姓名,未登记")
                continue
            if "location_scope" in {f.name for f in role.fields}:
                scope, why = _scope(fields.get("whereabouts"),
                                    home or divisions.home_from_id(text_of(values.get(
                                        "id_number"))))
                if scope is not None:  # the code, which the kind's verdict reads
                    fields["location_scope"] = SUPPORTER["location_scope"].choice_code(scope)
                elif why:
                    row.warnings.append(f"{role.label}{fields['name']}的所在范围未填:{why},"
                                        "请在档案中选择")
            supporters.append({"role": role.code, **fields})
        draft = PersonDraft(values, supporters, kind=kind.code, kinds=[kind.code])
        try:
            cleaned, _, warnings = register.clean(draft)
        except ValidationFailed as e:
            row.errors.extend(_with_label(kind, err.field, err.message) for err in e.errors)
            continue
        row.warnings.extend(warnings)
        number_ = cleaned.get("id_number")
        if not number_:
            # Without an ID number a child is known by name and group (and birth date):
            # a ledger imported again must not make a second file (issue 16).
            key = group_key(row.group) if row.group else ""
            if (name, key) in taken_names:
                row.errors.append(f"姓名:登记册上{row.group or ''}已有没有身份证号的“{name}”,"
                                  "不重复导入;如是另一人,请补充身份证号")
                continue
            birth = text_of(cleaned.get("birth_date"))
            if (name, key, birth) in seen_names:
                row.errors.append(f"姓名:与第 {seen_names[name, key, birth]} 行姓名、村民小组"
                                  "相同且都没有身份证号,无法分辨,请补充身份证号")
                continue
            seen_names[name, key, birth] = number
        if number_:
            if number_ in taken:
                holder, kinds = taken[number_]
                row.errors.append(f"身份证号 {number_} 已登记在 {holder} 名下,不重复导入")
                continue
            if number_ in seen:
                row.errors.append(f"身份证号 {number_} 在本表中重复")
                continue
            seen.add(number_)
        verdict = kind.judge(cleaned, [dict(s) for s in draft.supporters], register.today())
        if not verdict.left_behind:
            row.warnings.append(verdict.text)
        row.draft = draft
    above = data.rows[at - 1] if at else []
    headers = {i: " ".join(t for t in (text_of(above[i]) if i < len(above) else "",
                                       text_of(data.rows[at][i]) if i < len(data.rows[at])
                                       else "") if t) for i in columns}
    return KindPreview(kind, at + 1, columns, rows, unknown, headers, ignored)


def _with_label(kind: PersonKind, field_name: str, message: str) -> str:
    """The refusal with the field it is about, as the elders' preview names it."""
    label = next((f.label for f in kind.fields if f.name == field_name), "")
    return f"{label}:{message}" if label and not message.startswith(label) else message


def apply(database: Database, found: KindPreview) -> list[int]:
    """Write the accepted rows (and any new village group) in one transaction."""
    register = Register(database)
    accepted = found.accepted
    with collector_paused(), database.transaction() as session:
        groups: dict[str, int] = {}
        for gid, name in session.execute(select(village_group.c.id, village_group.c.name)):
            groups.setdefault(group_key(name), gid)
        drafts = []
        for row in accepted:
            assert row.draft is not None
            values = dict(row.draft.values)
            if row.group:
                key = group_key(row.group)
                if key not in groups:
                    groups[key] = register.groups.add_in(session, row.group[:30])
                values["group_id"] = groups[key]
            drafts.append(PersonDraft(values, row.draft.supporters, row.draft.kind,
                                      row.draft.kinds))
        try:
            ids = [r.person_id for r in register.create_many(session, drafts)]
        except ValidationFailed as e:
            raise KnownError(f"{e.message}。导入已撤销,登记册没有改动") from e
        from carecenter.care import due_dates
        from carecenter.register import verdicts

        session.flush()
        due_dates.refresh(session.connection(), ids, register.today())
        verdicts.refresh(session.connection(), ids, register.today())
    return ids
