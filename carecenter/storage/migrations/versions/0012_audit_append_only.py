"""the audit log and the records taken back are append-only on a server too (issues 18, 22)

Migration 0007 made ``audit_log`` append-only on SQLite with triggers; a township's
PostgreSQL server had no such guard, so any program or script connected to it could
rewrite who did what. Here a trigger on the server refuses every UPDATE and DELETE of
a row of the log (and TRUNCATE of it), with the same message as on SQLite.
``removed_record`` (a visit or need taken back, kept whole with its reason: 作废) is
history too, never changed after it is written: it gets the same guard, on both.

On SQLite the triggers go with the table if a later migration rebuilds it (a batch
operation copies the table): such a migration must make them again. On the server,
the table's owner can still disable a trigger on purpose; no program of ours does.

Revision ID: 0012_audit_append_only
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = '0012_audit_append_only'
down_revision = '0011'
branch_labels = None
depends_on = None

# Each table kept as history, with what the clerk (or a script) is told on a change.
GUARDED = {"audit_log": "审计日志不能修改或删除", "removed_record": "作废记录不能修改或删除"}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgres():
        # audit_log has its triggers since 0007.
        for event in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER removed_record_no_{event.lower()} BEFORE {event} "
                "ON removed_record BEGIN SELECT RAISE(ABORT, "
                f"'{GUARDED['removed_record']}'); END")
        return
    # restrict_violation (23001): an IntegrityError to the drivers, as SQLite's ABORT is.
    op.execute("""
        CREATE FUNCTION carecenter_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
        END $$""")
    for table, message in GUARDED.items():
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION carecenter_append_only('{message}')")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION carecenter_append_only('{message}')")


def downgrade() -> None:
    if not _postgres():
        op.execute("DROP TRIGGER IF EXISTS removed_record_no_update")
        op.execute("DROP TRIGGER IF EXISTS removed_record_no_delete")
        return
    for table in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute("DROP FUNCTION IF EXISTS carecenter_append_only()")
