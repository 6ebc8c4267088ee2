"""``python -m carecenter migrate-to`` and ``villages``: a township's server (issue 22).

    migrate-to URL --db 村.db [--db 另一村.db ...] [--name 村名]   村的数据库迁入乡镇服务器
    migrate-to 新文件.db --db URL --village 村名或编号              一个村迁出为数据库文件
    villages --db URL                                          服务器上的各村及人数
"""

from __future__ import annotations

import argparse
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

    listing = commands.add_parser(
        "villages", help="列出乡镇服务器上的各村及在册人数;给出 --quarter 时各村季度数字并列")
    listing.add_argument("--db", help="服务器 URL(默认:CARECENTER_DATABASE_URL)")
    listing.add_argument("--quarter", help="季度,如 2026Q4:各村的报送数字并列,末列为全乡镇")
    listing.add_argument("--date", help="按哪一天统计(默认今天),如 2026-11-23")
    listing.add_argument("--out", help="并列的数字另存为 Excel 工作簿")


def _progress(table: str, rows: int) -> None:
    """A line per table and per 50,000 rows: a county's move takes minutes."""
    if rows % 50_000 == 0 or rows <= 5000:
        print(f"  {table}: {rows} 行", flush=True)


def cmd_migrate_to(args: argparse.Namespace) -> int:
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
            from carecenter.cli.access_cli import key_for

            for db in args.db:
                source = Database(db, key=key_for(db))  # an encrypted file: its key (issue 18)
                try:
                    print(f"迁入 {db} → {shown(args.target)}", flush=True)
                    moved = transfer.move_in(source, server, args.name, progress=_progress)
                finally:
                    source.close()
                _report(moved, "迁入")
        finally:
            server.close()
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
        from carecenter.storage.villages import listed

        with server.engine.connect() as connection:
            match = [v for v in listed(connection) if args.village in (str(v.id), v.name)]
        if not match:
            raise KnownError(f"服务器上没有“{args.village}”这个村")
        from carecenter.cli.access_cli import key_for, sign_in

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
