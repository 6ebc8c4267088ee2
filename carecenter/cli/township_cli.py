"""``python -m carecenter migrate-to`` and ``villages``: a township's server (issue 22).

    migrate-to URL --db 村.db [--db 另一村.db ...] [--name 村名]   村的数据库迁入乡镇服务器
    migrate-to 新文件.db --db URL --village 村名或编号              一个村迁出为数据库文件
    villages --db URL                                          服务器上的各村及人数

Moving villages in is the township's act: the command line's operator signs in on the
server first and must be the township's administrator. On an empty server that sign-in
makes them so (the server's first operator is the township's, with the township's
recovery code), before any village's operators arrive: otherwise the villages' would be
the only ones, and nobody could ever add the township's own staff.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from carecenter.errors import KnownError


def add_parsers(commands: Any) -> None:
    move = commands.add_parser(
        "migrate-to", help="把村的数据库迁入乡镇的 PostgreSQL 服务器,或把一个村迁出为数据库文件",
        description="migrate-to 服务器URL --db 村.db:迁入(每个村一个事务,可重复运行,"
                    "已迁入的只核对数目);migrate-to 新文件.db --db 服务器URL --village 村:迁出")
    move.add_argument("target", metavar="目标",
                      help="postgresql+psycopg://用户:密码@主机/库名,或迁出的新数据库文件")
    move.add_argument("--db", action="append", required=True,
                      help="来源:村的数据库文件(可重复),或迁出时的服务器 URL")
    move.add_argument("--name", help="迁入后的村名(默认取本村设置中的村名)")
    move.add_argument("--village", help="迁出哪个村(村名或编号)")
    move.add_argument("--from-operator", metavar="姓名",
                      help="迁入时打开村的数据库文件用的该村操作员(默认与服务器上的操作员相同);"
                           f"密码取自 {FROM_PASSWORD_VAR} 或在提示时输入")

    listing = commands.add_parser(
        "villages", help="列出乡镇服务器上的各村及在册人数;给出 --quarter 时各村季度数字并列")
    listing.add_argument("--db", help="服务器 URL(默认:CARECENTER_DATABASE_URL)")
    listing.add_argument("--quarter", help="季度,如 2026Q4:各村的报送数字并列,末列为全乡镇")
    listing.add_argument("--date", help="按哪一天统计(默认今天),如 2026-11-23")
    listing.add_argument("--out", help="并列的数字另存为 Excel 工作簿")


# The password of ``--from-operator`` (the village's own operator, who opens its file).
FROM_PASSWORD_VAR = "CARECENTER_FROM_PASSWORD"


def _township_admin(server: Any) -> None:
    """Sign the command line's operator in on the server (an empty server's first is
    made the township's administrator) and refuse anyone else: moving a village in or
    out is the township's act."""
    from carecenter.cli.access_cli import sign_in
    from carecenter.rules.roles import ADMIN

    sign_in(server)
    who = server.operator
    if who is None or who.village_id is not None or who.role != ADMIN:
        name = who.name if who else ""
        raise KnownError(f"迁入迁出村是乡镇的事,请以乡镇的管理员身份运行({name} 不是乡镇的"
                         "管理员)。操作员姓名取自 --operator 或 CARECENTER_OPERATOR。")


def _source_key(db: str, args: argparse.Namespace) -> bytes | None:
    """The key of a village's encrypted file: unwrapped with ``--from-operator``'s
    password when given, else with the command line's operator's (issue 18)."""
    from carecenter.access import register_keys
    from carecenter.cli.access_cli import _ask, key_for

    if not args.from_operator:
        try:
            return key_for(db)
        except register_keys.WrongPassword as e:
            raise KnownError(f"打不开 {db}:{e}。如服务器上的操作员不是该村的操作员,请用 "
                             "--from-operator 指明该村的操作员") from None
    path = Path(db)
    if not register_keys.encrypted(path):
        return None
    password = os.environ.get(FROM_PASSWORD_VAR) or _ask(
        f"{args.from_operator}(村的操作员)的密码:", secret=True)
    try:
        return register_keys.unlock(path, args.from_operator, password)
    except register_keys.WrongPassword as e:
        raise KnownError(f"打不开 {db}:{e}") from None


def _progress(table: str, rows: int) -> None:
    """A line per table and per 50,000 rows: a county's move takes minutes."""
    if rows % 50_000 == 0 or rows <= 5000:
        print(f"  {table}: {rows} 行", flush=True)


