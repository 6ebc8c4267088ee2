"""The suggested pairing: a helper for everyone unpaired (or for one helper's people).

Preference, in order: a relative or neighbour named in the person's file who lives in
the same village group; the least-loaded helper of the same group; a named relative or
neighbour elsewhere; the least-loaded helper anywhere. No helper is ever given more
than the load limit by the proposal.

Why the greedy keeps under the limit when it can: people are placed heaviest first.
A heavy person fails only when every helper has less room left than their weight; for
the heaviest colour that is optimal (any placement of identical items that stops only
when no helper has room has put ``floor(room / weight)`` of them with every helper,
the most possible). Lighter people can be blocked by how the heavier ones were spread
(e.g. two helpers with room 1 each, a yellow of weight 2 left over); those go through a
repair that moves one proposed person to another helper, or swaps two proposed people of
different weights between two helpers, to open a gap. A person of weight 1 fails only
when every helper is full. The tests compare it with an exhaustive search on small cases.

Everything is read with a handful of bulk queries (no query per person), so 100,000
people and 5,000 helpers take seconds.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from carecenter import clock
from carecenter.pairing.pairs import (
    PRIMARY,
    LoadRules,
    PairingBook,
    current_primary,
    load_rules,
)
from carecenter.storage.database import Database
from carecenter.storage.models import (
    ACTIVE,
    CURRENT_SUPPORTER,
    helper,
    pairing,
    person,
    supporter,
    village_group,
)

GROUP = "group"
RELATIVE = "relative"
NEIGHBOUR = "neighbour"
BALANCE = "balance"
NONE = "none"
REASONS = {GROUP: "同组", RELATIVE: "亲属", NEIGHBOUR: "邻居", BALANCE: "负载均衡",
           NONE: "无可用帮扶人(均已达上限)"}
TEXT_FIELDS = ("care_situation", "difficulties", "needs_note", "note")


# -- the pure assignment ---------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One person to place: their group, weight, and helpers named in their file."""

    group: int | None
    weight: int
    named: tuple[tuple[int, str], ...] = ()  # (helper id, RELATIVE or NEIGHBOUR)
    key: int = 0  # a stable tie-break (the person's id)


def plan(targets: Sequence[Target], helpers: dict[int, tuple[int | None, int]],
         limit: int) -> list[tuple[int | None, str]]:
    """(helper or None, reason) per target; ``helpers`` maps id → (group, current load).

    Loads never pass ``limit`` (a helper already over it gets nobody new).
    """
    load = {h: current for h, (_, current) in helpers.items()}
    group_of = {h: g for h, (g, _) in helpers.items()}
    by_group: dict[int | None, list[tuple[int, int]]] = {}
    for h, (g, current) in helpers.items():
        by_group.setdefault(g, []).append((current, h))
    everyone = [(current, h) for h, (_, current) in helpers.items()]
    for heap in (*by_group.values(), everyone):
        heapq.heapify(heap)
    result: list[tuple[int | None, str]] = [(None, NONE)] * len(targets)
    members: dict[int, dict[int, list[int]]] = {h: {} for h in helpers}

    def least(heap: list[tuple[int, int]] | None, w: int) -> int | None:
        while heap:
            current, h = heap[0]
            if current != load[h]:
                heapq.heappop(heap)  # stale: the helper took someone since
                continue
            return h if current + w <= limit else None
        return None

    def take(i: int, h: int, reason: str) -> None:
        w = targets[i].weight
        load[h] += w
        entry = (load[h], h)
        heapq.heappush(by_group[group_of[h]], entry)
        heapq.heappush(everyone, entry)
        result[i] = (h, reason)
        members[h].setdefault(w, []).append(i)

    def named(t: Target, same_group: bool) -> tuple[int, str] | None:
        fits = [(load[h], h, r) for h, r in t.named if h in load
                and (group_of[h] == t.group) == same_group and load[h] + t.weight <= limit]
        if not fits:
            return None
        _, h, r = min(fits)
        return h, r

    order = sorted(range(len(targets)),
                   key=lambda i: (-targets[i].weight, not targets[i].named, targets[i].key))
    left: list[int] = []
    # Heaviest first, one weight at a time. Within a weight, pass 1 fills each group's
    # helpers with the group's own people before anyone is sent to another group.
    start = 0
    while start < len(order):
        w = targets[order[start]].weight
        end = start
        while end < len(order) and targets[order[end]].weight == w:
            end += 1
        spill: list[int] = []
        for i in order[start:end]:
            t = targets[i]
            choice = named(t, True)
            if choice is not None:
                take(i, *choice)
                continue
            # A helper with no group serves the whole village: a candidate for every group.
            own = least(by_group.get(t.group) if t.group is not None else None, w)
            wide = least(by_group.get(None), w)
            if own is not None and (wide is None or load[own] <= load[wide]):
                take(i, own, GROUP)
            elif wide is not None:
                take(i, wide, BALANCE)
            else:
                spill.append(i)
        stuck: list[int] = []
        for i in spill:
            choice = named(targets[i], False)
            if choice is not None:
                take(i, *choice)
                continue
            found = least(everyone, w)
            if found is not None:
                take(i, found, BALANCE)
            else:
                stuck.append(i)
        if stuck:
            # Before lighter people fill the last gaps, while a swap can still open one.
            _repair(stuck, targets, load, group_of, members, limit, result)
            _rebuild(by_group, everyone, load, group_of)
            left.extend(i for i in stuck if result[i][0] is None)
        start = end
    return result


