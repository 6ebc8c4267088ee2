"""Which people a batch prints, and the batch itself: all cards for a colour, a village
group, or a list of people (the register's current filter), into one PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from sqlalchemy import select

from carecenter.documents.care_card import care_cards
from carecenter.documents.document_data import (
    Printable,
    group_names,
    log_print,
    printable,
)
from carecenter.errors import KnownError
from carecenter.register.groups import GroupIndex
from carecenter.rules.risk import COLOUR_LABELS
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, person, village_group


def select_persons(database: Database, colour: str | None = None, group: str | None = None,
                   ids: Sequence[int] | None = None) -> list[int]:
    """Active persons matching every condition given, in group then name order."""
    query = select(person.c.id).where(person.c.status == ACTIVE)
    if colour:
        if colour not in COLOUR_LABELS:
            raise KnownError(f"风险等级“{colour}”无效,可选:red(红色)、yellow(黄色)、green(绿色)")
        query = query.where(person.c.colour == colour)
    if group:
        with database.session() as session:
            groups = session.execute(select(village_group.c.id, village_group.c.name)).all()
        gid = GroupIndex(groups).find(group)  # 三组, 3组, or 三队 for the only #3
        if gid is None:
            raise KnownError(f"没有“{group}”这个村民小组")
        query = query.where(person.c.group_id == gid)
    with database.session() as session:
        found = [int(i) for i in session.execute(
            query.order_by(person.c.group_id, person.c.name_pinyin, person.c.id)).scalars()]
    if ids is not None:
        wanted_ids = set(ids)
        found = [i for i in found if i in wanted_ids]
    return found


def printables(database: Database, person_ids: Sequence[int]) -> Iterator[Printable]:
    """The people's printables, reading the village's shared parts once."""
    groups = group_names(database)
    shared: dict[int, dict[str, Any]] = {}
    for person_id in person_ids:
        yield printable(database, person_id, groups=groups, settings_cache=shared)


def print_cards(database: Database, person_ids: Sequence[int],
                target: str | IO[bytes] | None = None,
                progress: Callable[[int, int], bool] | None = None,
                log: bool = True) -> bytes | None:
    """Cards for these people into one PDF; ``progress(done, total)`` returning False
    cancels (raises ``Cancelled``; a file target is then left unwritten). ``log=False``:
    a preview, logged (``log_cards``) only once it is saved or printed."""
    if not person_ids:
        raise KnownError("没有符合条件的人,未生成关爱服务卡")
    pdf = care_cards(printables(database, person_ids), len(person_ids), target, progress)
    if log:
        log_cards(database, person_ids)
    return pdf


def log_cards(database: Database, person_ids: Sequence[int]) -> None:
    """These people's cards printed, in the audit log."""
    log_print(database, "关爱服务卡", len(person_ids),
              person_ids[0] if len(person_ids) == 1 else None)
