"""How many records of each helper duty (seed 001) each person had, per recorder and per
period, kept as visits are written, so that the work list's 帮扶人履职 reads a narrow
row per pairing instead of the visits themselves.

``duty_tally`` counts the visits that name their helper (per helper), ``duty_tally_named``
those that name none (per visitor's name), each in the period its duty is counted in
(the duties every kind declares, ``carecenter.rules.kinds.HELPER_DUTY_PERIODS``: the
elder's calls by month, visits by quarter, calls to the children by year; the child's
visits by month). Every write of a visit (``CareBook.record_visits``, the corrections)
keeps both in its own transaction through ``added``/``removed``; ``rebuild`` makes them
again from the visits (the demo's bulk insert; and the program, once, when the declared
kinds of record or periods change: ``current`` says whether the tally follows them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text

from carecenter.rules.helper_duties import period_code
from carecenter.rules.kinds import HELPER_DUTY_PERIODS as DUTY_PERIODS
from carecenter.storage import kept_rules

# What the tally counts, as kept beside it: a tally made for other kinds of record or
# periods (an older program's, before the child's monthly visit) is made again.
RULES = kept_rules.CURRENT[kept_rules.TALLY]
SETTING_KEY = kept_rules.TALLY

# A visit as the tally reads it: person, kind, day, helper (or None), visitor.
Visit = tuple[int, str, date, int | None, str]
_Key = tuple[str, str, int, int | None, str]


def _keys(visits: Iterable[Visit]) -> Counter[_Key]:
    counted: Counter[_Key] = Counter()
    for person_id, kind, day, helper_id, visitor in visits:
        for period in DUTY_PERIODS.get(kind, ()):
            counted[(kind, period_code(day, period), person_id, helper_id,
                     "" if helper_id is not None else visitor)] += 1
    return counted


def added(connection: Connection, visits: Iterable[Visit]) -> None:
    """These visits were just written."""
    for (kind, period, person_id, helper_id, visitor), n in sorted(
            _keys(visits).items(), key=_order):
        values = {"k": kind, "p": period, "person": person_id, "n": n}
        if helper_id is not None:
            connection.execute(text(
                "INSERT INTO duty_tally (kind, period, person_id, helper_id, visits) "
                "VALUES (:k, :p, :person, :helper, :n) "
                "ON CONFLICT (kind, period, person_id, helper_id) "
                "DO UPDATE SET visits = duty_tally.visits + :n"),
                {**values, "helper": helper_id})
        else:
            connection.execute(text(
                "INSERT INTO duty_tally_named (kind, period, person_id, visitor, visits) "
                "VALUES (:k, :p, :person, :visitor, :n) "
                "ON CONFLICT (kind, period, person_id, visitor) "
                "DO UPDATE SET visits = duty_tally_named.visits + :n"),
                {**values, "visitor": visitor})


def removed(connection: Connection, visits: Iterable[Visit]) -> None:
    """These visits were just taken back (or changed: then ``added`` with the new)."""
    for (kind, period, person_id, helper_id, visitor), n in sorted(
            _keys(visits).items(), key=_order):
        values = {"k": kind, "p": period, "person": person_id, "n": n}
        if helper_id is not None:
            table, who, values["who"] = "duty_tally", "helper_id", helper_id
        else:
            table, who, values["who"] = "duty_tally_named", "visitor", visitor
        key = f"kind = :k AND period = :p AND person_id = :person AND {who} = :who"
        connection.execute(text(
            f"UPDATE {table} SET visits = visits - :n WHERE {key}"), values)  # noqa: S608
        connection.execute(text(
            f"DELETE FROM {table} WHERE {key} AND visits <= 0"), values)  # noqa: S608


def _order(item: tuple[_Key, int]) -> tuple[str, str, int, int, str]:
    # One order for every writer (rows locked in the same order on a server).
    kind, period, person_id, helper_id, visitor = item[0]
    return kind, period, person_id, helper_id or 0, visitor


def current(connection: Connection) -> bool:
    """Whether the tally counts what the kinds now declare."""
    return kept_rules.read(connection, SETTING_KEY) == RULES


# The period code of a visit's day, in SQL: 2026-11, 2026-Q4, 2026.
_PERIOD_SQL = {
    "sqlite": {"month": "substr(visited_on, 1, 7)",
               "quarter": "substr(visited_on, 1, 4) || '-Q' || "
                          "((CAST(substr(visited_on, 6, 2) AS INTEGER) + 2) / 3)",
               "year": "substr(visited_on, 1, 4)"},
    "postgresql": {"month": "to_char(visited_on, 'YYYY-MM')",
                   "quarter": "to_char(visited_on, 'YYYY') || '-Q' || to_char(visited_on, 'Q')",
                   "year": "to_char(visited_on, 'YYYY')"},
}


def rebuild(connection: Connection) -> None:
    """Both tables again from every visit, each row in its visits' village, counted in
    SQL (a county's two million visits never reach Python); noted as following the
    kinds' duties as they now stand."""
    connection.execute(text("DELETE FROM duty_tally"))
    connection.execute(text("DELETE FROM duty_tally_named"))
    periods = _PERIOD_SQL["postgresql" if connection.dialect.name == "postgresql"
                          else "sqlite"]
    for kind, counted in sorted(DUTY_PERIODS.items()):
        for period in counted:
            code = periods[period]
            connection.execute(text(
                "INSERT INTO duty_tally (village_id, kind, period, person_id, helper_id, "
                f"visits) SELECT village_id, kind, {code}, person_id, helper_id, count(*) "
                "FROM visit WHERE kind = :kind AND helper_id IS NOT NULL "
                f"GROUP BY village_id, kind, {code}, person_id, helper_id"),  # noqa: S608
                {"kind": kind})
            connection.execute(text(
                "INSERT INTO duty_tally_named (village_id, kind, period, person_id, visitor, "
                f"visits) SELECT village_id, kind, {code}, person_id, visitor, count(*) "
                "FROM visit WHERE kind = :kind AND helper_id IS NULL "
                f"GROUP BY village_id, kind, {code}, person_id, visitor"),  # noqa: S608
                {"kind": kind})
    kept_rules.write(connection, SETTING_KEY, RULES)
