"""Helpers, pairing, coverage, load and the suggested pairing, through the core API."""

from __future__ import annotations

import inspect
import itertools
import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from carecenter.errors import KnownError, ValidationFailed
from carecenter.pairing import proposal as proposal_module
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import LoadRules, PairingBook, load_rules, save_rules
from carecenter.pairing.proposal import (
    BALANCE,
    GROUP,
    NEIGHBOUR,
    RELATIVE,
    Target,
    accept,
    plan,
    propose,
)
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import pairing, person
from tests.conftest import TODAY, elder


def today() -> date:
    return TODAY


def add_people(register: Register, group: int | None, count: int, start: int,
               colour: str | None = None, **values: object) -> list[int]:
    ids = []
    for n in range(count):
        k = start + n
        draft = elder(f"王{'甲乙丙丁戊己庚辛壬癸'[k % 10]}{'子丑寅卯辰巳午未申酉'[k // 10 % 10]}",
                      birth=f"19{40 + k // 100 % 20}0{1 + k % 9}1{k % 10}",
                      sequence=f"{(k * 2 + 2) % 1000:03d}", group_id=group, **values)
        ids.append(register.save(draft).person_id)
    if colour is not None:
        with register.database.transaction() as session:
            session.execute(update(person).where(person.c.id.in_(ids)).values(colour=colour))
    return ids


@pytest.fixture
def helpers(database: Database) -> HelperBook:
    return HelperBook(database, today)


@pytest.fixture
def book(database: Database) -> PairingBook:
    return PairingBook(database, today)


def test_helper_is_checked_and_refused_whole_with_chinese_messages(helpers: HelperBook) -> None:
    with pytest.raises(ValidationFailed) as caught:
        helpers.add(HelperDraft(name="", role="厨师", phone="12"))
    fields = {e.field for e in caught.value.errors}
    assert fields == {"name", "role", "phone"}
    assert "帮扶人身份“厨师”不在可选范围内" in caught.value.message
    assert helpers.count() == 0
    helper_id = helpers.add(HelperDraft(name="刘红梅", role="网格员", phone="139 0000 1111"))
    info = helpers.get(helper_id)
    assert (info.role, info.role_label, info.phone) == ("grid", "网格员", "13900001111")


def test_coverage_counts_people_without_a_primary_helper_by_group_and_colour(
        register: Register, helpers: HelperBook, book: PairingBook) -> None:
    one, two = register.groups.add("一组"), register.groups.add("二组")
    reds = add_people(register, one, 3, 0, colour="red")
    greens = add_people(register, two, 4, 10, colour="green")
    unassessed = add_people(register, two, 2, 20)
    h = helpers.add(HelperDraft("刘红梅", "网格员", group_id=one))
    book.pair(reds[0], h)
    book.pair(greens[0], h)
    book.pair(greens[1], h, rank=2)  # a second helper alone does not cover anyone
    register.exit(reds[1], TODAY, "died")  # off the register: not counted at all

    coverage = book.coverage()
    assert (coverage.total, coverage.unpaired, coverage.paired) == (8, 6, 2)
    assert [(g.name, g.total, g.unpaired) for g in coverage.groups] == [
        ("一组", 2, 1), ("二组", 6, 5)]
    assert coverage.colours == {"red": (2, 1), "yellow": (0, 0), "green": (4, 3),
                                "unassessed": (2, 2)}
    assert {row[0] for row in book.unpaired()} == {reds[2], *greens[1:], *unassessed}
    assert [row[0] for row in book.unpaired(colour="red")] == [reds[2]]


def test_load_is_weighted_by_colour_from_the_settings(
        database: Database, register: Register, helpers: HelperBook, book: PairingBook) -> None:
    g = register.groups.add("一组")
    people = (add_people(register, g, 2, 0, colour="red")
              + add_people(register, g, 1, 10, colour="yellow")
              + add_people(register, g, 1, 20))
    h = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    for p in people:
        book.pair(p, h)
    assert book.loads()[h].weight == 3 + 3 + 2 + 1
    save_rules(database, LoadRules({"red": 5, "yellow": 2, "green": 1, "unassessed": 2}, 8))
    assert load_rules(database).limit == 8
    info = next(i for i in helpers.list() if i.id == h)
    assert (info.people, info.load) == (4, 5 + 5 + 2 + 2)
    with pytest.raises(KnownError, match="红色的负荷权重"):
        save_rules(database, LoadRules({"red": 0, "yellow": 2, "green": 1, "unassessed": 1}))


