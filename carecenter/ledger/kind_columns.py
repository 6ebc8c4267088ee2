"""Which column of another kind's ledger (a children's 花名册) is what: the child's own
fields by their labels and synonyms, and the father's, the mother's, the guardian's and
the husband's by the words a column starts with (父亲电话) or the heading over it (父亲
over 姓名 | 电话); the header row is the one (or the pair) naming the person and someone
around them. ``kind_import`` reads the rows under it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecenter.ledger.mapping import normalise_label
from carecenter.rules.fields import PERSON_FIELDS
from carecenter.rules.kinds import KINDS, PersonKind, Role

# Who a column is about, by the words it starts with (or its heading): (role, relation).
WHO: tuple[tuple[tuple[str, ...], tuple[str, str | None]], ...] = (
    (("受委托监护人", "委托监护人", "实际监护人", "监护人", "委托照护人", "委托照料人",
      "照护人", "照料人", "看护人", "照看人", "代管人", "临时监护人"), ("guardian", None)),
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
EXTRAS = {"序号", "编号", "年龄", "备注说明"}


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


def _headings(top: Sequence[Any], heading: Sequence[Any], width: int) -> list[str]:
    """What stands over each column: the nearer heading row's words, carried across the
    cells a merge leaves blank, but never past where the row above starts another heading
    (父母情况 › 父亲 | 母亲, then 委托照护人 over both rows: held-out check, its 姓名 | 关系 |
    电话 were taken as the mother's again and dropped, unsaid)."""
    found: list[str] = []
    upper = near = ""
    for i in range(width):
        over = normalise_label(top[i]) if i < len(top) else ""
        if over:
            upper, near = over, ""
        own = normalise_label(heading[i]) if i < len(heading) else ""
        if own:
            near = own
        found.append(near or upper)
    return found


def map_columns(kind: PersonKind, header: Sequence[Any], heading: Sequence[Any] = (),
                top: Sequence[Any] = ()) -> tuple[dict[int, str], list[str]]:
    """Each column's target, and the labels matched to nothing (or to what an earlier
    column already gave: listed, not dropped unseen)."""
    people = _person_names(kind)
    columns: dict[int, str] = {}
    unknown = []
    over = _headings(top, heading, len(header))
    for i, cell in enumerate(header):
        label = normalise_label(cell)
        above = normalise_label(heading[i]) if i < len(heading) else ""
        carried = over[i]
        if not label:  # a label over the rows below it (merged down): its own column
            first = normalise_label(top[i]) if i < len(top) else ""
            label, carried = above or first, ""
            cell = heading[i] if above else top[i] if first else cell
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
        if target is None or target in columns.values():
            if label not in EXTRAS and not label.startswith("序"):
                unknown.append(str(cell).strip())
            continue
        columns[i] = target
    return columns, unknown


def marks(kind: PersonKind) -> frozenset[str]:
    """What a header must name besides the person to be this kind's ledger: someone
    around the person (a child's 父亲, 母亲 or 监护人), or, for a kind with nobody
    around it (特困), one of its own fields that its definition reads (特困供养证号,
    认定时间, 供养方式): a 自理能力 column alone is no 特困 list."""
    if kind.roles:
        return frozenset(r.code for r in kind.roles)
    common = {f.name for f in PERSON_FIELDS}
    return frozenset(n for n in kind.reads if n not in common)


def _marked(kind: PersonKind, columns: dict[int, str]) -> bool:
    wanted = marks(kind)
    if kind.roles:
        return any("." in t for t in columns.values())
    return any(t in wanted for t in columns.values())


def looks_like(kind: PersonKind, rows: Sequence[Sequence[Any]]) -> bool:
    """Does a header among the first rows name the people around this kind (a child's
    父亲 and 母亲 or 监护人), or the kind's own marks (特困供养证号)? Then the ledger is
    this kind's."""
    return bool(marks(kind)) and _find_header(kind, rows) is not None


def _find_header(kind: PersonKind, rows: Sequence[Sequence[Any]], marked: bool = True
                 ) -> tuple[int, dict[int, str], list[str]] | None:
    """(index of the header row, columns, unknown labels): the row, or the pair of rows
    (a heading over the labels), that names the person and what marks the kind (``marks``);
    with ``marked`` False (the clerk said which kind it is) the person's name is enough
    for a kind with nobody around it."""
    best: tuple[int, dict[int, str], list[str]] | None = None
    for index in range(min(30, len(rows))):
        shapes: list[tuple[Sequence[Any], Sequence[Any], Sequence[Any]]] = [
            ((), (), rows[index])]
        if index > 0:
            shapes.append(((), rows[index - 1], rows[index]))
        if index > 1:
            shapes.append((rows[index - 2], rows[index - 1], rows[index]))
        for top, heading, header in shapes:
            columns, unknown = map_columns(kind, header, heading, top)
            enough = _marked(kind, columns) or (not marked and not kind.roles)
            if "name" in columns.values() and enough and (
                    best is None or len(columns) > len(best[1])):
                best = (index, columns, unknown)
    return best


def kind_of(rows: Sequence[Sequence[Any]]) -> str | None:
    """The kind (not the elders') whose header these first rows hold, or None. The
    elders' kind (its supporters are 赡养人) is what a ledger is when none of the others'
    marks are found."""
    for k in KINDS.values():
        if all(r.code != "supporter" for r in k.roles) and looks_like(k, rows):
            return k.code
    return None
