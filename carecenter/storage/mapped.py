"""The register's rows as Python objects, for the writes that go through the ORM (a
person's file with its supporters and history, the villages' groups): each class mapped
onto its table in ``storage.models``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_
from sqlalchemy.orm import relationship

from carecenter.storage.models import (
    CURRENT_SUPPORTER,
    mapper_registry,
    person,
    person_event,
    supporter,
    village_group,
)


class VillageGroup:
    id: int
    name: str
    position: int
    active: bool


class Supporter:
    id: int
    person_id: int
    position: int
    role: str
    ended_on: date | None
    end_note: str | None


class PersonEvent:
    id: int
    person_id: int
    at: datetime
    event: str
    effective: date | None
    detail: str


class Person:
    id: int
    kind: str
    kinds: list[str]
    status: str
    exit_date: date | None
    exit_reason: str | None
    exit_note: str | None
    name: str
    id_number: str | None
    birth_date: date | None
    group_id: int | None
    colour: str | None
    colour_on: date | None
    held_colour: str | None
    held_until: date | None
    factors: list[str]
    supporters: list[Supporter]  # the current ones (read only)
    all_supporters: list[Supporter]  # with the ended ones: what writes go through
    events: list[PersonEvent]


mapper_registry.map_imperatively(VillageGroup, village_group)
mapper_registry.map_imperatively(Supporter, supporter)
mapper_registry.map_imperatively(PersonEvent, person_event)
mapper_registry.map_imperatively(
    Person,
    person,
    properties={
        "supporters": relationship(
            Supporter, order_by=supporter.c.position, viewonly=True,
            primaryjoin=and_(supporter.c.person_id == person.c.id, CURRENT_SUPPORTER),
        ),
        # No delete-orphan: nothing removes a supporter's row.
        "all_supporters": relationship(
            Supporter, order_by=supporter.c.position, cascade="save-update, merge",
        ),
        "events": relationship(PersonEvent, order_by=person_event.c.id),
    },
)