def test_repairing_keeps_history_and_a_second_helper(
        register: Register, helpers: HelperBook, book: PairingBook) -> None:
    g = register.groups.add("一组")
    [p] = add_people(register, g, 1, 0)
    a = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    b = helpers.add(HelperDraft("王建军", "党员", group_id=g))
    book.pair(p, a, on=date(2026, 1, 5))
    book.pair(p, b, rank=2, on=date(2026, 2, 1))
    with pytest.raises(KnownError, match="已是此人的主帮扶人"):
        book.pair(p, a)
    with pytest.raises(KnownError, match="不能与主帮扶人是同一人"):
        book.pair(p, a, rank=2)
    book.pair(p, b, on=date(2026, 6, 1), reason="原帮扶人外出务工")  # second becomes primary
    assert [(c.rank, c.helper_id) for c in book.current(p)] == [(1, b)]
    history = book.history(p)
    assert [(c.helper_id, c.rank, c.ended_on, c.end_reason) for c in history
            if c.ended_on] == [(a, 1, date(2026, 6, 1), "原帮扶人外出务工"),
                               (b, 2, date(2026, 6, 1), "改为主帮扶人")]
    book.unpair(p, reason="帮扶人生病")
    assert book.current(p) == []
    with pytest.raises(KnownError, match="没有主帮扶人"):
        book.unpair(p)


def test_an_inactive_helpers_people_show_as_unpaired(
        register: Register, helpers: HelperBook, book: PairingBook) -> None:
    g = register.groups.add("一组")
    people = add_people(register, g, 3, 0)
    leaving = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    staying = helpers.add(HelperDraft("王建军", "党员", group_id=g))
    book.pair(people[0], leaving)
    book.pair(people[1], leaving)
    book.pair(people[2], staying)
    book.pair(people[2], leaving, rank=2)
    assert book.coverage().unpaired == 0

    assert helpers.deactivate(leaving, "外出务工") == 3
    coverage = book.coverage()
    assert coverage.unpaired == 2
    assert {r[0] for r in book.unpaired()} == set(people[:2])
    assert book.current(people[2])[0].helper_id == staying
    ended = book.history(people[0])[0]
    assert (ended.ended_on, ended.end_reason) == (TODAY, "帮扶人停用:外出务工")
    info = helpers.get(leaving)
    assert not info.active and info.inactive_since == TODAY
    with pytest.raises(KnownError, match="已停用,不能结对"):
        book.pair(people[0], leaving)
    # The proposal never offers someone who stopped helping.
    assert {r.helper_id for r in propose(register.database).rows} == {staying}


def test_proposal_prefers_the_group_then_relatives_and_never_passes_the_limit(
        database: Database, register: Register, helpers: HelperBook) -> None:
    save_rules(database, LoadRules({"red": 3, "yellow": 2, "green": 1, "unassessed": 1}, 6))
    one, two = register.groups.add("一组"), register.groups.add("二组")
    # 一组: 2 reds and 4 greens = weight 10; its one helper takes 6 at most.
    reds = add_people(register, one, 2, 0, colour="red")
    greens = add_people(register, one, 4, 10, colour="green")
    # 二组: a green whose son 李军 (13755550000) is himself a helper, in 一组.
    [cousin] = add_people(register, two, 1, 20, colour="green", supporters=[{
        "name": "李军", "relation": "儿子", "phone": "137 5555 0000",
        "whereabouts": "县城", "location_scope": "本县内"}])
    a = helpers.add(HelperDraft("刘红梅", "网格员", group_id=one))
    b = helpers.add(HelperDraft("王建军", "党员", group_id=two))
    son = helpers.add(HelperDraft("李军", "亲属", phone="13755550000", group_id=one))

    result = propose(database)
    by_person = {r.person_id: r for r in result.rows}
    after = result.loads_after()
    assert max(after.values()) <= 6 and not result.unplaced
    # Everyone of 一组's own people fits in 一组 (a and son give 12 ≥ 10).
    assert all(by_person[p].helper_id in (a, son) for p in reds + greens)
    assert all(by_person[p].reason in (GROUP, RELATIVE) for p in reds + greens)
    # The elder of 二组 stays in 二组 rather than going to their son in 一组.
    assert (by_person[cousin].helper_id, by_person[cousin].reason) == (b, GROUP)

    # With 二组's helper gone, the named son is chosen before a stranger.
    HelperBook(database, today).deactivate(b)
    again = {r.person_id: r for r in propose(database).rows}
    assert (again[cousin].helper_id, again[cousin].reason) == (son, RELATIVE)


