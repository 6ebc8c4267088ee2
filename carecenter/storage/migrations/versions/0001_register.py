"""the register: people, supporters, village groups, history

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('village_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_group')),
    sa.UniqueConstraint('name', name=op.f('uq_village_group_name'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), server_default='elder', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.String(length=24), nullable=True),
    sa.Column('exit_note', sa.Text(), nullable=True),
    sa.Column('name_pinyin', sa.String(length=200), server_default='', nullable=False),
    sa.Column('search_key', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('sex', sa.String(length=24), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('ethnicity', sa.String(length=10), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=100), nullable=True),
    sa.Column('education', sa.String(length=24), nullable=True),
    sa.Column('marital_status', sa.String(length=24), nullable=True),
    sa.Column('medical_insurance', sa.String(length=24), nullable=True),
    sa.Column('left_behind_year', sa.Integer(), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('filled_by', sa.String(length=20), nullable=True),
    sa.Column('reviewed_by', sa.String(length=20), nullable=True),
    sa.Column('health_status', sa.String(length=24), nullable=True),
    sa.Column('illnesses', sa.String(length=200), nullable=True),
    sa.Column('disability', sa.String(length=24), nullable=True),
    sa.Column('disability_grade', sa.String(length=24), nullable=True),
    sa.Column('living_with', sa.String(length=200), nullable=True),
    sa.Column('daily_carers', sa.String(length=200), nullable=True),
    sa.Column('care_situation', sa.Text(), nullable=True),
    sa.Column('housing_risks', sa.String(length=200), nullable=True),
    sa.Column('family_structure', sa.String(length=100), nullable=True),
    sa.Column('living_standard', sa.String(length=24), nullable=True),
    sa.Column('income_sources', sa.String(length=200), nullable=True),
    sa.Column('annual_income', sa.Integer(), nullable=True),
    sa.Column('assistance', sa.String(length=200), nullable=True),
    sa.Column('difficulties', sa.Text(), nullable=True),
    sa.Column('service_needs', sa.String(length=200), nullable=True),
    sa.Column('needs_note', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['village_group.id'], name=op.f('fk_person_group_id_village_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_group_id'), ['group_id'], unique=False)
        batch_op.create_index('ix_person_search', ['status', 'name_pinyin', 'kind', 'search_key'], unique=False)
        batch_op.create_index('uq_person_id_number', ['id_number'], unique=True)

    op.create_table('person_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('effective', sa.Date(), nullable=True),
    sa.Column('detail', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_event_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_event'))
    )
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_event_person_id'), ['person_id'], unique=False)

    op.create_table('supporter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('name', sa.String(length=30), nullable=True),
    sa.Column('relation', sa.String(length=24), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('whereabouts', sa.String(length=60), nullable=True),
    sa.Column('location_scope', sa.String(length=24), nullable=True),
    sa.Column('away_since', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('return_kind', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_supporter_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter'))
    )
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supporter_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supporter_person_id'))

    op.drop_table('supporter')
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_event_person_id'))

    op.drop_table('person_event')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('uq_person_id_number')
        batch_op.drop_index('ix_person_search')
        batch_op.drop_index(batch_op.f('ix_person_group_id'))

    op.drop_table('person')
    op.drop_table('village_group')
