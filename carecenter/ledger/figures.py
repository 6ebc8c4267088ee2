"""The quarter's ledger rows and the figures the township asks for (季度报送).

Read straight from the tables with SQL, a few queries for the whole register, so that a
county's 100,000 people export in seconds. The people listed are those on the register at
any time in the quarter (up to the export date); visits due and done follow the cadence
engine over each person's days on the register (``carecenter.rules.visit_periods``). The
figures are plain JSON-able data: they are stored with each export (a frozen snapshot)
and set beside the next quarter's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, func, or_, select, type_coerce

from carecenter.care.due_dates import FACT_COLUMNS, care_facts, entered_on
from carecenter.care.events import EVENT_KINDS
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.style import text_width
from carecenter.rules import visit_periods
from carecenter.rules.fields import PERSON, SUPPORTER
from carecenter.rules.kinds import DEFAULT_KIND, KINDS, combined
from carecenter.rules.leftbehind import VERDICT_LABELS
from carecenter.rules.risk import COLOUR_LABELS, COLOURS, KEY_CATEGORIES
from carecenter.rules.visit_periods import Assessed, visit_kinds
from carecenter.storage import villages
from carecenter.storage.database import Database
from carecenter.storage.models import (
    ACTIVE,
    CURRENT_SUPPORTER,
    STATUS_LABELS,
    agreement,
    assessment,
    care_event,
    event_person,
    helper,
    need,
    pairing,
    person,
    supporter,
    village_group,
    visit,
)

UNASSESSED = "未评估"
# seed 002's half-yearly reviews per person, recorded as visits of these kinds.
REVIEW_KINDS = {"livelihood": "生活保障评估", "disputes": "权益纠纷排查",
                "comparison": "重点对象比对核实"}
NO_GROUP = "未分组"
AGREEMENT_STATES = {"drawn": "已起草", "printed": "已打印", "signed": "已签订", "filed": "已备案"}
COVERED_STATES = frozenset({"signed", "filed"})


@dataclass
class QuarterData:
    quarter: Quarter
    as_of: date
    rows: list[list[Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    supporter_columns: int = 0
    # The township's export of all its villages (issue 22): each row names its village
    # in a 村 column after 序号, the rows go village by village.
    villages: bool = False


VISITS_HEADER = "本季走访(已访/应访)"
VILLAGE_HEADER = "村"  # the township's export only, after 序号
VILLAGE_WIDTH = 10
VERDICT_HEADER = "留守认定"  # as of the export day: 留守 / 不符合 / 无法判断 (seed 002)
LEDGER_HEADERS = (
    "序号", "姓名", "性别", "身份证号", "出生日期", "年龄", "村民小组", "联系电话", "家庭住址",
    "健康状况", "风险等级", "帮扶人", "帮扶人电话", "委托照顾协议", "最近走访", VISITS_HEADER,
    "状态", VERDICT_HEADER,
)
# A supporter row of the export's read, by name (for a verdict worked out again).
_SUPPORTER_KEYS = ("name", "relation", "phone", "whereabouts", "location_scope", "away_since",
                   "returned_on", "return_kind", "role", "unable")


def _choices_width(field: Any) -> int:
    return max(text_width(c.label) for c in field.choices) + 2


# The narrowest each column may be: wide enough for what it holds when that is known
# (dates, ID numbers, choice labels, "已退出(2026-10-20)"); the free text is measured.
LEDGER_WIDTHS = (6, 10, 5, 21, 12, 5, 10, 13, 24, _choices_width(PERSON["health_status"]),
                 8, 10, 13, 12, 12, 8, 22, 10)
FREE_TEXT = (1, 6, 7, 8, 11, 12)  # 0-based: name, group, phone, address, helper, phone
SUPPORTER_HEADERS = ("姓名", "关系", "电话", "去向")
SUPPORTER_WIDTHS = (10, _choices_width(SUPPORTER["relation"]), 13, 20)
SUPPORTER_FREE_TEXT = (0, 2, 3)  # name, phone, whereabouts
MAX_SUPPORTER_COLUMNS = 6
# 1-based: written in the 文本 format. Phone numbers are stored as text and so written as
# text cells too; the format on each of them would cost ~5 s on a county's export.
ID_COLUMN = 4


def ledger_headers(supporters: int, villages: bool = False) -> list[str]:
    """The fixed columns, then 赡养人1姓名 … for as many supporters as anyone has, so
    that the workbook comes back in through the import unchanged; ``villages``: the
    township's, with the 村 column after 序号."""
    return with_village([*LEDGER_HEADERS, *(f"赡养人{i}{h}" for i in range(1, supporters + 1)
                                            for h in SUPPORTER_HEADERS)],
                        VILLAGE_HEADER, villages)


