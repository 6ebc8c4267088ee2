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

from collections.abc import Iterable
from datetime import date
from typing import Any

from carecenter.calendar import add_months
from carecenter.rules.kinds import KINDS, PersonKind

Terms = tuple[str, dict[str, Any]]


def _of(alias: str, key: str, k: PersonKind) -> str:
    return f"{alias}.kinds LIKE :{key}_kind_{k.code}"


def _born(key: str, k: PersonKind) -> str:
    return f":{key}_born_{k.code}"


def _params(on: date, key: str, kinds: Iterable[PersonKind]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for k in kinds:
        params[f"{key}_kind_{k.code}"] = f"%{k.code}%"
        if k.leaves_at is not None:
            # Born on or before this day: the birthday of that age is on or before ``on``.
            params[f"{key}_born_{k.code}"] = add_months(on, -12 * k.leaves_at).isoformat()
    return params


def aged_out(on: date, alias: str = "p", key: str | None = None) -> Terms:
    """People who on ``on`` have reached the leaving age of a kind they are of (a child
    on the 16th birthday and after): the work list's 到龄退出. ``key`` names the
    parameters (the alias if not given)."""
    key = key or alias
    kinds = [k for k in KINDS.values() if k.leaves_at is not None]
    terms = [f"({_of(alias, key, k)} AND {alias}.birth_date <= {_born(key, k)})"
             for k in kinds]
    return "(" + (" OR ".join(terms) or "1 = 0") + ")", _params(on, key, kinds)


def still_of(kinds: Iterable[PersonKind], on: date, alias: str = "p",
             key: str | None = None) -> Terms:
    """People who on ``on`` are still of one of ``kinds``: of a kind without an age
    limit, or of one whose leaving age they have not reached (or whose birth date is
    unknown)."""
    key = key or alias
    chosen = list(kinds)
    terms = []
    for k in chosen:
        if k.leaves_at is None:
            terms.append(_of(alias, key, k))
        else:
            terms.append(f"({_of(alias, key, k)} AND ({alias}.birth_date IS NULL "
                         f"OR {alias}.birth_date > {_born(key, k)}))")
    return "(" + (" OR ".join(terms) or "1 = 0") + ")", _params(on, key, chosen)


def owed_nothing(on: date, alias: str = "p", key: str | None = None) -> Terms:
    """People past the leaving age of every kind they are of (a child of no other kind
    after the 16th birthday): owed no helper, counted in no kind's figures, until the
    clerk takes them off the register. Each such set of kinds named with its birth dates
    (ranges of ``ix_person_kinds``, not a pass over every person)."""
    key = key or alias
    terms = []
    limited: set[str] = set()
    for combo in _combinations():
        if all(k.leaves_at is not None for k in combo):
            ages = " AND ".join(f"{alias}.birth_date <= {_born(key, k)}" for k in combo)
            terms.append(f"({alias}.kinds = '{','.join(k.code for k in combo)}' AND {ages})")
            limited.update(k.code for k in combo)
    return ("(" + (" OR ".join(terms) or "1 = 0") + ")",
            _params(on, key, [KINDS[c] for c in sorted(limited)]))


def _combinations() -> list[tuple[PersonKind, ...]]:
    """Every set of kinds a file may be of, as ``person.kinds`` stores it (the codes in
    the declared order, ``rules.kinds.codes_of``)."""
    kinds = list(KINDS.values())
    return [tuple(k for i, k in enumerate(kinds) if mask >> i & 1)
            for mask in range(1, 1 << len(kinds))]


def of_kind(k: PersonKind, alias: str = "p") -> str:
    """People of kind ``k`` (among others), as the stored sets of kinds that hold it
    named one by one: ranges of ``ix_person_kinds`` rather than a pattern tested on
    every entry."""
    return f"{alias}.kinds IN ({_stored(c for c in _combinations() if k in c)})"


def _stored(combos: Iterable[tuple[PersonKind, ...]]) -> str:
    return ", ".join("'" + ",".join(k.code for k in c) + "'" for c in combos) or "NULL"


def owing(owners: Iterable[PersonKind], on: date, alias: str = "o",
          key: str | None = None) -> tuple[str, str, dict[str, Any]]:
    """SQL terms for the people still of one of ``owners`` on ``on`` (as ``still_of``),
    and for those who are not, each read as ranges of ``ix_person_kinds`` (status, kinds,
    birth_date): the stored sets of kinds named one by one, not matched by pattern, so
    that neither passes over a county's every person."""
    key = key or alias
    chosen = {k.code for k in owners}
    always, never = [], []
    limited: dict[str, list[tuple[PersonKind, ...]]] = {}
    for combo in _combinations():
        mine = [k for k in combo if k.code in chosen]
        if not mine:
            never.append(combo)
        elif any(k.leaves_at is None for k in mine):
            always.append(combo)
        else:
            for k in mine:
                limited.setdefault(k.code, []).append(combo)
    young = {code: f"({alias}.birth_date IS NULL OR {alias}.birth_date > :{key}_born_{code})"
             for code in limited}
    owed = [f"{alias}.kinds IN ({_stored(always)})"] if always else []
    owed += [f"({alias}.kinds IN ({_stored(c)}) AND {young[code]})"
             for code, c in limited.items()]
    not_owed = [f"{alias}.kinds IN ({_stored(never)})"] if never else []
    # A set of kinds none of whose owners is still young (each of them checked).
    by_combo: dict[tuple[str, ...], list[str]] = {}
    for code, combos in limited.items():
        for c in combos:
            by_combo.setdefault(tuple(k.code for k in c), []).append(young[code])
    not_owed += [f"({alias}.kinds = '{','.join(c)}' AND NOT ({' OR '.join(terms)}))"
                 for c, terms in by_combo.items()]
    params = _params(on, key, [KINDS[c] for c in limited])
    return ("(" + (" OR ".join(owed) or "1 = 0") + ")",
            "(" + (" OR ".join(not_owed) or "1 = 0") + ")", params)
