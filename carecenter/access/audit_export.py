"""The audit log to an Excel workbook (for the township's inspection or the archive).

The export itself is logged (who exported how many entries). The log holds old and new
ID numbers in full, so exporting it needs the administrator.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from carecenter.access import audit
from carecenter.errors import KnownError
from carecenter.rules.roles import ADMIN, require
from carecenter.storage.database import Database

HEADERS = ("时间", "操作员", "操作", "对象", "记录号", "档案号", "内容", "旧值", "新值", "数量")


def export_log(database: Database, where: audit.Filter, out: str | Path) -> int:
    """Write the entries ``where`` selects, one row per changed field; their number."""
    require(database.operator, ADMIN, "导出审计日志")
    found = audit.entries(database, where)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(list(HEADERS))
    for e in found:
        base = [f"{e.at:%Y-%m-%d %H:%M:%S}", e.operator, e.action_label, e.entity_label,
                e.record_id, e.person_id]
        if not e.changes:
            sheet.append([*base, e.summary, None, None, e.count])
        for label, old, new in e.changes:
            sheet.append([*base, f"{e.summary} {label}".strip(), old, new, e.count])
    try:
        book.save(str(out))
    except OSError as err:
        raise KnownError(f"无法写入 {out}:{err.strerror or err}") from None
    audit.log(database, "export", "audit", f"导出审计日志 {Path(out).name}", count=len(found),
              need=ADMIN)
    return len(found)
