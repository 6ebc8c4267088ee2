"""季度报送: the quarter's workbook for the township, and the frozen snapshot of it.

One workbook: the ledger sheet (one row per person on the register in the quarter) and
the summary sheet (the figures, beside those of the last export sent). Each export is
kept in ``export_snapshot`` with its figures and the workbook's bytes, so what was sent
can be shown and compared later even after the register has changed.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from carecenter import clock
from carecenter.access import audit
from carecenter.errors import DatabaseError, KnownError, NotFound
from carecenter.ledger import row_xml, style
from carecenter.ledger.figures import (
    ID_COLUMN,
    LEDGER_HEADERS,
    QuarterData,
    collect,
    compare_figures,
    free_text_columns,
    ledger_headers,
    ledger_widths,
    village_names,
)
from carecenter.ledger.kind_sheets import KindSheet, collect_kinds
from carecenter.ledger.quarter import Quarter
from carecenter.rules.roles import CLERK, require
from carecenter.settings.settings_store import Settings
from carecenter.storage.bulk import collector_paused
from carecenter.storage.database import Database
from carecenter.storage.long_work import Progress, Steps, WorkCancelled, cannot_save, part_of
from carecenter.storage.models import export_snapshot

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    id: int
    period: str
    made_at: datetime
    made_on: date
    file_name: str
    figures: dict[str, Any]


@dataclass
class ExportResult:
    persons: int
    figures: dict[str, Any]
    snapshot_id: int
    previous: Snapshot | None

    def summary_lines(self) -> list[str]:
        f = self.figures
        lines = []
        if f.get("partial"):
            lines.append(f"本季度尚未结束,数据截至 {f['as_of']}")
        colours = "、".join(f"{k} {v}" for k, v in f["by_colour"].items())
        lines.append(f"农村留守老年人在册 {f['active']} 人({colours})")
        for label, counted in f.get("kinds", {}).items():  # the other kinds' sheets
            lines.append(f"{label}:期末在册 {counted.get('在册', 0)} 人")
        lines.append(f"结对 {f['paired']} 人,协议 {f['agreements']} 人,"
                     f"走访 {f['visits_done']}/{f['visits_due']} 次,"
                     f"需求提出 {f['needs_raised']} 件、解决 {f['needs_resolved']} 件,"
                     f"新纳入 {f['entries']} 人、退出 {f['exits']} 人")
        if self.previous:
            lines.append(f"上次报送:{self.previous.period}(导出于 "
                         f"{self.previous.made_at:%Y-%m-%d %H:%M}),对比见“汇总”表")
        return lines


def _title(database: Database, quarter: Quarter) -> tuple[str, str]:
    """The ledger's title and 填报单位: the village's, or on a township's server opened
    for all villages the township's (issue 22)."""
    if database.township:
        return _township_title(database)
    village = Settings(database).village()
    place = "".join(village[k] for k in ("county", "township", "name"))
    return f"{place}农村留守老年人关爱服务台账", village.get("committee") or village["name"]


def _township_title(database: Database) -> tuple[str, str]:
    """The township's title, and its villages named as the 填报单位."""
    with database.session() as session:
        names = village_names(session)
    township = Settings(database).township()
    unit = f"{township['name']}({len(names)} 个村:{'、'.join(names.values())})"
    return f"{township['county']}{township['name']}农村留守老年人关爱服务台账", unit


def write_workbook(data: QuarterData, title: str, unit: str,
                   previous: Snapshot | None, made_at: datetime,
                   sheets: Sequence[KindSheet] = (), steps: Steps | None = None) -> bytes:
    """The workbook's bytes; ``steps`` hears of the ledger's rows (400 → 800 per mille)
    and of the kinds' sheets and the saving after them."""
    steps = steps or Steps()
    book = style.new_workbook()
    # The tables' rows as XML beside openpyxl (row_xml): a county's 2.3 million cells.
    spliced = row_xml.SplicedRows() if row_xml.available() else None
    try:
        _fill(book, data, title, unit, previous, made_at, sheets, steps, spliced)
        steps.say(850, "正在生成工作簿文件…")
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
        return spliced.into(content) if spliced is not None else content
    except BaseException:
        style.discard(book)  # a cancel half-way: nothing left open
        raise
    finally:
        if spliced is not None:
            spliced.close()


