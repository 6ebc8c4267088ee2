"""The village's settings, kept in the database beside its register.

One JSON value per key: the village's name and committee, load weights, saved column
mappings of ledgers. A setting never read before gives the caller's default.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from carecenter import clock
from carecenter.storage.database import Database
from carecenter.storage.models import setting

# The keys the program knows, with their defaults; callers use these names.
VILLAGE = "village"  # {"name", "committee", "phone", "township", "county", "province"}
DEFAULT_VILLAGE: dict[str, str] = {
    "name": "",
    "committee": "",
    "phone": "",
    "township": "",
    "county": "",
    "province": "",  # with the county: where 本县内 ends for a supporter's 所在范围
}


class Settings:
    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, key: str, default: Any = None) -> Any:
        with self.database.session() as session:
            raw = session.execute(select(setting.c.value).where(setting.c.key == key)).scalar()
        if raw is None:
            return default
        return json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        self.set_many({key: value})

    def set_many(self, items: dict[str, Any]) -> None:
        """Several keys in one transaction: all are written or none."""
        now = clock.now()
        with self.database.transaction() as session:
            for key, value in items.items():
                raw = json.dumps(value, ensure_ascii=False, sort_keys=True)
                exists = session.execute(
                    select(setting.c.key).where(setting.c.key == key)).scalar()
                if exists is None:
                    session.execute(setting.insert().values(key=key, value=raw, updated_at=now))
                else:
                    session.execute(setting.update().where(setting.c.key == key)
                                    .values(value=raw, updated_at=now))

    def village(self) -> dict[str, str]:
        stored = self.get(VILLAGE, {})
        return {**DEFAULT_VILLAGE, **{k: str(v) for k, v in stored.items()}}
