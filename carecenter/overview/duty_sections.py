"""The work list's sections beyond the visit cadences: everything else the seeds make
the village's job (issue 17). Each finder reads the register with one set-wise query
and returns ``(section, person_id, name, group_id, colour, what, rule, seed, due, ref)``
tuples; ``carecenter.overview.work_list`` makes them items.

* 不再符合 (seed 002 留守认定): on the register but the stored verdict says no, with the
  reason; one step exits them (``Register.exit_not_qualifying``). Not those who have
  reached their kind's leaving age (a child at 16): they are 到龄退出, one item.
* 待补资料: the verdict cannot be decided, naming what is missing.
* 未结对 (seed 002 人盯人、结对帮扶; seed 003 100% have someone responsible).
* 委托协议 missing (seed 002: 确保100%签订《委托照顾协议书》) for the left-behind.
* 帮扶人履职: the duties each person's own kinds declare for their helper (an elder's,
  seed 001: phone 4 a month, visit 3 a quarter, children 3 a year; a child's, seed 000:
  a home visit a month, until the 16th birthday).
* 独居安全 (seed 002: 避免生活不能自理的老年人单独居住生活).
* 去向未报 (seed 002: 外出的应向村委会报告去向、联系方式).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, text

from carecenter.pairing.pairs import PRIMARY
from carecenter.register import kind_ages
from carecenter.rules.fields import OUTSIDE_COUNTY
from carecenter.rules.helper_duties import (
    PERIOD_LABELS,
    Duty,
    period_bounds,
    period_code,
)
from carecenter.rules.kinds import DEFAULT_KIND, DUTY_OWNERS, KINDS
from carecenter.rules.kinds import HELPER_DUTIES as DUTIES
from carecenter.rules.leftbehind import SPOUSE


class Found(NamedTuple):
    section: str
    person_id: int
    name: str
    group_id: int | None
    colour: str | None
    what: str
    rule: str
    seed: str
    due: date | None = None
    ref: int | None = None


# Codes that make a person unable to look after themselves (生活不能自理).
INCAPABLE_HEALTH = ("partly_disabled", "disabled", "dementia")
COVERED_AGREEMENTS = ("signed", "filed")


def _where(group_id: int | None) -> str:
    return "p.status = 'active'" + (" AND p.group_id = :group" if group_id else "")


def _quoted(codes: Sequence[str]) -> str:
    return ",".join(f"'{c}'" for c in codes)


def _not_aged_out(on: date) -> tuple[str, dict[str, Any]]:
    """Only the verdicts not already on the list as 到龄退出 (the reason is the same)."""
    aged, params = kind_ages.aged_out(on)
    return f"NOT (p.verdict = 'not' AND p.birth_date IS NOT NULL AND {aged})", params


def _verdicts_sql(group_id: int | None, only: str = "('not', 'undecided')") -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour, p.verdict, p.verdict_reason "
            f"FROM person p WHERE {_where(group_id)} AND p.verdict IN {only}")


def verdicts(connection: Connection, group_id: int | None, on: date,
             only: str = "('not', 'undecided')") -> list[Found]:
    out = []
    shown, params = _not_aged_out(on)
    for pid, name, gid, colour, code, reason in connection.execute(text(
            f"{_verdicts_sql(group_id, only)} AND {shown}"), {"group": group_id, **params}):
        if code == "not":
            out.append(Found("not_qualifying", pid, name or "", gid, colour, "留守认定",
                             f"{reason};不再符合的请办理退出", "002"))
        else:
            out.append(Found("undecided", pid, name or "", gid, colour, "留守认定",
                             f"{reason},请补充", "002"))
    return out


def _unpaired_sql(group_id: int | None) -> str:
    """Active people with no current primary helper, less those owed none any more (a
    child of no other kind past 16: issue 21, ``kind_ages.owed_nothing``)."""
    return ("SELECT p.id, p.name, p.group_id, p.colour FROM person p "
            f"WHERE {_where(group_id)} AND NOT EXISTS (SELECT 1 FROM pairing x "
            "WHERE x.person_id = p.id AND x.rank = 1 AND x.ended_on IS NULL) "
            "AND p.id NOT IN (SELECT p.id FROM person p "
            f"WHERE {_where(group_id)} AND {{owed_nothing}})")


def _unpaired_params(group_id: int | None, on: date) -> tuple[str, dict[str, Any]]:
    nothing, params = kind_ages.owed_nothing(on)
    return _unpaired_sql(group_id).format(owed_nothing=nothing), {"group": group_id, **params}


def _count_unpaired(connection: Connection, group_id: int | None, on: date) -> int:
    """How many ``unpaired`` lists: the active people less those of them with a current
    primary pairing, counted from ``ix_pairing_primary`` (which holds only those
    pairings) rather than looking for each person's pairing, 100,000 times; less the
    few owed no helper any more who have none (found in ``ix_person_kinds``)."""
    nothing, params = kind_ages.owed_nothing(on)
    server = connection.dialect.name == "postgresql"
    return int(connection.execute(text(
        f"SELECT ({_unpaired_count_sql(group_id, server)}) - (SELECT count(*) FROM person p "
        f"WHERE {_where(group_id)} AND {nothing} AND NOT EXISTS (SELECT 1 FROM pairing x "
        "WHERE x.person_id = p.id AND x.rank = 1 AND x.ended_on IS NULL))"),
        {"group": group_id, **params}).scalar_one())


def active_count_sql(group_id: int | None, server: bool) -> str:
    """How many active people (in the group): on a server without a group, everyone
    less the few not active, two reads of small indexes (ix_person_village,
    ix_person_gone) instead of a pass over the active ones."""
    if server and not group_id:
        return ("SELECT (SELECT count(*) FROM person) "
                "- (SELECT count(*) FROM person WHERE status <> 'active')")
    return "SELECT count(*) FROM person WHERE status = 'active'" + (
        " AND group_id = :group" if group_id else "")


def _unpaired_count_sql(group_id: int | None, server: bool = False) -> str:
    others = "SELECT id FROM person WHERE status <> 'active'" + (
        " OR group_id IS NULL OR group_id <> :group" if group_id else "")
    paired = (f"FROM pairing x WHERE x.rank = {PRIMARY} AND x.ended_on IS NULL "
              f"AND x.person_id NOT IN ({others})")
    active = active_count_sql(group_id, server)
    if server:  # DISTINCT in the index's order (ix_pairing_primary_server), no sort
        return (f"SELECT ({active}) - (SELECT count(*) FROM "
                f"(SELECT DISTINCT x.person_id {paired}) d)")
    return f"SELECT ({active}) - (SELECT count(DISTINCT x.person_id) {paired})"


def unpaired(connection: Connection, group_id: int | None, on: date) -> list[Found]:
    sql, params = _unpaired_params(group_id, on)
    return [Found("unpaired", pid, name or "", gid, colour, "结对帮扶",
                  "每名关爱对象都应有结对帮扶人(人盯人、结对帮扶)", "002")
            for pid, name, gid, colour in connection.execute(text(sql), params)]


def missing_agreements(connection: Connection, group_id: int | None, on: date,
                       warned: set[int]) -> list[Found]:
    """Left-behind people with no current signed or filed agreement (those whose
    agreement runs out or changed are on the list already, ``warned``)."""
    return [Found("agreement", pid, name or "", gid, colour, "委托照顾协议",
                  "尚无已签订的委托照顾协议(应100%签订)", "002")
            for pid, name, gid, colour in connection.execute(text(
                _missing_agreements_sql(group_id, _server(connection))),
                {"group": group_id, "on": on.isoformat()})
            if pid not in warned]


# Whose files the entrusted-care agreement is for (seed 002: the elders'; a kind that
# declares the document, ``PersonKind.documents``): the others are left out. On a
# server they are found as ranges of ``ix_person_kinds_server`` (testing each person's
# own kinds would read a county's 60,000 left-behind rows, 0.5 s, where the count reads
# only an index); on SQLite each person's own kinds are in ``ix_person_verdict``, which
# the count reads anyway (a list of the 37,000 others cost 50 ms to make).
_AGREEMENT_KINDS = [k for k in KINDS.values() if "agreement" in k.documents]
_NO_AGREEMENT = (
    "p.id NOT IN (SELECT o.id FROM person o WHERE o.status = 'active' AND "
    + kind_ages.owing(_AGREEMENT_KINDS, date.min, "o", "agr")[1] + ")")
# The same on the person's own row (``p`` is active): left out where the term holds.
_NO_AGREEMENT_OWN = (
    "NOT coalesce(" + kind_ages.owing(_AGREEMENT_KINDS, date.min, "p", "agr")[1] + ", FALSE)")


def _missing_agreements_sql(group_id: int | None, server: bool) -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour FROM person p "
            f"WHERE {_where(group_id)} AND p.verdict = 'left_behind' "
            f"AND {_NO_AGREEMENT if server else _NO_AGREEMENT_OWN} "
            "AND NOT EXISTS (SELECT 1 FROM agreement a WHERE a.person_id = p.id "
            f"AND a.state IN ({_quoted(COVERED_AGREEMENTS)}) AND a.ended_on IS NULL "
            "AND a.starts_on <= :on AND (a.ends_on IS NULL OR a.ends_on >= :on))")


def _server(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def missing_agreement_among(connection: Connection, group_id: int | None, on: date,
                            people: set[int]) -> int:
    """How many of ``people`` (warned of their agreement already) would also be listed
    as having none: the section counts each person once."""
    if not people:
        return 0
    return int(connection.execute(text(
        f"SELECT count(*) FROM ({_missing_agreements_sql(group_id, _server(connection))}) q "
        "WHERE q.id IN :ids")
        .bindparams(bindparam("ids", expanding=True)),
        {"group": group_id, "on": on.isoformat(), "ids": sorted(people)}).scalar_one())


def unsafe_alone(connection: Connection, group_id: int | None) -> list[Found]:
    return [Found("unsafe", pid, name or "", gid, colour, "独居安全",
                  "生活不能自理的老年人应避免单独居住生活,请协调亲属陪伴或动员入住养老机构",
                  "002")
            for pid, name, gid, colour in connection.execute(text(_unsafe_sql(group_id)),
                                                             {"group": group_id})]


# Alone and unable to look after themselves (生活不能自理).
_UNSAFE = ("',' || p.living_with || ',' LIKE '%,alone,%' "
           f"AND (p.health_status IN ({_quoted(INCAPABLE_HEALTH)}) "
           "OR ',' || p.factors || ',' LIKE '%,incapacitated,%')")


def _unsafe_sql(group_id: int | None) -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour FROM person p "
            f"WHERE {_where(group_id)} AND {_UNSAFE}")


def unreported_whereabouts(connection: Connection, group_id: int | None) -> list[Found]:
    """Supporters away (outside the county, not back) with no 去向 or no phone."""
    people: dict[int, tuple[Any, ...]] = {}
    names: dict[int, list[str]] = {}
    for pid, name, gid, colour, who, where, phone in connection.execute(text(
            _whereabouts_sql(group_id) + " ORDER BY p.id, s.position"), {"group": group_id}):
        people[pid] = (name, gid, colour)
        lacking = "、".join(x for x, v in (("去向", where), ("电话", phone)) if not v)
        names.setdefault(pid, []).append(f"{who}缺{lacking}")
    return [Found("whereabouts", pid, name or "", gid, colour, "外出赡养人去向",
                  ";".join(names[pid]) + "(外出的应向村委会报告去向和联系方式)", "002")
            for pid, (name, gid, colour) in people.items()]


def _whereabouts_sql(group_id: int | None) -> str:
    # Supporters first (CROSS JOIN keeps SQLite to that order; a server plans its own):
    # the few away without word found in one pass over them, then only their people
    # read. Person by person, each one's supporters looked up, cost 0.9 s at 100,000.
    return ("SELECT p.id, p.name, p.group_id, p.colour, s.name, s.whereabouts, s.phone "
            "FROM supporter s CROSS JOIN person p "
            f"WHERE p.id = s.person_id AND {_where(group_id)} "
            f"AND s.location_scope IN ({_quoted(sorted(OUTSIDE_COUNTY))}) "
            f"AND s.returned_on IS NULL AND s.ended_on IS NULL "
            f"AND coalesce(s.relation, '') != '{SPOUSE}' "
            "AND (coalesce(s.whereabouts, '') = '' OR coalesce(s.phone, '') = '')")


def _unreported_sql(group_id: int | None) -> str:
    """The people ``_whereabouts_sql`` lists, counted from the supporters alone: their
    terms are those of the index ``ix_supporter_unreported`` (storage.models), which
    holds only such supporters; the few people not active are a short list to probe."""
    people = "s.person_id NOT IN (SELECT id FROM person WHERE status <> 'active')"
    if group_id:
        people += " AND s.person_id IN (SELECT id FROM person WHERE group_id = :group)"
    return ("SELECT DISTINCT s.person_id FROM supporter s "
            f"WHERE {people} "
            f"AND s.location_scope IN ({_quoted(sorted(OUTSIDE_COUNTY))}) "
            "AND s.returned_on IS NULL AND s.ended_on IS NULL "
            f"AND coalesce(s.relation, '') != '{SPOUSE}' "
            "AND (coalesce(s.whereabouts, '') = '' OR coalesce(s.phone, '') = '')")


def sizes(connection: Connection, group_id: int | None, on: date) -> dict[str, int]:
    """How many items each of these sections holds, counted in SQL without reading the
    rows (``find`` reads them when the section is shown). The agreement section's
    people with none yet; those warned of an agreement are added by the caller."""
    params = {"group": group_id, "on": on.isoformat()}

    def count(sql: str, what: str = "*") -> int:
        return int(connection.execute(text(f"SELECT count({what}) FROM ({sql}) q"),
                                      params).scalar_one())

    shown, aged = _not_aged_out(on)
    found = {r[0]: int(r[1]) for r in connection.execute(text(
        f"SELECT p.verdict, count(*) FROM person p WHERE {_where(group_id)} "
        f"AND p.verdict IN ('not', 'undecided') AND {shown} GROUP BY p.verdict"),
        {**params, **aged})}
    return {"not_qualifying": int(found.get("not", 0)),
            "undecided": int(found.get("undecided", 0)),
            "unpaired": _count_unpaired(connection, group_id, on),
            "unsafe": count(_unsafe_sql(group_id)),
            "whereabouts": count(_unreported_sql(group_id)),
            "agreement": count(_missing_agreements_sql(group_id, _server(connection)))}


def find(connection: Connection, section: str, group_id: int | None, on: date,
         warned: set[int]) -> list[Found]:
    """One section's items (of those ``sizes`` counts)."""
    if section == "not_qualifying":
        return verdicts(connection, group_id, on, "('not')")
    if section == "undecided":
        return verdicts(connection, group_id, on, "('undecided')")
    if section == "unpaired":
        return unpaired(connection, group_id, on)
    if section == "unsafe":
        return unsafe_alone(connection, group_id)
    if section == "whereabouts":
        return unreported_whereabouts(connection, group_id)
    if section == "agreement":
        return missing_agreements(connection, group_id, on, warned)
    raise ValueError(section)


