"""Who is past the leaving age of their kinds, as SQL terms on a ``person`` row.

A kind may end at an age (``PersonKind.leaves_at``: a child at 16, 国发〔2016〕13号 不满十六
周岁). From that birthday the person is proposed to leave (the work list's 到龄退出) and is
owed nothing more *as that kind*: no duty, no helper (issue 21). A person of another kind
too (a 特困 child) is still owed what that kind brings. The terms are built from the
declarations (``carecenter.rules.kinds``), never from a kind's name, and read the columns
of ``ix_person_kinds`` (status, kinds, birth_date) so that a county's register is
answered from that index.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from carecenter.calendar import add_months
from carecenter.rules.kinds import KINDS, PersonKind

Terms = tuple[str, dict[str, Any]]


def _of(alias: str, k: PersonKind) -> str:
    return f"{alias}.kinds LIKE :{alias}_kind_{k.code}"


def _born(alias: str, k: PersonKind) -> str:
    return f":{alias}_born_{k.code}"


def _params(on: date, alias: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for k in KINDS.values():
        params[f"{alias}_kind_{k.code}"] = f"%{k.code}%"
        if k.leaves_at is not None:
            # Born on or before this day: the birthday of that age is on or before ``on``.
            params[f"{alias}_born_{k.code}"] = add_months(on, -12 * k.leaves_at).isoformat()
    return params


def aged_out(on: date, alias: str = "p") -> Terms:
    """People who on ``on`` have reached the leaving age of a kind they are of (a child
    on the 16th birthday and after): the work list's 到龄退出."""
    terms = [f"({_of(alias, k)} AND {alias}.birth_date <= {_born(alias, k)})"
             for k in KINDS.values() if k.leaves_at is not None]
    return "(" + (" OR ".join(terms) or "1 = 0") + ")", _params(on, alias)


def still_owed(on: date, alias: str = "p") -> Terms:
    """People who on ``on`` are still of some kind of theirs: one without an age limit,
    or one whose leaving age they have not reached (or whose birth date is unknown)."""
    terms = []
    for k in KINDS.values():
        if k.leaves_at is None:
            terms.append(f"{_of(alias, k)}")
        else:
            terms.append(f"({_of(alias, k)} AND ({alias}.birth_date IS NULL "
                         f"OR {alias}.birth_date > {_born(alias, k)}))")
    return "(" + " OR ".join(terms) + ")", _params(on, alias)


def owed_nothing(on: date, alias: str = "p") -> Terms:
    """People past the leaving age of every kind they are of (a child of no other kind
    after the 16th birthday): owed no helper, counted in no kind's figures, until the
    clerk takes them off the register."""
    aged, params = aged_out(on, alias)
    owed, _ = still_owed(on, alias)
    return f"({aged} AND NOT {owed})", params
