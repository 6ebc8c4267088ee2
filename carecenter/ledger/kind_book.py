"""A children's (or another kind's) ledger of several sheets, one per village group,
read as one: each sheet's preview (``kind_import``) put together, every row saying its
sheet, and the same person on two sheets (by ID number, or by name, group and birth
date without one) taken once, the later row refused with the reason."""

from __future__ import annotations

from typing import Any

from carecenter.ledger.kind_preview import KindPreview, KindRow
from carecenter.ledger.workbook import text_of
from carecenter.register.groups import group_key


def _who(row: KindRow) -> tuple[str, Any]:
    """What tells this row's person apart: the file it updates, the ID number, else
    name, group and birth date."""
    if row.person_id is not None:
        return ("file", row.person_id)
    values = row.cleaned[0] if row.cleaned else (row.draft.values if row.draft else {})
    number = values.get("id_number")
    if number:
        return ("id", number)
    return ("name", (row.name, group_key(row.group) if row.group else "",
                     text_of(values.get("birth_date"))))


def combine(parts: list[KindPreview]) -> KindPreview:
    """The sheets' previews as one, in the workbook's order."""
    first = parts[0]
    rows: list[KindRow] = []
    seen: dict[tuple[str, Any], KindRow] = {}
    unknown: list[str] = []
    ignored: list[tuple[int, str]] = []
    hidden: list[tuple[str, str, bool]] = []
    left_out: list[int] = []
    sheets: list[str] = []
    for part in parts:
        name = part.sheets[0] if part.sheets else ""
        sheets.append(name)
        for row in part.rows:
            row.sheet = name
            rows.append(row)
            if not row.accepted:
                continue
            earlier = seen.setdefault(_who(row), row)
            if earlier is not row:
                row.errors.append(f"与{earlier.where}{earlier.name}是同一人;"
                                  "同一台账中只导入第一处")
        unknown += [f"{label}(工作表“{name}”)" for label in part.unknown]
        ignored += [(number, f"工作表“{name}”:{why}") for number, why in part.ignored]
        hidden += [(f"工作表“{name}”{where}", label, imported)
                   for where, label, imported in part.hidden_columns]
        left_out += part.left_out
    return KindPreview(first.kind, first.header_row, first.columns, rows, unknown,
                       first.headers, ignored, first.path, hidden, left_out, sheets=sheets)
