"""Demo care records: assessments, a year of visits, needs and special rounds.

Drawn for each demo person from their own file (an 86-year-old with dementia is
assessed red), so that the work list of a demo register looks like a real village's:
most people visited on time lately, a tail overdue, some needs open.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from carecenter.calendar import add_months, spring_festival
from carecenter.care.care_book import NEED_KINDS
from carecenter.rules.cadences import KEY_CODES, MONTHLY_ILLNESSES
from carecenter.rules.risk import FACTORS, propose, suggested_factors
from carecenter.storage.models import care_round, person, round_member, visit

VISITORS = ("王网格员", "李协理员", "赵队员", "陈会长", "刘主任", "村医周医生")
FOUND = ("身体尚好,生活正常", "血压偏高,已提醒按时服药", "屋内整洁,饮食正常",
         "子女每周来电", "腿脚不便,需要帮助挑水", "情绪低落,陪同聊天", "天冷,已送棉被")
NEEDS = (("daily_care", "需要人帮忙买菜做饭"), ("health", "需要陪同到镇卫生院复查"),
         ("safety", "屋顶漏雨,需修缮"), ("emotional", "想念子女,希望多联系"),
         ("production", "农忙时需要帮忙收割"), ("legal", "宅基地纠纷需法律咨询"))
_RED = [f.code for f in FACTORS if f.colour == "red"]
_YELLOW = [f.code for f in FACTORS if f.colour == "yellow"]


class CareMaker:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.now = datetime.combine(today, datetime.min.time())

    def colour(self, row: dict[str, Any]) -> None:
        """Set the person's latest assessment on their row; keep the assessments drawn."""
        row["colour"] = row["colour_on"] = None
        row["factors"] = []
        row["_assessments"] = []
        vulnerable = bool(set(row.get("living_with") or []) & {"alone", "empty_nest"})
        row["refuses_institution"] = vulnerable and self.rng.random() < 0.2
        if row.get("status") != "active" or self.rng.random() < 0.06:
            return  # exited, or not assessed yet
        rng = self.rng
        # Not every hint in the file is confirmed at the door: keep a red one now and then.
        factors = {code for code in suggested_factors(row, self.today)
                   if code not in _RED or rng.random() < 0.3}
        if rng.random() < 0.04:
            factors.add(rng.choice(_RED))
        if rng.random() < 0.15:
            factors.add(rng.choice(_YELLOW))
        codes = [f.code for f in FACTORS if f.code in factors]
        colour = propose(codes).colour
        registered: date = row.get("registered_on") or self.today - timedelta(days=400)
        latest = self.today - timedelta(days=rng.randrange(0, 100))
        latest = max(latest, registered)
        assessments = [(latest, codes, colour)]
        earlier = add_months(latest, -3) - timedelta(days=rng.randrange(0, 15))
        if earlier >= registered:
            assessments.append((earlier, codes, colour))
        row["colour"], row["colour_on"], row["factors"] = colour, latest, codes
        row["_assessments"] = assessments

    def records(self, person_id: int, row: dict[str, Any], visits: list[dict[str, Any]],
                needs: list[dict[str, Any]], assessments: list[dict[str, Any]]) -> None:
        rng = self.rng
        for on, codes, colour in row.pop("_assessments"):
            assessments.append({
                "person_id": person_id, "assessed_on": on, "assessor": "刘主任",
                "factors": codes, "proposed": colour, "colour": colour, "reason": None,
                "note_self": None, "note_care": None, "note_carer": None,
                "note_family": None, "created_at": self.now,
            })
        start = max(row.get("registered_on") or self.today, self.today - timedelta(days=365))
        end = row.get("exit_date") or self.today
        visitor = rng.choice(VISITORS)
        red = row.get("colour") == "red"
        day = start
        while day <= end:
            recent = (self.today - day).days < 95
            if rng.random() < (0.85 if recent else 0.2):
                on = min(end, day + timedelta(days=rng.randrange(0, 28)))
                visits.append(self._visit(person_id, on, "home", visitor))
                if rng.random() < 0.02:
                    kind, text = rng.choice(NEEDS)
                    resolved = rng.random() < 0.6 and on + timedelta(days=10) <= self.today
                    needs.append({
                        "person_id": person_id, "kind": kind, "raised_on": on,
                        "raised_by": visitor, "description": text, "visit_id": None,
                        "handling": "已报村委会" if resolved or rng.random() < 0.5 else None,
                        "resolved_on": on + timedelta(days=10) if resolved else None,
                        "resolution": "已解决" if resolved else None,
                        "created_at": self.now, "updated_at": self.now,
                    })
            if red and rng.random() < 0.8:
                on = min(end, day + timedelta(days=rng.randrange(0, 28)))
                visits.append(self._visit(person_id, on, "home", visitor))
            monthly = bool(set(row.get("illnesses") or []) & MONTHLY_ILLNESSES)
            if (monthly or day.month % 3 == 0) and rng.random() < (0.9 if recent else 0.3):
                on = min(end, day + timedelta(days=rng.randrange(0, 28)))
                visits.append(self._visit(person_id, on, "health", "村医周医生"))
            day = add_months(day, 1)
        if rng.random() < 0.85:  # the yearly health check at the township hospital
            on = start + timedelta(days=rng.randrange(0, max(1, (end - start).days + 1)))
            visits.append(self._visit(person_id, on, "checkup", "镇卫生院"))
        self._half_yearly(person_id, row, start, end, visits)

    def _half_yearly(self, person_id: int, row: dict[str, Any], start: date, end: date,
                     visits: list[dict[str, Any]]) -> None:
        """A village that uses the program holds its half-yearly reviews (seed 002:
        生活保障评估, 矛盾纠纷排查; 八类重点对象比对核实) for most people in each
        half-year: a tail is left for the work list to show."""
        rng = self.rng
        key = bool(set(row.get("factors") or []) & KEY_CODES)
        half = date(start.year, 1 if start.month <= 6 else 7, 1)
        while half <= end:
            first, last = max(half, start), min(end, add_months(half, 6) - timedelta(days=1))
            current = add_months(half, 6) > self.today
            for kind, applies in (("livelihood", True), ("disputes", True),
                                  ("comparison", key)):
                if applies and first <= last and rng.random() < (0.9 if current else 0.97):
                    on = first + timedelta(days=rng.randrange(0, (last - first).days + 1))
                    visits.append(self._visit(person_id, on, kind, "刘主任"))
            half = add_months(half, 6)

    def rounds(self, connection: Connection, groups: list[tuple[int, str]]) -> None:
        """A Spring Festival round last winter, all done; a cold-snap round under way."""
        festival = spring_festival(self.today.year)
        if festival > self.today:
            festival = spring_festival(self.today.year - 1)
        plans = [("春节前走访慰问", festival - timedelta(days=20), festival - timedelta(days=1),
                  None),
                 ("寒潮天气专项走访", self.today - timedelta(days=5),
                  self.today + timedelta(days=10), groups[0][0])]
        for name, starts, ends, group_id in plans:
            query = select(person.c.id).where(person.c.status == "active")
            if group_id is not None:
                query = query.where(person.c.group_id == group_id)
            members = connection.execute(query.limit(300)).scalars().all()
            if not members:
                continue
            round_id = connection.execute(insert(care_round).values(
                name=name, starts_on=starts, ends_on=ends, note=None, created_at=self.now,
            ).returning(care_round.c.id)).scalar_one()
            connection.execute(insert(round_member),
                               [{"round_id": round_id, "person_id": m} for m in members])
            visited = [m for m in members if ends < self.today or self.rng.random() < 0.4]
            on = min(ends, self.today)
            if visited:
                connection.execute(insert(visit), [
                    {**self._visit(m, on, "home", "刘主任"), "round_id": round_id}
                    for m in visited])

    def _visit(self, person_id: int, on: date, kind: str, visitor: str) -> dict[str, Any]:
        return {"person_id": person_id, "visited_on": on, "kind": kind, "visitor": visitor,
                "helper_id": None, "found": self.rng.choice(FOUND), "round_id": None,
                "created_at": self.now}


assert all(kind in NEED_KINDS for kind, _ in NEEDS)
