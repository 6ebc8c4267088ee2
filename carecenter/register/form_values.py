"""How a file's typed values are cleaned form by form (the register's ``clean``): what
a blank is stored as, a 配偶 row moved to the spouse, and the mark on values cleaned
a moment ago by the very same rule (an import's preview)."""

from __future__ import annotations

from typing import Any

from carecenter.rules.fields import OUTSIDE_COUNTY, Field
from carecenter.rules.leftbehind import SPOUSE

__all__ = ["CLEANED", "blanks_of", "spouse_to_living_with"]


def spouse_to_living_with(values: dict[str, Any], supporters: list[dict[str, Any]],
                          warnings: list[str]) -> list[dict[str, Any]]:
    """A supporter row marked 配偶 (a ledger's 老伴/丈夫/妻子) becomes the spouse living
    together: seed 001, 老年人与配偶有相互扶养的义务 — 扶养, not 赡养, so the spouse's
    place never counts against 留守. Nothing typed is lost: the name and phone move to
    the spouse fields (unless these already name someone)."""
    kept = []
    for s in supporters:
        if s.get("relation") != SPOUSE:
            kept.append(s)
            continue
        name = s.get("name") or ""
        if not values.get("spouse_name"):
            values["spouse_name"] = name or None
            values["spouse_phone"] = values.get("spouse_phone") or s.get("phone")
        away = s.get("location_scope") in OUTSIDE_COUNTY and not s.get("returned_on")
        if not away:
            living = [c for c in values.get("living_with") or [] if c != "alone"]
            values["living_with"] = [*living, "spouse"] if "spouse" not in living else living
        warnings.append(f"配偶{name}不是赡养义务人(扶养而非赡养),已改记为配偶"
                        + ("、陪伴居住" if not away else ""))
    return kept


# In a supporter's row: {name: the Field whose rule gave the value} for values already
# cleaned a moment ago (``PersonDraft.cleaned``, for the rows of supporters).
CLEANED = "_cleaned"

_BLANK: dict[int, tuple[tuple[Field, ...], dict[str, Any]]] = {}


def blanks_of(fields: tuple[Field, ...]) -> dict[str, Any]:
    """What a blank is stored as, for those of a form's fields (a kind's, a role's) with
    no rule of their own to run on it: None, False, or an empty list (each file is
    given a list of its own). A ledger's row fills a dozen of some fifty fields, and
    cleaning the others one by one cost a tenth of its preview. Kept by the tuple's
    identity (hashing fifty fields would cost more than it saves), the tuple with it."""
    kept = _BLANK.get(id(fields))
    if kept is None or kept[0] is not fields:
        blanks = {f.name: f.clean(None) for f in fields
                  if not f.required and f.check is None}
        kept = _BLANK[id(fields)] = (fields, {
            name: value for name, value in blanks.items() if value in (None, False, [])})
    return kept[1]
