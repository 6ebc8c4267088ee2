"""History nobody rewrites: the audit log and the records taken back (作废) refuse every
UPDATE and DELETE by any SQL, on a village's SQLite file and on a township's PostgreSQL
server alike (migrations 0007 and 0012; issues 18 and 22)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from carecenter.care.care_book import CareBook, VisitInput
from carecenter.care.corrections import Corrections
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.postgres import as_township
from tests.conftest import elder

# Run on SQLite and again on PostgreSQL (dev.py test's server pass).
pytestmark = pytest.mark.backends

GUARDED = {"audit_log": "审计日志不能修改或删除", "removed_record": "作废记录不能修改或删除"}


def _counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        as_township(connection)
        return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in GUARDED}


@pytest.mark.parametrize("table", list(GUARDED))
def test_the_history_refuses_every_change_made_with_sql(database: Database, table: str) -> None:
    person = Register(database).save(elder(registered_on="2026-01-05")).person_id
    visit = CareBook(database).record_visit(
        VisitInput(person, date(2026, 11, 2), "home", "王网格员", "很好"))
    Corrections(database).remove_visit(visit, "录错了人")
    before = _counts(database)
    assert before["audit_log"] >= 3 and before["removed_record"] == 1
    statements = [f"UPDATE {table} SET person_id = person_id", f"DELETE FROM {table}"]
    if database.on_server:
        statements.append(f"TRUNCATE {table}")  # SQLite has no TRUNCATE
    for statement in statements:
        with database.engine.connect() as connection:
            as_township(connection)  # a township's connection sees every village's rows
            with pytest.raises(IntegrityError, match=GUARDED[table]):
                connection.execute(text(statement))
    assert _counts(database) == before
    # Writing goes on: a new entry is still appended after the refusals.
    Corrections(database).remove_visit(
        CareBook(database).record_visit(
            VisitInput(person, date(2026, 11, 3), "phone", "王网格员", "很好")), "重复录入")
    after = _counts(database)
    assert after["removed_record"] == 2 and after["audit_log"] > before["audit_log"]