def test_a_neighbour_named_in_the_file_is_proposed_in_the_same_group(
        database: Database, register: Register, helpers: HelperBook) -> None:
    g = register.groups.add("一组")
    [p] = add_people(register, g, 1, 0, care_situation="邻居李春花每天过来看看")
    helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    neighbour = helpers.add(HelperDraft("李春花", "邻居", group_id=g))
    [row] = propose(database).rows
    assert (row.person_id, row.helper_id, row.reason, row.reason_label) == (
        p, neighbour, NEIGHBOUR, "邻居")


def test_proposal_leaves_people_unplaced_rather_than_overloading(
        database: Database, register: Register, helpers: HelperBook) -> None:
    save_rules(database, LoadRules({"red": 3, "yellow": 2, "green": 1, "unassessed": 1}, 4))
    g = register.groups.add("一组")
    add_people(register, g, 3, 0, colour="red")
    helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    helpers.add(HelperDraft("王建军", "党员"))
    result = propose(database)
    assert len(result.unplaced) == 1 and result.unplaced[0].reason_label.startswith("无可用")
    assert sorted(result.loads_after().values()) == [3, 3]
    assert accept(database, result, today=today) == 2
    assert PairingBook(database).coverage().unpaired == 1


def test_proposal_for_a_helper_who_is_leaving_moves_only_their_people(
        database: Database, register: Register, helpers: HelperBook, book: PairingBook) -> None:
    g = register.groups.add("一组")
    people = add_people(register, g, 4, 0)
    leaving = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    other = helpers.add(HelperDraft("王建军", "党员", group_id=g))
    for p in people[:3]:
        book.pair(p, leaving)
    result = propose(database, leaving=leaving)
    assert {r.person_id for r in result.rows} == set(people[:3])
    assert {r.helper_id for r in result.rows} == {other}
    accept(database, result, today=today)
    assert book.loads()[other].people == 3 and leaving not in book.loads()
    assert book.history(people[0])[-1].end_reason == "帮扶人调整"
    assert book.coverage().unpaired == 1  # people[3] was never paired


