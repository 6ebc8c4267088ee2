"""A township's register on a PostgreSQL server (issue 22): the connection's settings.

Every transaction is SERIALIZABLE: the core was written for SQLite, where writers take
turns, and reads checks before it writes (an ID number not yet on the register, the next
position of a group, the due dates from the records). On a server with many writers the
same code stays right only if PostgreSQL refuses a transaction whose reads another one
changed; ``backends.retrying`` runs such a write again.

Each connection says which villages it may see (``SCOPE_SETTING``, a session setting
set once when the connection is made, so that no code path can forget it); the
row-level security policies of the migrations filter every table by it, and new rows
take their ``village_id`` from it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text

# The villages a connection may see: a village's id, or TOWNSHIP for all of them.
SCOPE_SETTING = "carecenter.village"
TOWNSHIP = "*"


# Indexes only a server has (made by the migrations, not declared with the tables):
# the search box's LIKE '%…%' read from a trigram index (pg_trgm) for the township, and
# from a covering index in the list's order under a village's row-level security; the
# indexes that carry each row's village for the policies (migration 0015).
SERVER_INDEXES = frozenset({
    "ix_person_search_trgm", "ix_person_list", "ix_person_find", "ix_person_village_find",
    "ix_person_active", "ix_person_verdicts_server", "ix_person_alone_server",
    "ix_person_left_behind_server", "ix_person_kind_server", "ix_person_kinds_server",
    "ix_person_gone", "ix_person_entered_server", "ix_pairing_current_server",
    "ix_pairing_primary_server", "ix_duty_tally_server", "ix_care_due_server",
    "ix_supporter_unreported_server", "ix_agreement_current_server"})


def include_object(obj: Any, name: str | None, kind: str, reflected: bool,
                   _compare_to: Any) -> bool:
    """For Alembic's comparison of the tables with the database: the server's own
    indexes are expected there, not missing from the declarations."""
    return not (kind == "index" and reflected and name in SERVER_INDEXES)


class Scope:
    """What a connection made from now on may see: a village's id as text, or TOWNSHIP."""

    def __init__(self, value: str) -> None:
        self.value = value


def make_engine(url: str, scope: Scope) -> Engine:
    engine = create_engine(
        url,
        isolation_level="SERIALIZABLE",
        pool_pre_ping=True,  # an office network drops idle connections
        connect_args={"application_name": "carecenter", "connect_timeout": 10},
    )

    def _scope(dbapi_connection: Any, _record: Any) -> None:
        # Session-wide, outside any transaction: psycopg opens one for the statement,
        # which commits it here so that a later rollback cannot undo the setting.
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT set_config(%s, %s, false)", (SCOPE_SETTING, scope.value))
        # No just-in-time compiling: the work list's counts over 100,000 rows cost
        # enough to set it off, and compiling took longer (60 ms of a 0.7 s query) than
        # it saved; this program's statements are short reads and single-row writes.
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", _scope)
    return engine


def as_township(connection: Connection) -> None:
    """This transaction sees every village (a no-op on SQLite, which holds one): for the
    township's own acts (moving a village in or out) and for finding who signs in,
    whose village is not known until they are found."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT set_config(:name, :value, true)"),
                           {"name": SCOPE_SETTING, "value": TOWNSHIP})


def bypasses_policies(connection: Connection) -> bool:
    """True when this account is exempt from row-level security (a superuser, or a role
    with BYPASSRLS): scoping a village then filters nothing, so it must not be used."""
    return bool(connection.execute(text(
        "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )).scalar())
