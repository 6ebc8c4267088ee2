"""A realistic synthetic register for demonstrations and speed tests (``demo`` command).

One village in 隆回县, Hunan, with twelve village groups; elders with common surnames,
valid ID numbers, answers drawn from the declared choices with plausible weights, and
one to four supporters each, mostly working outside the county. Everything comes from
one ``random.Random(seed)`` and a fixed reference day, so a seed always gives the same
register. Rows go in through SQLAlchemy Core, in batches inside one transaction: the
ORM is several times slower at 100,000 people (PLATFORM.md), and one transaction means
a failure leaves nothing half-written.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from carecenter import clock
from carecenter.access import audit
from carecenter.care import due_dates as duestore
from carecenter.care import duty_tally, visit_tally
from carecenter.demo.care_demo import CareMaker
from carecenter.demo.demo_tables import (
    AREAS,
    CARE_NOTES,
    CARE_NOTES_DEPENDENT,
    CARE_NOTES_MARRIED,
    CHINESE_COUNTS,
    CLERKS,
    DEPENDENT,
    DIFFICULTIES,
    DISABILITY,
    DISABILITY_GRADE,
    EDUCATION,
    EDUCATION_OLD,
    EXIT_NOTES,
    EXIT_REASON,
    HAN_AREA_ETHNICITY,
    HEALTH,
    HEALTH_OLD,
    INSURANCE,
    MARITAL,
    MARITAL_OLD,
    MINORITY_AREA_ETHNICITY,
    PHONE_SECOND,
    RELATIONS,
    REVIEWERS,
    SCOPES,
    STANDARD,
    SUPPORTER_COUNT,
    WHEREABOUTS,
)
from carecenter.demo.draws import (
    ELDER_FEMALE,
    ELDER_MALE,
    GRANDCHILD,
    SURNAMES,
    YOUNG_FEMALE,
    YOUNG_MALE,
)
from carecenter.demo.kinds_demo import KindMaker, counts
from carecenter.errors import KnownError
from carecenter.register import pinyin, verdicts
from carecenter.register.groups import group_key
from carecenter.register.people import search_key
from carecenter.rules.fields import OUTSIDE_COUNTY, PERSON
from carecenter.rules.idnumber import check_char
from carecenter.rules.kinds import SUPPORTER_COLUMNS
from carecenter.rules.roles import CLERK, require
from carecenter.storage.database import Database
from carecenter.storage.models import (
    ACTIVE,
    EXIT_REASONS,
    EXITED,
    assessment,
    need,
    person,
    person_event,
    supporter,
    village_group,
    visit,
)

BATCH = 2000  # people per round of inserts; their supporters and events go with them
GROUP_NAMES = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组",
               "十组", "十一组", "十二组")
VILLAGES = ("桃花村", "石门村", "青山村", "新屋村", "荷叶村", "龙泉村", "白竹村", "金山村")
FIRST_AWAY = date(2015, 1, 1)
# Dates are drawn back from this day so that a seed gives the same register whenever it
# runs; a clock set earlier than this pulls the day back so that nothing is in the future.
REFERENCE_DAY = date(2026, 11, 23)


@dataclass(frozen=True)
class DemoSummary:
    persons: int
    supporters: int
    groups: int
    seconds: float
    visits: int = 0
    helpers: int = 0
    pairings: int = 0



# The village is in 隆回县 (430524); others married in from nearby counties, a few from
# Guizhou. Real county codes, so the numbers look like a real ledger's.
def _multi(field_name: str, codes: set[str]) -> list[str]:
    """In declared order, as the form's cleaner stores them."""
    return [c.code for c in PERSON[field_name].choices if c.code in codes]