def test_accepting_is_one_transaction(database: Database, register: Register,
                                      helpers: HelperBook, book: PairingBook,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    g = register.groups.add("一组")
    people = add_people(register, g, 6, 0)
    a = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    book.pair(people[0], a)  # an existing pairing that the accept ends and remakes
    result = propose(database, leaving=None)
    choices = [(people[0], a)] + result.choices()
    calls = []
    # The module's globals, past the retrying wrapper (storage.backends.retrying).
    assign_globals = inspect.unwrap(proposal_module.PairingBook.assign).__globals__
    real = assign_globals["insert_pairings"]

    def failing(session: object, rows: list[dict[str, object]]) -> None:
        calls.append(len(rows))
        real(session, rows[:3])  # half the rows written, then the power goes
        raise OSError("磁盘故障")

    monkeypatch.setitem(assign_globals, "insert_pairings", failing)
    with pytest.raises(OSError):
        book.assign(choices)
    assert calls == [6]
    with database.session() as session:
        assert session.execute(select(func.count()).select_from(pairing)).scalar_one() == 1
        assert session.execute(select(pairing.c.ended_on)).scalar() is None
    assert book.coverage().unpaired == 5
    monkeypatch.undo()
    assert book.assign(choices) == 6
    assert book.coverage().unpaired == 0


def test_accept_refuses_whole_when_a_helper_stopped_meanwhile(
        database: Database, register: Register, helpers: HelperBook) -> None:
    g = register.groups.add("一组")
    add_people(register, g, 4, 0)
    a = helpers.add(HelperDraft("刘红梅", "网格员", group_id=g))
    b = helpers.add(HelperDraft("王建军", "党员", group_id=g))
    result = propose(database)
    assert {r.helper_id for r in result.rows} == {a, b}
    helpers.deactivate(b)
    with pytest.raises(KnownError, match="王建军 已停用或不存在,本次结对全部未保存"):
        accept(database, result, today=today)
    assert PairingBook(database).coverage().unpaired == 4


def _feasible(weights: list[int], loads: list[int], limit: int) -> bool:
    for assignment in itertools.product(range(len(loads)), repeat=len(weights)):
        room = list(loads)
        for w, h in zip(weights, assignment, strict=True):
            room[h] += w
        if max(room) <= limit:
            return True
    return False


def test_plan_places_everyone_whenever_an_exhaustive_search_can() -> None:
    rng = random.Random(5)
    tight = 0
    for _ in range(1500):
        helpers = rng.randint(1, 4)
        limit = rng.randint(2, 9)
        loads = [rng.randint(0, limit) for _ in range(helpers)]
        weights = [rng.choice((1, 2, 3)) for _ in range(rng.randint(1, 6))]
        targets = [Target(rng.randint(0, 2), w,
                          tuple((h, RELATIVE) for h in range(helpers) if rng.random() < 0.2), i)
                   for i, w in enumerate(weights)]
        placed = plan(targets, {h: (rng.randint(0, 2), loads[h]) for h in range(helpers)}, limit)
        after = list(loads)
        for t, (h, _) in zip(targets, placed, strict=True):
            if h is not None:
                after[h] += t.weight
        assert all(a <= limit for a, before in zip(after, loads, strict=True) if a != before)
        if all(h is not None for h, _ in placed):
            continue
        tight += 1
        assert not _feasible(weights, loads, limit), (weights, loads, limit, placed)
    assert tight > 100  # the cases did test the limit


def test_plan_balances_loads_within_a_group() -> None:
    targets = [Target(1, 1, (), i) for i in range(9)]
    placed = plan(targets, {10: (1, 0), 11: (1, 3), 12: (1, 6), 13: (2, 0)}, 30)
    counts = {h: sum(1 for p, _ in placed if p == h) for h in (10, 11, 12, 13)}
    assert counts == {10: 6, 11: 3, 12: 0, 13: 0}  # 6/6/6 after, and no one left the group
    assert {reason for _, reason in placed} == {GROUP}
    spill = plan([Target(1, 2, (), 0)], {10: (1, 29), 13: (2, 5)}, 30)
    assert spill == [(13, BALANCE)]


def test_exiting_a_person_ends_their_pairing(tmp_path: Path) -> None:
    from datetime import date as day

    from carecenter.pairing.pairs import PairingBook
    from carecenter.register.people import Register
    from carecenter.storage.models import pairing
    from tests.conftest import TODAY, elder

    database = Database(tmp_path / "x.db")
    register = Register(database, today=lambda: TODAY)
    pid = register.save(elder("张桂兰")).person_id
    hid = HelperBook(database, lambda: TODAY).add(HelperDraft("王网格员", "网格员"))
    PairingBook(database, lambda: TODAY).pair(pid, hid, on=day(2026, 1, 1))
    register.exit(pid, day(2026, 11, 20), "moved")
    with database.engine.connect() as c:
        ended, reason = c.execute(pairing.select().with_only_columns(
            pairing.c.ended_on, pairing.c.end_reason)).one()
    assert ended == day(2026, 11, 20) and reason == "对象退出:迁出本村"
    database.close()
