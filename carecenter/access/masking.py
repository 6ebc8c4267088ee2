"""ID numbers and phones with their middle hidden, for lists (issue 18, 个人信息保护法).

A list, a search result or the work list shows 430524********1234 and 138****1111: enough
to tell people apart and to find the file, not enough to copy a number off the screen.
The open file shows them in full; so does an export for the township.
"""

from __future__ import annotations

from carecenter.rules.roles import CLERK, Operator, allows


def id_number(value: str | None) -> str:
    """430524********1234: the area code and the last four (a 15-digit old number alike)."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def phone(value: str | None) -> str:
    """138****1111 for a mobile; a landline keeps its area code and last four."""
    if not value:
        return ""
    digits = value
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 2)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def may_see_full(operator: Operator | None) -> bool:
    """Printing and exporting full ID numbers needs 经办人 (issue 18)."""
    return operator is not None and allows(operator.role, CLERK)
