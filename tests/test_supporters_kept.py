"""Supporters are never deleted: one removed is ended with a date and kept, and the
history names who (issue 15, finding 8); a migration leaves a backup behind."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from carecenter.register.people import Register
from carecenter.storage import backups
from carecenter.storage.database import Database, alembic_config
from tests.conftest import TODAY, elder

SON = {"name": "张强", "relation": "儿子", "phone": "13900001111", "whereabouts": "广东省东莞市",
       "location_scope": "省外", "away_since": "2023-03-01"}
DAUGHTER = {"name": "张丽", "relation": "女儿", "phone": "13900002222",
            "whereabouts": "浙江省宁波市", "location_scope": "省外",
            "away_since": "2024-02-01"}


def test_a_supporter_removed_in_the_editor_is_ended_and_kept_and_named(
        register: Register, database: Database) -> None:
    person_id = register.save(elder(supporters=[SON, DAUGHTER])).person_id
    file = register.load(person_id)
    kept = [s for s in file.supporters if s["name"] == "张丽"]
    draft = file.draft()
    draft.supporters = kept
    register.save(draft, person_id)
    after = register.load(person_id)
    assert [s["name"] for s in after.supporters] == ["张丽"]
    assert "移除赡养人张强" in after.events[-1][3]
    with database.session() as session:
        rows = session.execute(text(
            "SELECT name, ended_on, end_note FROM supporter ORDER BY id")).all()
    assert [r[0] for r in rows] == ["张强", "张丽"]
    assert rows[0][1] is not None and str(rows[0][1]) == TODAY.isoformat()
    assert rows[0][2] == "在档案中移除" and rows[1][1] is None


def test_the_listing_and_counts_leave_ended_supporters_out(
        register: Register, database: Database) -> None:
    person_id = register.save(elder(supporters=[SON, DAUGHTER])).person_id
    draft = register.load(person_id).draft()
    draft.supporters = []
    register.save(draft, person_id)
    assert register.load(person_id).supporters == []
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM supporter")).scalar() == 2


def test_a_migration_leaves_a_backup_behind(db_path: Path) -> None:
    from alembic import command

    engine = create_engine(f"sqlite:///{db_path}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(text(
            "INSERT INTO person (kind, status, name, name_pinyin, search_key, created_at,"
            " updated_at) VALUES ('elder', 'active', '张桂兰', 'zgl', '', '2026-01-01',"
            " '2026-01-01')"))
    engine.dispose()
    database = Database(db_path)
    database.close()
    found = backups.listing(db_path)
    assert [(b.kind, b.persons) for b in found] == [(backups.MIGRATION, 1)]
