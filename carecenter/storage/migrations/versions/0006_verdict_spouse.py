"""The 留守 verdict kept with the file; the spouse living together, not a supporter;
a lowered colour's three months held; village events (activities, health talks)

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-06

seed 001: 老年人与配偶有相互扶养的义务 — a spouse owes 扶养, not 赡养. Registers and
ledgers that listed the spouse (配偶, 老伴, 丈夫, 妻子) as a supporter made a husband or
wife at home count against 留守. Each such row becomes the person's spouse (name and
phone in the new spouse fields, 陪伴居住 配偶 unless the spouse is away), with a line
in the file's history saying so; the verdicts are then worked out afresh (NULL here,
``carecenter.register.verdicts.ensure_current`` on first use).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from carecenter import clock

revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None

OUTSIDE_COUNTY = ("out_county", "out_province", "abroad")


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spouse_name', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('spouse_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('verdict', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('verdict_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('verdict_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('verdict_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('held_colour', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('held_until', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_verdict_until'), ['verdict_until'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_person_verdict_on'), ['verdict_on'],
                              unique=False)
        batch_op.create_index('ix_person_verdict', ['verdict', 'status'],
                              unique=False)
    op.create_table('care_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('place', sa.String(length=60), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_event'))
    )
    with op.batch_alter_table('care_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_event_held_on'), ['held_on'], unique=False)
    op.create_table('event_person',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['care_event.id'],
                            name=op.f('fk_event_person_event_id_care_event')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                            name=op.f('fk_event_person_person_id_person')),
    sa.PrimaryKeyConstraint('event_id', 'person_id', name=op.f('pk_event_person'))
    )
    with op.batch_alter_table('event_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_person_person_id'), ['person_id'],
                              unique=False)
    _spouses_to_living_with()


def _spouses_to_living_with() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT s.id, s.person_id, s.name, s.phone, s.location_scope, s.returned_on, "
        "p.spouse_name, p.living_with FROM supporter s JOIN person p ON p.id = s.person_id "
        "WHERE s.relation = 'spouse' ORDER BY s.person_id, s.position")).all()
    now = clock.now()
    named: set[int] = set()
    for sid, pid, name, phone, scope, returned, spouse, living in rows:
        away = scope in OUTSIDE_COUNTY and returned is None
        values: dict[str, object] = {"pid": pid}
        sets = []
        if not spouse and pid not in named:
            named.add(pid)
            sets.append("spouse_name = :name, spouse_phone = coalesce(spouse_phone, :phone)")
            values.update(name=name, phone=phone)
        if not away:
            codes = [c for c in (living or "").split(",") if c and c != "alone"]
            if "spouse" not in codes:
                codes.append("spouse")
            sets.append("living_with = :living")
            values["living"] = ",".join(codes)
        if sets:
            bind.execute(sa.text(f"UPDATE person SET {', '.join(sets)} WHERE id = :pid"),
                         values)
        detail = (f"配偶{name or ''}" + (f"(电话 {phone})" if phone else "")
                  + "原登记为赡养人,改记为配偶"
                  + ("、陪伴居住" if not away else "")
                  + "(配偶是扶养人,不是赡养义务人)")
        bind.execute(sa.text(
            "INSERT INTO person_event (person_id, at, event, effective, detail) "
            "VALUES (:pid, :at, 'updated', NULL, :detail)"),
            {"pid": pid, "at": now, "detail": detail})
        bind.execute(sa.text("DELETE FROM supporter WHERE id = :sid"), {"sid": sid})
    # Positions close up where a spouse row left a gap.
    for (pid,) in {(r[1],) for r in rows}:
        ids = bind.execute(sa.text(
            "SELECT id FROM supporter WHERE person_id = :pid ORDER BY position, id"),
            {"pid": pid}).scalars().all()
        for position, sid in enumerate(ids):
            bind.execute(sa.text("UPDATE supporter SET position = :p WHERE id = :sid"),
                         {"p": position, "sid": sid})


def downgrade() -> None:
    with op.batch_alter_table('event_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_person_person_id'))
    op.drop_table('event_person')
    with op.batch_alter_table('care_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_event_held_on'))
    op.drop_table('care_event')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_verdict')
        batch_op.drop_index(batch_op.f('ix_person_verdict_on'))
        batch_op.drop_index(batch_op.f('ix_person_verdict_until'))
        batch_op.drop_column('held_until')
        batch_op.drop_column('held_colour')
        batch_op.drop_column('verdict_on')
        batch_op.drop_column('verdict_until')
        batch_op.drop_column('verdict_reason')
        batch_op.drop_column('verdict')
        batch_op.drop_column('spouse_phone')
        batch_op.drop_column('spouse_name')
