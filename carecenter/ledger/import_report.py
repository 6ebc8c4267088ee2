"""The import's report as a workbook: every row not imported, and why, field by field.

The clerk corrects the ledger from it; rows that came in with a note (a value left out,
a group created, an ID still to be added) are listed on a second sheet.
"""

from __future__ import annotations

from pathlib import Path

from carecenter.ledger.import_preview import IGNORED, REFUSED, Preview
from carecenter.ledger.style import new_workbook, save, write_table


def save_report(preview: Preview, path: str | Path) -> Path:
    book = new_workbook()
    skipped = book.create_sheet("未导入的行")
    lines: list[list[object]] = []
    for row in preview.rows:
        if row.action not in (REFUSED, IGNORED):
            continue
        for problem in row.errors or []:
            lines.append([row.row, row.action_label, row.name, row.id_number,
                          problem.field, problem.message])
    write_table(skipped, ["行号", "处理", "姓名", "身份证号", "字段", "原因"], lines,
                widths=[8, 8, 12, 22, 12, 70], text_columns={4},
                title=f"{preview.path.name}(工作表“{preview.sheet}”)未导入的行")
    notes = book.create_sheet("提示")
    lines = []
    for row in preview.rows:
        if not row.accepted:
            continue
        for problem in row.warnings:
            lines.append([row.row, row.action_label, row.name, row.id_number,
                          problem.field, problem.message])
    write_table(notes, ["行号", "处理", "姓名", "身份证号", "字段", "提示"], lines,
                widths=[8, 8, 12, 22, 12, 70], text_columns={4},
                title=f"{preview.path.name} 已导入但需留意的行")
    every = book.create_sheet("逐行预览")
    lines = [[row.row, row.sheet, row.action_label, row.name, row.id_number, row.why()]
             for row in preview.rows]
    write_table(every, ["行号", "工作表", "处理", "姓名", "身份证号", "将如何处理及原因"], lines,
                widths=[8, 14, 8, 12, 22, 90], text_columns={5},
                title=f"{preview.path.name} 每一行将如何处理")
    columns = book.create_sheet("未导入的列")
    write_table(columns, ["位置", "列标题", "原因"], [list(c) for c in preview.not_imported()],
                widths=[24, 24, 50], title=f"{preview.path.name} 未导入的列")
    target = Path(path)
    save(book, target)
    return target