def _rebuild(by_group: dict[int | None, list[tuple[int, int]]],
             everyone: list[tuple[int, int]], load: dict[int, int],
             group_of: dict[int, int | None]) -> None:
    """Fresh heaps after a repair moved people (loads may have gone down)."""
    for heap in by_group.values():
        heap.clear()
    everyone.clear()
    for h, current in load.items():
        by_group[group_of[h]].append((current, h))
        everyone.append((current, h))
    for heap in (*by_group.values(), everyone):
        heapq.heapify(heap)


def _repair(left: list[int], targets: Sequence[Target], load: dict[int, int],
            group_of: dict[int, int | None], members: dict[int, dict[int, list[int]]],
            limit: int, result: list[tuple[int | None, str]]) -> None:
    """Open a gap for each person left over by moving or swapping proposed people."""
    failed: set[int] = set()  # weights that found no gap since the last change

    def move(i: int, src: int | None, dst: int) -> None:
        w = targets[i].weight
        if src is not None:
            members[src][w].remove(i)
            load[src] -= w
        members[dst].setdefault(w, []).append(i)
        load[dst] += w
        t = targets[i]
        reason = result[i][1] if src is None else (
            GROUP if group_of[dst] == t.group and t.group is not None else BALANCE)
        result[i] = (dst, reason)

    for i in sorted(left, key=lambda i: -targets[i].weight):
        w = targets[i].weight
        if w in failed:
            continue
        room = {h: limit - load[h] for h in load}
        weights = sorted({wq for ms in members.values() for wq, lst in ms.items() if lst},
                         reverse=True)
        done = False
        direct = max(room, key=lambda h: room[h], default=None)
        if direct is not None and room[direct] >= w:
            result[i] = (None, BALANCE)
            move(i, None, direct)
            failed.clear()
            continue
        # One move: q leaves A for B, i takes A.
        for wq in weights:
            holders = [a for a in load if members[a].get(wq) and room[a] + wq >= w]
            if not holders:
                continue
            receivers = sorted((h for h in load if room[h] >= wq), key=lambda h: -room[h])[:2]
            for a in holders:
                b = next((h for h in receivers if h != a), None)
                if b is not None:
                    q = members[a][wq][-1]
                    move(q, a, b)
                    result[i] = (None, BALANCE)
                    move(i, None, a)
                    done = True
                    break
            if done:
                break
        # A swap: q (heavier) from A to B, s (lighter) from B to A, then i into A.
        if not done:
            for wq in weights:
                for ws in weights:
                    if ws >= wq:
                        continue
                    d = wq - ws
                    a_side = [a for a in load if members[a].get(wq) and room[a] + d >= w]
                    b_side = [b for b in load if members[b].get(ws) and room[b] >= d]
                    pair = next(((a, b) for a in a_side for b in b_side[:2] if a != b), None)
                    if pair is None:
                        continue
                    a, b = pair
                    q, s = members[a][wq][-1], members[b][ws][-1]
                    move(q, a, b)
                    move(s, b, a)
                    result[i] = (None, BALANCE)
                    move(i, None, a)
                    done = True
                    break
                if done:
                    break
        if done:
            failed.clear()
        else:
            failed.add(w)


