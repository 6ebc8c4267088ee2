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


# What a tally made by migration 0013 counts (noted nowhere then): a register that
# notes nothing has this tally.
AT_0013 = "home:quarter;phone:month;video:year"


def _pairs(rules: str) -> set[tuple[str, str]]:
    """(kind of record, period) of a noted RULES string."""
    out: set[tuple[str, str]] = set()
    for part in rules.split(";"):
        kind, _, periods = part.partition(":")
        out.update((kind, p) for p in periods.split(",") if kind and p)
    return out


# A period's codes as the tally writes them (``period_code``): 2026-11, 2026-Q4, 2026.
_SHAPE = {"month": "length(period) = 7 AND period NOT LIKE '%Q%'",
          "quarter": "period LIKE '%Q%'", "year": "length(period) = 4"}


def catch_up(connection: Connection) -> bool:
    """The tally brought to what the kinds now declare, touching only what changed: the
    counts of a (kind, period) no longer declared are dropped, those of one newly
    declared (the child's visits by month) counted from those visits alone, in one pass.
    Whether anything was done."""
    noted = kept_rules.read(connection, SETTING_KEY)
    if noted == RULES:
        return False
    before = _pairs(noted if noted is not None else AT_0013)
    now = _pairs(RULES)
    for kind, period in sorted(before - now):
        for table in ("duty_tally", "duty_tally_named"):
            connection.execute(text(
                f"DELETE FROM {table} WHERE kind = :k AND {_SHAPE[period]}"),  # noqa: S608
                {"k": kind})
    _count(connection, sorted(now - before))
    kept_rules.write(connection, SETTING_KEY, RULES)
    return True


def rebuild(connection: Connection) -> None:
    """Both tables again from every visit (after a bulk insert), each row in its
    visits' village; noted as following the kinds' duties as they now stand."""
    connection.execute(text("DELETE FROM duty_tally"))
    connection.execute(text("DELETE FROM duty_tally_named"))
    _count(connection, sorted(_pairs(RULES)))
    kept_rules.write(connection, SETTING_KEY, RULES)


def _count(connection: Connection, pairs: list[tuple[str, str]]) -> None:
    """Add the counts of these (kind, period) pairs from the visits, in one pass over the
    visits of those kinds."""
    wanted: dict[str, list[str]] = {}
    for kind, period in pairs:
        wanted.setdefault(kind, []).append(period)
    if not wanted:
        return
    kinds = ", ".join(f"'{k}'" for k in sorted(wanted))
    counted: Counter[tuple[int, _Key]] = Counter()
    for village_id, person_id, kind, day, helper_id, visitor in connection.execute(text(
            "SELECT village_id, person_id, kind, visited_on, helper_id, visitor FROM visit "
            f"WHERE kind IN ({kinds})")).cursor.fetchall():  # noqa: S608
        if not isinstance(day, date):  # SQLite gives the text
            day = date.fromisoformat(str(day)[:10])
        for period in wanted[kind]:
            counted[(village_id, (kind, period_code(day, period), person_id, helper_id,
                                  "" if helper_id is not None else visitor))] += 1
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
