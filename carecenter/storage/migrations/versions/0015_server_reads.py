"""server reads: indexes that a township's server reads under row-level security

On PostgreSQL every table of a village is filtered by its row-level security policy,
which reads each row's ``village_id``. An index without that column cannot answer a
query alone: the server reads every row of the table instead (for ``person`` 100,000
wide rows, 50-100 ms a pass at a county's size), and the work list made a dozen such
passes (2.6 s). These indexes carry ``village_id`` with what the work list and the
search box read, so each answers from the index alone:

* ``ix_person_find``: the active people in the list's order with their search text;
  a keystroke's first screen stops after the first matches, and its count after 10,000
  (``carecenter.register.listing``). Smaller than ``ix_person_list`` (no status), so the
  planner prefers it to the table even when it cannot tell how many will match.
  ``ix_person_village_find``: the same for one village, which the list names besides
  the policy (a village's few thousand people, not the township's 100,000, per key).
* ``ix_person_active``: what the work list's sections read of an active person, by id
  (joined in id order to needs, pairings and rounds).
* ``ix_person_verdicts_server``, ``ix_person_alone_server``,
  ``ix_person_left_behind_server``: the work list's 不再符合 and 待补资料 (16% of a
  county), 独居安全 (those living alone, 18%) and 委托协议 (the left-behind), each a
  pass over the people it is about rather than over everyone.
* ``ix_person_kind_server``: which kinds of person are on the register;
  ``ix_person_kinds_server``: who is of which set of kinds, and born when (who owes a
  helper's duty, who is owed nothing past a leaving age: the work list's 帮扶人履职,
  未结对 and 委托协议 name them by their sets of kinds).
* ``ix_person_gone``: the few people not active (the work list leaves them out).
* ``ix_person_entered_server``: the first day anyone came onto the register.
* ``ix_pairing_current_server``, ``ix_pairing_primary_server``, ``ix_duty_tally_server``,
  ``ix_care_due_server``, ``ix_supporter_unreported_server``,
  ``ix_agreement_current_server``: the SQLite indexes of the same purpose, with the
  village.

Beside these, the program's connections to a server run without just-in-time compiling
(``storage.postgres``): these counts cost enough to set it off, and compiling took
longer than it saved.

SQLite has one village and no policies: nothing changes there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

UNREPORTED = ("location_scope IN ('abroad', 'out_county', 'out_province') "
              "AND returned_on IS NULL AND ended_on IS NULL "
              "AND (coalesce(whereabouts, '') = '' OR coalesce(phone, '') = '')")

# The work list's 独居安全 reads only people living alone; its condition is written as
# carecenter.overview.duty_sections writes it, or the server could not tell that this
# index holds everyone the query asks for.
ALONE = "',' || living_with || ',' LIKE '%,alone,%'"

# name: (table, key columns, included columns, partial condition)
INDEXES: dict[str, tuple[str, str, str, str]] = {
    "ix_person_find": ("person", "name_pinyin, id", "village_id, search_key",
                       "status = 'active'"),
    "ix_person_village_find": ("person", "village_id, name_pinyin, id", "search_key",
                               "status = 'active'"),
    "ix_person_active": ("person", "id",
                         "village_id, verdict, kind, kinds, birth_date, living_with, health_status, "
                         "factors, name, group_id, colour", "status = 'active'"),
    "ix_person_verdicts_server": ("person", "id",
                                  "village_id, verdict, birth_date, kinds, verdict_reason, "
                                  "name, group_id, colour",
                                  "status = 'active' AND verdict IN ('not', 'undecided')"),
    "ix_person_alone_server": ("person", "id",
                               "village_id, health_status, factors, name, group_id, colour",
                               f"status = 'active' AND {ALONE}"),
    "ix_person_left_behind_server": ("person", "id", "village_id, name, group_id, colour",
                                     "status = 'active' AND verdict = 'left_behind'"),
    "ix_person_kinds_server": ("person", "kinds, birth_date", "village_id, group_id, id",
                               "status = 'active'"),
    "ix_person_kind_server": ("person", "kind", "village_id", "status = 'active'"),
    "ix_person_gone": ("person", "id", "village_id", "status <> 'active'"),
    "ix_person_entered_server": ("person", "registered_on, created_at", "village_id", ""),
    "ix_pairing_current_server": ("pairing", "helper_id, person_id", "village_id",
                                  "rank = 1 AND ended_on IS NULL"),
    "ix_pairing_primary_server": ("pairing", "person_id", "village_id",
                                  "rank = 1 AND ended_on IS NULL"),
    "ix_duty_tally_server": ("duty_tally", "kind, period, person_id, helper_id",
                             "visits, village_id", ""),
    "ix_care_due_server": ("care_due", "due_on, person_id, cadence",
                           "last_on, kind, name, group_id, colour, village_id", ""),
    "ix_supporter_unreported_server": ("supporter", "person_id",
                                       "village_id, name, whereabouts, phone, relation",
                                       UNREPORTED),
    "ix_agreement_current_server": ("agreement", "person_id",
                                    "village_id, state, starts_on, ends_on",
                                    "ended_on IS NULL"),
}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgres():
        return
    for name, (table, keys, included, condition) in INDEXES.items():
        where = f" WHERE {condition}" if condition else ""
        op.execute(f"CREATE INDEX {name} ON {table} ({keys}) INCLUDE ({included}){where}")


def downgrade() -> None:
    if not _postgres():
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
