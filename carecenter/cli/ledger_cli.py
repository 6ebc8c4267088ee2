"""The ledger's command-line commands: import, export (and the exports kept), compare.

    python -m carecenter import [ledger] FILE.xlsx --db PATH [--sheet S] [--mapping M.json]
                                [--dry-run] [--skip-bad] [--report R.xlsx] [--confirm-exits]
    python -m carecenter export [quarter] [2026Q3] --db PATH --out FILE.xlsx [--date D]
    python -m carecenter export snapshots --db PATH          (what was sent, when)
    python -m carecenter export show N --db PATH [--out F]  (its figures; its file again)
    python -m carecenter export compare [N] --db PATH [--quarter Q] [--date D]
                                                            (a kept export beside now)
    python -m carecenter compare THEIRS.xlsx --db PATH --out DIFF.xlsx [--sheet S]

When any row of an import is refused, nothing is written and the exit code is 1, unless
``--skip-bad`` imports the other rows, saying how many were skipped and why. Rows whose
状态 or 备注 say the person died, moved into a home or has children back are exits
proposed (issue 16): nothing is written (exit 1) until ``--confirm-exits``. An import (or
a dry run) that leaves rows out, refused rows skipped or rows holding someone's data
outside the table (another table below it, above its header), ends with exit code 3
(``LEFT_OUT``), never 0: a script sees that not every row came in (reviewer item 7).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from carecenter import clock
from carecenter.errors import KnownError
from carecenter.storage.location import command_line

# The exit code of an import that was written (or a dry run that found nothing to
# refuse) but left rows out: refused rows skipped with --skip-bad, or rows holding
# someone's data outside the table. 0 only when every row came in or was nobody's.
LEFT_OUT = 3
IMPORT_EXIT_CODES = """退出码:
  0  全部导入(预览时:没有问题)
  1  有行被拒绝或有待确认的退出,未写入任何数据;或文件、登记册有误
  2  命令用法有误
  3  已导入(预览时:可以导入),但有行未导入:用 --skip-bad 跳过的被拒绝的行,
     或像是人员信息却在表格之外(另一张表、表头上方)的行,均已逐行列出
