"""care: settings, helpers and pairings, assessments, visits, needs, special rounds,
agreements, export snapshots; the person's colour

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('care_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_round'))
    )
    op.create_table('export_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('workbook', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_snapshot'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('helper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('inactive_since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['village_group.id'], name=op.f('fk_helper_group_id_village_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helper'))
    )
    with op.batch_alter_table('helper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helper_group_id'), ['group_id'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('trustee_name', sa.String(length=30), nullable=False),
    sa.Column('trustee_relation', sa.String(length=20), nullable=True),
    sa.Column('trustee_phone', sa.String(length=20), nullable=True),
    sa.Column('trustee_id_number', sa.String(length=18), nullable=True),
    sa.Column('supporter_names', sa.Text(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=12), server_default='drawn', nullable=False),
    sa.Column('printed_on', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_agreement_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_person_id'), ['person_id'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessor', sa.String(length=30), nullable=False),
    sa.Column('factors', sa.String(length=400), nullable=True),
    sa.Column('proposed', sa.String(length=8), nullable=False),
    sa.Column('colour', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('note_self', sa.Text(), nullable=True),
    sa.Column('note_care', sa.Text(), nullable=True),
    sa.Column('note_carer', sa.Text(), nullable=True),
    sa.Column('note_family', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_assessment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_person', ['person_id', 'assessed_on'], unique=False)

    op.create_table('pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), server_default='1', nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['helper_id'], ['helper.id'], name=op.f('fk_pairing_helper_id_helper')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_pairing_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing'))
    )
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.create_index('ix_pairing_helper', ['helper_id', 'ended_on'], unique=False)
        batch_op.create_index('ix_pairing_person', ['person_id', 'ended_on'], unique=False)

    op.create_table('round_member',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_round_member_person_id_person')),
    sa.ForeignKeyConstraint(['round_id'], ['care_round.id'], name=op.f('fk_round_member_round_id_care_round')),
    sa.PrimaryKeyConstraint('round_id', 'person_id', name=op.f('pk_round_member'))
    )
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('visitor', sa.String(length=30), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('found', sa.Text(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['helper_id'], ['helper.id'], name=op.f('fk_visit_helper_id_helper')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_visit_person_id_person')),
    sa.ForeignKeyConstraint(['round_id'], ['care_round.id'], name=op.f('fk_visit_round_id_care_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_date', ['visited_on'], unique=False)
        batch_op.create_index('ix_visit_helper', ['helper_id', 'visited_on'], unique=False)
        batch_op.create_index('ix_visit_person', ['person_id', 'kind', 'visited_on'], unique=False)

    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('raised_by', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('handling', sa.Text(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_need_person_id_person')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_need_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_resolved_on'), ['resolved_on'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('colour', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('colour_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('factors', sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column('refuses_institution', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_person_colour'), ['colour'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_colour'))
        batch_op.drop_column('refuses_institution')
        batch_op.drop_column('factors')
        batch_op.drop_column('colour_on')
        batch_op.drop_column('colour')

    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_resolved_on'))
        batch_op.drop_index(batch_op.f('ix_need_person_id'))

    op.drop_table('need')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_person')
        batch_op.drop_index('ix_visit_helper')
        batch_op.drop_index('ix_visit_date')

    op.drop_table('visit')
    op.drop_table('round_member')
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_index('ix_pairing_person')
        batch_op.drop_index('ix_pairing_helper')

    op.drop_table('pairing')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_person')

    op.drop_table('assessment')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_person_id'))

    op.drop_table('agreement')
    with op.batch_alter_table('helper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helper_group_id'))

    op.drop_table('helper')
    op.drop_table('setting')
    op.drop_table('export_snapshot')
    op.drop_table('care_round')

