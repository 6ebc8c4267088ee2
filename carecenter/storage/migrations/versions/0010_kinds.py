"""kinds: a file of several kinds (elder, child, woman, 特困), their own fields, and the
roles of the people around a person (赡养人, parents, 委托监护人, husband)

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0004'
branch_labels = None
depends_on = None

PERSON_COLUMNS = (
    ('kinds', sa.String(length=60)),
    # the child's (民发〔2016〕42号 附件1)
    ('hukou_registered', sa.Boolean()),
    ('hukou_place', sa.String(length=60)),
    ('schooling', sa.String(length=24)),
    ('school', sa.String(length=40)),
    ('grade', sa.String(length=20)),
    ('boarding', sa.Boolean()),
    ('child_health', sa.String(length=200)),
    ('illness_type', sa.String(length=40)),
    ('guardianship', sa.String(length=24)),
    ('hardship', sa.String(length=200)),
    # the woman's
    ('employment', sa.String(length=24)),
    ('training_wish', sa.String(length=200)),
    ('children_at_home', sa.Integer()),
    ('elders_at_home', sa.Integer()),
    # 特困
    ('tekun_cert', sa.String(length=30)),
    ('tekun_since', sa.Date()),
    ('support_mode', sa.String(length=24)),
    ('self_care', sa.String(length=24)),
    ('monthly_allowance', sa.Integer()),
)
SUPPORTER_COLUMNS = (
    ('id_number', sa.String(length=18)),
    ('unable', sa.Boolean()),
    ('address', sa.String(length=60)),
)


def _column(name: str, type_: sa.types.TypeEngine) -> sa.Column:
    if isinstance(type_, sa.Boolean):
        return sa.Column(name, type_, nullable=False, server_default='0')
    return sa.Column(name, type_, nullable=True)


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        for name, type_ in PERSON_COLUMNS:
            batch_op.add_column(_column(name, type_))
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=False,
                                      server_default='supporter'))
        for name, type_ in SUPPORTER_COLUMNS:
            batch_op.add_column(_column(name, type_))
    # Every file so far is of its one kind.
    op.execute("UPDATE person SET kinds = kind WHERE kinds IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        for name, _ in reversed(SUPPORTER_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column('role')
    with op.batch_alter_table('person', schema=None) as batch_op:
        for name, _ in reversed(PERSON_COLUMNS):
            batch_op.drop_column(name)