# -- reading the register and proposing ------------------------------------------------

@dataclass(frozen=True)
class HelperChoice:
    id: int
    name: str
    role: str
    phone: str
    group_id: int | None
    group_name: str


@dataclass
class ProposalRow:
    person_id: int
    name: str
    group_id: int | None
    group_name: str
    colour: str | None
    weight: int
    helper_id: int | None
    reason: str

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass
class Proposal:
    rows: list[ProposalRow]
    helpers: dict[int, HelperChoice]  # the active helpers one may choose
    before: dict[int, int]  # load of each helper before the proposal
    rules: LoadRules
    leaving: int | None = None
    seconds: float = 0.0
    groups: list[tuple[int, str]] = field(default_factory=list)

    def loads_after(self) -> dict[int, int]:
        after = dict(self.before)
        for row in self.rows:
            if row.helper_id is not None:
                after[row.helper_id] = after.get(row.helper_id, 0) + row.weight
        return after

    def over_limit(self) -> dict[int, int]:
        return {h: w for h, w in self.loads_after().items()
                if w > self.rules.limit and h in self.helpers}

    @property
    def unplaced(self) -> list[ProposalRow]:
        return [r for r in self.rows if r.helper_id is None]

    def choices(self) -> list[tuple[int, int]]:
        return [(r.person_id, r.helper_id) for r in self.rows if r.helper_id is not None]

    def choose(self, person_id: int, helper_id: int | None) -> None:
        """The clerk changes one row."""
        for row in self.rows:
            if row.person_id == person_id:
                row.helper_id = helper_id
                row.reason = "manual" if helper_id is not None else NONE
                return


REASONS["manual"] = "人工指定"


def _names_in(text: str, names: dict[str, list[int]]) -> set[int]:
    found: set[int] = set()
    for size in (2, 3, 4):
        for start in range(len(text) - size + 1):
            hit = names.get(text[start:start + size])
            if hit:
                found.update(hit)
    return found


