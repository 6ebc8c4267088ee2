"""The audit log: who did what, when, to which record; each field's old and new value.

Every write in the core adds its entries in its own transaction (``record``), so the log
and the change are saved together or not at all; exports, prints and backups of personal
data add one entry each with what and how many (``log``). Nothing here updates or deletes
an entry, and on SQLite the database itself refuses to (migration 0007).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.rules.roles import VIEWER, Operator
from carecenter.storage.bulk import insert_rows
from carecenter.storage.database import Database
from carecenter.storage.models import audit_log

ACTIONS: dict[str, str] = {
    "created": "新建", "updated": "修改", "exited": "退出", "reinstated": "恢复在册",
    "ended": "结束", "imported": "导入", "export": "导出", "print": "打印",
    "backup": "备份", "restore": "恢复备份", "login": "登录", "recovered": "找回密码",
    "removed": "作废",
}
ENTITIES: dict[str, str] = {
    "person": "档案", "supporter": "赡养人", "assessment": "风险评估", "visit": "走访",
    "need": "需求", "round": "专项走访", "pairing": "结对", "helper": "帮扶人",
    "agreement": "委托协议", "setting": "设置", "group": "村民小组", "operator": "操作员",
    "register": "登记册", "ledger": "台账", "audit": "审计日志", "document": "文书",
    "event": "村级活动",
}
# A change is shown as 字段:旧 → 新; an empty side as this.
EMPTY = "(空)"
Change = tuple[str, str, str]


def show(value: Any) -> str:
    """A stored value as the log keeps it: text, dates as 2026-11-23, lists joined."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(show(v) for v in value)
    return str(value)


def diff(old: Mapping[str, Any], new: Mapping[str, Any], labels: Mapping[str, str],
         display: Mapping[str, Any] | None = None) -> list[Change]:
    """Each field in ``labels`` whose value differs: (label, old, new) as text.

    ``display`` maps a field to a function giving its value as the clerk reads it (a
    choice's label rather than its code)."""
    shown = display or {}
    changes = []
    for name, label in labels.items():
        before, after = old.get(name), new.get(name)
        if (before in ("", None, [])) and (after in ("", None, [])):
            continue
        if before == after:
            continue
        as_text = shown.get(name, show)
        changes.append((label, as_text(before) if before is not None else "",
                        as_text(after) if after is not None else ""))
    return changes


def operator_of(session: Session) -> Operator:
    found = session.info.get("operator")
    assert isinstance(found, Operator), "a write without an operator (Database.transaction)"
    return found


def record(session: Session, action: str, entity: str, record_id: int | None = None, *,
           person_id: int | None = None, summary: str = "",
           changes: Sequence[Change] = (), count: int | None = None) -> None:
    """One entry, in the caller's write transaction, under its operator's name."""
    record_many(session, [{
        "action": action, "entity": entity, "record_id": record_id, "person_id": person_id,
        "summary": summary, "changes": changes, "count": count}])


def record_many(session: Session, entries: Iterable[Mapping[str, Any]]) -> None:
    """Several entries at once (an import's thousands of new files) in one statement."""
    who = operator_of(session)
    now = clock.now()
    rows = [{
        "at": now, "operator_id": who.id, "operator_name": who.name,
        "action": e["action"], "entity": e["entity"], "record_id": e.get("record_id"),
        "person_id": e.get("person_id"), "summary": e.get("summary") or "",
        "changes": json.dumps([list(c) for c in e["changes"]], ensure_ascii=False)
        if e.get("changes") else None,
        "count": e.get("count"),
    } for e in entries]
    # The driver's own executemany (storage.bulk): SQLAlchemy's took a tenth of a
    # second over a ledger's 10,000 entries.
    insert_rows(session.connection(), audit_log, rows)


def log(database: Database, action: str, entity: str, summary: str,
        count: int | None = None, person_id: int | None = None,
        need: str = VIEWER) -> None:
    """An export, print or backup: one entry in a transaction of its own (any operator
    who may do the thing may log it; ``need`` says who that is)."""
    with database.transaction(need=need, what=summary) as session:
        record(session, action, entity, person_id=person_id, summary=summary, count=count)


@dataclass
class Entry:
    id: int
    at: datetime
    operator: str
    action: str
    entity: str
    record_id: int | None
    person_id: int | None
    summary: str
    changes: list[Change] = field(default_factory=list)
    count: int | None = None

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        return ENTITIES.get(self.entity, self.entity)

    def change_text(self) -> str:
        """字段:旧 → 新;… (or the summary when nothing field by field changed)."""
        parts = [f"{label}:{old or EMPTY} → {new or EMPTY}" for label, old, new in self.changes]
        text = ";".join(parts)
        if self.summary and text:
            return f"{self.summary}。{text}"
        return self.summary or text


@dataclass
class Filter:
    person_id: int | None = None
    operator: str | None = None
    since: date | None = None
    until: date | None = None
    action: str | None = None
    entity: str | None = None
    limit: int | None = None


