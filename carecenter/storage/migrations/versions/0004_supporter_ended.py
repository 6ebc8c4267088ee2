"""supporter.ended_on / end_note: a removed supporter is ended with a date and kept

Revision ID: 0004
Revises: 0006 (main's head when issue 15 merged)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: a plain ADD COLUMN on SQLite and PostgreSQL alike, no table copy.
    op.add_column('supporter', sa.Column('ended_on', sa.Date(), nullable=True))
    op.add_column('supporter', sa.Column('end_note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('supporter') as batch:
        batch.drop_column('end_note')
        batch.drop_column('ended_on')