def propose(database: Database, leaving: int | None = None, rules: LoadRules | None = None,
            ) -> Proposal:
    """A helper for everyone on the register without one (or for the people of the
    helper ``leaving``, who is then not a candidate)."""
    started = time.perf_counter()
    rules = rules or load_rules(database)
    book = PairingBook(database)
    loads = book.loads(rules)
    with database.session() as session:
        helper_rows = session.execute(
            select(helper.c.id, helper.c.name, helper.c.role, helper.c.phone,
                   helper.c.group_id, village_group.c.name)
            .outerjoin(village_group, village_group.c.id == helper.c.group_id)
            .where(helper.c.active.is_(True))).all()
        groups = [(int(g), str(n)) for g, n in session.execute(
            select(village_group.c.id, village_group.c.name).order_by(village_group.c.position))]
        if leaving is None:
            chosen = ~current_primary()
        else:
            chosen = person.c.id.in_(
                select(pairing.c.person_id).where(pairing.c.helper_id == leaving,
                                                  pairing.c.rank == PRIMARY,
                                                  pairing.c.ended_on.is_(None)))
        people = session.execute(
            select(person.c.id, person.c.name, person.c.group_id, village_group.c.name,
                   person.c.colour, *(person.c[f] for f in TEXT_FIELDS))
            .outerjoin(village_group, village_group.c.id == person.c.group_id)
            .where(person.c.status == ACTIVE, chosen)
            .order_by(village_group.c.position, person.c.name_pinyin, person.c.id)).all()
        wanted = {p.id for p in people}
        supporters: dict[int, list[tuple[str, str]]] = {}
        if wanted:
            query = select(supporter.c.person_id, supporter.c.name, supporter.c.phone).where(
                CURRENT_SUPPORTER)
            if len(wanted) < 20000:
                query = query.where(supporter.c.person_id.in_(
                    select(person.c.id).where(person.c.status == ACTIVE, chosen)))
            for pid, name, phone in session.execute(query):
                if pid in wanted:
                    supporters.setdefault(pid, []).append((name or "", phone or ""))

    choices = {r[0]: HelperChoice(r[0], r[1], r[2], r[3] or "", r[4], r[5] or "")
               for r in helper_rows if r[0] != leaving}
    by_phone: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for c in choices.values():
        if c.phone:
            by_phone.setdefault(c.phone, []).append(c.id)
        by_name.setdefault(c.name, []).append(c.id)

    def kind(h: int) -> str:
        return NEIGHBOUR if choices[h].role == "neighbour" else RELATIVE

    targets = []
    for p in people:
        named: dict[int, str] = {}
        for name, phone in supporters.get(p.id, ()):
            for h in by_phone.get(phone, ()) if phone else ():
                named[h] = RELATIVE
            for h in by_name.get(name, ()):
                # Names repeat: the same name is the same person only within the
                # person's group, and not when both have phones that differ.
                if (choices[h].group_id == p.group_id and p.group_id is not None
                        and not (phone and choices[h].phone)):
                    named.setdefault(h, RELATIVE)
        text = "".join(getattr(p, f) or "" for f in TEXT_FIELDS)
        for h in _names_in(text, by_name) if text else ():
            named.setdefault(h, kind(h))
        targets.append(Target(p.group_id, rules.weight(p.colour), tuple(named.items()), p.id))

    before = {h: (loads[h].weight if h in loads else 0) for h in choices}
    placed = plan(targets, {h: (c.group_id, before[h]) for h, c in choices.items()},
                  rules.limit)
    rows = [ProposalRow(p.id, p.name, p.group_id, p[3] or "(未分组)", p.colour,
                        rules.weight(p.colour), h, reason)
            for p, (h, reason) in zip(people, placed, strict=True)]
    return Proposal(rows, choices, before, rules, leaving,
                    time.perf_counter() - started, groups)


def accept(database: Database, proposal: Proposal, on: date | None = None,
           today: Callable[[], date] = clock.today, skip_changed: bool = False) -> int:
    """Save every row that has a helper, in one transaction (all or nothing). A person
    paired elsewhere since the proposal refuses the save, or is skipped."""
    reason = "帮扶人调整" if proposal.leaving is not None else "重新结对"
    # What the proposal saw: nobody's primary helper, or the leaving helper.
    seen = {r.person_id: proposal.leaving for r in proposal.rows}
    return PairingBook(database, today).assign(proposal.choices(), on=on, reason=reason,
                                               seen=seen, skip_changed=skip_changed)


def summary(proposal: Proposal) -> dict[str, Any]:
    """Figures for a report line: how many placed, and the spread of loads after."""
    after = sorted(proposal.loads_after().get(h, 0) for h in proposal.helpers)
    n = len(after)
    return {
        "people": len(proposal.rows),
        "placed": len(proposal.rows) - len(proposal.unplaced),
        "unplaced": len(proposal.unplaced),
        "helpers": n,
        "min": after[0] if n else 0,
        "median": after[n // 2] if n else 0,
        "max": after[-1] if n else 0,
        "limit": proposal.rules.limit,
        "same_group": sum(r.reason in (GROUP, RELATIVE, NEIGHBOUR) and r.helper_id is not None
                          and proposal.helpers[r.helper_id].group_id == r.group_id
                          for r in proposal.rows),
        "named": sum(r.reason in (RELATIVE, NEIGHBOUR) for r in proposal.rows),
    }
