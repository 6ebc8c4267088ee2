"""The command line: ``python -m carecenter demo|check|id ...``.

Every message is Chinese; a bad argument or an expected failure is a message and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from carecenter import clock
from carecenter.errors import KnownError

if TYPE_CHECKING:
    from carecenter.storage.database import Database

_ARGPARSE_MESSAGES = (
    (r"argument 命令: invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
     "没有“{0}”这个命令,可用:{1}"),
    (r"the following arguments are required: (.*)", "缺少参数:{0}"),
    (r"unrecognized arguments: (.*)", "无法识别的参数:{0}"),
    (r"argument (\S+): invalid int value: '(.*)'", "参数 {0} 需要整数,“{1}”不是整数"),
    (r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
     "参数 {0} 不能是“{1}”,可选:{2}"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要一个值"),
    (r"invalid choice: '?([^' ]*)'? \(choose from (.*)\)", "没有“{0}”这个命令,可用:{1}"),
    (r"argument (\S+): (.*)", "参数 {0}:{1}"),
)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse, with its complaints said in Chinese."""

    def error(self, message: str) -> NoReturn:
        for pattern, template in _ARGPARSE_MESSAGES:
            m = re.search(pattern, message)
            if m:
                message = template.format(*m.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"错误:{message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 0:
        raise argparse.ArgumentTypeError("不能是负数")
    if value > 1_000_000:
        raise argparse.ArgumentTypeError("最多 1000000 人(一个县约 10 万人)")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期,请写成 2026-03-05") from None


def build_parser() -> ChineseArgumentParser:
    from carecenter.storage.location import command_line

    parser = ChineseArgumentParser(
        prog=command_line(), description="留守关爱:农村留守老年人关爱服务台账"
    )
    commands = parser.add_subparsers(
        dest="command", metavar="命令", parser_class=ChineseArgumentParser
    )
    commands.required = True

    demo = commands.add_parser("demo", help="生成演示用的模拟登记册")
    demo.add_argument("--persons", type=_positive, required=True, help="人数")
    demo.add_argument("--db", required=True, help="数据库文件")
    demo.add_argument("--seed", type=int, default=0, help="随机种子(相同种子得到相同数据)")
    demo.add_argument("--force", action="store_true", help="数据库里已有人时仍然追加")
    demo.add_argument("--today", type=_day,
                      help="把哪一天当作今天(评估、走访、需求落在此前一年;默认今天)")
    demo.add_argument("--helpers", type=_positive, help="帮扶人数(默认:人数 ÷ 15)")

    check = commands.add_parser("check", help="检查数据库完整性与数据有效性")
    check.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")

    id_cmd = commands.add_parser("id", help="核对一个身份证号")
    id_cmd.add_argument("number", help="身份证号(18 位或 15 位)")
    id_cmd.add_argument("--date", type=_day, help="计算年龄的日期(默认今天)")
    worklist = commands.add_parser("worklist", help="列出逾期和到期的走访、评估与待办需求")
    worklist.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    worklist.add_argument("--date", type=_day, help="按哪一天计算(默认今天)")
    worklist.add_argument("--group", help="只看一个村民小组")
    worklist.add_argument("--exit", type=int, action="append", metavar="档案号",
                          help="为“不再符合”的人办理退出(原因按留守认定;可重复)")
    event = commands.add_parser("event", help="登记村级活动(关爱互助活动、健康教育)及参加人员")
    event.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    event.add_argument("--date", type=_day, help="活动日期(默认今天)")
    event.add_argument("--kind", required=True, choices=["activity", "health_talk"],
                       help="activity:关爱服务和互助活动;health_talk:健康教育咨询")
    event.add_argument("--title", required=True, help="活动名称")
    event.add_argument("--place", default="", help="活动地点")
    event.add_argument("--people", default="", help="参加人员档案号,逗号分隔")
    event.add_argument("--photo", help="照片文件(可选)")
    flood = commands.add_parser("flood", help="开展汛期安全排查:列出全部有住房安全隐患的在册人员")
    flood.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    flood.add_argument("--from", dest="starts", type=_day, help="开始日期(默认今天)")
    flood.add_argument("--to", dest="ends", type=_day, required=True, help="结束日期")

    from carecenter.cli import ledger_cli as ledger_commands

    ledger_commands.add_parsers(commands)

    pair = commands.add_parser("pair", help="为未结对的人建议(并保存)帮扶人")
    pair.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    pair.add_argument("--dry-run", action="store_true", help="只显示建议,不保存")
    pair.add_argument("--date", type=_day, help="结对开始日期(默认今天)")

    from carecenter.cli import print_cli as print_command

    print_command.add_parser(commands)

    from carecenter.cli import backup_cli as backup_commands

    backup_commands.add_parsers(commands)

    from carecenter.cli import township_cli

    township_cli.add_parsers(commands)

    settings = commands.add_parser(
        "settings", help="查看或修改本村设置(村名、村干部、村医、协议、结对负荷)")
    settings.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    settings.add_argument("--set", action="append", default=[], metavar="项=值",
                          help="修改一项,如 --set village.name=白竹村(可重复)")
    settings.add_argument("--cadre", action="append", metavar="职务,姓名,电话",
                          help="印在联系卡上的村干部,每人一个 --cadre(给出时替换原名单)")

    from carecenter.cli import access_cli

    access_cli.add_parsers(commands)
    # Every command that opens a register signs an operator in (issue 18).
    for name, sub in commands.choices.items():
        if name != "id":
            access_cli.add_operator_argument(sub)
    return parser


def _open_existing(db: str | None, hold: bool = False) -> Database:
    """An existing register (a mistyped path is refused, nothing created), its operator
    signed in; ``hold``: the register's lock for the whole command (refused while the
    app holds it)."""
    from carecenter.cli.access_cli import open_register

    return open_register(db, hold=hold)


def cmd_worklist(args: argparse.Namespace) -> int:
    from carecenter.overview import work_list as worklist

    database = _open_existing(args.db)
    try:
        if args.exit:
            from carecenter.register.people import Register

            register = Register(database)
            for pid in args.exit:
                print(f"档案号 {pid} 已退出:{register.exit_not_qualifying(pid)}")
            return 0
        group_id = None
        if args.group:
            from carecenter.register.groups import GroupBook

            with database.session() as session:
                found = GroupBook(database).index(session).find(args.group)
            if found is None:
                raise KnownError(f"没有“{args.group}”这个村民小组")
            group_id = found
        result = worklist.build(database, args.date or clock.today(), group_id=group_id)
        lines = result.lines()  # the sections are read here, while the database is open
    finally:
        database.close()
    print("\n".join(lines))
    return 0


def cmd_event(args: argparse.Namespace) -> int:
    from carecenter.care.events import EVENT_KINDS, EventBook, EventInput

    try:
        people = [int(p) for p in args.people.replace("，", ",").split(",") if p.strip()]
    except ValueError:
        raise KnownError(f"参加人员应是逗号分隔的档案号,而不是“{args.people}”") from None
    photo = None
    if args.photo:
        try:
            photo = Path(args.photo).read_bytes()
        except OSError as e:
            raise KnownError(f"读不了照片文件 {args.photo}:{e.strerror}") from None
    database = _open_existing(args.db)
    try:
        held = args.date or clock.today()
        EventBook(database).record(EventInput(held, args.kind, args.title, people,
                                              args.place, photo=photo))
    finally:
        database.close()
    print(f"已登记{EVENT_KINDS[args.kind]}“{args.title}”({held:%Y-%m-%d}),参加 {len(people)} 人")
    return 0


def cmd_flood(args: argparse.Namespace) -> int:
    from carecenter.care.care_book import CareBook

    database = _open_existing(args.db)
    try:
        care = CareBook(database)
        starts = args.starts or clock.today()
        round_id = care.start_flood_round(starts, args.ends)
        [record] = [r for r in care.rounds() if r.id == round_id]
    finally:
        database.close()
    print(f"已开展{record.name}({starts:%Y-%m-%d} 至 {args.ends:%Y-%m-%d}):"
          f"{record.members} 人,列入工作台“专项走访”")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from carecenter.cli.access_cli import DEMO_ADMIN, demo_admin, key_for
    from carecenter.demo import register_demo as demo
    from carecenter.storage.database import Database

    database = Database(args.db, hold=True, key=key_for(args.db, DEMO_ADMIN))
    try:
        demo_admin(database)
        def progress(done: int, total: int) -> None:
            print(f"\r已生成 {done}/{total} 人", end="", file=sys.stderr, flush=True)

        summary = demo.generate(database, args.persons, seed=args.seed, force=args.force,
                                progress=progress, today=args.today, helpers=args.helpers)
    finally:
        database.close()
    print(file=sys.stderr)
    print(
        f"已生成 {summary.persons} 人、{summary.supporters} 名赡养人、{summary.groups} 个村民小组、"
        f"{summary.visits} 条走访记录、"
        f"{summary.helpers} 名帮扶人({summary.pairings} 人已结对),"
        f"用时 {summary.seconds:.1f} 秒:{args.db}"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from carecenter.cli.access_cli import open_register
    from carecenter.register import register_check as check

    database = open_register(args.db, migrate=False)
    try:
        report = check.run(database)
    finally:
        database.close()
    print("\n".join(report.lines()))
    return 0 if report.clean else 1


def cmd_id(args: argparse.Namespace) -> int:
    from carecenter.rules import idnumber

    today = args.date or clock.today()
    info = idnumber.parse(args.number, today=today)
    print(f"身份证号:{info.number}")
    if info.upgraded_from:
        print(f"(由 15 位旧号 {info.upgraded_from} 升位)")
    from carecenter.rules import divisions

    county = divisions.county_name(info.number[:6])
    print(f"签发地:{info.province}{(' ' + county) if county else ''}")
    print(f"出生日期:{info.birth_date:%Y年%m月%d日}")
    print(f"性别:{info.sex_label}")
    print(f"年龄:{info.age_on(today)} 岁({today:%Y-%m-%d})")
    for warning in idnumber.warnings_for(info, today):
        print(f"注意:{warning}")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from carecenter.cli import print_cli as command

    return command.run(args)


def cmd_pair(args: argparse.Namespace) -> int:
    from carecenter.cli.pairing_cli import run

    return run(args.db, dry_run=args.dry_run, on=args.date)


def cmd_settings(args: argparse.Namespace) -> int:
    from carecenter.settings.preferences import Cadre, Preferences, describe

    database = _open_existing(args.db, hold=bool(args.set or args.cadre is not None))
    try:
        preferences = Preferences(database)
        values: dict[str, str] = {}
        for item in args.set:
            name, sep, value = item.partition("=")
            if not sep:
                raise KnownError(f"“{item}”应写成 项=值,如 village.name=白竹村")
            values[name.strip()] = value
        cadres = None
        if args.cadre is not None:
            cadres = []
            for item in args.cadre:
                parts = [p.strip() for p in item.replace(",", ",").split(",")]
                if len(parts) != 3:
                    raise KnownError(f"村干部“{item}”应写成 职务,姓名,电话")
                cadres.append(Cadre(*parts))
        if values or cadres is not None:
            preferences.save(values, cadres)
            print("已保存。")
        for line in describe(preferences.read(), preferences.cadres()):
            print(line)
    finally:
        database.close()
    return 0


def _ledger_command(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from carecenter.cli import ledger_cli as ledger_commands

        return ledger_commands.COMMANDS[name](args)

    return run


def _access_command(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from carecenter.cli import access_cli

        return access_cli.COMMANDS[name](args)

    return run


def _backup_command(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from carecenter.cli import backup_cli

        return backup_cli.COMMANDS[name](args)

    return run


def _township_command(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from carecenter.cli import township_cli

        return township_cli.COMMANDS[name](args)

    return run


COMMANDS = {"demo": cmd_demo, "check": cmd_check, "id": cmd_id, "worklist": cmd_worklist,
            "flood": cmd_flood, "event": cmd_event,
            "pair": cmd_pair, "print": cmd_print, "settings": cmd_settings,
            **{name: _backup_command(name) for name in ("backup", "backups", "restore", "create")},
            **{name: _ledger_command(name) for name in ("import", "export", "compare")},
            **{name: _township_command(name) for name in ("migrate-to", "villages")},
            **{name: _access_command(name) for name in ("operators", "audit", "recover")}}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a Windows console may not default to UTF-8
            reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    from carecenter.cli import access_cli

    access_cli.chosen_operator = getattr(args, "operator", None)
    access_cli.forget_credentials()  # each command asks (or reads) its own
    try:
        return COMMANDS[args.command](args)
    except KnownError as e:
        print(f"错误:{e.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``worklist | head``): nothing more to tell it, and no
        # error of ours (a write had finished or rolled back whole). Python would raise
        # again flushing stdout at exit: point it at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
