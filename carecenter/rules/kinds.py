"""Kinds of person cared for. The elderly come first; children, women and the extremely
poor are added as further kinds, each with its own fields and rules, as data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from carecenter.rules import leftbehind
from carecenter.rules.cadences import ELDER_CADENCES, ELDER_VILLAGE_CADENCES, CadenceBook
from carecenter.rules.fields import PERSON_FIELDS, Field


@dataclass(frozen=True)
class PersonKind:
    code: str
    label: str  # as the clerk reads it in a list: 留守老年人
    field_names: tuple[str, ...]
    assess: Callable[[leftbehind.PersonFacts, date], leftbehind.Verdict]
    cadences: CadenceBook  # how often each duty falls due (carecenter.rules.cadences)
    # Duties of the village towards the kind as a whole (activities, health talks).
    village_cadences: CadenceBook = CadenceBook(())

    @cached_property  # asked for on every clean: once per kind, not per row
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for f in PERSON_FIELDS if f.name in self.field_names)


ELDER = PersonKind(
    code="elder",
    label="农村留守老年人",
    field_names=tuple(f.name for f in PERSON_FIELDS),
    assess=leftbehind.assess,
    cadences=ELDER_CADENCES,
    village_cadences=ELDER_VILLAGE_CADENCES,
)

KINDS: dict[str, PersonKind] = {k.code: k for k in (ELDER,)}
DEFAULT_KIND = ELDER


def kind(code: str) -> PersonKind:
    return KINDS[code]
