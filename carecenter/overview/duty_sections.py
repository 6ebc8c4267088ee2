"""The work list's sections beyond the visit cadences: everything else the seeds make
the village's job (issue 17). Each finder reads the register with one set-wise query
and returns ``(section, person_id, name, group_id, colour, what, rule, seed, due, ref)``
tuples; ``carecenter.overview.work_list`` makes them items.

* 不再符合 (seed 002 留守认定): on the register but the stored verdict says no, with the
  reason; one step exits them (``Register.exit_not_qualifying``).
* 待补资料: the verdict cannot be decided, naming what is missing.
* 未结对 (seed 002 人盯人、结对帮扶; seed 003 100% have someone responsible).
* 委托协议 missing (seed 002: 确保100%签订《委托照顾协议书》) for the left-behind.
* 帮扶人履职 (seed 001: phone 4 a month, visit 3 a quarter, children 3 a year).
* 独居安全 (seed 002: 避免生活不能自理的老年人单独居住生活).
* 去向未报 (seed 002: 外出的应向村委会报告去向、联系方式).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, case, func, or_, select, text

from carecenter.rules.fields import OUTSIDE_COUNTY
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


def _verdicts_sql(group_id: int | None, only: str = "('not', 'undecided')") -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour, p.verdict, p.verdict_reason "
            f"FROM person p WHERE {_where(group_id)} AND p.verdict IN {only}")


def verdicts(connection: Connection, group_id: int | None,
             only: str = "('not', 'undecided')") -> list[Found]:
    out = []
    for pid, name, gid, colour, code, reason in connection.execute(text(
            _verdicts_sql(group_id, only)), {"group": group_id}):
        if code == "not":
            out.append(Found("not_qualifying", pid, name or "", gid, colour, "留守认定",
                             f"{reason};不再符合的请办理退出", "002"))
        else:
            out.append(Found("undecided", pid, name or "", gid, colour, "留守认定",
                             f"{reason},请补充", "002"))
    return out


def _unpaired_sql(group_id: int | None) -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour FROM person p "
            f"WHERE {_where(group_id)} AND NOT EXISTS (SELECT 1 FROM pairing x "
            "WHERE x.person_id = p.id AND x.rank = 1 AND x.ended_on IS NULL)")


def unpaired(connection: Connection, group_id: int | None) -> list[Found]:
    return [Found("unpaired", pid, name or "", gid, colour, "结对帮扶",
                  "每名关爱对象都应有结对帮扶人(人盯人、结对帮扶)", "002")
            for pid, name, gid, colour in connection.execute(text(
                _unpaired_sql(group_id)), {"group": group_id})]


def missing_agreements(connection: Connection, group_id: int | None, on: date,
                       warned: set[int]) -> list[Found]:
    """Left-behind people with no current signed or filed agreement (those whose
    agreement runs out or changed are on the list already, ``warned``)."""
    return [Found("agreement", pid, name or "", gid, colour, "委托照顾协议",
                  "尚无已签订的委托照顾协议(应100%签订)", "002")
            for pid, name, gid, colour in connection.execute(text(
                _missing_agreements_sql(group_id)), {"group": group_id, "on": on.isoformat()})
            if pid not in warned]


def _missing_agreements_sql(group_id: int | None) -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour FROM person p "
            f"WHERE {_where(group_id)} AND p.verdict = 'left_behind' "
            "AND NOT EXISTS (SELECT 1 FROM agreement a WHERE a.person_id = p.id "
            f"AND a.state IN ({_quoted(COVERED_AGREEMENTS)}) AND a.ended_on IS NULL "
            "AND a.starts_on <= :on AND (a.ends_on IS NULL OR a.ends_on >= :on))")


def missing_agreement_among(connection: Connection, group_id: int | None, on: date,
                            people: set[int]) -> int:
    """How many of ``people`` (warned of their agreement already) would also be listed
    as having none: the section counts each person once."""
    if not people:
        return 0
    return int(connection.execute(text(
        f"SELECT count(*) FROM ({_missing_agreements_sql(group_id)}) q WHERE q.id IN :ids")
        .bindparams(bindparam("ids", expanding=True)),
        {"group": group_id, "on": on.isoformat(), "ids": sorted(people)}).scalar_one())


def unsafe_alone(connection: Connection, group_id: int | None) -> list[Found]:
    return [Found("unsafe", pid, name or "", gid, colour, "独居安全",
                  "生活不能自理的老年人应避免单独居住生活,请协调亲属陪伴或动员入住养老机构",
                  "002")
            for pid, name, gid, colour in connection.execute(text(_unsafe_sql(group_id)),
                                                             {"group": group_id})]


def _unsafe_sql(group_id: int | None) -> str:
    return ("SELECT p.id, p.name, p.group_id, p.colour FROM person p "
            f"WHERE {_where(group_id)} AND ',' || p.living_with || ',' LIKE '%,alone,%' "
            f"AND (p.health_status IN ({_quoted(INCAPABLE_HEALTH)}) "
            "OR ',' || p.factors || ',' LIKE '%,incapacitated,%')")


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
    return ("SELECT p.id, p.name, p.group_id, p.colour, s.name, s.whereabouts, s.phone "
            "FROM supporter s JOIN person p ON p.id = s.person_id "
            f"WHERE {_where(group_id)} "
            f"AND s.location_scope IN ({_quoted(sorted(OUTSIDE_COUNTY))}) "
            f"AND s.returned_on IS NULL AND s.ended_on IS NULL "
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

    found = {r[0]: int(r[1]) for r in connection.execute(text(
        f"SELECT p.verdict, count(*) FROM person p WHERE {_where(group_id)} "
        "AND p.verdict IN ('not', 'undecided') GROUP BY p.verdict"), params)}
    return {"not_qualifying": int(found.get("not", 0)),
            "undecided": int(found.get("undecided", 0)),
            "unpaired": count(_unpaired_sql(group_id)),
            "unsafe": count(_unsafe_sql(group_id)),
            "whereabouts": count(_whereabouts_sql(group_id), "DISTINCT q.id"),
            "agreement": count(_missing_agreements_sql(group_id))}


def find(connection: Connection, section: str, group_id: int | None, on: date,
         warned: set[int]) -> list[Found]:
    """One section's items (of those ``sizes`` counts)."""
    if section == "not_qualifying":
        return verdicts(connection, group_id, "('not')")
    if section == "undecided":
        return verdicts(connection, group_id, "('undecided')")
    if section == "unpaired":
        return unpaired(connection, group_id)
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
    month's end. Only those periods' visits are read."""
    from carecenter.pairing.duties import DUTIES, PERIOD_LABELS, duties_on_query, period_bounds

    after_month = (on.replace(day=28) + timedelta(days=4)).replace(day=1)
    judged = [d for d in DUTIES if period_bounds(on, d.period)[1] <= after_month]
    short: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    first: dict[int, int] = {}  # the helper's first person short, named as an example
    if judged:
        # Tallied per helper in SQL: a county's 100,000 pairings never reach Python.
        per = duties_on_query(on, judged, group_id).subquery()
        lacking = [per.c[f"n{i}"] < d.required for i, d in enumerate(judged)]
        for hid, hname, pid, *tally in connection.execute(
                select(per.c.helper_id, func.min(per.c.helper_name),
                       func.min(per.c.person_id),
                       *(func.sum(case((x, 1), else_=0)) for x in lacking))
                .where(or_(*lacking)).group_by(per.c.helper_id)):
            short[hid] = [int(n) for n in tally]
            names[hid] = hname
            first[hid] = pid
    # Only the example people's rows are read (one per helper short, not one per pairing).
    people: dict[int, tuple[str, int | None, str | None]] = {}
    ids = sorted(set(first.values()))
    for chunk in range(0, len(ids), 500):
        for pid, pname, gid, colour in connection.execute(text(
                "SELECT id, name, group_id, colour FROM person WHERE id IN :ids")
                .bindparams(bindparam("ids", expanding=True)),
                {"ids": ids[chunk:chunk + 500]}):
            people[pid] = (pname or "", gid, colour)
    out = []
    due = after_month - timedelta(days=1)
    for hid, tally in sorted(short.items(), key=lambda h: (names[h[0]], h[0])):
        pid = first[hid]
        pname, gid, colour = people.get(pid, ("", None, None))
        parts = [f"{PERIOD_LABELS[d.period]}{d.label}不足 {d.required} 次的 {n} 人"
                 for d, n in zip(judged, tally, strict=True) if n]
        out.append(Found("helper", pid, f"帮扶人{names[hid]}", gid, colour,
                         "帮扶人履职", ";".join(parts) + f"(如{pname})", "001", due, hid))
    return out