def helpers_short(connection: Connection, group_id: int | None, on: date) -> list[Found]:
    """Per helper with people whose seed-001 duties fall short in a period that ends this
    month (the month's calls always; the quarter's visits in its last month; the year's
    calls to the children in December): one item naming the helper (``ref``), due by the
    month's end. The records are read from the duties' tally (``care.duty_tally``)."""
    return helper_items(connection, short_helpers(connection, group_id, on))


@dataclass
class Shortfall:
    """How many helpers are short on a day (``short_helpers``), before who they are and
    their example people are read (``helper_items``, when the section is shown)."""

    on: date
    group_id: int | None
    judged: list[Duty]
    count: int

    def __len__(self) -> int:
        return self.count


def short_helpers(connection: Connection, group_id: int | None, on: date) -> Shortfall:
    after_month = (on.replace(day=28) + timedelta(days=4)).replace(day=1)
    judged = [d for d in DUTIES if period_bounds(on, d.period)[1] <= after_month]
    count = 0
    if judged:
        params = _helpers_short_params(judged, group_id, on)
        count = int(connection.execute(text(_helpers_short_sql(
            connection, judged, group_id, _named(connection, judged, params), count=True,
            on=on)), params).scalar_one())
    return Shortfall(on, group_id, judged, count)


def helper_items(connection: Connection, shortfall: Shortfall) -> list[Found]:
    # Only the example people's rows are read (one per helper short, not one per pairing).
    short = _short(connection, shortfall.judged, shortfall.group_id, shortfall.on) \
        if shortfall.judged else {}
    people: dict[int, tuple[str, int | None, str | None]] = {}
    ids = sorted({pid for _name, pid, _tally in short.values()})
    for chunk in range(0, len(ids), 500):
        for pid, pname, gid, colour in connection.execute(text(
                "SELECT id, name, group_id, colour FROM person WHERE id IN :ids")
                .bindparams(bindparam("ids", expanding=True)),
                {"ids": ids[chunk:chunk + 500]}):
            people[pid] = (pname or "", gid, colour)
    out = []
    on = shortfall.on
    due = (on.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for hid, (name, pid, tally) in sorted(short.items(),
                                         key=lambda h: (h[1][0], h[0])):
        pname, gid, colour = people.get(pid, ("", None, None))
        parts = [f"{PERIOD_LABELS[d.period]}{d.label}不足 {d.required} 次的 {n} 人"
                 for d, n in zip(shortfall.judged, tally, strict=True) if n]
        out.append(Found("helper", pid, f"帮扶人{name}", gid, colour,
                         "帮扶人履职", ";".join(parts) + f"(如{pname})",
                         _seeds(shortfall.judged, tally), due, hid))
    return out


def _seeds(judged: Sequence[Duty], tally: Sequence[int]) -> str:
    """The seeds of the duties found short (001 for an elder's, 000 for a child's)."""
    return "、".join(dict.fromkeys(d.seed for d, n in zip(judged, tally, strict=True) if n))


Short = dict[int, tuple[str, int, list[int]]]  # helper: name, first person short, per duty


def _short(connection: Connection, judged: Sequence[Any], group_id: int | None, on: date
           ) -> Short:
    """Per helper with anyone short: their name, the first person short, and how many of
    their people are short of each judged duty. Tallied in SQL: a county's 100,000
    pairings never reach Python."""
    params = _helpers_short_params(judged, group_id, on)
    named = _named(connection, judged, params)
    found = connection.execute(text(_helpers_short_sql(connection, judged, group_id, named,
                                                       on=on)), params).all()
    names = _helper_names(connection, [row[0] for row in found])
    return {hid: (names[hid], pid, [int(n) for n in tally]) for hid, pid, *tally in found}


def _named(connection: Connection, judged: Sequence[Any], params: dict[str, Any]
           ) -> list[bool]:
    """Whether each judged duty's period has records that name no helper: those are
    matched by the helper's name, pairing by pairing; a period with none of them (the
    usual case) is counted without the names."""
    return [connection.execute(text(
        f"SELECT 1 FROM duty_tally_named WHERE kind = :k{i} AND period = :p{i} LIMIT 1"),
        params).first() is not None for i in range(len(judged))]


def _helper_names(connection: Connection, ids: list[int]) -> dict[int, str]:
    wanted = set(ids)  # all helpers in one pass: a county's 6,600 in one read
    return {int(hid): str(name) for hid, name in connection.execute(
        text("SELECT id, name FROM helper")) if hid in wanted}


def _owner_groups(judged: Sequence[Duty], on: date) -> list[tuple[list[int], str, str]]:
    """The judged duties by who owes them: per group, the duties' indexes, and the
    pairings (``pr``) of the people who owe them as a FROM clause and a term: of a kind
    that declares them, still of it at the period's end (a child's visit not in the
    month of the 16th birthday). Where the register's main kind owes them (the elders'
    three) every current pairing is read, less the few people of no such kind; else
    (the children's) only the pairings of those who owe them, found from their people
    in ``ix_person_kinds``."""
    out = []
    for indexes, owed, not_owed in _owing_groups(judged, on):
        if owed is None:
            source = "pairing pr"
            owes = ("pr.person_id NOT IN (SELECT o.id FROM person o "
                    f"WHERE o.status = 'active' AND {not_owed})")
        else:
            source = ("person o CROSS JOIN pairing pr")  # people first, then their pairing
            owes = f"o.status = 'active' AND {owed} AND pr.person_id = o.id"
        out.append((indexes, source, owes))
    return out


def _owing_groups(judged: Sequence[Duty], on: date
                  ) -> list[tuple[list[int], str | None, str]]:
    """The judged duties by who owes them: per group, the duties' indexes, the term on
    a person ``o`` who owes them (None where the register's main kind does: everyone
    but the few of no such kind), and the term on one who does not."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, duty in enumerate(judged):
        groups.setdefault(_owned(duty, on), []).append(i)
    out: list[tuple[list[int], str | None, str]] = []
    for n, ((codes, dated), indexes) in enumerate(groups.items()):
        owners = [KINDS[c] for c in codes]
        owed, not_owed, _ = kind_ages.owing(owners, dated or on, "o", f"g{n}")
        out.append((indexes, None if DEFAULT_KIND.code in codes else owed, not_owed))
    return out


def _owned(duty: Duty, on: date) -> tuple[tuple[str, ...], date | None]:
    """Who owes a duty: the codes of the kinds declaring it, and the day they must still
    be of one (the period's last) if a kind of them has a leaving age."""
    owners = DUTY_OWNERS[duty]
    last = period_bounds(on, duty.period)[1] - timedelta(days=1)
    dated = last if any(k.leaves_at is not None for k in owners) else None
    return tuple(k.code for k in owners), dated


def _owner_params(judged: Sequence[Duty], on: date) -> dict[str, Any]:
    params: dict[str, Any] = {}
    groups: dict[tuple[Any, ...], int] = {}
    for duty in judged:
        codes, dated = key = _owned(duty, on)
        n = groups.setdefault(key, len(groups))
        params.update(kind_ages.owing([KINDS[c] for c in codes], dated or on, "o",
                                      f"g{n}")[2])
    return params


def _helpers_short_sql(connection: Connection, judged: Sequence[Any],
                       group_id: int | None, named: Sequence[bool], count: bool = False,
                       *, on: date) -> str:
    """Per current primary pairing of an active person, for each judged duty whether it
    is short: the records of the period that name the pairing's helper, or name none
    and were made by someone of the helper's name (as ``pairing.duties`` counts them;
    ``named``: whether the period has any such record), for a person who owes it
    (``_owner_groups``, each group's pairings read on their own); then per helper with
    anyone short, the first person short and how many are short of each duty (the
    names read apart). ``count``: only how many helpers are short, the main group's
    read from ``ix_pairing_current`` in the helpers' order."""
    server = connection.dialect.name == "postgresql"
    short = []  # per duty: the pairing's records fall short
    joined: dict[int, str] = {}  # on a server: per duty, its tally joined to the pairing
    for i, _duty in enumerate(judged):
        if server:
            # Each duty's tally of the period joined to the pairings, one pass over each
            # hashed (the fence keeps the server from probing the tally once per pairing,
            # 21,000 probes for a county's children), not a lookup per pairing and duty
            # under row-level security (0.3-0.7 s at 100,000). The keys make each join
            # meet at most one row: (kind, period, person, helper) and (..., visitor).
            joined[i] = (f" LEFT JOIN (SELECT person_id, helper_id, visits FROM duty_tally "
                         f"WHERE kind = :k{i} AND period = :p{i} OFFSET 0) t{i} "
                         f"ON t{i}.person_id = pr.person_id AND t{i}.helper_id = pr.helper_id")
            done = f"coalesce(t{i}.visits, 0)"
            if named[i]:
                joined[i] += (f" LEFT JOIN (SELECT person_id, visitor, visits "
                              f"FROM duty_tally_named WHERE kind = :k{i} AND period = :p{i} "
                              f"OFFSET 0) n{i} ON n{i}.person_id = pr.person_id "
                              f"AND n{i}.visitor = h.name")
                done += f" + coalesce(n{i}.visits, 0)"
            short.append(f"{done} < :r{i}")
            continue
        records = (
            f"(SELECT coalesce(sum(t.visits), 0) FROM duty_tally t WHERE t.kind = :k{i} "
            f"AND t.period = :p{i} AND t.person_id = pr.person_id "
            "AND t.helper_id = pr.helper_id)")
        if named[i]:
            records += (
                f" + (SELECT coalesce(sum(n.visits), 0) FROM duty_tally_named n "
                f"WHERE n.kind = :k{i} AND n.period = :p{i} AND n.person_id = pr.person_id "
                "AND n.visitor = h.name)")
        short.append(f"{records} < :r{i}")
    # Exited people's pairings end with the exit, so the few not active are left out
    # (a probe into that short list, not into 100,000 active people's).
    people = "pr.person_id NOT IN (SELECT id FROM person WHERE status <> 'active')"
    if group_id:
        people += " AND pr.person_id IN (SELECT id FROM person WHERE group_id = :group)"
    # The fence (OFFSET 0) keeps each pairing's counts one computation each: the outer
    # query reads each flag several times, and SQLite would otherwise copy the
    # subqueries into each use.
    fence = "LIMIT -1 OFFSET 0" if connection.dialect.name == "sqlite" else "OFFSET 0"
    current = f"pr.rank = {PRIMARY} AND pr.ended_on IS NULL"
    if count and not server:
        return _count_short_sqlite(judged, group_id, named, short, current, on)
    parts = []
    for indexes, source, owes in _owner_groups(judged, on):
        by_name = any(named[i] for i in indexes)
        join = (" JOIN helper h ON h.id = pr.helper_id" if by_name else "") + "".join(
            joined.get(i, "") for i in indexes)
        # Read from their people (``o``): those are active, and in the group asked for.
        mine = people if "person o" not in source else \
            "o.group_id = :group" if group_id else "1 = 1"
        where = f"WHERE {owes} AND {current} AND {mine}"
        if count:
            anyone = " OR ".join(short[i] for i in indexes)
            parts.append(f"SELECT DISTINCT pr.helper_id FROM {source}{join} "
                         f"{where} AND ({anyone})")
            continue
        flags = [f"CASE WHEN {short[i]} THEN 1 ELSE 0 END" if i in indexes else "0"
                 for i in range(len(judged))]
        parts.append("SELECT pr.helper_id, pr.person_id, "
                     + ", ".join(f"{f} AS s{i}" for i, f in enumerate(flags))
                     + f" FROM {source}{join} {where} {fence}")
    if count:
        return f"SELECT count(*) FROM ({' UNION '.join(parts)}) q"
    any_short = " + ".join(f"s{i}" for i in range(len(judged)))
    return (
        "SELECT helper_id, "
        + f"min(CASE WHEN {any_short} > 0 THEN person_id END), "
        + ", ".join(f"sum(s{i})" for i in range(len(judged)))
        + " FROM (" + " UNION ALL ".join(f"SELECT * FROM ({p}) u{n}"
                                          for n, p in enumerate(parts))
        + f") q GROUP BY helper_id HAVING sum({any_short}) > 0")


def _count_short_sqlite(judged: Sequence[Any], group_id: int | None, named: Sequence[bool],
                        short: Sequence[str], current: str, on: date) -> str:
    """How many helpers are short, on SQLite: per helper, whether any of their current
    primary pairings falls short (EXISTS, in ``ix_pairing_current``'s order), which
    stops at the first one short. Most helpers are short of something (a county's
    6,452 of 6,666), so most are settled by their first pairing or few, not by a probe
    of the tally for each of 100,000 pairings (0.26 s of the work list's 0.7 s).

    Whose pairings count is read once per statement as a list of people (``+`` keeps
    SQLite from looking each of them up in every helper's pairings), and INDEXED BY
    keeps it to the current primary pairings' index (it would take ``ix_pairing_helper``
    and read each pairing's row for its rank)."""
    group = " AND o.group_id = :group" if group_id else ""
    exists = []
    for indexes, owed, not_owed in _owing_groups(judged, on):
        if owed is None:  # the main kind's: every pairing less those not owing
            whose = (f"pr.person_id NOT IN (SELECT o.id FROM person o "
                     f"WHERE o.status = 'active' AND {not_owed}) "
                     "AND pr.person_id NOT IN (SELECT id FROM person WHERE status <> 'active')")
            if group_id:
                whose += " AND +pr.person_id IN (SELECT id FROM person WHERE group_id = :group)"
        else:
            whose = (f"+pr.person_id IN (SELECT o.id FROM person o "
                     f"WHERE o.status = 'active' AND {owed}{group})")
        anyone = " OR ".join(short[i] for i in indexes)
        exists.append(f"EXISTS (SELECT 1 FROM pairing pr INDEXED BY ix_pairing_current "
                      f"WHERE pr.helper_id = h.id AND {current} AND {whose} "
                      f"AND ({anyone}))")
    return f"SELECT count(*) FROM helper h WHERE {' OR '.join(exists)}"


def _helpers_short_params(judged: Sequence[Any], group_id: int | None, on: date
                          ) -> dict[str, Any]:
    params: dict[str, Any] = {"group": group_id, **_owner_params(judged, on)}
    for i, duty in enumerate(judged):
        params.update({f"k{i}": duty.kind, f"p{i}": period_code(on, duty.period),
                       f"r{i}": duty.required})
    return params
