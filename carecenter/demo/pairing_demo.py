"""Demo helpers and pairings (``demo --helpers N``), inside the demo's one transaction.

About one helper per fifteen people (with the demo's colours, an average load near 25
under the default limit of 30), spread over the village groups and the roles the seeds
name; relatives are real in-county supporters of someone in their group (so the
proposal finds them named in the file), neighbours are named in one elder's care notes.
Most people are paired with a helper of their own group; a few are left unpaired and a
few helpers have stopped (their pairings ended), so coverage is below 100% as in a real
village. Rows go in with bulk inserts.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from carecenter import clock
from carecenter.demo.draws import SURNAMES, YOUNG_FEMALE, YOUNG_MALE, Weighted
from carecenter.pairing.pairs import DEFAULT_LIMIT, DEFAULT_WEIGHTS, UNASSESSED, current_primary
from carecenter.pairing.proposal import RELATIVE, Target, plan
from carecenter.storage.models import ACTIVE, CURRENT_SUPPORTER, helper, pairing, person, supporter

ROLE_WEIGHTS = Weighted([
    ("grid", 8), ("resident_team", 4), ("civil_assistant", 3), ("elders_head", 1),
    ("cadre", 12), ("party_member", 20), ("volunteer", 20), ("neighbour", 18),
    ("relative", 14),
])
VILLAGE_WIDE = frozenset({"resident_team", "civil_assistant"})  # serve every group
UNPAIRED_SHARE = 0.02  # never paired (newly registered, not yet assigned)
STOPPED_SHARE = 0.01  # helpers who stopped: their people are unpaired too
SECOND_SHARE = 0.05
LEAVING_REASONS = ("外出务工", "身体原因", "搬迁到县城", "工作调动")


# Who pairs with the other kinds: a child's teacher (seed 003: 教师结对关爱在校留守儿童),
# cadres and volunteers.
OTHER_KINDS_ROLES = Weighted([("teacher", 50), ("cadre", 20), ("volunteer", 20),
                              ("party_member", 10)])


def make_helpers(connection: Connection, count: int, seed: int, today: date,
                 roles: Weighted[str] = ROLE_WEIGHTS) -> tuple[int, int]:
    """Add ``count`` helpers and pair people not yet paired; returns (helpers, current
    pairings)."""
    if count <= 0:
        return 0, 0
    rng = random.Random(seed * 7919 + 5)
    people = connection.execute(
        select(person.c.id, person.c.group_id, person.c.colour)
        .where(person.c.status == ACTIVE, ~current_primary())  # --force: keep old pairs
        .order_by(person.c.id)).all()
    if not people:
        return 0, 0
    by_group: dict[int | None, list[int]] = {}
    weight: dict[int, int] = {}
    for pid, gid, colour in people:
        by_group.setdefault(gid, []).append(pid)
        weight[pid] = DEFAULT_WEIGHTS.get(colour or UNASSESSED, 1)
    # In-county supporters can be named as relatives helping their elder.
    local: dict[int, tuple[str, str]] = {}
    for pid, name, phone in connection.execute(
            select(supporter.c.person_id, supporter.c.name, supporter.c.phone)
            .where(supporter.c.location_scope == "in_county", supporter.c.phone.is_not(None),
                   CURRENT_SUPPORTER)):
        local.setdefault(pid, (name, phone))
    groups = list(by_group)
    sizes = [len(by_group[g]) for g in groups]
    now = clock.now()

    rows: list[dict[str, Any]] = []
    first_person: list[int | None] = []  # the person a relative or neighbour is tied to
    used_local: set[int] = set()
    total = sum(sizes)
    # Helpers in proportion to each group's people (largest remainder), then shuffled.
    quotas = [count * size / total for size in sizes]
    homes = [g for g, q in zip(groups, quotas, strict=True) for _ in range(int(q))]
    by_remainder = sorted(zip(quotas, groups, strict=True), key=lambda qg: int(qg[0]) - qg[0])
    homes += [g for _, g in by_remainder[:count - len(homes)]]
    rng.shuffle(homes)
    for group in homes:
        role = roles(rng)
        male = rng.random() < 0.6
        name = SURNAMES(rng) + (YOUNG_MALE if male else YOUNG_FEMALE)(rng)
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        tied: int | None = None
        if role == "relative":
            for _try in range(5):
                pid = rng.choice(by_group[group])
                if pid in local and pid not in used_local:
                    used_local.add(pid)
                    name, phone = local[pid]
                    tied = pid
                    break
        elif role == "neighbour":
            tied = rng.choice(by_group[group])
        created = datetime.combine(today - timedelta(days=rng.randint(30, 900)),
                                   datetime.min.time()).replace(hour=9)
        rows.append({"name": name[:30], "role": role, "phone": phone,
                     "group_id": None if role in VILLAGE_WIDE else group,
                     "active": True, "created_at": created, "updated_at": created})
        first_person.append(tied)
    ids = connection.execute(
        insert(helper).returning(helper.c.id, sort_by_parameter_order=True), rows
    ).scalars().all()

    notes = [{"pid": pid, "care_text": f"邻居{row['name']}经常过来照看"}
             for pid, row in zip(first_person, rows, strict=True)
             if pid is not None and row["role"] == "neighbour"]
    if notes:
        connection.execute(update(person).where(person.c.id == bindparam("pid"))
                           .values(care_situation=bindparam("care_text")), notes)

    helpers_of: dict[int | None, list[int]] = {}
    for hid, row in zip(ids, rows, strict=True):
        helpers_of.setdefault(row["group_id"], []).append(hid)
    village_wide = helpers_of.get(None, [])
    stopped = set(rng.sample(list(ids), max(0, round(len(ids) * STOPPED_SHARE))))
    tied_to = {pid: hid for pid, hid in zip(first_person, ids, strict=True) if pid is not None}

    # The same planner as the clerk's proposal: group first, relatives, under the limit.
    chosen = [(pid, group) for group, members in by_group.items() for pid in members
              if rng.random() >= UNPAIRED_SHARE]
    targets = [Target(group, weight[pid], ((tied_to[pid], RELATIVE),) if pid in tied_to
                      else (), pid) for pid, group in chosen]
    placed = plan(targets, {h: (row["group_id"], 0) for h, row in zip(ids, rows, strict=True)},
                  DEFAULT_LIMIT)
    pairings: list[dict[str, Any]] = []
    for (pid, group), (hid, _) in zip(chosen, placed, strict=True):
        if hid is None:
            continue
        started = today - timedelta(days=rng.randint(0, 700))
        pairings.append({"person_id": pid, "helper_id": hid, "rank": 1,
                         "started_on": started, "ended_on": None, "end_reason": None,
                         "created_at": now})
        own = helpers_of.get(group) or village_wide
        if rng.random() < SECOND_SHARE and len(own) > 1:
            second = rng.choice(own)
            if second != hid:
                pairings.append({"person_id": pid, "helper_id": second, "rank": 2,
                                 "started_on": started, "ended_on": None,
                                 "end_reason": None, "created_at": now})
    current = 0
    stop_day: dict[int, date] = {h: today - timedelta(days=rng.randint(1, 60)) for h in stopped}
    for row in pairings:
        hid = row["helper_id"]
        if hid in stopped:
            row["ended_on"] = max(row["started_on"], stop_day[hid])
            row["end_reason"] = "帮扶人停用:" + rng.choice(LEAVING_REASONS)
        elif row["rank"] == 1:
            current += 1
    for start_at in range(0, len(pairings), 5000):
        connection.execute(insert(pairing), pairings[start_at:start_at + 5000])
    if stopped:
        connection.execute(
            update(helper).where(helper.c.id == bindparam("hid"))
            .values(active=False, inactive_since=bindparam("day")),
            [{"hid": h, "day": d} for h, d in stop_day.items()])
    return len(ids), current
