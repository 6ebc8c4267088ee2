"""Database tables. The person and supporter columns come from the field declarations
in ``carecenter.rules.fields``; the migrations in ``carecenter/storage/migrations`` create
them. The classes mapped onto some of them are in ``storage.mapped``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import registry

from carecenter.rules.fields import (  # noqa: F401 (the statuses are read from here too)
    ACTIVE,
    EXITED,
    PERSON_FIELDS,
    STATUS_LABELS,
    SUPPORTER_FIELDS,
    Field,
    FieldType,
)
from carecenter.rules.kinds import KIND_FIELDS, SUPPORTER_COLUMNS
from carecenter.storage.column_types import CodeList, column_for, village_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
mapper_registry = registry(metadata=metadata)


# The villages of a register: one in a village's SQLite file, each village of the
# township on a server. ``code`` says which register a village came from, so moving it
# in twice (``migrate-to``) finds it there already.
village = Table(
    "village",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("code", String(40), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
)

village_group = Table(
    "village_group",
    metadata,
    Column("id", Integer, primary_key=True),
    village_column(),
    Column("name", String(30), nullable=False),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    Column("active", Boolean, nullable=False, default=True, server_default="1"),
    UniqueConstraint("village_id", "name", name="uq_village_group_name"),
)

person = Table(
    "person",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, default="elder", server_default="elder"),
    # Every kind the person is of, the primary ``kind`` first (a 特困 elder: elder,tekun);
    # one file whatever the kinds (carecenter.rules.kinds).
    Column("kinds", CodeList(60)),
    Column("status", String(16), nullable=False, default="active", server_default="active"),
    Column("exit_date", Date),
    Column("exit_reason", String(24)),
    Column("exit_note", Text),
    Column("name_pinyin", String(200), nullable=False, default="", server_default=""),
    Column("search_key", Text, nullable=False, default="", server_default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # The latest assessment, kept on the person in the same transaction that records
    # it, so the register can filter and sort by colour (分色存档) without a join.
    Column("colour", String(8), index=True),
    Column("colour_on", Date),
    Column("factors", CodeList(400)),
    # A colour lowered within its three months (seed 002): the higher colour whose visits
    # go on until held_until (carecenter.care.care_book.CareBook.assess).
    Column("held_colour", String(8)),
    Column("held_until", Date),
    *(column_for(f) for f in PERSON_FIELDS),
    *(column_for(f) for f in KIND_FIELDS),  # the child's, woman's and 特困 fields
    # The 留守 verdict as of the last write or calendar day it could change on
    # (carecenter.register.verdicts): left_behind / not / undecided, why, and the day
    # it is next worked out again by the calendar alone (a 60th birthday, six months
    # away, the Spring Festival). NULL: not worked out yet.
    Column("verdict", String(12)),
    Column("verdict_reason", Text),
    Column("verdict_until", Date, index=True),
    Column("verdict_on", Date, index=True),  # the day it was worked out for
    # Verdict first: never chosen for a plain status query (the search box has its own).
    # With the kinds and birth date: the work list's 不再符合/待补资料 (less those past
    # their kind's age) and 委托协议 (of the kinds that sign one) counted from this index
    # alone, not from 16,000 and 60,000 wide rows (migration 0016).
    Index("ix_person_verdict", "verdict", "status", "kinds", "birth_date"),
    # Covers the search box: status filter, name order and the search text in one index,
    # so a keystroke scans the index alone (rowid is in every SQLite index entry).
    Index("ix_person_search", "status", "name_pinyin", "kind", "search_key"),
    Index("uq_person_id_number", "id_number", unique=True),
    Index("ix_person_village", "village_id"),
    # The overview's counts by group and colour, and who was on the register when, read
    # from the index alone (carecenter.overview.village_figures).
    Index("ix_person_overview", "status", "group_id", "colour"),
    Index("ix_person_entered", "registered_on", "created_at"),
    Index("ix_person_exit_date", "exit_date"),
    # The work list's counts read from indexes, not from 100,000 wide rows: who reached
    # their kind's age limit, who lives alone unable to look after themselves.
    Index("ix_person_kinds", "status", "kinds", "birth_date", "group_id"),
    Index("ix_person_alone", "status", "living_with", "health_status", "factors", "group_id"),
)

UNREPORTED = ("location_scope IN ('abroad', 'out_county', 'out_province') "
              "AND returned_on IS NULL AND ended_on IS NULL "
              "AND (coalesce(whereabouts, '') = '' OR coalesce(phone, '') = '')")

supporter = Table(
    "supporter",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    # Whose the row is (carecenter.rules.kinds: the elder's 赡养人, a child's parent or
    # 委托监护人, a woman's husband); its columns the union of the roles' fields.
    Column("role", String(16), nullable=False, default="supporter", server_default="supporter"),
    *(column_for(f) for f in SUPPORTER_COLUMNS),
    # Never deleted: a supporter removed from the file (in the editor, or replaced by
    # an import) is ended on a day and kept, with what ended them (issue 15).
    Column("ended_on", Date),
    Column("end_note", Text),
    # The work list's 去向未报: the few supporters away without a word of where or a
    # phone, found without reading the others (the same terms as its query, so that
    # SQLite sees the index fits: carecenter.overview.duty_sections).
    # With the relation (a spouse is not a supporter away): counted from the index
    # alone, not from each such supporter's row (migration 0016).
    Index("ix_supporter_unreported", "person_id", "relation", sqlite_where=text(UNREPORTED),
          postgresql_where=text(UNREPORTED)),
)

# Readers of the file (the register, documents, exports) want its current supporters.
CURRENT_SUPPORTER = supporter.c.ended_on.is_(None)

# The history of status changes (一人一档): created, edited, exited, reinstated.
person_event = Table(
    "person_event",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("event", String(16), nullable=False),
    Column("effective", Date),
    Column("detail", Text, nullable=False, default="", server_default=""),
)


# Settings of this village (its name, committee, load weights, saved column mappings):
# one JSON value per key.
setting = Table(
    "setting",
    metadata,
    Column("village_id", Integer, primary_key=True, server_default="1",
           autoincrement=False),
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# 帮扶人: never deleted, only made inactive (their pairings must then move).
helper = Table(
    "helper",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("name", String(30), nullable=False),
    Column("role", String(24), nullable=False),
    Column("phone", String(20)),
    Column("group_id", Integer, ForeignKey("village_group.id"), index=True),
    Column("id_number", String(18)),
    Column("note", Text),
    Column("active", Boolean, nullable=False, default=True, server_default="1"),
    Column("inactive_since", Date),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

CURRENT_PRIMARY = "rank = 1 AND ended_on IS NULL"
CURRENT_AGREEMENT = "ended_on IS NULL"

# 结对: one primary (rank 1) and optionally a second (rank 2) helper per person; an
# ended pairing stays as history.
pairing = Table(
    "pairing",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("helper_id", Integer, ForeignKey("helper.id"), nullable=False),
    Column("rank", Integer, nullable=False, default=1, server_default="1"),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("end_reason", String(60)),
    Column("created_at", DateTime, nullable=False),
    Index("ix_pairing_person", "person_id", "ended_on"),
    Index("ix_pairing_helper", "helper_id", "ended_on"),
    # The current primary pairings alone, by helper (the work list's 帮扶人履职) and by
    # person (未结对); the terms are theirs (carecenter.overview.duty_sections).
    Index("ix_pairing_current", "helper_id", "person_id",
          sqlite_where=text(CURRENT_PRIMARY), postgresql_where=text(CURRENT_PRIMARY)),
    Index("ix_pairing_primary", "person_id",
          sqlite_where=text(CURRENT_PRIMARY), postgresql_where=text(CURRENT_PRIMARY)),
)

# 评估: every assessment is kept; the person's colour is their latest one.
assessment = Table(
    "assessment",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("assessor", String(30), nullable=False),
    Column("factors", CodeList(400)),
    Column("proposed", String(8), nullable=False),
    Column("colour", String(8), nullable=False),
    Column("reason", Text),
    Column("note_self", Text),
    Column("note_care", Text),
    Column("note_carer", Text),
    Column("note_family", Text),
    Column("created_at", DateTime, nullable=False),
    Index("ix_assessment_person", "person_id", "assessed_on"),
)

# 走访 (the care card's 打卡): home visits, calls, health follow-ups, health checks.
visit = Table(
    "visit",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False),
    Column("visited_on", Date, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("visitor", String(30), nullable=False),
    Column("helper_id", Integer, ForeignKey("helper.id")),
    Column("found", Text),
    Column("round_id", Integer, ForeignKey("care_round.id")),
    Column("created_at", DateTime, nullable=False),
    # The work list reads the latest visit of each kind per person from this index.
    Index("ix_visit_person", "person_id", "kind", "visited_on"),
    # By day, with the kind and person: the export's visits of a quarter from the index
    # alone (each table page read is decrypted on an encrypted register).
    Index("ix_visit_date", "visited_on", "kind", "person_id"),
    Index("ix_visit_helper", "helper_id", "visited_on"),
)

# The next due date of each duty of each person (carecenter.care.due_dates): worked out from
# the cadences and the records on every write, so the work list is one indexed read.
care_due = Table(
    "care_due",
    metadata,
    village_column(),
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True),
    Column("duty", String(16), primary_key=True),
    Column("cadence", String(24), nullable=False),
    Column("last_on", Date),
    Column("due_on", Date, nullable=False),
    Column("stale_on", Date, index=True),  # recompute from this day on (80th birthday)
    # What a work list row shows of the person, kept with the date (no join at read).
    Column("kind", String(16), nullable=False),
    Column("name", String(30), nullable=False),
    # A copy of person.group_id, without a foreign key; ``refers_to`` tells a village's
    # move to the server (storage.transfer) to carry it over to the group's new id.
    Column("group_id", Integer, info={"refers_to": "village_group"}),
    Column("colour", String(8)),
    # Covers the work list's read: every row due by a date, without touching the table.
    Index("ix_care_due_worklist", "due_on", "person_id", "cadence", "last_on", "kind", "name",
          "group_id", "colour"),
    # The work list's count of each section: the due date and cadence alone, a fifth
    # of the entries' width above (migration 0016).
    Index("ix_care_due_section", "due_on", "cadence"),
)

# 需求台账: each need raised, its handling and resolution.
need = Table(
    "need",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("raised_by", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("visit_id", Integer, ForeignKey("visit.id")),
    Column("handling", Text),
    Column("resolved_on", Date, index=True),
    Column("resolution", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# 专项走访: a round declared with a date range over a chosen group of people.
care_round = Table(
    "care_round",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("note", Text),
    Column("created_at", DateTime, nullable=False),
)

round_member = Table(
    "round_member",
    metadata,
    village_column(),
    Column("round_id", Integer, ForeignKey("care_round.id"), primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True),
)

# 村级活动 (seed 002): the monthly care and mutual-help activity and the quarterly health
# talk, held for the village, with who took part.
care_event = Table(
    "care_event",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("held_on", Date, nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("title", String(60), nullable=False),
    Column("place", String(60)),
    Column("note", Text),
    Column("photo", LargeBinary),  # optional: one picture, kept in the file
    Column("created_at", DateTime, nullable=False),
)

event_person = Table(
    "event_person",
    metadata,
    village_column(),
    Column("event_id", Integer, ForeignKey("care_event.id"), primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True, index=True),
)

# 委托照顾协议: its state (drawn up, printed, signed, filed), its parties and term, and
# the content as printed, so a re-print shows the same.
agreement = Table(
    "agreement",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("trustee_name", String(30), nullable=False),
    Column("trustee_relation", String(20)),
    Column("trustee_phone", String(20)),
    Column("trustee_id_number", String(18)),
    Column("supporter_names", Text),  # the 委托人 as written when drawn up
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("state", String(12), nullable=False, default="drawn", server_default="drawn"),
    Column("printed_on", Date),
    Column("signed_on", Date),
    Column("filed_on", Date),
    Column("content", Text),  # JSON: what the printed agreement said
    Column("ended_on", Date),  # superseded or ended; kept as history
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # The agreements in force, with what tells whether one covers a day: the work
    # list's 委托协议 looks each left-behind person up here, not in the table.
    Index("ix_agreement_current", "person_id", "state", "starts_on", "ends_on",
          sqlite_where=text(CURRENT_AGREEMENT), postgresql_where=text(CURRENT_AGREEMENT)),
)

# 作废: a visit or a need the clerk took back, kept whole (JSON) with the reason; the
# person's history says when and why (carecenter.care.corrections).
removed_record = Table(
    "removed_record",
    metadata,
    village_column(),
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # visit / need
    Column("record_id", Integer, nullable=False),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("content", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("removed_at", DateTime, nullable=False),
)

# Who was visited at the door in which month, and how many per month: kept with every
# visit written (carecenter.care.visit_tally), so the overview reads twelve rows.
visit_month = Table(
    "visit_month",
    metadata,
    village_column(),
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True),
    Column("month", String(7), primary_key=True),
)

visit_month_total = Table(
    "visit_month_total",
    metadata,
    Column("village_id", Integer, primary_key=True, server_default="1"),
    Column("month", String(7), primary_key=True),
    Column("people", Integer, nullable=False),
)

# Each helper duty's records (seed 001: calls a month, visits a quarter, calls to the
# children a year) per person, recorder and period, kept with every visit written
# (carecenter.care.duty_tally): the work list's 帮扶人履职 reads one narrow row per
# pairing and duty, not the visits (1.1 s of a 3 s work list at 100,000 people). A visit
# naming its helper is counted by helper; one naming none, by the visitor's name, which
# the work list matches to the paired helper's name as the visits themselves were.
duty_tally = Table(
    "duty_tally",
    metadata,
    village_column(),
    Column("kind", String(16), primary_key=True),
    Column("period", String(7), primary_key=True),  # 2026-11, 2026-Q4, 2026
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True),
    Column("helper_id", Integer, ForeignKey("helper.id"), primary_key=True),
    Column("visits", Integer, nullable=False),
    # SQLite keeps the rows in the key's order: a month's calls are a few pages.
    sqlite_with_rowid=False,
)

duty_tally_named = Table(
    "duty_tally_named",
    metadata,
    village_column(),
    Column("kind", String(16), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), primary_key=True),
    Column("visitor", String(30), primary_key=True),
    Column("visits", Integer, nullable=False),
    sqlite_with_rowid=False,
)

# 季度报送: every export kept frozen (its figures and the workbook itself).
export_snapshot = Table(
    "export_snapshot",
    metadata,
    # NULL: the township's own export of all its villages (issue 22, migration 0014).
    Column("village_id", Integer, nullable=True, server_default="1"),
    Column("id", Integer, primary_key=True),
    Column("period", String(10), nullable=False),  # e.g. 2026Q4
    Column("made_at", DateTime, nullable=False),
    Column("made_on", Date, nullable=False),  # the reference date of the figures
    Column("figures", Text, nullable=False),  # JSON
    Column("file_name", String(200), nullable=False),
    Column("workbook", LargeBinary, nullable=False),
)


# 操作员 (issue 18): who may sign in, with which role; never deleted, only made inactive,
# so the audit log always names someone who existed.
operator = Table(
    "operator",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(30), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True, server_default="1"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # The operator's village (issue 22); NULL: the township's, who may open any village.
    Column("village_id", Integer, server_default="1"),
    Index("ix_operator_village", "village_id"),
)

# Secrets: the recovery code's hash (shown once at first start), one per village and one
# for the township (issue 22, migration 0014): a village's code resets only its own
# administrators' passwords, the township's any administrator's on the server.
access_secret = Table(
    "access_secret",
    metadata,
    Column("id", Integer, primary_key=True),
    # Whose: a village's id (1 in a village's own file), NULL the township's.
    Column("village_id", Integer, server_default="1"),
    Column("name", String(32), nullable=False),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("village_id", "name", name="uq_access_secret_village"),
    # The township's own (NULL is never equal to NULL in the constraint above).
    Index("uq_access_secret_township", "name", unique=True,
          sqlite_where=text("village_id IS NULL"), postgresql_where=text("village_id IS NULL")),
)

# 审计日志: every write, export, print and backup, with who and when; for a write, each
# changed field's old and new value. Only ever inserted (the migration makes SQLite
# refuse an UPDATE or DELETE on it).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("operator_id", Integer, ForeignKey("operator.id")),
    Column("operator_name", String(30), nullable=False),
    Column("action", String(16), nullable=False),  # created, updated, ended, export, ...
    Column("entity", String(24), nullable=False),  # person, supporter, visit, ...
    Column("record_id", Integer),
    Column("person_id", Integer, index=True, info={"refers_to": "person"}),
    Column("summary", Text, nullable=False, default="", server_default=""),
    Column("changes", Text),  # JSON: [[field label, old, new], ...]
    Column("count", Integer),  # rows exported or printed
    # The village the entry is about (issue 22); NULL: the township's own act.
    Column("village_id", Integer, server_default="1"),
    Index("ix_audit_log_village", "village_id"),
)


EXIT_REASONS: dict[str, str] = {
    "supporter_returned": "赡养人返乡",
    "moved": "迁出本村",
    "institution": "入住养老机构",
    "died": "死亡",
    "aged_out": "到龄(留守儿童年满16周岁)",
    "not_eligible": "经核实不符合条件",
    "other": "其他",
}