def ledger_widths(supporters: int, villages: bool = False) -> list[float]:
    return with_village([*LEDGER_WIDTHS, *(SUPPORTER_WIDTHS * supporters)], VILLAGE_WIDTH,
                        villages)


def free_text_columns(supporters: int, villages: bool = False) -> list[int]:
    """The 0-based columns whose width is measured on the values."""
    first = len(LEDGER_HEADERS)
    measured = [*FREE_TEXT, *(first + 4 * i + j for i in range(supporters)
                              for j in SUPPORTER_FREE_TEXT)]
    return [1, *(c + 1 for c in measured)] if villages else measured


def with_village(row: list[Any], value: Any, villages: bool) -> list[Any]:
    """``row`` with the township's 村 column (``value``) after 序号, when ``villages``."""
    return [row[0], value, *row[1:]] if villages else row


# The elders' ledger and its figures are the elders' (issue 21): the other kinds have
# sheets and figures of their own.


def of_kind(code: str) -> Any:
    """People of a kind, found in the index of kinds (``ix_person_kinds``) and only
    then their rows read: ``kinds LIKE`` beside the register's other conditions made
    SQLite read every active person's row to test it (a second per kind on a county's
    encrypted register, where each page read is decrypted)."""
    return person.c.id.in_(select(person.c.id).where(
        type_coerce(person.c.kinds, String).like(f"%{code}%")))


def _on_register(quarter: Quarter, as_of: date) -> Any:
    """People on the register at some time in the quarter up to ``as_of``: entered by
    then (the form's 填报日期, else the day the record was made), and not exited before
    the quarter began. Someone who exited on its first day is listed, as an exit."""
    entered = or_(
        person.c.registered_on <= as_of,
        and_(person.c.registered_on.is_(None),
             person.c.created_at < datetime.combine(as_of + timedelta(days=1), time.min)),
    )
    return and_(entered, or_(person.c.status == ACTIVE, person.c.exit_date >= quarter.start))


def _aged_by(leaving: date | None, day: date) -> bool:
    """Whether a kind's leaving day (``PersonKind.leaving_day``) has come by ``day``."""
    return leaving is not None and leaving <= day


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _assessed(session: Any, people: Sequence[Any], start: date, as_of: date
              ) -> dict[int, list[Assessed]]:
    """The assessments that matter in the quarter, in date order, for the listed people
    whose colour kept on the person (their latest assessment; also a colour set without
    an assessment row, from an older database) did not hold all through it: the one in
    force when it began, then each that changed the colour or the factors up to
    ``as_of``; for a past quarter, of those reassessed since, the latest by then. Only
    these rare cases are read from the assessment table; the others are not in the
    result."""
    history: dict[int, list[Assessed]] = {}
    # One pass over the assessments: each one that changed something in the quarter, with
    # what it replaced, and the latest by then of those reassessed since.
    each = assessment.c.person_id
    order = (assessment.c.assessed_on, assessment.c.id)
    ordered = select(
        assessment.c.person_id, assessment.c.assessed_on, assessment.c.colour,
        assessment.c.factors,
        func.lag(assessment.c.colour).over(partition_by=each, order_by=order)
        .label("was_colour"),
        # Typed as the column, or the window function hands back its raw text
        # ("incapacitated,poor"; None for none) and a green assessment without factors
        # before a change in the quarter broke the export (held-out scenario, issue 17).
        func.lag(assessment.c.factors, type_=assessment.c.factors.type)
        .over(partition_by=each, order_by=order).label("was_factors"),
        func.lead(assessment.c.id).over(partition_by=each, order_by=order).label("next"),
    ).where(assessment.c.assessed_on <= as_of).subquery()
    changed = and_(ordered.c.assessed_on > start,
                   or_(ordered.c.colour.is_distinct_from(ordered.c.was_colour),
                       ordered.c.factors.is_distinct_from(ordered.c.was_factors)))
    wanted = {p[0] for p in people}
    changes: dict[int, list[Assessed]] = {}
    for pid, on, colour, factors, was_colour, was_factors, following, latest_since in \
            session.execute(
                select(ordered, person.c.colour_on > as_of)
                .join(person, person.c.id == ordered.c.person_id)
                .where(or_(changed, and_(ordered.c.next.is_(None),
                                         person.c.colour_on > as_of)))
                .order_by(ordered.c.person_id, ordered.c.assessed_on)).all():
        if pid not in wanted:
            continue
        if following is None and latest_since:  # a past quarter, reassessed since
            history[pid] = [Assessed(date.min, colour, frozenset(factors or ()))]
        if on <= start or not (colour != was_colour or factors != was_factors):
            continue  # only the latest by then, not a change in the quarter
        mine = changes.get(pid)
        if mine is None:  # what was in force before the first change (none: unassessed)
            mine = changes[pid] = [] if was_colour is None else [
                Assessed(date.min, was_colour, frozenset(was_factors or ()))]
        mine.append(Assessed(on, colour, frozenset(factors or ())))
    history.update(changes)
    for p in people:  # reassessed since, but not assessed by then
        if p[2] is not None and p[2] > as_of and p[0] not in history:
            history[p[0]] = []
    return history


