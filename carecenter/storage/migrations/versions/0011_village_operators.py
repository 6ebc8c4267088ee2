"""village operators: an operator belongs to one village or to the township, and the
tables added after migration 0009 that hold a village's data get their village too

``operator.village_id`` is the operator's village, NULL for the township's own staff
(who may open one village or all). ``audit_log.village_id`` is the village an entry is
about (NULL: the township's own acts, such as adding a village). The corrections and the
visit tallies of migration 0008 belong to their person's village; ``visit_month_total``
counts per village. A village's SQLite file is its one village (1): every row is its.
On a server each gets the row-level security policy of migration 0009, so the audit log,
the operators and the corrections of one village are hidden from another.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Migration 0009's tables with a village, and the column each is scoped by.
SCOPED_0009 = ("person", "supporter", "person_event", "helper", "pairing", "assessment",
               "visit", "care_due", "need", "care_round", "round_member", "agreement",
               "export_snapshot", "care_event", "event_person", "village_group", "setting")
# Every row is a village's (NOT NULL, as in 0009).
OWNED = ("removed_record", "visit_month")
# NULL is the township's: its operators and its own entries in the log.
SHARED = ("operator", "audit_log")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for table in OWNED:
        op.add_column(table, sa.Column('village_id', sa.Integer(), server_default='1',
                                       nullable=False))
    for table in SHARED:
        # Plain ADD COLUMN (no table copy): SQLite's triggers on audit_log stay.
        op.add_column(table, sa.Column('village_id', sa.Integer(), server_default='1',
                                       nullable=True))
    with op.batch_alter_table('visit_month_total', schema=None) as batch_op:
        batch_op.add_column(sa.Column('village_id', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.drop_constraint('pk_visit_month_total', type_='primary')
        batch_op.create_primary_key('pk_visit_month_total', ['village_id', 'month'])
    op.create_index('ix_operator_village', 'operator', ['village_id'], unique=False)
    op.create_index('ix_audit_log_village', 'audit_log', ['village_id'], unique=False)
    # The work list's counts from indexes (carecenter.overview.work_list).
    op.create_index('ix_person_kinds', 'person', ['status', 'kinds', 'birth_date', 'group_id'],
                    unique=False)
    op.create_index('ix_person_alone', 'person',
                    ['status', 'living_with', 'health_status', 'factors', 'group_id'],
                    unique=False)
    if _postgres():
        _server()


def _server() -> None:
    # Whether the connection is the township's, as carecenter_village() says its village.
    op.execute("""
        CREATE FUNCTION carecenter_township() RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT coalesce(current_setting('carecenter.village', true), '') = '*'
        $$""")
    # Rows already on a server belong to their person's village; operators made before
    # villages were bound saw every village, so they stay the township's.
    op.execute("UPDATE operator SET village_id = NULL")
    for table in (*OWNED, "audit_log"):
        op.execute(f"UPDATE {table} t SET village_id = "  # noqa: S608
                   "(SELECT p.village_id FROM person p WHERE p.id = t.person_id)")
    op.execute("DELETE FROM visit_month_total")
    op.execute("INSERT INTO visit_month_total (village_id, month, people) "
               "SELECT village_id, month, count(*) FROM visit_month "
               "GROUP BY village_id, month")
    for table in (*OWNED, *SHARED, "visit_month_total"):
        op.execute(f"ALTER TABLE {table} ALTER COLUMN village_id "
                   "SET DEFAULT carecenter_village()")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY village_scope ON {table} USING ({_SEES}) "
                   f"WITH CHECK ({_SEES})")
    # 0009's policies asked carecenter_sees() of every row: three settings read and a
    # pattern matched per row, most of a second for a search over 100,000 people. The
    # same test with the scope read once per statement (an uncorrelated sub-select is
    # an InitPlan), so a row costs one comparison, and the village index can serve it.
    # The new tables above have it already.
    for table, column in (*((t, "village_id") for t in SCOPED_0009), ("village", "id")):
        sees = _SEES.replace("village_id", column)
        op.execute(f"DROP POLICY village_scope ON {table}")
        op.execute(f"CREATE POLICY village_scope ON {table} USING ({sees}) "
                   f"WITH CHECK ({sees})")
    # The search keys and the name's pinyin are ASCII: compared byte by byte, as SQLite
    # does, a sort by name costs memcmp, not the locale's collation (~10x slower).
    for column, type_ in (("name_pinyin", "varchar(200)"), ("search_key", "text")):
        op.execute(f'ALTER TABLE person ALTER COLUMN {column} TYPE {type_} COLLATE "C"')
    # The search box reads this index alone, in the list's order (no sort, no row): the
    # trigram index cannot serve LIKE under row-level security (LIKE is not "leakproof",
    # so PostgreSQL tests it only after the policy), the covering index can (~25 ms for
    # 100,000 people where the table scan took ~90).
    op.execute("CREATE INDEX ix_person_list ON person (status, name_pinyin, id) "
               "INCLUDE (village_id, search_key)")


_SEES = "(SELECT carecenter_township()) OR village_id = (SELECT carecenter_village())"


def downgrade() -> None:
    if _postgres():
        for table, column in (*((t, "village_id") for t in SCOPED_0009), ("village", "id")):
            op.execute(f"DROP POLICY village_scope ON {table}")
            op.execute(f"CREATE POLICY village_scope ON {table} "
                       f"USING (carecenter_sees({column})) "
                       f"WITH CHECK (carecenter_sees({column}))")
        op.execute("DROP INDEX IF EXISTS ix_person_list")
        op.execute("DROP FUNCTION carecenter_township()")
        for column, type_ in (("name_pinyin", "varchar(200)"), ("search_key", "text")):
            op.execute(f'ALTER TABLE person ALTER COLUMN {column} TYPE {type_} '
                       'COLLATE "default"')
        for table in (*OWNED, *SHARED, "visit_month_total"):
            op.execute(f"DROP POLICY IF EXISTS village_scope ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DELETE FROM visit_month_total")
        op.execute("INSERT INTO visit_month_total (village_id, month, people) "
                   "SELECT 1, month, count(*) FROM visit_month GROUP BY month")
    op.drop_index('ix_person_alone', table_name='person')
    op.drop_index('ix_person_kinds', table_name='person')
    op.drop_index('ix_audit_log_village', table_name='audit_log')
    op.drop_index('ix_operator_village', table_name='operator')
    with op.batch_alter_table('visit_month_total', schema=None) as batch_op:
        batch_op.drop_constraint('pk_visit_month_total', type_='primary')
        batch_op.create_primary_key('pk_visit_month_total', ['month'])
        batch_op.drop_column('village_id')
    for table in (*OWNED, *SHARED):
        # audit_log: a plain DROP COLUMN (SQLite 3.35+) keeps its triggers.
        op.drop_column(table, 'village_id')
