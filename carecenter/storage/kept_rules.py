"""Which rules the program's derived data was last worked out by (a row of ``setting``
per kind of derived data: the stored 留守 verdicts, the helpers' duty tally).

A program whose rules differ from those noted works that data out again, once, and
notes its own (``carecenter.register.upkeep``); a register already current costs one
read of a small table.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select

from carecenter import clock
from carecenter.rules.kinds import TALLY_RULES, VERDICT_RULES
from carecenter.storage.models import setting

VERDICTS, TALLY = "verdict_rules", "duty_tally_rules"
# This program's rules for each: a register made by it follows them from the start.
CURRENT = {VERDICTS: VERDICT_RULES, TALLY: TALLY_RULES}


def read(connection: Connection, key: str) -> str | None:
    value = connection.execute(select(setting.c.value).where(setting.c.key == key)).scalar()
    if value is None:
        return None
    try:
        found = json.loads(value)
    except ValueError:
        return None
    return found if isinstance(found, str) else None


def read_many(connection: Connection, keys: list[str]) -> dict[str, str | None]:
    """Several at once: one read for a register's start."""
    found: dict[str, str | None] = dict.fromkeys(keys)
    for key, value in connection.execute(
            select(setting.c.key, setting.c.value).where(setting.c.key.in_(keys))):
        try:
            loaded = json.loads(value)
        except ValueError:
            continue
        found[key] = loaded if isinstance(loaded, str) else None
    return found


def write(connection: Connection, key: str, rules: str) -> None:
    """Note ``rules`` for ``key`` (in the caller's transaction)."""
    values = {"value": json.dumps(rules, ensure_ascii=False), "updated_at": clock.now()}
    updated = connection.execute(
        setting.update().where(setting.c.key == key).values(**values))
    if not updated.rowcount:
        connection.execute(insert(setting).values(key=key, **values))


def mark_all(connection: Connection) -> None:
    """A new register: everything it will keep follows this program's rules. Noted for
    each of its villages (a new server's migrations run as the township, whose rows
    would have no village of their own)."""
    from sqlalchemy import text

    now = clock.now()
    # A new server has no village yet: a village moved in brings its own notes (storage
    # .transfer), and noting them for a village 1 to come clashed with that village's.
    villages = connection.execute(text("SELECT id FROM village")).scalars().all()
    for village_id in villages:
        for key, rules in CURRENT.items():
            connection.execute(insert(setting).values(
                village_id=village_id, key=key, value=json.dumps(rules, ensure_ascii=False),
                updated_at=now))
