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
from carecenter.ledger.mapping import normalise_label
from carecenter.ledger.workbook import read_sheet, text_of
from carecenter.register.groups import group_key
from carecenter.register.people import PersonDraft, Register
from carecenter.rules.kinds import KINDS, PersonKind, Role
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

    @property
    def accepted(self) -> list[KindRow]:
        return [r for r in self.rows if r.accepted]

    def lines(self) -> list[str]:
        out = [f"按“{self.kind.label}”台账读取:表头在第 {self.header_row} 行,"
               f"识别 {len(self.columns)} 列" + (f",未识别:{'、'.join(self.unknown)}"
                                                 if self.unknown else "")]
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


def detect(path: str | Path, sheet: str | None = None) -> str | None:
    """The kind whose ledger this is, by its header (a children's names the parents or
    the guardian); None: the elders' (or not known)."""
    rows = read_sheet(path, sheet).rows[:30]
    for k in KINDS.values():
        if k.roles and all(r.code != "supporter" for r in k.roles) and looks_like(k, rows):
            return k.code
    return None


def _scope(whereabouts: str | None) -> str | None:
    if not whereabouts:
        return None
    if _LOCAL.search(whereabouts):
        return "in_county"
    if re.search(r"省|自治区|北京|上海|天津|重庆|香港|澳门", whereabouts):
        return "out_province"
    return "out_county"


def _guardian_relation(value: str) -> str:
    return RELATION_WORDS.get(value, value)


def preview(database: Database, path: str | Path, kind_code: str = "child",
            sheet: str | None = None) -> KindPreview:
    """Read and check the ledger; nothing is written."""
    kind = KINDS[kind_code]
    data = read_sheet(path, sheet)
    found = _find_header(kind, data.rows)
    if found is None:
        raise KnownError(f"没有找到“{kind.label}”台账的表头:需要“姓名”列,以及"
                         + "、".join(r.label for r in kind.roles) + "的列")
    at, columns, unknown = found
    register = Register(database)
    with database.session() as session:
        taken = {n: (name, kinds) for n, name, kinds in session.execute(
            select(person.c.id_number, person.c.name, person.c.kinds)
            .where(person.c.id_number.is_not(None)))}
    rows: list[KindRow] = []
    seen: set[str] = set()
    for number, raw in enumerate(data.rows[at + 1:], start=at + 2):
        cells = {target: raw[i] for i, target in columns.items() if i < len(raw)}
        if not any(text_of(v) for v in cells.values()):
            continue
        name = text_of(cells.get("name"))
        row = KindRow(number, name)
        rows.append(row)
        if not name:
            row.errors.append("没有姓名")
            continue
        values: dict[str, Any] = {}
        around: dict[str, dict[str, Any]] = {}
        for target, value in cells.items():
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
            scope = _scope(fields.get("whereabouts"))
            if scope is not None and "location_scope" in {f.name for f in role.fields}:
                fields["location_scope"] = scope
            supporters.append({"role": role.code, **fields})
        draft = PersonDraft(values, supporters, kind=kind.code, kinds=[kind.code])
        try:
            cleaned, _, warnings = register.clean(draft)
        except ValidationFailed as e:
            row.errors.extend(err.message for err in e.errors)
            continue
        row.warnings.extend(warnings)
        number_ = cleaned.get("id_number")
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
    return KindPreview(kind, at + 1, columns, rows, unknown, headers)


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