class _Maker:
    """Draws people and their supporters; holds the caches that make 100,000 fast."""

    def __init__(self, rng: random.Random, today: date, taken: set[str]) -> None:
        self.rng = rng
        self.today = today
        self.taken = taken  # ID numbers already used, in the database or in this run
        self.village = rng.choice(VILLAGES)
        self.name_index: dict[str, tuple[str, str]] = {}
        self.today_ordinal = today.toordinal()
        self.first_away = min(FIRST_AWAY, today).toordinal()
        self.without_id = 0  # files waiting for their number, so far

    # -- small draws -------------------------------------------------------------------

    def day_between(self, first: int, last: int) -> date:
        return date.fromordinal(self.rng.randint(first, max(first, last)))

    def phone(self) -> str:
        return f"1{PHONE_SECOND(self.rng)}{self.rng.randrange(10**9):09d}"

    def index(self, name: str) -> tuple[str, str]:
        """Sort key and the name's part of the search key; names repeat, pinyin is slow."""
        cached = self.name_index.get(name)
        if cached is None:
            cached = (pinyin.sort_key(name), search_key(name, None, None))
            self.name_index[name] = cached
        return cached

    def id_number(self, area: str, birth: date, male: bool) -> str:
        while True:
            # GB 11643: the sequence is odd for a man, even for a woman (001-999, 002-998).
            sequence = self.rng.randrange(500) * 2 + 1 if male else self.rng.randrange(499) * 2 + 2
            body = f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
            number = body + check_char(body)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def birth_date(self) -> date:
        rng = self.rng
        if rng.random() < 0.05:  # a few under 60: the register must show them as not 留守
            year = rng.randint(1967, 1978)
        else:  # most are in their sixties and seventies, fewer very old
            year = int(rng.triangular(1928, 1967, 1958))
        year = min(year, self.today.year - 1)
        start = date(year, 1, 1).toordinal()
        return date.fromordinal(rng.randrange(start, date(year + 1, 1, 1).toordinal()))

    # -- one person ----------------------------------------------------------------------

    def person(self, group: tuple[int, str], houses: int
               ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        male = rng.random() < 0.45  # women outlive men: more of the elders are women
        surname = SURNAMES(rng)
        name = surname + (ELDER_MALE if male else ELDER_FEMALE)(rng)
        birth = self.birth_date()
        age = self.today.year - birth.year
        old = age >= 75
        area = AREAS(rng)
        number = self.id_number(area, birth, male) if rng.random() >= 0.03 else None
        phone = self.phone() if rng.random() < 0.8 else None
        sort_key, name_key = self.index(name)
        key = name_key + (f"|{number.lower()}" if number else "") + (f"|{phone}" if phone else "")

        marital = (MARITAL_OLD if old else MARITAL)(rng)
        married = marital == "married"
        health = (HEALTH_OLD if old else HEALTH)(rng)
        disability = DISABILITY(rng)
        registered = self.day_between(self.today_ordinal - 4 * 365, self.today_ordinal)
        created = datetime.combine(registered, time_of_day(8)) + timedelta(
            minutes=rng.randrange(8 * 60))
        # Children carry the father's surname: the elder's own if a man, else the husband's.
        family = surname if male else SURNAMES(rng)
        supporters = self.supporters(family, birth)
        status, exit_date, exit_reason, exit_note = ACTIVE, None, None, None
        events = [{"at": created, "event": "created", "effective": None, "detail": "新建档案"}]
        updated = created
        if rng.random() < 0.02:
            status, exit_reason = EXITED, EXIT_REASON(rng)
            exit_date = self.day_between(registered.toordinal(), self.today_ordinal)
            exit_note = rng.choice(EXIT_NOTES) if exit_reason == "other" else None
            if exit_reason == "supporter_returned":
                self.came_home(supporters[0], exit_date)
            updated = datetime.combine(exit_date, time_of_day(16, 30)) + timedelta(
                minutes=rng.randrange(60))
            detail = EXIT_REASONS[exit_reason] + (f":{exit_note}" if exit_note else "")
            events.append({"at": updated, "event": "exited", "effective": exit_date,
                           "detail": detail})

        living = self.living_with(married)
        row: dict[str, Any] = {
            "kind": "elder", "kinds": ["elder"], "status": status, "exit_date": exit_date,
            "exit_reason": exit_reason, "exit_note": exit_note,
            "name_pinyin": sort_key, "search_key": key,
            "created_at": created, "updated_at": updated,
            "name": name, "id_number": number, "sex": "male" if male else "female",
            "birth_date": birth,
            **self.thin_ledger_gaps(number),
            "ethnicity": (MINORITY_AREA_ETHNICITY if area.startswith(("52", "4331"))
                          else HAN_AREA_ETHNICITY)(rng),
            "phone": phone, "group_id": group[0],
            "address": f"{self.village}{group[1]}{rng.randint(1, houses)}号",
            "education": (EDUCATION_OLD if old or not male and age >= 70 else EDUCATION)(rng),
            "marital_status": marital,
            "medical_insurance": INSURANCE(rng),
            # Half were confirmed in last year's census (the carry-over rule reads this).
            "left_behind_year": self.today.year - 1 if rng.random() < 0.5 else None,
            "registered_on": registered,
            "filled_by": rng.choice(CLERKS), "reviewed_by": rng.choice(REVIEWERS),
            "health_status": health,
            "illnesses": self.illnesses(health),
            "disability": disability,
            "disability_grade": DISABILITY_GRADE(rng) if disability != "none" else None,
            "living_with": living,
            "daily_carers": self.carers(married, health, living),
            "care_situation": rng.choice(
                CARE_NOTES_DEPENDENT if health in DEPENDENT
                else CARE_NOTES_MARRIED if married else CARE_NOTES
            ) if rng.random() < 0.4 else None,
            "housing_risks": self.housing(),
            "family_structure": self.family_structure(married, living, supporters),
            **self.needs(age, health, disability),
        }
        return row, supporters, events

    def thin_ledger_gaps(self, number: str | None) -> dict[str, Any]:
        """Every third file without a number came from a thin ledger (issue 7) that gave
        no birth date or sex either. Counted, not drawn, so a seed's register is the
        same as before apart from these blanks."""
        if number is not None:
            return {}
        self.without_id += 1
        return {"birth_date": None, "sex": None} if self.without_id % 3 == 1 else {}

    def living_with(self, married: bool) -> list[str]:
        r = self.rng.random()
        if married:
            extra = ({"empty_nest"} if r < 0.5 else {"grandchildren"} if r < 0.8
                     else {"relatives"} if r < 0.9 else set())
            return _multi("living_with", {"spouse", *extra})
        if r < 0.55:
            return ["alone"]
        return _multi("living_with", {"grandchildren"} if r < 0.8 else {"relatives"}
                      if r < 0.95 else {"empty_nest"})

    def carers(self, married: bool, health: str, living: list[str]) -> list[str]:
        r = self.rng.random()
        if health in DEPENDENT:
            chosen = ({"spouse"} if married else set()) | (
                {"relatives"} if r < 0.6 else {"hired"} if r < 0.75 else {"home_service"}
                if r < 0.92 else {"neighbours"})
        elif married:
            chosen = {"spouse", "self"} if r < 0.7 else {"spouse"}
        elif living == ["alone"]:
            if r < 0.03:
                return ["nobody"]
            chosen = {"self"} | ({"neighbours"} if r < 0.4 else set())
        else:
            chosen = {"self", "relatives"} if r < 0.6 else {"relatives"}
        return _multi("daily_carers", chosen)

    def illnesses(self, health: str) -> list[str]:
        if health == "healthy":
            return []
        rng = self.rng
        chosen = set()
        if rng.random() < 0.55:
            chosen.add("hypertension")
        if rng.random() < 0.18:
            chosen.add("diabetes2")
        if rng.random() < 0.01:
            chosen.add("tuberculosis")
        if rng.random() < (0.1 if health == "dementia" else 0.01):
            chosen.add("mental")
        if rng.random() < 0.06:
            chosen.add("serious")
        return _multi("illnesses", chosen)

    def housing(self) -> list[str]:
        r = self.rng.random()
        if r >= 0.1:
            return []
        return ["dilapidated"] if r < 0.04 else ["geohazard"] if r < 0.07 else ["flood_zone"]

    def needs(self, age: int, health: str, disability: str) -> dict[str, Any]:
        rng = self.rng
        standard = STANDARD(rng)
        poor = standard == "poor"
        assistance = set()
        if rng.random() < (0.45 if poor else 0.04):
            assistance.add("dibao")
        if rng.random() < (0.08 if poor else 0.005):
            assistance.add("tekun")
        if rng.random() < 0.05:
            assistance.add("medical")
        if rng.random() < 0.02:
            assistance.add("temporary")
        if rng.random() < 0.01:
            assistance.add("housing")
        if age >= 80 and rng.random() < 0.9:  # 高龄津贴 starts at 80 in most provinces
            assistance.add("elder_allowance")
        if disability != "none" and rng.random() < 0.7:
            assistance.add("disability_allowance")
        income = set()
        if rng.random() < 0.9:
            income.add("pension")
        if rng.random() < (0.2 if age >= 75 else 0.65):
            income.add("farming")
        if rng.random() < 0.5:
            income.add("family_help")
        if age < 65 and rng.random() < 0.15:
            income.add("work")
        if assistance & {"dibao", "tekun", "temporary"}:
            income.add("government")
        if not income:
            income.add("other")
        wanted = set()
        for code, chance in (("emotional", 0.5), ("health", 0.45), ("production", 0.15),
                             ("safety", 0.2), ("culture", 0.15), ("legal", 0.03),
                             ("emergency", 0.1)):
            if rng.random() < chance:
                wanted.add(code)
        if health in DEPENDENT or rng.random() < 0.15:
            wanted.add("daily_care")
        income_yuan = rng.randint(20, 300 if not poor else 80) * 100 if rng.random() < 0.85 \
            else None
        return {
            "living_standard": standard,
            "income_sources": _multi("income_sources", income),
            "annual_income": income_yuan,
            "assistance": _multi("assistance", assistance),
            "difficulties": rng.choice(DIFFICULTIES) if rng.random() < 0.3 else None,
            "service_needs": _multi("service_needs", wanted),
            "needs_note": None,
            "note": "电话号码待核实" if rng.random() < 0.01 else None,
        }

    @staticmethod
    def family_structure(married: bool, living: list[str],
                         supporters: Sequence[dict[str, Any]]) -> str:
        sons = sum(s["relation"] == "son" for s in supporters)
        daughters = sum(s["relation"] == "daughter" for s in supporters)
        head = ("老两口" if married else "独居" if living in (["alone"], ["empty_nest"])
                else "与孙辈同住" if "grandchildren" in living else "与亲属同住")
        children = "".join(
            f"{CHINESE_COUNTS[n]}{word}" for n, word in ((sons, "子"), (daughters, "女")) if n
        ) or f"{CHINESE_COUNTS[len(supporters)]}名赡养人"
        away = sum(s["location_scope"] in OUTSIDE_COUNTY for s in supporters)
        where = ("在外务工" if away == len(supporters) == 1 else "均在外务工"
                 if away == len(supporters) else "在本县" if away == 0 else "部分在本县")
        return f"{head},{children}{where}"

    # -- supporters --------------------------------------------------------------------

    def supporters(self, family: str, elder_birth: date) -> list[dict[str, Any]]:
        rng = self.rng
        rows = []
        for position in range(SUPPORTER_COUNT(rng)):
            relation = RELATIONS(rng)
            if relation in ("son", "grandchild"):
                given = GRANDCHILD(rng) if relation == "grandchild" else YOUNG_MALE(rng)
                name = family + given
            elif relation == "daughter":
                name = family + YOUNG_FEMALE(rng)
            elif relation == "daughter_in_law":
                name = SURNAMES(rng) + YOUNG_FEMALE(rng)
            else:
                male = rng.random() < 0.7
                name = SURNAMES(rng) + (YOUNG_MALE if male else YOUNG_FEMALE)(rng)
            scope = SCOPES(rng)
            whereabouts = WHEREABOUTS[scope](rng)
            at_home = whereabouts == "本村务农"
            away = None if at_home else self.day_between(
                max(self.first_away, elder_birth.toordinal() + 20 * 365),
                self.today_ordinal - 20)
            row: dict[str, Any] = {
                "position": position, "name": name, "relation": relation,
                "phone": self.phone() if rng.random() < 0.95 else None,
                "whereabouts": whereabouts, "location_scope": scope, "away_since": away,
                "returned_on": None, "return_kind": None,
            }
            if away is not None and rng.random() < 0.05:
                returned = self.day_between(away.toordinal() + 30, self.today_ordinal)
                if returned.toordinal() <= self.today_ordinal:
                    row["returned_on"] = returned
                    row["return_kind"] = "temporary" if rng.random() < 0.6 else "permanent"
            rows.append(row)
        return rows

    def came_home(self, row: dict[str, Any], on: date) -> None:
        """The supporter whose return for good is the reason the elder left the register."""
        if row["away_since"] is None or row["away_since"] >= on:
            row["away_since"] = on - timedelta(days=400)
            if row["location_scope"] == "in_county":
                row["location_scope"] = "out_province"
                row["whereabouts"] = "广东省东莞市"
        row["returned_on"] = on
        row["return_kind"] = "permanent"


TEKUN_BLANK = {name: None for name in ("tekun_since", "tekun_cert", "support_mode", "self_care",
                                        "monthly_allowance")}
SUPPORTER_KEYS = ("position", "role", *(f.name for f in SUPPORTER_COLUMNS))


def _other_kinds(connection: Connection, others: KindMaker, share: dict[str, int],
                 groups: list[tuple[int, str]], houses: int,
                 progress: Callable[[int], None]) -> tuple[int, int]:
    """The children, women and 特困 people after the elders; (supporters, visits)."""
    supporters_total = visits_total = done = 0
    for code in ("child", "woman", "tekun"):
        draw = getattr(others, code)
        left = share[code]
        while left > 0:
            size = min(BATCH, left)
            people = [draw(groups[others.rng.randrange(len(groups))], houses)
                      for _ in range(size)]
            ids = connection.execute(
                insert(person).returning(person.c.id, sort_by_parameter_order=True),
                [p[0] for p in people]).scalars().all()
            supporter_rows: list[dict[str, Any]] = []
            event_rows: list[dict[str, Any]] = []
            visits: list[dict[str, Any]] = []
            for person_id, (row, supporters, events) in zip(ids, people, strict=True):
                others.records(person_id, row, visits)
                supporter_rows += [{"person_id": person_id,
                                    **{k: s.get(k) for k in SUPPORTER_KEYS}}
                                   for s in supporters]
                event_rows += [{**e, "person_id": person_id} for e in events]
            for s in supporter_rows:
                s["unable"] = bool(s["unable"])
            if supporter_rows:
                connection.execute(insert(supporter), supporter_rows)
            connection.execute(insert(person_event), event_rows)
            if visits:
                connection.execute(insert(visit), visits)
            supporters_total += len(supporter_rows)
            visits_total += len(visits)
            left -= size
            done += size
            progress(done)
    return supporters_total, visits_total


def _ensure_groups(connection: Connection) -> list[tuple[int, str]]:
    """一组 … 十二组, reusing groups already there (三组 and 3组 are the same group)."""
    existing = {group_key(name): int(gid) for gid, name in connection.execute(
        select(village_group.c.id, village_group.c.name))}
    position = connection.execute(
        select(func.coalesce(func.max(village_group.c.position), 0))).scalar_one()
    groups = []
    for name in GROUP_NAMES:
        gid = existing.get(group_key(name))
        if gid is None:
            position += 1
            gid = connection.execute(
                insert(village_group).values(name=name, position=position, active=True)
                .returning(village_group.c.id)).scalar_one()
        groups.append((gid, name))
    return groups


def generate(
    database: Database,
    persons: int,
    seed: int = 0,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    helpers: int | None = None,
) -> DemoSummary:
    """Add ``persons`` synthetic people of every kind (``kinds_demo.counts``: most of
    them elders), refusing a database that already has people."""
    started = time.perf_counter()
    # Its bulk writes go round the service calls, so the role is checked here (issue 18).
    require(database.operator, CLERK, "生成演示数据")
    if persons < 0:
        raise KnownError("人数不能是负数")
    today = today or min(REFERENCE_DAY, clock.today())
    with database.engine.begin() as connection:
        existing = connection.execute(select(func.count()).select_from(person)).scalar_one()
        if existing and not force:
            raise KnownError(
                f"数据库里已有 {existing} 人,演示数据不会覆盖;如确需追加请加 --force"
            )
        taken = {n for (n,) in connection.execute(
            select(person.c.id_number).where(person.c.id_number.is_not(None)))}
        groups = _ensure_groups(connection)
        maker = _Maker(random.Random(seed), today, taken)
        # A stream of its own, so a seed gives the same register with or without care.
        care = CareMaker(random.Random(seed + 1_000_003), today)
        houses = max(20, persons // len(groups) * 2 // 3)  # about 1.5 elders per house
        supporters_total = 0
        visits_total = 0
        done = 0
        share = counts(persons)
        elders = share["elder"]
        # The other kinds from a stream of their own: a seed's elders stay the same people.
        others = KindMaker(random.Random(seed + 2_000_003), today, taken, maker.village)
        while done < elders:
            size = min(BATCH, elders - done)
            people = [maker.person(groups[maker.rng.randrange(len(groups))], houses)
                      for _ in range(size)]
            rows = [p[0] for p in people]
            for row in rows:
                care.colour(row)
                row.update(TEKUN_BLANK)
                others.make_elder_tekun(row)
            # RETURNING in parameter order gives each row its id on SQLite and PostgreSQL
            # alike, without guessing ids that a server's sequence would not know about.
            ids = connection.execute(
                insert(person).returning(person.c.id, sort_by_parameter_order=True), rows
            ).scalars().all()
            supporter_rows: list[dict[str, Any]] = []
            event_rows: list[dict[str, Any]] = []
            visits: list[dict[str, Any]] = []
            needs: list[dict[str, Any]] = []
            assessments: list[dict[str, Any]] = []
            for person_id, (row, supporters, events) in zip(ids, people, strict=True):
                care.records(person_id, row, visits, needs, assessments)
                if "tekun" in row["kinds"]:
                    others.records(person_id, row, visits)
                for s in supporters:
                    s["person_id"] = person_id
                    supporter_rows.append(s)
                for e in events:
                    e["person_id"] = person_id
                    event_rows.append(e)
            connection.execute(insert(supporter), supporter_rows)
            connection.execute(insert(person_event), event_rows)
            for table, care_rows in ((assessment, assessments), (visit, visits), (need, needs)):
                if care_rows:
                    connection.execute(insert(table), care_rows)
            visits_total += len(visits)
            supporters_total += len(supporter_rows)
            done += size
            if progress is not None:
                progress(done, persons)
        if persons:
            care.rounds(connection, groups)
        from carecenter.demo.pairing_demo import OTHER_KINDS_ROLES, make_helpers

        # The elders' helpers first, as before the other kinds came (a seed's elders keep
        # their pairings); a number asked for is made once everyone is in.
        helpers_made = paired = 0
        if helpers is None:
            helpers_made, paired = make_helpers(connection, elders // 15, seed, today)
        made, visits_made = _other_kinds(connection, others, share, groups, houses,
                                         lambda n: progress(elders + n, persons)
                                         if progress is not None else None)
        supporters_total += made
        visits_total += visits_made
        if helpers is not None:
            helpers_made, paired = make_helpers(connection, helpers, seed, today)
        elif persons > elders:
            more, more_paired = make_helpers(connection, (persons - elders) // 15, seed + 1,
                                             today, OTHER_KINDS_ROLES)
            helpers_made += more
            paired += more_paired
        # Home visits were made by the paired helper, so duties count (seed 001).
        connection.execute(text(
            "UPDATE visit SET helper_id = (SELECT p.helper_id FROM pairing p "
            "  WHERE p.person_id = visit.person_id AND p.ended_on IS NULL AND p.rank = 1), "
            "visitor = coalesce((SELECT h.name FROM pairing p JOIN helper h ON h.id = p.helper_id"
            "  WHERE p.person_id = visit.person_id AND p.ended_on IS NULL AND p.rank = 1), "
            "  visitor) WHERE kind = 'home' AND round_id IS NULL"))
        duestore.rebuild(connection, today)
        verdicts.ensure_current(connection, today)  # the 留守 verdict kept with each file
        verdicts.mark_current(connection)  # all just judged by this program's rules
        visit_tally.rebuild(connection)
        duty_tally.rebuild(connection)
    with database.transaction() as session:
        audit.record(session, "created", "register", summary="生成演示数据", count=persons)
    return DemoSummary(persons, supporters_total, len(groups), time.perf_counter() - started,
                       visits_total, helpers_made, paired)