def _fill(book: Any, data: QuarterData, title: str, unit: str, previous: Snapshot | None,
          made_at: datetime, sheets: Sequence[KindSheet], steps: Steps,
          spliced: row_xml.SplicedRows | None) -> None:
    ledger = book.create_sheet("台账")
    when = f"截至 {data.as_of:%Y年%m月%d日}" if data.figures["partial"] else (
        f"{data.quarter.start:%Y年%m月%d日}至{data.quarter.end:%Y年%m月%d日}")
    subtitle = f"填报单位:{unit or '(未设置)'}    {data.quarter.label}({when})    " \
               f"导出时间:{made_at:%Y-%m-%d %H:%M}"
    count = data.supporter_columns
    headers = ledger_headers(count, data.villages)
    # Printed: the township's columns, one A4 landscape page wide (about 8 pt); the
    # supporters' columns stay on screen and for the re-import (all of them on one
    # page would print at 4 pt).
    ledger_rows = steps.rows(data.rows, len(data.rows), 400, 800, "正在写台账")
    style.write_table(ledger, headers, ledger_rows,
                      style.fitted_widths(headers, data.rows,
                                          ledger_widths(count, data.villages),
                                          free_text_columns(count, data.villages)),
                      text_columns={ID_COLUMN + data.villages},
                      title=f"{title}({data.quarter.label})", subtitle=subtitle,
                      print_columns=len(LEDGER_HEADERS) + data.villages, spliced=spliced)
    for kind_sheet in sheets:  # one sheet for each other kind (issue 21)
        steps.say(800, f"正在写{kind_sheet.kind.label}表…")
        sheet = book.create_sheet(kind_sheet.kind.label.removeprefix("农村"))
        style.write_table(sheet, kind_sheet.headers, kind_sheet.rows,
                          style.fitted_widths(kind_sheet.headers, kind_sheet.rows,
                                              [8.0] * len(kind_sheet.headers)),
                          text_columns={kind_sheet.headers.index("身份证号")},
                          title=f"{kind_sheet.kind.label}关爱服务台账({data.quarter.label})",
                          subtitle=subtitle, spliced=spliced)
    summary = book.create_sheet("汇总")
    rows = compare_figures(data.figures, previous.figures if previous else None)
    previous_label = f"上次报送({previous.period})" if previous else "上次报送(无)"
    style.write_table(summary, ["类别", "项目", "本次", previous_label, "变化"], rows,
                      [16, 30, 12, 18, 10], title=f"{title}汇总({data.quarter.label})",
                      subtitle=subtitle)


class ExportCancelled(KnownError):
    def __init__(self) -> None:
        super().__init__("已取消导出,没有写入文件,也没有留存")


