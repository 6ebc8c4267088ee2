"""township: villages as a scope, row-level security and trigram search on a server

Every row belongs to a village (``village_id``). A village's SQLite file holds its one
village, id 1, made here from the village's settings. On a PostgreSQL server new rows
take the connection's village (``carecenter.village``, set when the program connects),
and row-level security shows a connection only its village's rows, or all of them for
the township ('*').

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from alembic import op

from carecenter import clock

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None

# Tables whose village_id is added as a plain column (the two others change a key).
TABLES = ("person", "supporter", "person_event", "helper", "pairing", "assessment", "visit",
          "care_due", "need", "care_round", "round_member", "agreement", "export_snapshot",
          "care_event", "event_person")
SCOPED = (*TABLES, "village_group", "setting")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _village_id() -> sa.Column[int]:
    return sa.Column('village_id', sa.Integer(), server_default='1', nullable=False)


def upgrade() -> None:
    op.create_table('village',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village')),
    sa.UniqueConstraint('code', name=op.f('uq_village_code'))
    )
    for table in TABLES:
        op.add_column(table, _village_id())
    with op.batch_alter_table('village_group', schema=None) as batch_op:
        batch_op.add_column(_village_id())
        batch_op.drop_constraint('uq_village_group_name', type_='unique')
        batch_op.create_unique_constraint('uq_village_group_name', ['village_id', 'name'])
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.add_column(_village_id())
        batch_op.drop_constraint('pk_setting', type_='primary')
        batch_op.create_primary_key('pk_setting', ['village_id', 'key'])
    op.create_index('ix_person_village', 'person', ['village_id'], unique=False)
    _first_village()
    if _postgres():
        _server()


def _first_village() -> None:
    """A village's file is its village; a server that already held a register (before
    villages) keeps it as its first village. An empty server starts with none."""
    bind = op.get_bind()
    if _postgres() and not any(
            bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first()  # noqa: S608
            for t in ("person", "setting", "helper", "village_group")):
        return
    raw = bind.execute(sa.text("SELECT value FROM setting WHERE key = 'village'")).scalar()
    try:
        name = str(json.loads(raw).get("name") or "") if raw else ""
    except (ValueError, AttributeError):
        name = ""
    bind.execute(sa.text("INSERT INTO village (id, name, code, created_at) "
                         "VALUES (1, :name, :code, :at)"),
                 {"name": name[:40] or "本村", "code": uuid.uuid4().hex, "at": clock.now()})
    if _postgres():
        op.execute("SELECT setval(pg_get_serial_sequence('village', 'id'), 1)")


def _server() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may add it.
    # The search box's LIKE '%…%' then reads a trigram index instead of every row.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_person_search_trgm ON person "
               "USING gin (search_key gin_trgm_ops)")
    # The connection's village, or NULL for the township ('*') and for none set.
    op.execute("""
        CREATE FUNCTION carecenter_village() RETURNS integer LANGUAGE sql STABLE AS $$
            SELECT CASE WHEN current_setting('carecenter.village', true) ~ '^[0-9]+$'
                        THEN current_setting('carecenter.village', true)::integer END
        $$""")
    op.execute("""
        CREATE FUNCTION carecenter_sees(village integer) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT coalesce(current_setting('carecenter.village', true), '') = '*'
                   OR village = carecenter_village()
        $$""")
    for table in SCOPED:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN village_id "
                   "SET DEFAULT carecenter_village()")
        _policy(table, "village_id")
    _policy("village", "id")


def _policy(table: str, column: str) -> None:
    # FORCE: the program's own account owns the tables, and owners are exempt otherwise.
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY village_scope ON {table} "
               f"USING (carecenter_sees({column})) WITH CHECK (carecenter_sees({column}))")


def downgrade() -> None:
    if _postgres():
        for table in (*SCOPED, "village"):
            op.execute(f"DROP POLICY IF EXISTS village_scope ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for table in SCOPED:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN village_id SET DEFAULT 1")
        op.execute("DROP FUNCTION IF EXISTS carecenter_sees(integer)")
        op.execute("DROP FUNCTION IF EXISTS carecenter_village()")
        op.execute("DROP INDEX IF EXISTS ix_person_search_trgm")
    op.drop_index('ix_person_village', table_name='person')
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.drop_constraint('pk_setting', type_='primary')
        batch_op.create_primary_key('pk_setting', ['key'])
        batch_op.drop_column('village_id')
    with op.batch_alter_table('village_group', schema=None) as batch_op:
        batch_op.drop_constraint('uq_village_group_name', type_='unique')
        batch_op.create_unique_constraint('uq_village_group_name', ['name'])
        batch_op.drop_column('village_id')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('village_id')
    op.drop_table('village')
