"""Checking a register database (``check`` command): is the file sound, and is what it
holds still valid by the program's own rules?

Open the database with ``Database(path, migrate=False)`` before checking: an old schema
is then reported as such instead of being silently upgraded by the check itself.
Everything that can be asked in SQL is (counts, orphans); only the ID numbers are
decoded row by row, because the rules for them live in ``idnumber``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Select, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from carecenter import clock
from carecenter.errors import FieldError
from carecenter.rules import idnumber
from carecenter.storage import database as db
from carecenter.storage.location import shown as without_password
from carecenter.storage.models import (
    ACTIVE,
    EXITED,
    care_due,
    metadata,
    person,
    person_event,
    supporter,
    village_group,
)

SEX_LABELS = {"male": "男", "female": "女"}
# Beyond this many rows of one kind of problem the report gives the count, not each row:
# a broken import can leave thousands, and a list that long helps nobody.
MAX_LISTED = 50


@dataclass
class CheckReport:
    """What ``run`` found: the register's size and every problem, in Chinese."""

    location: str
    revision: str | None = None
    head: str = ""
    active: int = 0
    exited: int = 0
    supporters: int = 0
    groups: int = 0
    events: int = 0
    without_id: int = 0
    without_birth: int = 0  # of those, also without birth date or sex
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        version = self.revision or "无"
        if self.revision == self.head:
            version += "(最新)"
        lines = [
            f"数据库:{without_password(self.location)}",
            f"数据库结构版本:{version}",
            f"在册:{self.active} 人",
            f"已退出:{self.exited} 人",
            f"赡养人:{self.supporters} 名",
            f"村民小组:{self.groups} 个",
            f"档案记录:{self.events} 条",
            f"待补充身份证号:{self.without_id} 人(在册)",
        ]
        if self.without_birth:
            lines.append(f"  其中出生日期或性别也待补充:{self.without_birth} 人")
        if self.clean:
            lines.append("检查结果:未发现问题。")
        else:
            lines.append(f"检查结果:发现 {len(self.problems)} 个问题:")
            lines.extend(f"  {n}. {p}" for n, p in enumerate(self.problems, start=1))
        return lines


def run(database: db.Database, today: date | None = None) -> CheckReport:
    """Check the database's file, schema version, counts, ID numbers and references."""
    today = today or clock.today()
    report = CheckReport(location=database.location, head=db.head_revision())
    engine = database.engine
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                _integrity(connection, report)
            if not _schema(connection, report):
                return report
            _counts(connection, report)
            _id_numbers(connection, report, today)
            _orphans(connection, report)
            _due_dates(connection, report, today)
    except (SQLAlchemyError, ValueError) as e:
        # A damaged file, a schema this program does not know, or a value SQLAlchemy
        # cannot read back (a date written by another tool): say so and stop, rather
        # than print a traceback at the clerk.
        detail = getattr(e, "orig", None) or e  # the driver's words, without the SQL
        report.problems.append(f"读取数据库时出错,检查未能完成:{detail}")
    return report


def _integrity(connection: Connection, report: CheckReport) -> None:
    results = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    if results != ["ok"]:
        shown = ";".join(str(r) for r in results[:5])
        report.problems.append(f"SQLite 完整性检查未通过,文件可能已损坏:{shown}")


def _schema(connection: Connection, report: CheckReport) -> bool:
    """Report a schema that is not this program's latest; False when there is none."""
    report.revision = db.current_revision(connection.engine)
    if report.revision == report.head:
        return _columns(connection, report)
    if report.revision is None:
        if not inspect(connection).has_table(person.name):
            report.problems.append("数据库里没有登记册数据表:这不是本程序的数据文件,或从未用本程序打开过")
            return False
        report.problems.append(
            f"数据库结构不是最新版本:没有记录版本号(本程序为 {report.head} 版)"
        )
        return True
    known = {r.revision for r in ScriptDirectory.from_config(db.alembic_config()).walk_revisions()}
    if report.revision in known:
        report.problems.append(
            f"数据库结构不是最新版本(数据库为 {report.revision} 版,本程序为 {report.head} 版);"
            "用本程序正常打开一次即会自动升级"
        )
    else:
        report.problems.append(
            f"数据库结构不是最新版本:{report.revision} 版是更新版本的程序建立的"
            f"(本程序为 {report.head} 版),请先把程序升级到最新版本"
        )
    return True


def _columns(connection: Connection, report: CheckReport) -> bool:
    """The version number is only a label: check the tables really have every column."""
    inspector = inspect(connection)
    sound = True
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            report.problems.append(f"数据库结构与程序不符:缺少数据表 {table.name}")
            sound = False
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        missing = [c.name for c in table.columns if c.name not in present]
        if missing:
            report.problems.append(
                f"数据库结构与程序不符:数据表 {table.name} 缺少列 {'、'.join(missing)}"
            )
            sound = False
    return sound


def _count(connection: Connection, query: Select[Any]) -> int:
    return int(connection.execute(query).scalar_one())