"""


def add_parsers(commands: Any) -> None:
    from carecenter.rules.kinds import KINDS

    imp = commands.add_parser("import", help="导入村里的 Excel 台账(花名册)",
                              epilog=IMPORT_EXIT_CODES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("what", nargs="+", metavar="文件",
                     help="Excel 台账文件(也可写成 ledger 文件)")
    imp.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    imp.add_argument("--sheet", help="只读取这一张工作表(默认:读取工作簿中所有人员台账工作表,"
                                     "填表说明、汇总表和空白表不读并说明原因;"
                                     "儿童、妇女台账读取有该类表头的工作表)")
    imp.add_argument("--mapping", help="列对应关系 JSON 文件:{\"列标题\": \"字段\"}")
    imp.add_argument("--dry-run", action="store_true", help="只预览,不写入")
    imp.add_argument("--skip-bad", action="store_true", help="跳过被拒绝的行,导入其余行")
    imp.add_argument("--confirm-exits", action="store_true",
                     help="台账状态或备注写明已故、入住养老机构、子女返乡等的,按台账办理退出")
    imp.add_argument("--report", help="把未导入的行及原因另存为 Excel 工作簿")
    imp.add_argument("--kind", choices=tuple(KINDS),
                     help="台账类别:" + "、".join(f"{k.code} {k.label}" for k in KINDS.values())
                     + "(默认按表头自动判断:有父亲、母亲或监护人列的是留守儿童台账,"
                     "有特困供养证号、认定时间或供养方式列的是特困群众名单)")

    exp = commands.add_parser(
        "export", help="导出季度报送台账(Excel);查看、对比历次报送",
        description="export [quarter] 2026Q3 --out 文件:导出季度台账并留存;"
                    "export snapshots:列出历次报送;export show 编号 [--out 文件]:"
                    "查看一次报送的数字(并取回当时的文件);export compare [编号]:"
                    "把一次报送(默认最近一次)与登记册现在的数字对比")
    exp.add_argument("what", nargs="*", metavar="季度",
                     help="季度,如 2026Q3(默认本季度);或 snapshots / show 编号 / compare [编号]")
    exp.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    exp.add_argument("--out", help="导出的 Excel 文件")
    exp.add_argument("--quarter", help="季度,如 2026Q4(compare:现在按哪个季度统计,默认本季度)")
    exp.add_argument("--date", help="按哪一天统计(默认今天),如 2026-11-23")

    cmp_ = commands.add_parser("compare", help="与乡镇名单比对,导出差异")
    cmp_.add_argument("file", metavar="文件", help="乡镇发来的名单(Excel)")
    cmp_.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    cmp_.add_argument("--out", required=True, help="差异清单 Excel 文件")
    cmp_.add_argument("--sheet", help="工作表名称(默认第一个)")
    cmp_.add_argument("--mapping", help="列对应关系 JSON 文件")


def _open_db(db: str | None, hold: bool = False) -> Any:
    """An existing register (a mistyped path is refused, nothing created), its operator
    signed in; ``hold``: the register's lock for the whole command, so nobody writes
    between preview and import."""
    from carecenter.cli.access_cli import open_register

    return open_register(db, hold=hold)


def _file_argument(words: list[str]) -> str:
    if len(words) == 2 and words[0] == "ledger":
        return words[1]
    if len(words) == 1:
        return words[0]
    raise KnownError(f"用法:{command_line()} import [ledger] 文件.xlsx --db 数据库")


def read_mapping_file(path: str, layout: Any) -> None:
    """Apply a JSON mapping {"列标题" or "A": "字段"} to the detected columns."""
    from openpyxl.utils import column_index_from_string

    from carecenter.ledger import mapping

    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise KnownError(f"无法读取列对应文件 {path}:{e}") from e
    if not isinstance(raw, dict):
        raise KnownError(f"列对应文件 {path} 应是 {{\"列标题\": \"字段\"}} 形式的 JSON")
    by_label = {mapping.normalise_label(c.label): c for c in layout.columns}
    by_index = {c.index: c for c in layout.columns}
    for key, value in raw.items():
        target = mapping.resolve_target(str(value))
        if target is None:
            raise KnownError(f"列对应文件中“{value}”不是可导入的字段")
        column = by_label.get(mapping.normalise_label(key))
        if column is None and str(key).isalpha() and str(key).isascii():
            column = by_index.get(column_index_from_string(str(key).upper()) - 1)
        if column is None:
            raise KnownError(f"列对应文件中的列“{key}”在表头里找不到")
        for other in layout.columns:
            if target and other.target == target:
                other.target = ""
        column.target = target


def print_preview(preview: Any, limit: int = 200, every: bool = False) -> None:
    """The summary, each sheet and column left out, then the rows: with ``every`` (the
    dry run) each row with what will happen and why, else those with something to say."""
    from carecenter.ledger.import_preview import IGNORED, REFUSED

    print(preview.summary())
    if len(preview.sheets) > 1:
        for plan in preview.sheets:
            print(plan.describe())
    for where, label, why in preview.not_imported():
        print(f"未导入的列:{where}“{label}”——{why}" if label else f"未导入的列:{where}——{why}")
    shown = more = 0
    for row in preview.rows:
        if not every and ((row.action == IGNORED and not row.left_out)
                          or not (row.errors or row.warnings)):
            continue
        if every and row.action == IGNORED and row.errors and row.errors[0].message == "空行":
            continue
        # Past the limit only the rows that do not come in: a refusal is never left
        # without its reason (held-out check: row 2,500 of 3,000 was refused unsaid).
        if shown >= limit and row.action != REFUSED and not row.left_out:
            more += 1
            continue
        who = row.name or "(无姓名)"
        said = row.why() if every else row.problems_text()
        print(f"{row.where} [{row.action_label}] {who}:{said}")
        shown += 1
    if more:
        print(f"……另有 {more} 行(都会导入)未列出,请用 --report 保存完整清单")


def cmd_import(args: argparse.Namespace) -> int:
    from carecenter.ledger import kind_import
    from carecenter.ledger.import_report import save_report
    from carecenter.ledger.importer import LedgerImport

    path = _file_argument(args.what)
    database = _open_db(args.db, hold=not args.dry_run)  # a mistyped register first
    try:
        kind = args.kind or kind_import.detect(path, args.sheet)
    except BaseException:
        database.close()
        raise
    if kind not in (None, "elder"):
        return _import_kind(database, path, kind, args)
    try:
        importer = LedgerImport(database)
        data, layout = importer.open(path, args.sheet)
        if args.mapping:
            read_mapping_file(args.mapping, layout)
        preview = importer.preview(path, data, layout)
        print_preview(preview, limit=2000 if args.dry_run else 200, every=args.dry_run)
        if args.report:
            save_report(preview, args.report)
            print(f"已保存导入报告:{args.report}")
        refused = preview.refused
        left_out = preview.left_out
        unconfirmed = bool(preview.exits) and not args.confirm_exits
        if args.dry_run:
            print("预览完毕(--dry-run),未写入任何数据")
            if unconfirmed:
                print("导入时须加 --confirm-exits 确认上面建议的退出", file=sys.stderr)
            if refused or unconfirmed:
                return 1
            return _left_out(0, len(left_out))
        if refused and not args.skip_bad:
            print(f"有 {len(refused)} 行被拒绝,未导入任何数据。改正后重新导入,"
                  "或加 --skip-bad 只导入其余行", file=sys.stderr)
            return 1
        if unconfirmed:
            print(f"有 {len(preview.exits)} 人台账写明已故、入住养老机构或子女返乡等(见上),"
                  "未导入任何数据。核对后加 --confirm-exits 按台账办理退出,或改正台账后重新导入",
                  file=sys.stderr)
            return 1
        preview.confirm_exits = args.confirm_exits
        result = importer.apply(preview)
        if args.mapping:
            importer.save_mapping(layout)
    finally:
        database.close()
    print(f"导入完成:新增 {result.created} 人,更新 {result.updated} 人")
    if preview.exits:
        print(f"按台账办理退出 {len(preview.exits)} 人")
    if result.groups_created:
        print(f"新建村民小组:{'、'.join(result.groups_created)}")
    if refused:
        print(f"跳过 {len(refused)} 行(原因见上)")
    return _left_out(len(refused), len(left_out))


def _left_out(skipped: int, outside: int) -> int:
    """LEFT_OUT, said on stderr, when rows did not come in; else 0."""
    if not skipped and not outside:
        return 0
    said = [f"跳过被拒绝的 {skipped} 行"] if skipped else []
    said += [f"{outside} 行像是人员信息但在表格之外,未读取"] if outside else []
    print(f"注意:{'、'.join(said)}(见上),退出码 {LEFT_OUT}", file=sys.stderr)
    return LEFT_OUT


def _import_kind(database: Any, path: str, kind: str, args: argparse.Namespace) -> int:
    """Another kind's ledger (a children's): checked whole, then written in one go; each
    row 新增, 更新 (what changes), 无变化 or 拒绝 (why), as the elders' preview says."""
    from carecenter.ledger import kind_import

    try:
        found = kind_import.preview(database, path, kind, args.sheet)
        for line in found.lines(every=args.dry_run):
            print(line)
        refused = found.refused
        if args.dry_run:
            print("预览完毕(--dry-run),未写入任何数据")
            return 1 if refused else _left_out(0, len(found.left_out))
        if refused and not args.skip_bad:
            print(f"有 {len(refused)} 行被拒绝,未导入任何数据。改正后重新导入,"
                  "或加 --skip-bad 只导入其余行", file=sys.stderr)
            return 1
        result = kind_import.apply(database, found)
    finally:
        database.close()
    print(f"导入完成:新增{found.kind.label} {len(result.created)} 人,更新 {len(result.updated)} 人,"
          f"无变化 {result.unchanged} 人")
    if refused:
        print(f"跳过 {len(refused)} 行(原因见上)")
    return _left_out(len(refused), len(found.left_out))


