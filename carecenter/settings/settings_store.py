"""The village's settings, kept in the database beside its register.

One JSON value per key: the village's name and committee, load weights, saved column
mappings of ledgers. A setting never read before gives the caller's default.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import select

from carecenter import clock
from carecenter.access import audit
from carecenter.rules.roles import CLERK
from carecenter.storage.backends import retrying
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


def _flat(key: str, old: Any, new: Any) -> tuple[dict[str, Any], dict[str, Any],
                                                  dict[str, str]]:
    """Old and new values of a setting, a dict's entries each on its own (village.name)."""
    def entries(value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            return {f"{key}.{k}": json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                    else v for k, v in value.items()}
        return {key: json.dumps(value, ensure_ascii=False)
                if isinstance(value, (dict, list)) else value}

    before, after = entries(old) if old is not None else {}, entries(new)
    return before, after, {name: name for name in {**before, **after}}


class Settings:
    """The settings of the connection's village. On a township's server opened for all
    villages each village has its own (issue 22): ``village_id`` says whose are read
    (those of the person being printed, say); without it the first village's."""

    def __init__(self, database: Database, village_id: int | None = None) -> None:
        self.database = database
        self.village_id = village_id

    def get(self, key: str, default: Any = None) -> Any:
        query = select(setting.c.value).where(setting.c.key == key)
        if self.village_id is not None:
            query = query.where(setting.c.village_id == self.village_id)
        with self.database.session() as session:
            raw = session.execute(query.order_by(setting.c.village_id).limit(1)).scalar()
        if raw is None:
            return default
        return json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        self.set_many({key: value})

    @retrying
    def set_many(self, items: dict[str, Any], need: str = CLERK,
                 labels: dict[str, str] | None = None) -> None:
        """Several keys in one transaction: all are written or none. ``need``: the role
        that may change them (本村设置: the administrator; a ledger's saved column
        mapping: whoever imports)."""
        now = clock.now()
        with self.database.transaction(need=need, what="修改设置") as session:
            for key, value in items.items():
                raw = json.dumps(value, ensure_ascii=False, sort_keys=True)
                exists = session.execute(
                    select(setting.c.value).where(setting.c.key == key)).scalar()
                if exists is None:
                    session.execute(setting.insert().values(key=key, value=raw, updated_at=now))
                else:
                    session.execute(setting.update().where(setting.c.key == key)
                                    .values(value=raw, updated_at=now))
                old = json.loads(exists) if exists is not None else None
                before, after, names = _flat(key, old, value)
                changes = audit.diff(before, after, {
                    name: (labels or {}).get(name, name) for name in sorted(names)})
                if changes:
                    audit.record(session, "updated", "setting", summary=key, changes=changes)

    def village(self) -> dict[str, str]:
        stored = self.get(VILLAGE, {})
        return {**DEFAULT_VILLAGE, **{k: str(v) for k, v in stored.items()}}

    def township(self) -> dict[str, str]:
        """On a township's server opened for all villages (issue 22): the township has no
        本村设置 of its own, so its county, province and name are what its villages'
        settings say (the most of them, where they differ); ``name`` is 全乡镇 when none
        says. The same keys as ``village``, the committee and phone left blank."""
        with self.database.session() as session:
            stored = session.execute(select(setting.c.value)
                                     .where(setting.c.key == VILLAGE)).scalars().all()
        said: dict[str, Counter[str]] = {k: Counter() for k in ("county", "township",
                                                                 "province")}
        for raw in stored:
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            for key, counter in said.items():
                if isinstance(value, dict) and str(value.get(key) or "").strip():
                    counter[str(value[key]).strip()] += 1
        found = {k: c.most_common(1)[0][0] if c else "" for k, c in said.items()}
        return {**DEFAULT_VILLAGE, **found, "name": found["township"] or "全乡镇"}

    def place(self) -> str:
        """The register's name as a page or a file name says it: 石门镇白竹村, or for a
        township's view of all villages 石门镇(全乡镇)."""
        if self.village_id is None and self.database.township:
            township = self.township()
            return f"{township['township']}(全乡镇)" if township["township"] else "全乡镇"
        village = self.village()
        return "".join(v for v in (village["township"], village["name"]) if v)
