"""Every figure of the quarterly export against a count made directly with SQL.

A 300-person demo register (today 2026-11-23), with exits, late entries and agreements
added through the services, is exported for 2026Q3 (a whole quarter in the past) and
2026Q4 (under way, 截至 today). The SQL below is written from the rules as the township
reads them, not from the export's code.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import update

from carecenter.demo import register_demo as demo
from carecenter.ledger.figures import VISITS_HEADER, figure_lines
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import ExportResult, export_quarter
from carecenter.register.people import Register
from carecenter.rules.risk import KEY_CATEGORIES
from carecenter.storage.database import Database
from carecenter.storage.models import agreement, person
from tests.conftest import TODAY, signed_in

# Run on SQLite and again on PostgreSQL (dev.py test's server pass).
pytestmark = pytest.mark.backends

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)
NOW = datetime(2026, 11, 23, 9, 0)


class Exported:
    def __init__(self, path: Path, results: dict[str, ExportResult], files: dict[str, Path]):
        self.path = path
        self.results = results
        self.files = files


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp("figures")
    path = folder / "demo.db"
    database = signed_in(Database(path))
    try:
        demo.generate(database, 300, seed=11, today=TODAY)
        register = Register(database, today=lambda: TODAY)
        with database.session() as session:
            ids = session.execute(person.select().with_only_columns(person.c.id)
                                  .where(person.c.status == "active")
                                  .order_by(person.c.id)).scalars().all()
        # Exits: inside Q3, on Q3's first day, inside Q4, on the export day itself.
        for pid, on in zip(ids[:4], (date(2026, 8, 15), date(2026, 7, 1),
                                     date(2026, 10, 10), TODAY), strict=True):
            register.exit(pid, on, "moved")
        with database.transaction() as session:
            # Entered in Q3; entered after the export day; no 填报日期, record made in Q4.
            session.execute(update(person).where(person.c.id == ids[4])
                            .values(registered_on=date(2026, 8, 1)))
            session.execute(update(person).where(person.c.id == ids[5])
                            .values(registered_on=date(2026, 11, 30)))
            session.execute(update(person).where(person.c.id == ids[6])
                            .values(registered_on=None, created_at=datetime(2026, 10, 2, 10)))
            states = [("signed", None, None), ("filed", date(2027, 6, 30), None),
                      ("filed", date(2026, 10, 31), None), ("drawn", None, None),
                      ("printed", None, None), ("signed", None, date(2026, 9, 1)),
                      ("signed", None, None)]
            for n, pid in enumerate(ids[7:60]):
                state, ends, ended = states[n % len(states)]
                session.execute(agreement.insert().values(
                    person_id=pid, trustee_name="邻居", starts_on=date(2026, 1, 1),
                    ends_on=ends, ended_on=ended, state=state, created_at=NOW,
                    updated_at=NOW))
        results, files = {}, {}
        for q in (Q3, Q4):
            files[q.code] = folder / f"{q.code}.xlsx"
            results[q.code] = export_quarter(database, q, files[q.code], today=TODAY)
    finally:
        database.close()
    yield Exported(path, results, files)


def as_of(q: Quarter) -> date:
    return min(q.end, TODAY)


def sql(path: Path, query: str, q: Quarter) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(query, {"start": q.start.isoformat(),
                                   "as_of": as_of(q).isoformat()}).fetchall()


# On the register at any time in the quarter up to the export day: entered by then
# (填报日期, else the day the record was made), not exited before the quarter began.
# The ledger and its figures are the elders' (a 特困 elder too); the other kinds have
# their own sheets (issue 21).
LISTED = """SELECT * FROM person
    WHERE coalesce(registered_on, date(created_at)) <= :as_of
      AND (exit_date IS NULL OR exit_date >= :start) AND kinds LIKE '%elder%'"""
ACTIVE = f"SELECT * FROM ({LISTED}) WHERE exit_date IS NULL OR exit_date > :as_of"
# The colour and factors of the latest assessment made by the export day.
AS_OF = """SELECT p.*, (SELECT a.colour FROM assessment a WHERE a.person_id = p.id
                         AND a.assessed_on <= :as_of ORDER BY a.assessed_on DESC, a.id DESC
                         LIMIT 1) AS then_colour,
                       (SELECT a.factors FROM assessment a WHERE a.person_id = p.id
                         AND a.assessed_on <= :as_of ORDER BY a.assessed_on DESC, a.id DESC
                         LIMIT 1) AS then_factors
           FROM ({active}) p"""


def one(path: Path, query: str, q: Quarter) -> int:
    return int(sql(path, query, q)[0][0])


@pytest.mark.parametrize("q", [Q3, Q4], ids=["Q3", "Q4"])
def test_who_is_listed_is_who_was_on_the_register_in_the_quarter(
        exported: Exported, q: Quarter) -> None:
    path = exported.path
    expected = Counter((name, number or "待补充") for name, number in sql(
        path, f"SELECT name, id_number FROM ({LISTED})", q))
    ledger = openpyxl.load_workbook(exported.files[q.code])["台账"]
    listed = Counter((r[1], r[3]) for r in ledger.iter_rows(min_row=4, values_only=True))
    assert listed == expected
    assert exported.results[q.code].figures["persons"] == sum(expected.values())
    # The rule is exercised both ways: some left before the quarter, some came after.
    before = one(path, "SELECT count(*) FROM person WHERE exit_date < :start", q)
    after = one(path, "SELECT count(*) FROM person "
                "WHERE coalesce(registered_on, date(created_at)) > :as_of", q)
    assert before >= 2 and after >= 1
    numbers = {number for _, number in listed}
    outside = {number for (number,) in sql(
        path, "SELECT id_number FROM person WHERE (exit_date < :start OR "
              "coalesce(registered_on, date(created_at)) > :as_of) AND id_number IS NOT NULL",
        q)}
    assert outside and not outside & numbers
    # Who left on the quarter's first day is listed (as an exit of the quarter).
    if q == Q3:
        assert one(path, f"SELECT count(*) FROM ({LISTED}) WHERE exit_date = :start", q) == 1


@pytest.mark.parametrize("q", [Q3, Q4], ids=["Q3", "Q4"])
def test_counts_by_kind_group_and_colour_match_sql(exported: Exported, q: Quarter) -> None:
    path, f = exported.path, exported.results[q.code].figures
    assert f["active"] == one(path, f"SELECT count(*) FROM ({ACTIVE})", q)
    assert f["by_kind"]["农村留守老年人"] == f["active"]
    # every kind, each counted among everyone on the register at the end
    everyone = LISTED.removesuffix(" AND kinds LIKE '%elder%'")
    for code, label in (("child", "农村留守儿童"), ("woman", "农村留守妇女"),
                        ("tekun", "特困群众")):
        assert f["by_kind"][label] == one(
            path, f"SELECT count(*) FROM ({everyone}) WHERE (exit_date IS NULL OR "
                  f"exit_date > :as_of) AND kinds LIKE '%{code}%'", q) > 0
    by_group = dict(sql(path, f"""SELECT coalesce(g.name, '未分组'), count(*) FROM ({ACTIVE}) p
                                  LEFT JOIN village_group g ON g.id = p.group_id
                                  GROUP BY 1""", q))
    assert f["by_group"] == by_group
    labels = {"red": "红色", "yellow": "黄色", "green": "绿色", None: "未评估"}
    by_colour = Counter({labels[c]: n for c, n in sql(
        path, f"SELECT then_colour, count(*) FROM ({AS_OF.format(active=ACTIVE)}) "
              "GROUP BY then_colour", q)})
    assert f["by_colour"] == {label: by_colour[label] for label in labels.values()}
    assert sum(f["by_colour"].values()) == f["active"]
    if q == Q4:  # as of today: the colour kept on the person
        assert dict(Counter(labels[c] for (c,) in sql(
            path, f"SELECT colour FROM ({ACTIVE})", q))) == {
                k: v for k, v in f["by_colour"].items() if v}


@pytest.mark.parametrize("q", [Q3, Q4], ids=["Q3", "Q4"])
def test_eight_key_categories_match_sql(exported: Exported, q: Quarter) -> None:
    path, f = exported.path, exported.results[q.code].figures
    assert len(f["key_categories"]) == 8
    for factor in KEY_CATEGORIES:
        expected = one(path, f"SELECT count(*) FROM ({AS_OF.format(active=ACTIVE)}) "
                       f"WHERE ',' || then_factors || ',' LIKE '%,{factor.code},%'", q)
        assert f["key_categories"][factor.label] == expected, factor.label
    assert sum(f["key_categories"].values()) > 0


@pytest.mark.parametrize("q", [Q3, Q4], ids=["Q3", "Q4"])
def test_pairing_and_agreement_coverage_match_sql(exported: Exported, q: Quarter) -> None:
    path, f = exported.path, exported.results[q.code].figures
    paired = one(path, f"""SELECT count(*) FROM ({ACTIVE}) p WHERE EXISTS (
        SELECT 1 FROM pairing x WHERE x.person_id = p.id AND x.rank = 1
          AND x.started_on <= :as_of AND (x.ended_on IS NULL OR x.ended_on > :as_of))""", q)
    assert f["paired"] == paired and 0 < paired <= f["active"]
    # Signed or filed, begun, not ended, not run out by the export day.
    covered = one(path, f"""SELECT count(*) FROM ({ACTIVE}) p WHERE EXISTS (
        SELECT 1 FROM agreement a WHERE a.person_id = p.id AND a.state IN ('signed', 'filed')
          AND a.starts_on <= :as_of AND (a.ended_on IS NULL OR a.ended_on > :as_of)
          AND (a.ends_on IS NULL OR a.ends_on >= :as_of))""", q)
    assert f["agreements"] == covered and covered > 0
    lines = {(s, i): v for s, i, v in figure_lines(f)}
    assert lines[("结对帮扶", "结对覆盖率")] == f"{100 * paired / f['active']:.1f}%"
    assert lines[("委托照顾协议", "协议覆盖率")] == f"{100 * covered / f['active']:.1f}%"


@pytest.mark.parametrize("q", [Q3, Q4], ids=["Q3", "Q4"])
def test_needs_entries_and_exits_in_the_quarter_match_sql(
        exported: Exported, q: Quarter) -> None:
    path, f = exported.path, exported.results[q.code].figures
    assert f["needs_raised"] == one(
        path, "SELECT count(*) FROM need WHERE raised_on BETWEEN :start AND :as_of", q)
    assert f["needs_resolved"] == one(
        path, "SELECT count(*) FROM need WHERE resolved_on BETWEEN :start AND :as_of", q)
    entries = one(path, f"SELECT count(*) FROM ({LISTED}) "
                  "WHERE coalesce(registered_on, date(created_at)) >= :start", q)
    exits = one(path, "SELECT count(*) FROM person WHERE exit_date BETWEEN :start AND :as_of",
                q)
    assert (f["entries"], f["exits"]) == (entries, exits)
    assert exits >= 2 and entries >= 1  # with the exits made in the fixture


def test_visits_of_people_on_the_register_all_q3_match_sql(exported: Exported) -> None:
    """For people on the register the whole quarter with one colour all along (red from
    before it began), not on the weekly round: red owes two visits (distinct days) in
    each calendar month (home visit or health follow-up; seed 002: 每个月至少随访2次),
    everyone else a home visit each month."""
    path, q = exported.path, Q3
    rows = sql(path, f"""
        SELECT p.id_number, p.then_colour,
          (SELECT coalesce(sum(min(2, n)), 0) FROM (
             SELECT count(DISTINCT v.visited_on) AS n
             FROM visit v WHERE v.person_id = p.id AND v.kind IN ('home', 'health')
              AND v.visited_on BETWEEN :start AND :as_of
             GROUP BY strftime('%m', v.visited_on))) AS halves,
          (SELECT count(DISTINCT strftime('%m', v.visited_on)) FROM visit v
            WHERE v.person_id = p.id AND v.kind = 'home'
              AND v.visited_on BETWEEN :start AND :as_of) AS months
        FROM ({AS_OF.format(active=ACTIVE)}) p
        WHERE coalesce(p.registered_on, date(p.created_at)) <= :start
          AND NOT p.refuses_institution AND p.id_number IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.person_id = p.id
                          AND a.assessed_on <= :as_of AND a.colour IS NOT p.then_colour)
          AND (p.then_colour IS NOT 'red' OR EXISTS (SELECT 1 FROM assessment a
               WHERE a.person_id = p.id AND a.assessed_on <= :start))""", q)
    assert len(rows) > 100
    ledger = openpyxl.load_workbook(exported.files[q.code])["台账"]
    header = [c.value for c in ledger[3]]
    column = header.index(VISITS_HEADER)
    shown = {r[3]: r[column] for r in ledger.iter_rows(min_row=4, values_only=True)}
    reds = 0
    for number, colour, halves, months in rows:
        due, done = (6, halves) if colour == "red" else (3, months)
        reds += colour == "red"
        assert shown[number] == f"{done}/{due}", number
    assert reds > 0
    figures = exported.results[q.code].figures
    pairs = [tuple(map(int, r[column].split("/")))
             for r in ledger.iter_rows(min_row=4, values_only=True) if r[column]]
    assert figures["visits_done"] == sum(d for d, _ in pairs)
    assert figures["visits_due"] == sum(d for _, d in pairs)
    assert figures["visit_persons"] == len(pairs)
    assert figures["visited_enough"] == sum(d >= due for d, due in pairs)


@pytest.mark.parametrize("q", [Q3, Q4], ids=["Q3", "Q4"])
def test_summary_sheet_shows_the_figures(exported: Exported, q: Quarter) -> None:
    summary = openpyxl.load_workbook(exported.files[q.code])["汇总"]
    shown = [r[:3] for r in summary.iter_rows(min_row=4, values_only=True)]
    assert shown == list(figure_lines(exported.results[q.code].figures))
