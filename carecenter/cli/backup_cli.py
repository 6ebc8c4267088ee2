"""Backups on the command line, and an explicit way to create a register.

    python -m carecenter backup --db PATH [--to DIR]   (one backup now; --to: a USB stick)
    python -m carecenter backups --db PATH             (one per line: path, time, persons)
    python -m carecenter restore BACKUP --db PATH      (after its integrity check; the
                                                        current register is kept aside)
    python -m carecenter create --db PATH              (a new, empty register)

``backup`` and ``backups`` only read, so they work while the app holds the register;
``restore`` replaces it and is refused then.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from carecenter.errors import KnownError


def add_parsers(commands: Any) -> None:
    backup = commands.add_parser("backup", help="立即备份登记册(可用 --to 备份到 U 盘等)")
    backup.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    backup.add_argument("--to", help="备份到哪个文件夹(默认:设置中的备份文件夹)")

    listing = commands.add_parser("backups", help="列出登记册的备份(路径、时间、人数)")
    listing.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    listing.add_argument("--folder", help="在哪个文件夹里找(默认:设置中的备份文件夹)")

    restore = commands.add_parser("restore", help="从备份恢复登记册(先检查备份,原文件另存)")
    restore.add_argument("backup", metavar="备份文件", help="要恢复的备份文件")
    restore.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")

    create = commands.add_parser("create", help="新建一个空的登记册")
    create.add_argument("--db", required=True, help="新登记册的文件路径")


def _register(db: str | None) -> Path:
    from carecenter.storage.database import missing_register
    from carecenter.storage.location import resolve, sqlite_file

    path = sqlite_file(resolve(db))
    if path is None:
        raise KnownError("服务器上的数据库请用服务器自己的备份工具备份")
    if not path.exists():
        raise missing_register(path)
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    from carecenter.storage import backups

    register = _register(args.db)
    folder = Path(args.to).expanduser() if args.to else None
    target = backups.take(register, folder, kind=backups.MANUAL)
    persons = backups.persons_in(target)
    print(f"已备份到 {target}({persons} 人,{target.stat().st_size // 1024} KB)")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from carecenter.storage import backups

    register = _register(args.db)
    folder = Path(args.folder).expanduser() if args.folder else backups.folder_for(register)
    found = backups.listing(register, folder)
    if not found:
        print(f"{folder} 中还没有 {register.name} 的备份")
        return 0
    for item in found:
        print(item.line())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from carecenter.storage import backups
    from carecenter.storage.location import resolve, sqlite_file
    from carecenter.storage.register_lock import RegisterLock

    register = sqlite_file(resolve(args.db))
    if register is None:
        raise KnownError("服务器上的数据库请用服务器自己的工具恢复")
    chosen = Path(args.backup).expanduser().resolve()
    if chosen == register:
        raise KnownError("备份文件就是登记册本身,无需恢复")
    with RegisterLock(register, lasting=True):
        result = backups.restore(chosen, register)
    print(f"已从 {chosen} 恢复登记册 {register}({result.persons} 人)。")
    if result.set_aside != register:
        print(f"恢复前的登记册已另存为 {result.set_aside}")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from carecenter.storage.database import Database
    from carecenter.storage.location import sqlite_file

    path = sqlite_file(args.db)
    if path is not None and path.exists():
        raise KnownError(f"{path} 已存在,不能新建;要打开它请直接使用 --db")
    database = Database(args.db, hold=True)
    database.close()
    print(f"已新建空的登记册:{path or args.db}")
    return 0


COMMANDS = {"backup": cmd_backup, "backups": cmd_backups, "restore": cmd_restore,
            "create": cmd_create}