def export_quarter(database: Database, quarter: Quarter, out: str | Path,
                   today: date | None = None,
                   progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write the quarter's workbook to ``out`` and keep it as a snapshot.

    ``progress(done, 1000, label)`` is told as the work goes (the figures, the ledger's
    rows, the kinds' sheets, saving); when ``cancelled()`` turns true nothing is written
    nor kept (``ExportCancelled``)."""
    try:
        return _export(database, quarter, Path(out), today or clock.today(),
                       Steps(progress, cancelled))
    except WorkCancelled:
        raise ExportCancelled() from None


def _export(database: Database, quarter: Quarter, target: Path, today: date,
            steps: Steps) -> ExportResult:

    # The township's ledger keeps full ID numbers: only a 经办人 may write it (issue 18),
    # checked before a single cell is written.
    require(database.operator, CLERK, "导出季度报送台账(含完整身份证号)")
    if quarter.start > today:
        raise KnownError(f"{quarter.label}还没有开始,无法导出")
    if target.suffix.lower() != ".xlsx":
        raise KnownError(f"导出文件应以 .xlsx 结尾:{target.name}")
    # The quarter's rows (a county: 100,000 rows of 30 cells) live until the workbook
    # is written; the cyclic collector would walk them again and again meanwhile.
    with collector_paused():
        steps.say(0, f"正在统计{quarter.label}的人数、走访与需求…")
        data = collect(database, quarter, today)
        steps.say(300, "正在统计儿童、妇女、特困人员…")
        sheets = collect_kinds(database, quarter, data.as_of)
        data.figures["kinds"] = {s.kind.label: s.figures for s in sheets}
        previous = previous_snapshot(database, quarter)
        made_at = clock.now()
        title, unit = _title(database, quarter)
        content = write_workbook(data, title, unit, previous, made_at, sheets, steps)
    steps.say(900, f"正在保存到 {target.name}…")
    # The file takes its name only once the export is kept: a snapshot refused (or a
    # kill before it) leaves no workbook that looks sent, only its part, removed here.
    part = part_of(target)
    try:
        part.write_bytes(content)
        # Past this point the snapshot is kept whatever the button says.
        if steps.progress is not None:
            steps.progress(950, 1000, "正在留存本次报送的工作簿…")
        snapshot_id = _keep(database, quarter, data, made_at, target.name, content)
    except BaseException as e:
        part.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise cannot_save(target) from e
        raise
    try:
        os.replace(part, target)
    except OSError as e:
        part.unlink(missing_ok=True)
        raise KnownError(f"{cannot_save(target)}。本次报送已留存(第 {snapshot_id} 次),"
                         "可在“历次报送”中把当时的文件另存。") from e
    if steps.progress is not None:
        steps.progress(1000, 1000, "已完成")
    return ExportResult(len(data.rows), data.figures, snapshot_id, previous)


def _keep(database: Database, quarter: Quarter, data: QuarterData, made_at: datetime,
          file_name: str, content: bytes) -> int:
    """The export kept as a snapshot, logged; its number. The township's own is the
    township's (village NULL, issue 22), beside each village's."""
    township: dict[str, Any] = {"village_id": None} if database.township else {}
    try:
        with database.transaction() as session:
            inserted = session.execute(export_snapshot.insert().values(
                period=quarter.code, made_at=made_at, made_on=data.as_of,
                figures=json.dumps(data.figures, ensure_ascii=False), file_name=file_name,
                workbook=content, **township,
            ))
            snapshot_id = inserted.inserted_primary_key[0]  # type: ignore[attr-defined]
            audit.record(session, "export", "ledger", int(snapshot_id),
                         summary=f"{quarter.label}季度报送台账 {file_name}(完整身份证号)",
                         count=len(data.rows))
    except (DBAPIError, DatabaseError) as e:
        if isinstance(e, DatabaseError) and not isinstance(e.__cause__, IntegrityError):
            raise  # said for the clerk already (a damaged register, a full disk)
        # What the database said is for the log; the clerk is told what it means.
        log.exception("季度报送未能留存")
        raise KnownError(f"{quarter.label}的报送未能留存,没有写入文件:数据库拒绝了这次保存"
                         "(详情已记入日志)。请稍后重试;仍不行请找维护人员。") from e
    return int(snapshot_id)


def _own(database: Database) -> Any:
    """The exports of what is open: the village's, or the township's own (issue 22: not
    its villages', which a township connection sees too)."""
    if database.township:
        return export_snapshot.c.village_id.is_(None)
    return export_snapshot.c.village_id == int(database.scope)


def snapshots(database: Database) -> list[Snapshot]:
    """Every export made, newest first (without the workbooks' bytes)."""
    with database.session() as session:
        rows = session.execute(
            select(export_snapshot.c.id, export_snapshot.c.period, export_snapshot.c.made_at,
                   export_snapshot.c.made_on, export_snapshot.c.file_name,
                   export_snapshot.c.figures).where(_own(database))
            .order_by(export_snapshot.c.made_at.desc(), export_snapshot.c.id.desc())).all()
    return [Snapshot(r.id, r.period, r.made_at, r.made_on, r.file_name, json.loads(r.figures))
            for r in rows]


def previous_snapshot(database: Database, quarter: Quarter) -> Snapshot | None:
    """The last export of an earlier quarter: what was sent before this one."""
    for snapshot in snapshots(database):
        if snapshot.period < quarter.code:
            return snapshot
    return None


def snapshot(database: Database, snapshot_id: int) -> Snapshot:
    """One export kept, by its number."""
    for kept in snapshots(database):
        if kept.id == snapshot_id:
            return kept
    raise NotFound(f"没有编号为 {snapshot_id} 的报送记录")


def compare_with_now(database: Database, kept: Snapshot, quarter: Quarter, today: date
                     ) -> tuple[dict[str, Any], list[list[Any]]]:
    """The figures of ``quarter`` as the register stands today, beside a kept export:
    what was sent, and what would be sent now. Nothing is written."""
    data = collect(database, quarter, today)
    figures = data.figures
    figures["kinds"] = {s.kind.label: s.figures
                        for s in collect_kinds(database, quarter, data.as_of)}
    return figures, compare_figures(figures, kept.figures)


def snapshot_workbook(database: Database, snapshot_id: int) -> bytes:
    """A kept export's workbook as sent (full ID numbers: a 经办人's, and logged)."""
    require(database.operator, CLERK, "取出报送时的台账(含完整身份证号)")
    with database.session() as session:
        content = session.execute(select(export_snapshot.c.workbook).where(
            export_snapshot.c.id == snapshot_id, _own(database))).scalar()
    if content is None:
        raise NotFound(f"没有编号为 {snapshot_id} 的报送记录")
    audit.log(database, "export", "ledger", f"取出第 {snapshot_id} 次报送的台账", need=CLERK)
    return bytes(content)