def collect(database: Database, quarter: Quarter, today: date) -> QuarterData:
    """Ledger rows and figures of the quarter, as of its end or today if earlier."""
    as_of = min(quarter.end, today)
    data = QuarterData(quarter, as_of)
    start, end = quarter.start, quarter.end
    kinds = sorted(visit_kinds(k.cadences for k in KINDS.values()))
    data.villages = township = database.township
    with database.session() as session:
        # The township's export (issue 22): every village, each row naming its own, in
        # the order the villages were added; their groups are each village's own.
        named = village_names(session) if township else {}
        rank = {vid: n for n, vid in enumerate(named)}
        groups = {gid: (name, position, vid) for gid, name, position, vid in session.execute(
            select(village_group.c.id, village_group.c.name, village_group.c.position,
                   village_group.c.village_id))}
        helpers = {pid: (name, phone) for pid, name, phone in session.execute(
            select(pairing.c.person_id, helper.c.name, helper.c.phone)
            .join(helper, helper.c.id == pairing.c.helper_id)
            .where(pairing.c.rank == 1, pairing.c.started_on <= as_of,
                   or_(pairing.c.ended_on.is_(None), pairing.c.ended_on > as_of))
            .order_by(pairing.c.started_on))}
        agreements: dict[int, tuple[str, date | None]] = {}
        for pid, state, ends in session.execute(
                select(agreement.c.person_id, agreement.c.state, agreement.c.ends_on)
                .where(agreement.c.starts_on <= as_of,
                       or_(agreement.c.ended_on.is_(None), agreement.c.ended_on > as_of))
                .order_by(agreement.c.id)):
            agreements[pid] = (state, ends)
        last_visit: dict[int, date] = dict(session.execute(
            select(visit.c.person_id, func.max(visit.c.visited_on))
            .where(visit.c.kind.in_(kinds), visit.c.visited_on <= as_of)
            .group_by(visit.c.person_id)).all())
        visits: dict[int, list[tuple[date, str]]] = defaultdict(list)
        # The day as the database gives it (text in SQLite, a date in PostgreSQL), read
        # here: the column's own conversion costs a second on a county's 300,000 visits.
        for pid, on, kind in session.execute(
                select(visit.c.person_id, type_coerce(visit.c.visited_on, String),
                       visit.c.kind)
                .where(visit.c.kind.in_(kinds), visit.c.visited_on >= start,
                       visit.c.visited_on <= as_of)).all():
            visits[pid].append((on if isinstance(on, date) else date.fromisoformat(on[:10]),
                                kind))
        supporters: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in session.execute(
                select(supporter.c.person_id, supporter.c.name, supporter.c.relation,
                       supporter.c.phone, supporter.c.whereabouts, supporter.c.location_scope,
                       supporter.c.away_since, supporter.c.returned_on,
                       supporter.c.return_kind, supporter.c.role, supporter.c.unable)
                .join(person, person.c.id == supporter.c.person_id)
                .where(_on_register(quarter, as_of), of_kind("elder"), CURRENT_SUPPORTER)
                .order_by(supporter.c.person_id, supporter.c.position)).all():
            supporters[row[0]].append(row[1:])
        people = list(session.execute(
            select(*FACT_COLUMNS, person.c.kind, person.c.name, person.c.sex,
                   person.c.id_number, person.c.group_id, person.c.phone,
                   person.c.address, person.c.status, person.c.exit_date,
                   person.c.left_behind_year, person.c.verdict, person.c.verdict_until,
                   person.c.verdict_on, person.c.kinds, person.c.village_id)
            .where(_on_register(quarter, as_of), of_kind("elder"))
            .order_by(person.c.name_pinyin, person.c.id)).all())
        # Everyone on the register at the end, by kind (a 特困 elder counts under both);
        # the other kinds' own figures are in ``carecenter.ledger.kind_sheets``.
        # A kind with a leaving age counts those still short of it then (a child before
        # the 16th birthday, issue 21): the others are only waiting to be taken off.
        every_kind: Counter[str] = Counter()
        for kind_code, stored, birth in session.execute(
                select(person.c.kind, person.c.kinds, person.c.birth_date).where(
                    _on_register(quarter, as_of),
                    or_(person.c.exit_date.is_(None), person.c.exit_date > as_of))):
            every_kind.update(k.label for k in combined(stored, kind_code).members
                              if not _aged_by(k.leaving_day(birth), as_of))
        history = _assessed(session, people, start, as_of)
        needs_raised = session.execute(
            select(func.count()).select_from(need)
            .where(need.c.raised_on >= start, need.c.raised_on <= as_of)).scalar_one()
        events = {kind: (n, people) for kind, n, people in session.execute(
            select(care_event.c.kind, func.count(func.distinct(care_event.c.id)),
                   func.count(func.distinct(event_person.c.person_id)))
            .outerjoin(event_person, event_person.c.event_id == care_event.c.id)
            .where(care_event.c.held_on >= start, care_event.c.held_on <= as_of)
            .group_by(care_event.c.kind))}
        reviews: dict[str, int] = dict(session.execute(
            select(visit.c.kind, func.count(func.distinct(visit.c.person_id)))
            .where(visit.c.kind.in_(REVIEW_KINDS), visit.c.visited_on >= start,
                   visit.c.visited_on <= as_of)
            .group_by(visit.c.kind)).all())
        needs_resolved = session.execute(
            select(func.count()).select_from(need)
            .where(need.c.resolved_on >= start, need.c.resolved_on <= as_of)).scalar_one()
    group_at = len(FACT_COLUMNS) + 4
    people.sort(key=lambda r: (rank.get(r[-1], 0),  # stable: by name within a group
                               groups.get(r[group_at], ("", 10**9, 0))[1]))
    # The labels of the choices, looked up once (a county has 100,000 rows of them).
    sexes, healths, relations = ({c.code: c.label for c in f.choices} | {None: None}
                                 for f in (PERSON["sex"], PERSON["health_status"],
                                           SUPPORTER["relation"]))
    counts: dict[str, Counter[str]] = {
        k: Counter() for k in ("kind", "group", "colour", "key", "verdict", "village")}
    by_village = counts["village"]
    by_kind, by_group, by_colour, by_key, by_verdict = (
        counts[k] for k in ("kind", "group", "colour", "key", "verdict"))
    key_labels = {f.code: f.label for f in KEY_CATEGORIES}
    entries = exits = active_count = paired_count = covered_count = 0
    due_total = done_total = visit_persons = visited_enough = 0
    quarter_days = (start, end)
    for number, p in enumerate(people, start=1):
        # By position, once (a row's names cost seconds on a county): the select above.
        (pid, _, _, _, _, _, health_status, _, _, birth, registered, created, _, _, kind, name, sex,
         id_number, group_id, phone, address, status_code, exit_date, lb_year, verdict_code,
         verdict_until, verdict_on, stored_kinds, village_id) = p
        kindset = combined(stored_kinds, kind)
        active = exit_date is None or exit_date > as_of
        facts = care_facts(p)
        mine = history.get(pid)
        if mine is None:  # the colour on the person held all through the quarter
            colour, factors = facts.colour, facts.factors
        else:
            colour, factors = (mine[-1].colour, mine[-1].factors) if mine else (None, frozenset())
        group = groups.get(group_id, (NO_GROUP, 0, 0))[0]
        state, ends = agreements.get(pid, (None, None))
        covered = state in COVERED_STATES and (ends is None or ends >= as_of)
        paired = pid in helpers
        entered = entered_on(registered, created)
        stay = (max(entered, start),
                min(exit_date - timedelta(days=1), end) if exit_date else end)
        book = kindset.cadences
        due, done = visit_periods.tally(book, facts, stay, quarter_days, as_of,
                                        mine, visits.get(pid, ()))
        sup = supporters.get(pid, ())
        if verdict_code is None or verdict_on is None or verdict_until is None \
                or not verdict_on <= as_of < verdict_until:
            # The stored verdict is for another day (a past quarter): the same rule then.
            judge = (KINDS.get(kind) or DEFAULT_KIND).judge
            verdict_code = judge(
                {"birth_date": birth, "left_behind_year": lb_year, "sex": sex},
                [dict(zip(_SUPPORTER_KEYS, s, strict=False)) for s in sup], as_of).code
        helper_name, helper_phone = helpers.get(pid, (None, None))
        if exit_date is not None and exit_date <= as_of:
            status = f"{STATUS_LABELS[status_code]}({exit_date:%Y-%m-%d})"
        else:
            status = STATUS_LABELS[ACTIVE]
        line = [
            number, name, sexes.get(sex, sex), id_number or "待补充", _day(birth),
            _age(birth, as_of), group if group_id else None, phone, address,
            healths.get(health_status, health_status),
            COLOUR_LABELS.get(colour or "", UNASSESSED), helper_name, helper_phone,
            AGREEMENT_STATES.get(state or "", "未签订"), _day(last_visit.get(pid)),
            f"{done}/{due}" if due else None, status, VERDICT_LABELS[verdict_code],
        ]
        for s in sup[:MAX_SUPPORTER_COLUMNS]:
            line += (s[0], relations.get(s[1], s[1]) or None, s[2], s[3])
        if township:
            line.insert(1, named.get(village_id))
            group = f"{named.get(village_id, '')} {group}"
        data.rows.append(line)
        if len(sup) > data.supporter_columns:
            data.supporter_columns = min(len(sup), MAX_SUPPORTER_COLUMNS)
        if start <= entered <= as_of:
            entries += 1
        if exit_date is not None and start <= exit_date <= as_of:
            exits += 1
        # Visits are owed for the days on the register, by those who left too.
        if due:
            due_total += due
            done_total += done
            visit_persons += 1
            visited_enough += done >= due
        if not active:
            continue
        active_count += 1
        by_group[group] += 1
        if township:
            by_village[named.get(village_id, "")] += 1
        by_colour[COLOUR_LABELS.get(colour or "", UNASSESSED)] += 1
        by_verdict[VERDICT_LABELS[verdict_code]] += 1
        for code in factors:
            if code in key_labels:
                by_key[key_labels[code]] += 1
        paired_count += paired
        covered_count += covered
    group_order = [name for name, _, _ in sorted(groups.values(), key=lambda g: g[1])]
    if township:
        group_order = [f"{named[vid]} {name}" for name, _, vid in sorted(
            groups.values(), key=lambda g: (rank.get(g[2], 0), g[1])) if vid in named]
        group_order += [f"{v} {NO_GROUP}" for v in named.values()]
    data.figures = {
        "period": quarter.code,
        "label": quarter.label,
        "as_of": as_of.isoformat(),
        "partial": as_of < quarter.end,
        "persons": len(people),
        "active": active_count,
        "by_kind": {k.label: every_kind[k.label] for k in KINDS.values() if every_kind[k.label]},
        "by_group": {g: counts["group"][g] for g in dict.fromkeys([*group_order, NO_GROUP])
                     if counts["group"][g]},
        "by_colour": {label: counts["colour"][label]
                      for label in [*(COLOUR_LABELS[c] for c in COLOURS), UNASSESSED]},
        "key_categories": {f.label: counts["key"][f.label] for f in KEY_CATEGORIES},
        "verdicts": {label: by_verdict[label] for label in VERDICT_LABELS.values()},
        "paired": paired_count,
        "agreements": covered_count,
        "visits_due": due_total,
        "visits_done": done_total,
        "visit_persons": visit_persons,
        "visited_enough": visited_enough,
        # seed 002: the village's events and the half-yearly reviews, in the quarter
        "events": {EVENT_KINDS[k]: {"times": int(events.get(k, (0, 0))[0]),
                                    "people": int(events.get(k, (0, 0))[1])}
                   for k in EVENT_KINDS},
        "reviews": {REVIEW_KINDS[k]: int(reviews.get(k, 0)) for k in REVIEW_KINDS},
        "needs_raised": int(needs_raised),
        "needs_resolved": int(needs_resolved),
        "entries": entries,
        "exits": exits,
    }
    if township:  # the villages' own lines of the township's summary
        data.figures["by_village"] = {v: by_village[v] for v in named.values()}
    return data


