"""Who was visited in person in which month, kept as visits are written, so that the
overview's twelve months are twelve rows to read, not a million visits to count.

``visit_month`` holds one row per person and month with at least one visit at the door
(home visit, health follow-up, health check); ``visit_month_total`` the number of such
people per month. Every write of a visit (``CareBook.record_visits``, corrections, the
demo) keeps both in its own transaction; ``rebuild`` makes them again from the visits
(the migration that made them, and the demo's bulk insert).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text

from carecenter.calendar import add_months

# seed 002: the monthly home visit (走访打卡) is met at the door, not by a call.
IN_PERSON = frozenset({"home", "health", "checkup"})
_KINDS = ",".join(f"'{k}'" for k in sorted(IN_PERSON))

Cell = tuple[int, str]  # person id, month as YYYY-MM


def month_of(day: date | str) -> str:
    return day.isoformat()[:7] if isinstance(day, date) else str(day)[:7]


def _bump(connection: Connection, month: str, by: int) -> None:
    connection.execute(text(
        "INSERT INTO visit_month_total (month, people) VALUES (:m, :by) "
        # Qualified: PostgreSQL finds a bare ``people`` ambiguous (the row or EXCLUDED).
        "ON CONFLICT (village_id, month) DO UPDATE SET people = visit_month_total.people + :by"),
        {"m": month, "by": by})


def added(connection: Connection, cells: Iterable[Cell]) -> None:
    """Visits at the door were just written for these people in these months."""
    for person_id, month in sorted(set(cells)):
        inserted = connection.execute(text(
            "INSERT INTO visit_month (person_id, month) VALUES (:p, :m) "
            "ON CONFLICT DO NOTHING"), {"p": person_id, "m": month}).rowcount
        if inserted:
            _bump(connection, month, 1)


def recheck(connection: Connection, cells: Iterable[Cell]) -> None:
    """Visits of these people in these months were changed or taken back: is anyone
    still visited at the door in that month?"""
    for person_id, month in sorted(set(cells)):
        first = date.fromisoformat(f"{month}-01")
        still = connection.execute(text(
            "SELECT 1 FROM visit WHERE person_id = :p AND kind IN (" + _KINDS + ") "
            "AND visited_on >= :first AND visited_on < :after LIMIT 1"),
            {"p": person_id, "first": first, "after": add_months(first, 1)}).first()
        if still:
            added(connection, [(person_id, month)])
            continue
        deleted = connection.execute(text(
            "DELETE FROM visit_month WHERE person_id = :p AND month = :m"),
            {"p": person_id, "m": month}).rowcount
        if deleted:
            _bump(connection, month, -1)


def rebuild(connection: Connection) -> None:
    """Both tables again from every visit (after a bulk insert)."""
    connection.execute(text("DELETE FROM visit_month"))
    connection.execute(text("DELETE FROM visit_month_total"))
    connection.execute(text(
        "INSERT INTO visit_month (village_id, person_id, month) SELECT DISTINCT village_id, "
        f"person_id, substr(CAST(visited_on AS TEXT), 1, 7) FROM visit WHERE kind IN ({_KINDS})"))
    connection.execute(text(
        "INSERT INTO visit_month_total (village_id, month, people) "
        "SELECT village_id, month, count(*) FROM visit_month GROUP BY village_id, month"))


def visited(connection: Connection, first: str, last: str) -> dict[str, int]:
    """People visited at the door in each month from ``first`` to ``last`` (YYYY-MM)."""
    rows = connection.execute(text(
        "SELECT month, people FROM visit_month_total WHERE month >= :a AND month <= :b"),
        {"a": first, "b": last})
    return {str(month): int(people) for month, people in rows}