def entries(database: Database, where: Filter | None = None) -> list[Entry]:
    """The log, newest first, narrowed by ``where``."""
    f = where or Filter()
    query = select(audit_log).order_by(audit_log.c.id.desc())
    if f.person_id is not None:
        query = query.where(audit_log.c.person_id == f.person_id)
    if f.operator:
        query = query.where(audit_log.c.operator_name == f.operator)
    if f.since:
        query = query.where(audit_log.c.at >= datetime.combine(f.since, datetime.min.time()))
    if f.until:
        query = query.where(audit_log.c.at < datetime.combine(
            date.fromordinal(f.until.toordinal() + 1), datetime.min.time()))
    if f.action:
        query = query.where(audit_log.c.action == f.action)
    if f.entity:
        query = query.where(audit_log.c.entity == f.entity)
    if f.limit:
        query = query.limit(f.limit)
    with database.session() as session:
        rows = session.execute(query).all()
    return [Entry(r.id, r.at, r.operator_name, r.action, r.entity, r.record_id, r.person_id,
                  r.summary, [tuple(c) for c in json.loads(r.changes)] if r.changes else [],
                  r._mapping["count"]) for r in rows]


def began(database: Database) -> datetime | None:
    """When the register's log began (its first entry): what happened before it is known
    only from the files' own events."""
    with database.session() as session:
        first: datetime | None = session.execute(select(func.min(audit_log.c.at))).scalar()
    return first


def operators_in_log(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.execute(select(audit_log.c.operator_name).distinct()
                                    .order_by(audit_log.c.operator_name)).scalars())


def masked_text(entry: Entry) -> str:
    """``change_text`` with ID numbers and phones masked, for a 查看 operator."""
    from carecenter.access import masking

    def hide(label: str, value: str) -> str:
        if "身份证" in label:
            return masking.id_number(value)
        if "电话" in label or "手机" in label:
            return masking.phone(value)
        return value

    masked = Entry(**{**entry.__dict__, "changes": [
        (label, hide(label, old), hide(label, new)) for label, old, new in entry.changes]})
    return masked.change_text()


# Column labels for records other than the person's file (whose labels come from the
# field declarations): what the log shows as the changed field.
COLUMN_LABELS: dict[str, str] = {
    "name": "姓名", "phone": "电话", "kind": "类别", "status": "状态", "active": "在用",
    "visited_on": "走访日期", "visitor": "走访人", "found": "走访情况", "helper_id": "帮扶人编号",
    "round_id": "专项走访编号", "assessed_on": "评估日期", "assessor": "评估人",
    "factors": "风险因素", "proposed": "建议等级", "colour": "风险等级", "reason": "理由",
    "note_self": "自身状况说明", "note_care": "照料状况说明", "note_carer": "照料人说明",
    "note_family": "家庭说明", "description": "需求说明", "raised_on": "提出日期",
    "raised_by": "提出人", "handling": "办理情况", "resolution": "办结情况",
    "resolved_on": "办结日期", "starts_on": "开始日期", "ends_on": "结束日期",
    "started_on": "开始日期", "ended_on": "结束日期", "end_reason": "结束原因", "rank": "顺位",
    "state": "状态", "printed_on": "打印日期", "signed_on": "签订日期", "filed_on": "备案日期",
    "trustee_name": "受托人", "trustee_id_number": "受托人身份证号", "trustee_phone": "受托人电话",
    "trustee_relation": "受托人关系", "supporter_names": "委托人", "content": "协议内容",
    "inactive_since": "停用日期", "position": "顺序", "value": "值", "note": "备注",
    "role": "角色", "group_id": "村民小组", "id_number": "身份证号", "held_on": "日期",
    "title": "名称", "place": "地点",
}
# Kept by the program itself, not entered: not part of what changed.
_HOUSEKEEPING = {"id", "created_at", "updated_at", "name_pinyin", "search_key", "workbook",
                 "content", "figures", "photo"}


def _row(session: Session, table: Any, record_id: Any) -> dict[str, Any]:
    key = list(table.primary_key.columns)[0]
    found = session.execute(select(table).where(key == record_id)).first()
    return dict(found._mapping) if found is not None else {}


def _labels(table: Any) -> dict[str, str]:
    return {c.name: COLUMN_LABELS.get(c.name, c.name) for c in table.columns
            if c.name not in _HOUSEKEEPING and not c.name.endswith("_id") or
            c.name in ("helper_id", "round_id", "group_id")}


def created(session: Session, table: Any, record_id: Any, entity: str, *,
            person_id: int | None = None, summary: str = "",
            shown: Mapping[str, Any] | None = None) -> None:
    """A new record: each of its values against nothing (``shown``: as in ``diff``)."""
    row = _row(session, table, record_id)
    record(session, "created", entity, record_id if isinstance(record_id, int) else None,
           person_id=person_id if person_id is not None else row.get("person_id"),
           summary=summary, changes=diff({}, row, _labels(table), shown))


def removed(session: Session, table: Any, record_id: int, entity: str, *,
            summary: str = "", shown: Mapping[str, Any] | None = None) -> None:
    """A record taken back (作废), before it leaves its table: each of its values against
    nothing, so that the log alone says what it held (``shown``: as in ``diff``)."""
    row = _row(session, table, record_id)
    record(session, "removed", entity, record_id, person_id=row.get("person_id"),
           summary=summary, changes=diff(row, {}, _labels(table), shown))


@contextmanager
def watch(session: Session, table: Any, record_id: Any, entity: str, *,
          action: str = "updated", person_id: int | None = None,
          summary: str = "") -> Iterator[None]:
    """Around a change of one record: each changed value, old and new, logged after."""
    before = _row(session, table, record_id)
    yield
    session.flush()
    after = _row(session, table, record_id)
    changes = diff(before, after, _labels(table))
    if changes:
        record(session, action, entity, record_id if isinstance(record_id, int) else None,
               person_id=person_id if person_id is not None else after.get("person_id"),
               summary=summary, changes=changes)
