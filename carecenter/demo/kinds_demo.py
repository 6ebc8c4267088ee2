"""Demo people of the other kinds: 留守儿童, 留守妇女 and 特困群众 (issue 21, seed 000).

Drawn from a random stream of their own and added after the elders, so that a seed's
elders are the same people as before (the first of them, when some of the total go to
the other kinds). Proportions as in a village that uses the program for everyone the
campaign names: most files are elders, about a fifth children, an eighth women, a few
特困 people without any other kind; and the elders whose file says 特困供养 are 特困 too.
Each kind's records follow its own duties: a child's weekly contact and monthly visit,
a woman's yearly items, a 特困 person's yearly aid and quarterly service.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from carecenter.calendar import add_months
from carecenter.demo.draws import (
    GRANDCHILD,
    SURNAMES,
    YOUNG_FEMALE,
    YOUNG_MALE,
    Weighted,
)
from carecenter.register import pinyin
from carecenter.register.people import search_key
from carecenter.rules.idnumber import check_char
from carecenter.rules.kinds import CHILD, TEKUN, WOMAN

# Shares of the whole demo register; the rest are elders.
SHARES = (("child", 0.22), ("woman", 0.12), ("tekun", 0.03))
WORKPLACES = Weighted([("广东省东莞市", 12), ("广东省深圳市", 10), ("浙江省义乌市", 6),
                       ("江苏省苏州市", 5), ("上海市", 4), ("福建省厦门市", 3),
                       ("湖南省长沙市", 8), ("湖北省武汉市", 2)])
SCHOOLS = {"kindergarten": "村幼儿园", "primary": "白竹村完全小学", "junior": "镇中学",
           "senior": "县第一中学", "vocational": "县职业中专"}
GUARDIAN_OF = Weighted([("grandmother", 45), ("grandfather", 25),
                        ("maternal_grandmother", 15), ("maternal_grandfather", 7),
                        ("relative", 6), ("sibling", 2)])
GUARDIANSHIP = Weighted([("good", 55), ("fair", 35), ("trustee_weak", 7), ("none", 1),
                         ("parent_unable", 2)])
CONTACTS = ("爷爷每周和孩子视频", "父母每周日晚上打电话", "孩子情绪好,学习正常",
            "奶奶说孩子最近不爱说话,已联系班主任")
DIRECTOR = "儿童督导主任唐小燕"
CADRES = ("刘主任", "王网格员", "李协理员")


def counts(persons: int) -> dict[str, int]:
    """How many of ``persons`` each kind gets; the elders take the rest."""
    out = {code: int(persons * share) for code, share in SHARES}
    out["elder"] = persons - sum(out.values())
    return out


class KindMaker:
    """Draws children, women and 特困 people; the elders come from ``register_demo``."""

    def __init__(self, rng: random.Random, today: date, taken: set[str], village: str,
                 area: str = "430524") -> None:
        self.rng = rng
        self.today = today
        self.taken = taken
        self.village = village
        self.area = area
        self.now = datetime.combine(today, time_of_day(9))

    # -- shared draws ---------------------------------------------------------------

    def _day(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def _phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def _id(self, birth: date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + 1 if male else \
                self.rng.randrange(499) * 2 + 2
            body = f"{self.area}{birth:%Y%m%d}{sequence:03d}"
            number = body + check_char(body)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def _base(self, kind: str, kinds: list[str], name: str, male: bool, birth: date,
              group: tuple[int, str], houses: int) -> dict[str, Any]:
        registered = self._day(self.today - timedelta(days=3 * 365), self.today)
        created = datetime.combine(registered, time_of_day(9)) + timedelta(
            minutes=self.rng.randrange(7 * 60))
        number = self._id(birth, male)
        sort_key = pinyin.sort_key(name)
        return {
            "kind": kind, "kinds": kinds, "status": "active", "exit_date": None,
            "exit_reason": None, "exit_note": None, "name_pinyin": sort_key,
            "search_key": search_key(name, number, None), "created_at": created,
            "updated_at": created, "name": name, "id_number": number,
            "sex": "male" if male else "female", "birth_date": birth, "ethnicity": "汉族",
            "phone": None, "group_id": group[0],
            "address": f"{self.village}{group[1]}{self.rng.randint(1, houses)}号",
            "registered_on": registered, "filled_by": "唐小燕", "reviewed_by": "李志刚",
        }

    def _events(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The file's first event; the row is whole by now, so its search text too."""
        row["search_key"] = search_key(row["name"], row["id_number"], row["phone"])
        return [{"at": row["created_at"], "event": "created", "effective": None,
                 "detail": "新建档案"}]

    def _away(self, name: str, relation: str, role: str, since_after: date
              ) -> dict[str, Any]:
        return {"role": role, "name": name, "relation": relation, "phone": self._phone(),
                "whereabouts": WORKPLACES(self.rng), "location_scope": "out_province"
                if self.rng.random() < 0.7 else "out_county",
                "away_since": self._day(since_after, self.today - timedelta(days=30)),
                "returned_on": None, "return_kind": None, "unable": False}

    # -- a child ---------------------------------------------------------------------

    def child(self, group: tuple[int, str], houses: int
              ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        male = rng.random() < 0.53
        surname = SURNAMES(rng)
        name = surname + GRANDCHILD(rng)
        age_days = rng.randrange(180, 16 * 365 - 20)
        birth = self.today - timedelta(days=age_days)
        age = age_days // 365
        row = self._base("child", ["child"], name, male, birth, group, houses)
        schooling = ("not_in_kindergarten" if age < 3 else "kindergarten" if age < 6
                     else "primary" if age < 12 else "junior" if age < 15
                     else rng.choice(("senior", "vocational", "junior", "not_in_school")))
        if 7 <= age < 15 and rng.random() < 0.004:
            schooling = "dropped_out"
        hardship = []
        if rng.random() < 0.01:
            hardship.append("orphan")
        elif rng.random() < 0.03:
            hardship.append("unsupported")
        if rng.random() < 0.02:
            hardship.append("disabled")
        if rng.random() < 0.08:
            hardship.append("poor")
        row.update({
            "hukou_registered": rng.random() < 0.995, "hukou_place": f"湖南省隆回县{self.village}",
            "schooling": schooling, "school": SCHOOLS.get(schooling),
            "grade": (f"{age - 5}年级" if schooling == "primary" else
                      f"{'七八九'[min(age - 12, 2)]}年级" if schooling == "junior" else None),
            "boarding": schooling in ("junior", "senior") and rng.random() < 0.6,
            "child_health": ["healthy"] if rng.random() < 0.95 else ["ill"],
            "guardianship": GUARDIANSHIP(rng), "hardship": hardship,
            "income_sources": ["work"] if rng.random() < 0.8 else ["work", "farming"],
            "assistance": ["dibao"] if "poor" in hardship else [],
        })
        first_away = max(birth, self.today - timedelta(days=8 * 365))
        father = self._away(surname + YOUNG_MALE(rng), "father", "parent", first_away)
        mother = self._away(SURNAMES(rng) + YOUNG_FEMALE(rng), "mother", "parent", first_away)
        r = rng.random()
        if r < 0.12:  # the mother at home, unable to look after the child
            mother.update(location_scope="in_county", whereabouts="在家", away_since=None,
                          unable=True)
        elif r < 0.16:  # the mother came home for good: to be put before the clerk
            mother["returned_on"] = self._day(mother["away_since"], self.today)
            mother["return_kind"] = "permanent"
        supporters = [father, mother]
        if "orphan" not in hardship:
            supporters.append({
                "role": "guardian", "name": surname + rng.choice("福贵秀英桂兰德明"),
                "relation": GUARDIAN_OF(rng), "phone": self._phone(),
                "address": row["address"], "location_scope": None, "away_since": None,
                "returned_on": None, "return_kind": None, "whereabouts": None,
                "unable": False})
        for position, s in enumerate(supporters):
            s["position"] = position
        return row, supporters, self._events(row)

    # -- a woman ---------------------------------------------------------------------

    def woman(self, group: tuple[int, str], houses: int
              ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.rng
        birth = self.today - timedelta(days=rng.randrange(22 * 365, 58 * 365))
        name = SURNAMES(rng) + YOUNG_FEMALE(rng)
        row = self._base("woman", ["woman"], name, False, birth, group, houses)
        row.update({
            "phone": self._phone(),
            "employment": rng.choice(("farming", "farming", "local_work", "self_employed",
                                      "public_post", "none")),
            "training_wish": rng.sample(["tourism", "ecommerce", "handicraft", "workshop"],
                                        rng.randint(0, 2)),
            "children_at_home": rng.randint(0, 3), "elders_at_home": rng.randint(0, 2),
            "health_status": "healthy" if rng.random() < 0.8 else "chronic",
            "education": rng.choice(("primary", "junior", "junior", "senior")),
        })
        row["training_wish"] = [c for c in ("tourism", "ecommerce", "handicraft", "workshop",
                                            "other") if c in row["training_wish"]]
        husband = self._away(SURNAMES(rng) + YOUNG_MALE(rng), "husband", "husband",
                             self.today - timedelta(days=10 * 365))
        husband["position"] = 0
        return row, [husband], self._events(row)

    # -- 特困 -------------------------------------------------------------------------

    def tekun_fields(self) -> dict[str, Any]:
        rng = self.rng
        since = self._day(date(2015, 1, 1), self.today - timedelta(days=30))
        return {"tekun_since": since, "tekun_cert": f"特{since.year}{rng.randrange(10000):04d}",
                "support_mode": "concentrated" if rng.random() < 0.25 else "dispersed",
                "self_care": rng.choice(("full", "full", "partial", "none")),
                "monthly_allowance": rng.choice((600, 650, 700, 750))}

    def tekun(self, group: tuple[int, str], houses: int
              ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """A 特困 person under 60 (the older ones are elders too): alone, often disabled."""
        rng = self.rng
        male = rng.random() < 0.6
        birth = self.today - timedelta(days=rng.randrange(25 * 365, 59 * 365))
        name = SURNAMES(rng) + (YOUNG_MALE if male else YOUNG_FEMALE)(rng)
        row = self._base("tekun", ["tekun"], name, male, birth, group, houses)
        disabled = rng.random() < 0.5
        row.update({
            **self.tekun_fields(), "marital_status": "unmarried",
            "health_status": "chronic" if rng.random() < 0.5 else "partly_disabled",
            "illnesses": ["serious"] if rng.random() < 0.1 else [],
            "disability": "physical" if disabled else "none",
            "disability_grade": rng.choice(("1", "2", "3")) if disabled else None,
            "living_with": ["alone"], "living_standard": "poor",
            "assistance": ["tekun"] + (["disability_allowance"] if disabled else []),
            "income_sources": ["government"],
        })
        return row, [], self._events(row)

    def make_elder_tekun(self, row: dict[str, Any]) -> None:
        """An elder whose file says 特困供养 is 特困 too: one file, two kinds."""
        if "tekun" in (row.get("assistance") or []) and row.get("status") == "active":
            row["kinds"] = ["elder", "tekun"]
            row.update(self.tekun_fields())

    # -- their records -----------------------------------------------------------------

    def records(self, person_id: int, row: dict[str, Any], visits: list[dict[str, Any]]
                ) -> None:
        """The last year's records each kind's duties ask for, mostly on time."""
        rng = self.rng
        start = max(row["registered_on"], self.today - timedelta(days=365))
        kinds = row["kinds"]
        if CHILD.code in kinds:
            week = start - timedelta(days=start.weekday())
            while week <= self.today:
                recent = (self.today - week).days < 60
                if rng.random() < (0.9 if recent else 0.6):
                    on = min(self.today, week + timedelta(days=rng.randrange(7)))
                    visits.append(self._visit(person_id, on, "contact", DIRECTOR,
                                              rng.choice(CONTACTS)))
                week += timedelta(days=7)
        if CHILD.code in kinds or TEKUN.code in kinds:
            month = date(start.year, start.month, 1)
            while month <= self.today:
                if rng.random() < 0.85:
                    on = min(self.today, month + timedelta(days=rng.randrange(28)))
                    visits.append(self._visit(person_id, max(on, start), "home",
                                              rng.choice(CADRES), "家中正常"))
                month = add_months(month, 1)
        yearly = []
        if WOMAN.code in kinds:
            yearly += ["training", "mental_talk", "reunion", "screening"]
        if TEKUN.code in kinds:
            yearly += ["support", "temp_aid", "service"]
            if row.get("disability_grade"):
                yearly.append("allowance")
        this_year = date(self.today.year, 1, 1)
        for code in yearly:
            if rng.random() < 0.6:
                on = self._day(max(this_year, start), self.today)
                visits.append(self._visit(person_id, on, code, rng.choice(CADRES), ""))

    def _visit(self, person_id: int, on: date, kind: str, visitor: str, found: str
               ) -> dict[str, Any]:
        return {"person_id": person_id, "visited_on": on, "kind": kind, "visitor": visitor,
                "helper_id": None, "found": found, "round_id": None, "created_at": self.now}
