"""What a file's history and the audit log say of a save: each changed field from old
to new (联系电话:138… → 139…), each supporter added, removed or changed, named by role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carecenter.access import audit
from carecenter.rules.fields import (
    Field,
    FieldType,
)
from carecenter.rules.kinds import (
    ANY_PERSON,
    ROLES,
    SUPPORTER_COLUMNS,
)
from carecenter.rules.kinds.elder import SUPPORTER_ROLE
from carecenter.storage.mapped import Supporter


def supporter_row(values: dict[str, Any]) -> dict[str, Any]:
    """A supporter's columns from a cleaned row: its role's fields, the rest blank."""
    role = values.get("role") or SUPPORTER_ROLE.code
    out: dict[str, Any] = {"role": role}
    for name, flag in _COLUMNS:
        value = values.get(name)
        out[name] = bool(value) if flag else value
    return out


# (name, a yes-or-no?) of each supporter column: a ledger writes 10,000 rows of them.
_COLUMNS = tuple((f.name, f.type is FieldType.BOOL) for f in SUPPORTER_COLUMNS)


def stored_supporter(s: Supporter) -> dict[str, Any]:
    """A stored row as its role's fields (an unknown role: every column)."""
    role = ROLES.get(s.role or SUPPORTER_ROLE.code)
    fields = role.fields if role is not None else SUPPORTER_COLUMNS
    return {"role": s.role or SUPPORTER_ROLE.code,
            **{f.name: getattr(s, f.name) for f in fields}}


LABELS = {name: f.label for name, f in ANY_PERSON.items()}
DISPLAY = {name: f.display for name, f in ANY_PERSON.items()}


def role_fields(role_code: str) -> tuple[Field, ...]:
    role = ROLES.get(role_code)
    return role.fields if role is not None else SUPPORTER_COLUMNS


def role_label(role_code: str) -> str:
    role = ROLES.get(role_code)
    return role.label if role is not None else SUPPORTER_ROLE.label


def supporter_field_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]
                       ) -> list[audit.Change]:
    """Each supporter's changed fields, named by role, 赡养人 张强·电话 (a child's 父母
    王芳·电话): a stored supporter matched by its id (a row removed in the middle shifts
    nobody), a new one against nothing, a removed one against nothing."""
    stored = {s["id"]: s for s in old}
    pairs = [(stored.pop(s["id"], {}) if s.get("id") is not None else {}, s) for s in new]
    pairs += [(s, {}) for s in stored.values()]
    changes: list[audit.Change] = []
    for before, after in pairs:
        who = after.get("name") or before.get("name") or ""
        role = after.get("role") or before.get("role") or SUPPORTER_ROLE.code
        fields = {f.name: f for f in role_fields(role)}
        if before and before.get("role") and before["role"] != role:
            fields.update((f.name, f) for f in role_fields(before["role"]))
            changes.append((f"{role_label(role)} {who}·身份", role_label(before["role"]),
                            role_label(role)))
        labels = {name: f.label for name, f in fields.items()}
        display = {name: f.display for name, f in fields.items()}
        old_values = supporter_row(before) if before else {}
        new_values = supporter_row(after) if after else {}
        for label, was, now in audit.diff(old_values, new_values, labels, display):
            changes.append((f"{role_label(role)} {who}·{label}", was, now))
    return changes


def who(values: dict[str, Any]) -> str:
    name = values.get("name") or "(无姓名)"
    relation = values.get("relation")
    label = ""
    if relation:
        role = ROLES.get(values.get("role") or SUPPORTER_ROLE.code, SUPPORTER_ROLE)
        try:
            label = role.field("relation").choice_label(relation)
        except KeyError:  # a role without a relation (a woman's husband)
            label = ""
    return f"{name}({label})" if label else str(name)


def supporter_changes(stored: Sequence[Supporter], supporters: list[dict[str, Any]]
                      ) -> list[str]:
    """What the history says of a save's supporters, naming each one removed, added or
    changed by its role (移除赡养人张强(儿子), 新增委托监护人王芳), compared as their
    role's fields."""
    before = {s.id: supporter_row(stored_supporter(s)) for s in stored}
    kept = {s.get("id") for s in supporters}
    changes = [f"移除{role_label(v['role'])}{who(v)}"
               for sid, v in before.items() if sid not in kept]
    for s in supporters:
        values = supporter_row(s)
        if s.get("id") not in before:
            changes.append(f"新增{role_label(values['role'])}{who(values)}")
        elif before[s["id"]] != values:
            changes.append(f"修改{role_label(values['role'])}{who(values)}")
    return changes


def old_to_new(field: Field, old: Any, new: Any, whose: str = "") -> str:
    """A changed field as the history shows it: 联系电话:138… → 139…"""
    if field.type is FieldType.GROUP:
        return field.label  # a group's id says nothing; the file shows the group
    shown = []
    for value in (old, new):
        text = field.display(value).replace("\n", " ") or "(空)"
        shown.append(text if len(text) <= 30 else text[:29] + "…")
    return f"{whose}{field.label}:{shown[0]} → {shown[1]}"