def village_names(session: Any) -> dict[int, str]:
    """The villages this session sees, id -> name, in the order they were added."""
    return {v.id: v.name for v in villages.listed(session.connection())}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def figure_lines(figures: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(section, item, value) for the summary sheet and for comparing two snapshots."""
    active = int(figures.get("active", 0))
    yield "总体", "本季度在册过的人数", figures.get("persons", 0)
    yield "总体", "期末(或截至导出日)在册人数", active
    for label, n in figures.get("by_village", {}).items():  # the township's export
        yield "按村", label, n
    for label, n in figures.get("by_kind", {}).items():
        yield "按类别", label, n
    for label, n in figures.get("by_group", {}).items():
        yield "按村民小组", label, n
    for label, n in figures.get("by_colour", {}).items():
        yield "按风险等级", label, n
    for label, n in figures.get("key_categories", {}).items():
        yield "八类重点对象", label, n
    for label, n in figures.get("verdicts", {}).items():  # snapshots before issue 17 lack it
        yield "留守认定(在册人员)", label, n
    paired, agreements = figures.get("paired", 0), figures.get("agreements", 0)
    yield "结对帮扶", "已结对人数", paired
    yield "结对帮扶", "结对覆盖率", percent(paired, active)
    yield "委托照顾协议", "已签订或备案且在有效期内", agreements
    yield "委托照顾协议", "协议覆盖率", percent(agreements, active)
    due, made = figures.get("visits_due", 0), figures.get("visits_done", 0)
    yield "走访", "应走访次数", due
    yield "走访", "已走访次数", made
    if "visit_persons" in figures:  # snapshots from before the cadence rule lack it
        yield "走访", "有走访任务的人数", figures["visit_persons"]
    yield "走访", "走访次数达标的人数", figures.get("visited_enough", 0)
    yield "走访", "走访完成率", percent(min(made, due), due)
    for label, held in figures.get("events", {}).items():  # before issue 17: none
        yield "村级活动", f"{label}(次)", held["times"]
        yield "村级活动", f"{label}(参加人数)", held["people"]
    for label, n in figures.get("reviews", {}).items():
        yield "半年评估排查", f"{label}(人)", n
    for label, counted in figures.get("kinds", {}).items():  # before issue 21: none
        for item, n in counted.items():
            yield label, item, n
    yield "需求", "本季度提出", figures.get("needs_raised", 0)
    yield "需求", "本季度解决", figures.get("needs_resolved", 0)
    yield "进出", "本季度新纳入", figures.get("entries", 0)
    yield "进出", "本季度退出", figures.get("exits", 0)


def compare_figures(figures: dict[str, Any], before: dict[str, Any] | None
                    ) -> list[list[Any]]:
    """[section, item, now, before, change] for each line of ``figures``: the summary
    sheet beside the last export sent, or a snapshot beside the register now."""
    old = {(s, i): v for s, i, v in figure_lines(before)} if before else {}
    rows = []
    for section, item, value in figure_lines(figures):
        was = old.get((section, item))
        change = value - was if isinstance(value, int) and isinstance(was, int) else None
        rows.append([section, item, value, was, change])
    return rows
