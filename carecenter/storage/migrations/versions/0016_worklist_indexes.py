"""work list indexes: what the village's work list counts, read from indexes alone

At 100,000 people the work list's counts on SQLite read wide person rows where an
index could answer (the issue's target: the list in under 500 ms):

* ``ix_person_verdict`` gains the kinds and the birth date: 不再符合 and 待补资料 leave
  out those past their kind's leaving age (a child at 16), which read each of a
  county's 16,000 such people's row (0.15 s on an encrypted register, 3 ms from the
  index); 委托协议 counts the left-behind of the kinds that sign one from it too.
* ``ix_agreement_current``: the agreements in force with their state and term, so
  that whether a left-behind person has one covering the day is one index probe.
* ``ix_supporter_unreported`` gains the relation: 去向未报 leaves out spouses, which
  read each of the supporters' rows it holds.
* ``ix_care_due_section``: the due date and cadence alone, which is all the count of
  each section of due dates reads (its entries a fifth of ``ix_care_due_worklist``'s).

Made on a server as well (the tables' declarations are the same there; its own
``*_server`` indexes with the village are what its row-level security reads).
At 100,000 people the migration takes about 3 s on SQLite (most of it the
care_due index, 630,000 rows).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

CURRENT_AGREEMENT = "ended_on IS NULL"
UNREPORTED = ("location_scope IN ('abroad', 'out_county', 'out_province') "
              "AND returned_on IS NULL AND ended_on IS NULL "
              "AND (coalesce(whereabouts, '') = '' OR coalesce(phone, '') = '')")


def upgrade() -> None:
    op.drop_index('ix_person_verdict', table_name='person')
    op.create_index('ix_person_verdict', 'person',
                    ['verdict', 'status', 'kinds', 'birth_date'], unique=False)
    op.create_index('ix_agreement_current', 'agreement',
                    ['person_id', 'state', 'starts_on', 'ends_on'], unique=False,
                    sqlite_where=sa.text(CURRENT_AGREEMENT),
                    postgresql_where=sa.text(CURRENT_AGREEMENT))
    _unreported(['person_id', 'relation'])
    op.create_index('ix_care_due_section', 'care_due', ['due_on', 'cadence'], unique=False)


def _unreported(columns: list[str]) -> None:
    op.drop_index('ix_supporter_unreported', table_name='supporter')
    op.create_index('ix_supporter_unreported', 'supporter', columns, unique=False,
                    sqlite_where=sa.text(UNREPORTED), postgresql_where=sa.text(UNREPORTED))


def downgrade() -> None:
    op.drop_index('ix_care_due_section', table_name='care_due')
    _unreported(['person_id'])
    op.drop_index('ix_agreement_current', table_name='agreement')
    op.drop_index('ix_person_verdict', table_name='person')
    op.create_index('ix_person_verdict', 'person', ['verdict', 'status'], unique=False)
