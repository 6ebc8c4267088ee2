"""care_due: the next due date of each duty of each person, kept for the work list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('care_due',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('duty', sa.String(length=16), nullable=False),
    sa.Column('cadence', sa.String(length=24), nullable=False),
    sa.Column('last_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('stale_on', sa.Date(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('colour', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_care_due_person_id_person')),
    sa.PrimaryKeyConstraint('person_id', 'duty', name=op.f('pk_care_due'))
    )
    with op.batch_alter_table('care_due', schema=None) as batch_op:
        batch_op.create_index('ix_care_due_worklist', ['due_on', 'person_id', 'cadence', 'last_on', 'kind', 'name', 'group_id', 'colour'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_due_stale_on'), ['stale_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('care_due', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_due_stale_on'))
        batch_op.drop_index('ix_care_due_worklist')
    op.drop_table('care_due')
