"""How many records of each helper duty (seed 001) each person had, per recorder and per
period, kept as visits are written, so that the work list's 帮扶人履职 reads a narrow
row per pairing instead of the visits themselves.

``duty_tally`` counts the visits that name their helper (per helper), ``duty_tally_named``
those that name none (per visitor's name), each in the period its duty is counted in
(``carecenter.rules.helper_duties``: a month for calls, a quarter for visits, a year for
calls to the children). Every write of a visit (``CareBook.record_visits``, the
corrections) keeps both in its own transaction through ``added``/``removed``; ``rebuild``
makes them again from the visits (the migration that made them, the demo's bulk insert).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text

from carecenter.rules.helper_duties import DUTY_PERIODS, period_code

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


def rebuild(connection: Connection) -> None:
    """Both tables again from every visit (after a bulk insert), each row in its
    visits' village."""
    connection.execute(text("DELETE FROM duty_tally"))
    connection.execute(text("DELETE FROM duty_tally_named"))
    kinds = ", ".join(f"'{k}'" for k in sorted(DUTY_PERIODS))
    if not kinds:
        return
    counted: Counter[tuple[int, _Key]] = Counter()
    for village_id, person_id, kind, day, helper_id, visitor in connection.execute(text(
            "SELECT village_id, person_id, kind, visited_on, helper_id, visitor FROM visit "
            f"WHERE kind IN ({kinds})")):  # noqa: S608
        if not isinstance(day, date):  # SQLite gives the text
            day = date.fromisoformat(str(day)[:10])
        for key, n in _keys([(person_id, kind, day, helper_id, visitor)]).items():
            counted[(village_id, key)] += n
    by_helper = [{"v": v, "k": k, "p": p, "person": person, "helper": h, "n": n}
                 for (v, (k, p, person, h, _who)), n in counted.items() if h is not None]
    named = [{"v": v, "k": k, "p": p, "person": person, "visitor": who, "n": n}
             for (v, (k, p, person, h, who)), n in counted.items() if h is None]
    if by_helper:
        connection.execute(text(
            "INSERT INTO duty_tally (village_id, kind, period, person_id, helper_id, visits) "
            "VALUES (:v, :k, :p, :person, :helper, :n)"), by_helper)
    if named:
        connection.execute(text(
            "INSERT INTO duty_tally_named (village_id, kind, period, person_id, visitor, "
            "visits) VALUES (:v, :k, :p, :person, :visitor, :n)"), named)
