"""The helpers' duties on the work list read a kept tally (``care.duty_tally``), and say
exactly what counting the visits themselves said.

A demo register gets calls and visits through the service calls (naming the helper, only
the helper's name, someone else's name), corrections (a date moved into another month,
a call made a visit, a visit taken back), a helper renamed, a pairing ended and one of
an exited person left open (an older register). The work list's 帮扶人履职 is then set
beside the same list counted from the visits (the query it read before the tally), on
days that judge one, two and all three duties, for the village and for one group; and
the tally kept write by write is what rebuilding it from the visits gives.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import case, func, or_, select, text

from carecenter.care import duty_tally
from carecenter.care.care_book import CareBook, VisitInput
from carecenter.care.corrections import Corrections, VisitChange
from carecenter.demo import register_demo as demo
from carecenter.overview import duty_sections
from carecenter.overview import work_list as worklist
from carecenter.pairing.duties import duties_on_query
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.rules.kinds import HELPER_DUTIES as DUTIES
from carecenter.storage.database import Database
from tests.conftest import TODAY

pytestmark = pytest.mark.backends

# One duty judged (the month's calls), two (a quarter's last month), all three (December).
# And a December before any record (no record names no helper: counted without names).
DAYS = (TODAY, date(2026, 9, 30), date(2026, 12, 15), date(2026, 6, 10), date(2026, 3, 31),
        date(2025, 12, 20))


def counted_from_visits(connection: Any, judged: Any, group_id: int | None, on: date
                        ) -> duty_sections.Short:
    """The helpers short as the work list counted them before the tally: each pairing's
    visits of the period, read from the visit table (``pairing.duties``)."""
    per = duties_on_query(on, judged, group_id).subquery()
    lacking = [per.c[f"n{i}"] < d.required for i, d in enumerate(judged)]
    return {hid: (name, pid, [int(n) for n in tally]) for hid, name, pid, *tally in
            connection.execute(
                select(per.c.helper_id, func.min(per.c.helper_name), func.min(per.c.person_id),
                       *(func.sum(case((x, 1), else_=0)) for x in lacking))
                .where(or_(*lacking)).group_by(per.c.helper_id))}


def tallies(database: Database) -> dict[str, set[tuple[Any, ...]]]:
    with database.engine.connect() as connection:
        return {table: set(connection.execute(text(f"SELECT * FROM {table}")).all())  # noqa: S608
                for table in ("duty_tally", "duty_tally_named")}


def busy_register(database: Database) -> None:
    demo.generate(database, 180, seed=3, today=TODAY)
    rng = random.Random(7)
    with database.engine.connect() as connection:
        pairs = connection.execute(text(
            "SELECT p.person_id, p.helper_id, h.name FROM pairing p "
            "JOIN helper h ON h.id = p.helper_id WHERE p.rank = 1 AND p.ended_on IS NULL "
            "ORDER BY p.person_id")).all()
        groups = connection.execute(text("SELECT id FROM village_group ORDER BY id")).scalars()
        group = next(iter(groups))
    assert len(pairs) > 60
    entries = []
    for n, (pid, hid, name) in enumerate(pairs):
        for _ in range(rng.randrange(7)):
            day = TODAY - timedelta(days=rng.randrange(330))
            kind = rng.choice(("phone", "phone", "phone", "home", "video"))
            way = n % 4
            entries.append(VisitInput(
                pid, day, kind, name if way != 3 else "村干部刘",
                helper_id=hid if way in (0, 1) else None))
    care = CareBook(database, today=lambda: TODAY)
    care.record_visits(entries, numbered=False)
    with database.engine.connect() as connection:
        visits = connection.execute(text(
            "SELECT id, visited_on, kind, visitor FROM visit "
            "WHERE kind IN ('phone', 'home', 'video') ORDER BY id")).all()
    fixes = Corrections(database, today=lambda: TODAY)
    for visit_id, on, _kind, visitor in rng.sample(visits, 25):
        day = on if isinstance(on, date) else date.fromisoformat(str(on))
        fixes.edit_visit(visit_id, VisitChange(
            max(date(2026, 1, 1), day - timedelta(days=40)), "home", visitor))
    for visit_id, *_ in rng.sample(visits, 25):
        try:
            fixes.remove_visit(visit_id, "录错了")
        except Exception:  # noqa: BLE001 (taken back already, when edited and sampled again)
            continue
    helper_id, old_name = pairs[1][1], pairs[1][2]
    HelperBook(database).edit(helper_id, HelperDraft(old_name + "改", "volunteer",
                                                     "13700000009"))
    PairingBook(database, today=lambda: TODAY).unpair(pairs[2][0], on=TODAY)
    with database.transaction() as session:  # an exit that left its pairing open
        session.execute(text("UPDATE person SET status = 'moved', exit_date = :on "
                             "WHERE id = :pid"), {"on": TODAY, "pid": pairs[5][0]})
    database.info_group = group  # type: ignore[attr-defined]


def test_helpers_short_from_the_tally_are_those_counted_from_the_visits(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    busy_register(database)
    group = database.info_group  # type: ignore[attr-defined]
    for on in DAYS:
        for group_id in (None, group):
            with database.engine.connect() as connection:
                kept = duty_sections.helpers_short(connection, group_id, on)
                with monkeypatch.context() as patched:
                    patched.setattr(duty_sections, "_short", counted_from_visits)
                    counted = duty_sections.helpers_short(connection, group_id, on)
            assert kept == counted, (on, group_id)
            with database.engine.connect() as connection:  # counted first, then read
                assert len(duty_sections.short_helpers(connection, group_id, on)) == len(kept)
            assert kept or group_id, on  # the demo's helpers are short in every period
            with database.engine.connect() as connection:
                sizes = duty_sections.sizes(connection, group_id, on)
                for code in ("unpaired", "whereabouts"):
                    listed = duty_sections.find(connection, code, group_id, on, set())
                    assert sizes[code] == len(listed), (code, group_id)
                    assert listed or group_id, code
    rules = " ".join(f.rule for f in duty_sections.helpers_short(
        database.engine.connect(), None, date(2026, 12, 15)))
    assert "本月电话问候老人" in rules and "本季度入户走访" in rules and "本年联系子女" in rules


def test_the_tally_kept_by_each_write_is_the_tally_made_from_the_visits(
        database: Database) -> None:
    busy_register(database)
    kept = tallies(database)
    assert kept["duty_tally"] and kept["duty_tally_named"]
    with database.transaction() as session:
        duty_tally.rebuild(session.connection())
    assert tallies(database) == kept


def test_the_work_list_names_the_helper_whose_calls_fall_short(database: Database) -> None:
    busy_register(database)
    listed = worklist.build(database, TODAY)
    items = listed.section("helper")
    assert listed.counts()["helper"] == len(items) > 0
    assert all(i.name.startswith("帮扶人") and i.ref and i.due == date(2026, 11, 30)
               for i in items)


@pytest.mark.sqlite_only
def test_the_work_lists_counts_are_read_from_their_own_indexes(database: Database) -> None:
    """The counts' terms are those of the partial indexes (``ix_supporter_unreported``,
    ``ix_pairing_current``, ``ix_pairing_primary``): if they drift apart, SQLite silently
    reads every supporter or pairing again (0.1-0.2 s each at 100,000 people)."""
    judged = list(DUTIES[:1])
    params = duty_sections._helpers_short_params(judged, None, TODAY)
    with database.engine.connect() as connection:
        def plan(sql: str, values: dict[str, Any]) -> str:
            return " ".join(str(r[3]) for r in connection.execute(
                text("EXPLAIN QUERY PLAN " + sql), values))

        assert "ix_supporter_unreported" in plan(duty_sections._unreported_sql(None), {})
        helpers = duty_sections._helpers_short_sql(connection, judged, None, [False],
                                                   count=True, on=TODAY)
        assert "ix_pairing_current" in plan(helpers, params)
        assert "ix_pairing_primary" in plan(duty_sections._unpaired_count_sql(None), {})
