"""Corrections and the overview: removed_record (a visit or a need taken back, kept whole
with the reason); visit_month and visit_month_total (who was visited at the door in which
month, filled from the visits already recorded); two covering indexes on person for the
overview's counts

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('removed_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_removed_record_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_record'))
    )
    with op.batch_alter_table('removed_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_record_person_id'), ['person_id'], unique=False)
    op.create_table('visit_month',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_visit_month_person_id_person')),
    sa.PrimaryKeyConstraint('person_id', 'month', name=op.f('pk_visit_month'))
    )
    op.create_table('visit_month_total',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_visit_month_total'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_overview', ['status', 'group_id', 'colour'], unique=False)
        batch_op.create_index('ix_person_entered', ['registered_on', 'created_at'], unique=False)
        batch_op.create_index('ix_person_exit_date', ['exit_date'], unique=False)
    # The visits already recorded (seed 002: the monthly visit is made at the door).
    op.execute("INSERT INTO visit_month (person_id, month) SELECT DISTINCT person_id, "
               "substr(CAST(visited_on AS TEXT), 1, 7) FROM visit "
               "WHERE kind IN ('checkup', 'health', 'home')")
    op.execute("INSERT INTO visit_month_total (month, people) "
               "SELECT month, count(*) FROM visit_month GROUP BY month")


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_exit_date')
        batch_op.drop_index('ix_person_entered')
        batch_op.drop_index('ix_person_overview')
    op.drop_table('visit_month_total')
    op.drop_table('visit_month')
    with op.batch_alter_table('removed_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_record_person_id'))
    op.drop_table('removed_record')