SNAPSHOT_ACTIONS = ("snapshots", "show", "compare")


def cmd_export(args: argparse.Namespace) -> int:
    from carecenter.ledger.quarter import Quarter
    from carecenter.ledger.quarter_export import export_quarter

    words = [w for w in args.what if w != "quarter"]
    today = _day(args.date) if args.date else _today()
    if words and words[0] in SNAPSHOT_ACTIONS:
        return _snapshot_command(args, words, today)
    if len(words) > 1 or (words and args.quarter):
        raise KnownError(
            f"用法:{command_line()} export [quarter] 2026Q3 --db 数据库 --out 文件")
    if not args.out:
        raise KnownError("请用 --out 指定导出的 Excel 文件,如 --out 2026Q3.xlsx")
    text = args.quarter or (words[0] if words else None)
    quarter = Quarter.parse(text) if text else Quarter.containing(today)
    database = _open_db(args.db)
    try:
        result = export_quarter(database, quarter, args.out, today=today)
    finally:
        database.close()
    print(f"已导出 {quarter.label} 台账:{result.persons} 人 → {args.out}")
    for line in result.summary_lines():
        print(line)
    return 0


def _snapshot_command(args: argparse.Namespace, words: list[str], today: Any) -> int:
    """export snapshots | show 编号 [--out 文件] | compare [编号] [--quarter Q]."""
    from carecenter.ledger import quarter_export as export
    from carecenter.ledger.figures import figure_lines
    from carecenter.ledger.quarter import Quarter

    action, rest = words[0], words[1:]
    if len(rest) > 1 or (rest and not rest[0].isdigit()) or (action == "show" and not rest) \
            or (action == "snapshots" and rest):
        raise KnownError("用法:export snapshots | export show 编号 [--out 文件] | "
                         "export compare [编号] [--quarter 2026Q4]")
    database = _open_db(args.db)
    try:
        kept = export.snapshots(database)
        if action == "snapshots":
            if not kept:
                print("还没有导出过季度报送台账")
            for k in kept:
                print(_snapshot_line(k))
            return 0
        if not kept:
            raise KnownError("还没有导出过季度报送台账,无可对比")
        chosen = export.snapshot(database, int(rest[0])) if rest else kept[0]
        print(_snapshot_line(chosen))
        if action == "show":
            if args.out:
                content = export.snapshot_workbook(database, chosen.id)
                try:
                    Path(args.out).write_bytes(content)
                except OSError as e:
                    raise KnownError(f"无法保存 {args.out}:{e.strerror}") from e
                print(f"当时报送的文件已另存为 {args.out}")
            for section, item, value in figure_lines(chosen.figures):
                print(f"{section}\t{item}\t{value}")
            return 0
        quarter = Quarter.parse(args.quarter) if args.quarter else Quarter.containing(today)
        figures, rows = export.compare_with_now(database, chosen, quarter, today)
    finally:
        database.close()
    print(f"对比:{chosen.period} 报送时(数据截至 {chosen.figures.get('as_of')})"
          f" → 现在 {quarter.code}(数据截至 {figures['as_of']})")
    print("类别\t项目\t报送时\t现在\t变化")
    for section, item, now, was, change in rows:
        shown = ["" if was is None else str(was), "" if now is None else str(now),
                 "" if change is None else f"{change:+d}" if change else "0"]
        print(f"{section}\t{item}\t" + "\t".join(shown))
    return 0


def _snapshot_line(kept: Any) -> str:
    f = kept.figures
    return (f"编号 {kept.id}  {f.get('label', kept.period)}  导出于 {kept.made_at:%Y-%m-%d %H:%M}"
            f"  数据截至 {kept.made_on:%Y-%m-%d}{'(季度未结束)' if f.get('partial') else ''}"
            f"  在册 {f.get('active', 0)} 人  文件 {kept.file_name}")


def _day(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KnownError(f"“{text}”不是日期,请写成 2026-11-23") from None


def cmd_compare(args: argparse.Namespace) -> int:
    from carecenter.ledger.compare import compare_file, save_differences

    database = _open_db(args.db)
    try:
        mapping_file = args.mapping
        result = compare_file(database, args.file, args.sheet,
                              adjust=(lambda layout: read_mapping_file(mapping_file, layout))
                              if mapping_file else None)
        save_differences(result, args.out, database)
    finally:
        database.close()
    for line in result.summary_lines():
        print(line)
    print(f"差异清单已保存:{args.out}")
    return 0


def _today() -> Any:

    return clock.today()


COMMANDS = {"import": cmd_import, "export": cmd_export, "compare": cmd_compare}
