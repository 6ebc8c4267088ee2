"""county speed: the indexes and the kept tally that the quarterly export and the work
list read at 100,000 people

``ix_visit_date`` also holds each visit's kind and person: the export's visits of the
quarter and its half-yearly reviews read that index alone. On an encrypted register each
table page read is decrypted, and the visits of a quarter, found by date and then read
row by row, cost 8 s each (measured at 100,000 people); read from the index, 0.2 s.

``duty_tally`` and ``duty_tally_named``: each helper duty's records (seed 001: calls a
month, visits a quarter, calls to the children a year) per person, recorder and period,
made here from the visits and then kept by every visit written
(``carecenter.care.duty_tally``). The work list's 帮扶人履职 reads them instead of the
visits: 1.1 s of its 3 s at 100,000 people.

``ix_pairing_current`` and ``ix_pairing_primary``: the current primary pairings alone,
by helper (the work list's 帮扶人履职) and by person (its 未结对).

``ix_supporter_unreported``: the supporters away without a word of where or a phone (the
work list's 去向未报), a few thousand of a county's 235,000, found without a pass over
all of them.

Revision ID: 0013
Revises: 0012_audit_append_only
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012_audit_append_only'
branch_labels = None
depends_on = None


# The duties' kinds and periods as they stand at this revision (rules.helper_duties).
DUTY_PERIODS = (("phone", "month"), ("home", "quarter"), ("video", "year"))
TALLIES = ("duty_tally", "duty_tally_named")
CURRENT_PRIMARY = "rank = 1 AND ended_on IS NULL"
UNREPORTED = ("location_scope IN ('abroad', 'out_county', 'out_province') "
              "AND returned_on IS NULL AND ended_on IS NULL "
              "AND (coalesce(whereabouts, '') = '' OR coalesce(phone, '') = '')")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _period(period: str) -> str:
    """The period code of a visit's day, in SQL: 2026-11, 2026-Q4, 2026."""
    if _postgres():
        return {"month": "to_char(visited_on, 'YYYY-MM')",
                "quarter": "to_char(visited_on, 'YYYY') || '-Q' || to_char(visited_on, 'Q')",
                "year": "to_char(visited_on, 'YYYY')"}[period]
    return {"month": "substr(visited_on, 1, 7)",
            "quarter": "substr(visited_on, 1, 4) || '-Q' || "
                       "((CAST(substr(visited_on, 6, 2) AS INTEGER) + 2) / 3)",
            "year": "substr(visited_on, 1, 4)"}[period]


def upgrade() -> None:
    op.drop_index('ix_visit_date', table_name='visit')
    op.create_index('ix_visit_date', 'visit', ['visited_on', 'kind', 'person_id'],
                    unique=False)
    for name, columns in (("ix_pairing_current", ["helper_id", "person_id"]),
                          ("ix_pairing_primary", ["person_id"])):
        op.create_index(name, 'pairing', columns, unique=False,
                        sqlite_where=sa.text(CURRENT_PRIMARY),
                        postgresql_where=sa.text(CURRENT_PRIMARY))
    op.create_index('ix_supporter_unreported', 'supporter', ['person_id'], unique=False,
                    sqlite_where=sa.text(UNREPORTED), postgresql_where=sa.text(UNREPORTED))
    for table, who in (("duty_tally", sa.Column('helper_id', sa.Integer(), nullable=False)),
                       ("duty_tally_named",
                        sa.Column('visitor', sa.String(length=30), nullable=False))):
        references = [sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                               name=op.f(f'fk_{table}_person_id_person'))]
        if who.name == "helper_id":
            references.append(sa.ForeignKeyConstraint(
                ['helper_id'], ['helper.id'], name=op.f(f'fk_{table}_helper_id_helper')))
        op.create_table(
            table,
            sa.Column('village_id', sa.Integer(), server_default='1', nullable=False),
            sa.Column('kind', sa.String(length=16), nullable=False),
            sa.Column('period', sa.String(length=7), nullable=False),
            sa.Column('person_id', sa.Integer(), nullable=False),
            who,
            sa.Column('visits', sa.Integer(), nullable=False),
            *references,
            sa.PrimaryKeyConstraint('kind', 'period', 'person_id', who.name,
                                    name=op.f(f'pk_{table}')),
            sqlite_with_rowid=False,
        )
    for kind, period in DUTY_PERIODS:
        code = _period(period)
        op.execute(
            "INSERT INTO duty_tally (village_id, kind, period, person_id, helper_id, visits) "
            f"SELECT village_id, kind, {code}, person_id, helper_id, count(*) FROM visit "
            f"WHERE kind = '{kind}' AND helper_id IS NOT NULL "
            f"GROUP BY village_id, kind, {code}, person_id, helper_id")
        op.execute(
            "INSERT INTO duty_tally_named (village_id, kind, period, person_id, visitor, "
            f"visits) SELECT village_id, kind, {code}, person_id, visitor, count(*) "
            f"FROM visit WHERE kind = '{kind}' AND helper_id IS NULL "
            f"GROUP BY village_id, kind, {code}, person_id, visitor")
    if _postgres():
        # A village's rows, as migration 0011 made for the visit tallies.
        for table in TALLIES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN village_id "
                       "SET DEFAULT carecenter_village()")
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY village_scope ON {table} USING ({_SEES}) "
                       f"WITH CHECK ({_SEES})")


_SEES = "(SELECT carecenter_township()) OR village_id = (SELECT carecenter_village())"


def downgrade() -> None:
    for table in reversed(TALLIES):
        op.drop_table(table)
    op.drop_index('ix_supporter_unreported', table_name='supporter')
    op.drop_index('ix_pairing_primary', table_name='pairing')
    op.drop_index('ix_pairing_current', table_name='pairing')
    op.drop_index('ix_visit_date', table_name='visit')
    op.create_index('ix_visit_date', 'visit', ['visited_on'], unique=False)
