"""secret per village: each village's recovery code, and the township's own rows

Until now ``access_secret`` held one recovery code for the whole register, which on a
township's server meant one code for every village: a village's administrator could
renew it and then reset another village's administrator's password with it. Here each
secret belongs to a village (``village_id``; NULL: the township's), under the same
row-level security as the village's other rows, so a village's code is its own and
can reach nobody else (``carecenter.access.operators.recover``).

A village's own file keeps its code: the row becomes village 1's. A server's code was
made with its first administrator, the township's: it stays the township's.

``export_snapshot.village_id`` may now be NULL too: the township's own quarterly export
of all its villages, kept beside each village's.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# As 0011: the scope read once per statement; NULL rows are the township's alone.
_SEES = "(SELECT carecenter_township()) OR village_id = (SELECT carecenter_village())"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _secrets() -> list[dict[str, object]]:
    # Typed: SQLite gives the time back as text, which the insert would refuse.
    rows = op.get_bind().execute(sa.text(
        "SELECT name, value, updated_at FROM access_secret").columns(
        updated_at=sa.DateTime())).mappings()
    return [dict(r) for r in rows]


def upgrade() -> None:
    kept = _secrets()
    # A new key (an id; the name alone is no longer unique): the few rows copied over.
    op.drop_table('access_secret')
    table = op.create_table('access_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), server_default='1', nullable=True),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_secret')),
    sa.UniqueConstraint('village_id', 'name', name='uq_access_secret_village')
    )
    op.create_index('uq_access_secret_township', 'access_secret', ['name'], unique=True,
                    sqlite_where=sa.text('village_id IS NULL'),
                    postgresql_where=sa.text('village_id IS NULL'))
    owner = None if _postgres() else 1
    if kept:
        op.bulk_insert(table, [{**row, "village_id": owner} for row in kept])
    with op.batch_alter_table('export_snapshot', schema=None) as batch_op:
        batch_op.alter_column('village_id', existing_type=sa.Integer(), nullable=True,
                              existing_server_default=sa.text('1'))
    if _postgres():
        op.execute("ALTER TABLE access_secret ALTER COLUMN village_id "
                   "SET DEFAULT carecenter_village()")
        op.execute("ALTER TABLE access_secret ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE access_secret FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY village_scope ON access_secret USING ({_SEES}) "
                   f"WITH CHECK ({_SEES})")


def downgrade() -> None:
    # The township's code, else the first village's: one code for the register again.
    rows = op.get_bind().execute(sa.text(
        "SELECT name, value, updated_at FROM access_secret "
        "ORDER BY village_id IS NOT NULL, village_id").columns(
        updated_at=sa.DateTime())).mappings()
    kept = {r["name"]: dict(r) for r in reversed(list(rows))}
    op.execute("DELETE FROM export_snapshot WHERE village_id IS NULL")
    with op.batch_alter_table('export_snapshot', schema=None) as batch_op:
        batch_op.alter_column('village_id', existing_type=sa.Integer(), nullable=False,
                              existing_server_default=sa.text('1'))
    op.drop_index('uq_access_secret_township', table_name='access_secret')
    op.drop_table('access_secret')
    table = op.create_table('access_secret',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_access_secret'))
    )
    if kept:
        op.bulk_insert(table, list(kept.values()))