def _counts(connection: Connection, report: CheckReport) -> None:
    by_status: dict[str, int] = dict(connection.execute(
        select(person.c.status, func.count()).group_by(person.c.status)).all())
    report.exited = int(by_status.pop(EXITED, 0))
    report.active = int(by_status.pop(ACTIVE, 0))
    report.supporters = _count(connection, select(func.count()).select_from(supporter))
    report.groups = _count(connection, select(func.count()).select_from(village_group))
    report.events = _count(connection, select(func.count()).select_from(person_event))
    report.without_id = _count(connection, select(func.count()).select_from(person).where(
        person.c.id_number.is_(None), person.c.status == ACTIVE))
    # Issue 7: a thin ledger's people come in without them, flagged; not a fault.
    report.without_birth = _count(connection, select(func.count()).select_from(person).where(
        person.c.id_number.is_(None), person.c.status == ACTIVE,
        person.c.birth_date.is_(None) | person.c.sex.is_(None)))
    unknown = sorted(str(s) for s in by_status)
    if unknown:
        report.problems.append(f"档案状态无法识别:{'、'.join(unknown)}")


def _listed(report: CheckReport, found: list[str], what: str) -> None:
    report.problems.extend(found[:MAX_LISTED])
    if len(found) > MAX_LISTED:
        report.problems.append(f"……另有 {len(found) - MAX_LISTED} 条{what}未一一列出")


def _id_numbers(connection: Connection, report: CheckReport, today: date) -> None:
    """Every stored number must still parse, and birth date and sex must agree with it."""
    found: list[str] = []
    rows = connection.execute(
        select(person.c.id, person.c.name, person.c.id_number, person.c.birth_date,
               person.c.sex).where(person.c.id_number.is_not(None)).order_by(person.c.id)
    )
    for pid, name, number, birth, sex in rows:
        who = f"档案号 {pid}({name})"
        try:
            info = idnumber.parse(number, today=today)
        except FieldError as e:
            found.append(f"{who}身份证号 {number} 无效:{e.message}")
            continue
        if info.number != number:
            found.append(f"{who}身份证号 {number} 未按规范保存,应为 {info.number}")
        if birth != info.birth_date:
            shown = f"{birth:%Y-%m-%d}" if birth else "空"
            found.append(f"{who}出生日期 {shown} 与身份证号不符(应为 {info.birth_date:%Y-%m-%d})")
        if sex != info.sex:
            shown = SEX_LABELS.get(sex, sex or "空")
            found.append(f"{who}性别“{shown}”与身份证号不符(应为{info.sex_label})")
    _listed(report, found, "身份证号、出生日期或性别问题")


def _orphans(connection: Connection, report: CheckReport) -> None:
    """Rows pointing at a person or group that is not there (foreign keys were off)."""
    found: list[str] = []
    for table, what in ((supporter, "赡养人"), (person_event, "档案记录")):
        rows = connection.execute(
            select(table.c.id, table.c.person_id)
            .outerjoin(person, person.c.id == table.c.person_id)
            .where(person.c.id.is_(None)).order_by(table.c.id)
        )
        found.extend(f"{what}(编号 {rid})所属的档案号 {pid} 不存在" for rid, pid in rows)
    ungrouped = connection.execute(
        select(person.c.id, person.c.name, person.c.group_id)
        .outerjoin(village_group, village_group.c.id == person.c.group_id)
        .where(person.c.group_id.is_not(None), village_group.c.id.is_(None))
        .order_by(person.c.id)
    )
    found.extend(f"档案号 {pid}({name})所属的村民小组(编号 {gid})不存在"
                 for pid, name, gid in ungrouped)
    _listed(report, found, "无所属记录的问题")


def _due_dates(connection: Connection, report: CheckReport, today: date) -> None:
    """The kept due dates (care_due) must be what the records say now."""
    from carecenter.care import due_dates as duestore

    ids = connection.execute(
        select(person.c.id).where(person.c.status == ACTIVE).order_by(person.c.id)
    ).scalars().all()
    fields = ("duty", "cadence", "last_on", "due_on")
    wrong: list[str] = []
    for start in range(0, len(ids), duestore.BATCH):
        chunk = ids[start:start + duestore.BATCH]
        expected: dict[int, set[tuple[Any, ...]]] = {}
        for row in duestore.compute(connection, chunk, today):
            expected.setdefault(row["person_id"], set()).add(tuple(row[f] for f in fields))
        stored: dict[int, set[tuple[Any, ...]]] = {}
        for r in connection.execute(
            select(care_due.c.person_id, *(care_due.c[f] for f in fields))
            .where(care_due.c.person_id.in_(chunk))
        ):
            stored.setdefault(r[0], set()).add(tuple(r[1:]))
        wrong.extend(f"档案号 {pid} 的到期日期与走访、评估记录不符"
                     for pid in chunk if expected.get(pid) != stored.get(pid))
    _listed(report, wrong, "到期日期不符")