def cmd_migrate_to(args: argparse.Namespace) -> int:
    from carecenter.cli.access_cli import sign_in
    from carecenter.storage import transfer
    from carecenter.storage.database import Database
    from carecenter.storage.location import is_server, shown

    if is_server(args.target):
        if any(is_server(db) for db in args.db):
            raise KnownError("迁入时 --db 应是村的数据库文件")
        if args.name and len(args.db) > 1:
            raise KnownError("一次迁入多个村时不能用 --name")
        for db in args.db:
            if not Path(db).is_file():
                raise KnownError(f"数据库文件 {db} 不存在")
        server = Database(args.target, scope="*")
        try:
            _township_admin(server)
            for db in args.db:
                source = Database(db, key=_source_key(db, args))  # encrypted: its key
                try:
                    print(f"迁入 {db} → {shown(args.target)}", flush=True)
                    moved = transfer.move_in(source, server, args.name, progress=_progress)
                finally:
                    source.close()
                _report(moved, "迁入")
        finally:
            server.close()
        print("各村的操作员随村迁入,仍只能看本村。乡镇的操作员由乡镇的管理员添加:设 "
              "CARECENTER_VILLAGE='*' 后运行 operators --add 姓名 --role 经办人 --db 服务器URL。")
        return 0
    if len(args.db) != 1 or not is_server(args.db[0]):
        raise KnownError("迁出时 --db 应是一个服务器 URL,目标是新的数据库文件")
    if not args.village:
        raise KnownError("迁出时请用 --village 指明哪个村")
    target = Path(args.target)
    if target.exists():
        print(f"{target} 已存在:只核对其中是否已是这个村。", flush=True)
    server = Database(args.db[0], scope="*")
    try:
        from carecenter.rules.roles import ADMIN
        from carecenter.storage.villages import listed

        sign_in(server)  # the township's administrator, or the leaving village's own
        who = server.operator
        with server.engine.connect() as connection:
            match = [v for v in listed(connection) if args.village in (str(v.id), v.name)]
        if not match:
            raise KnownError(f"服务器上没有“{args.village}”这个村")
        if who is None or who.role != ADMIN or who.village_id not in (None, match[0].id):
            raise KnownError("迁出村须由乡镇的管理员或该村的管理员运行"
                             f"({who.name if who else ''} 不是)。")
        from carecenter.cli.access_cli import key_for

        # A new file: nobody else writes it meanwhile.
        file = Database(target, hold=True, key=key_for(str(target)))
        try:
            moved = transfer.move_out(server, file, match[0].id, progress=_progress)
            # The village's file is encrypted like any other (issue 18), at its first
            # sign-in: the village's operators came with it (issue 22); one with no
            # operator of its own gets the command line's as its administrator.
            try:
                sign_in(file)
            except KnownError:
                print("本村的操作员已随登记册迁出;本村操作员第一次登录时登记册即加密。"
                      "在此之前请妥善保管这个文件。", flush=True)
        finally:
            file.close()
    finally:
        server.close()
    _report(moved, "迁出")
    return 0


def _report(moved: Any, verb: str) -> None:
    people = moved.counts.get("person", 0)
    for old, new in moved.renamed:  # names sign in, and are unique on a server
        print(f"  本村操作员 {old} 的名字在服务器上已有人用,已改为 {new}(登录时用新名字)。")
    if moved.already:
        print(f"“{moved.village.name}”已{verb}过,各表数目与来源一致({people} 人,"
              f"共 {moved.rows} 行),未重复{verb}。")
    else:
        print(f"已{verb}“{moved.village.name}”:{people} 人,共 {moved.rows} 行,"
              f"各表数目核对一致,用时 {moved.seconds:.1f} 秒。")


def cmd_villages(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from carecenter.cli.access_cli import sign_in
    from carecenter.storage.database import Database, resolve
    from carecenter.storage.models import person
    from carecenter.storage.villages import listed

    # All villages for the township's staff; a village's operator sees their own only.
    database = Database(resolve(args.db), scope="*")
    try:
        sign_in(database)
        with database.engine.connect() as connection:
            known = listed(connection)
            active: dict[int, int] = dict(connection.execute(
                select(person.c.village_id, func.count()).where(person.c.status == "active")
                .group_by(person.c.village_id)).all())
        if not known:
            print("服务器上还没有村。用 migrate-to 迁入村的数据库。")
        for v in known:
            print(f"{v.id:>4}  {v.name}  在册 {active.get(v.id, 0)} 人")
        if args.quarter and known:
            _side_by_side(database, args)
    finally:
        database.close()
    return 0


def _side_by_side(database: Any, args: argparse.Namespace) -> None:
    from datetime import date

    from carecenter import clock
    from carecenter.ledger.quarter import Quarter
    from carecenter.ledger.township_figures import per_village, table

    try:
        quarter = Quarter.parse(args.quarter)
        today = date.fromisoformat(args.date) if args.date else clock.today()
    except ValueError as e:
        raise KnownError(f"季度或日期写法不对:{e}") from None
    rows = table(per_village(database, quarter, today))
    print(f"\n{quarter.label}各村报送数字:")
    for row in rows:
        print("  " + "\t".join(str(v) for v in row))
    if args.out:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "各村对比"
        for row in rows:
            sheet.append(row)
        try:
            workbook.save(args.out)
        except OSError as e:
            raise KnownError(f"无法保存 {args.out}:文件可能正在 Excel 中打开") from e
        print(f"已保存:{args.out}")


COMMANDS = {"migrate-to": cmd_migrate_to, "villages": cmd_villages}
