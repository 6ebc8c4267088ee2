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
import sys
from pathlib import Path
from typing import Any

from carecenter.errors import DatabaseError, KnownError


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
    from carecenter.cli.access_cli import open_register
    from carecenter.storage import backups

    register = _register(args.db)
    folder = Path(args.to).expanduser() if args.to else None
    database = open_register(str(register))
    try:
        target = database.back_up(backups.MANUAL, folder)
        assert target is not None
        persons = backups.persons_in(target)
        print(f"已备份到 {target}({persons} 人,{target.stat().st_size // 1024} KB)")
        _log(database, "backup", f"备份登记册到 {target}", persons)
    finally:
        database.close()
    return 0


def _log(database: Any, action: str, summary: str, count: int | None) -> None:
    """The backup or restore in the audit log; while the app holds the register this
    command only reads, and says the entry could not be written."""
    from carecenter.access import audit

    if not database.can_write():
        print("注意:登记册正在“留守关爱”中打开,本次操作未能记入审计日志。", file=sys.stderr)
        return
    try:
        audit.log(database, action, "register", summary, count=count)
    except KnownError:
        # A backup from before its operators existed does not know who restored it.
        what = "恢复的备份里没有这位操作员,本次恢复" if action == "restore" else "本次备份"
        print(f"注意:{what}未能记入审计日志。", file=sys.stderr)


def cmd_backups(args: argparse.Namespace) -> int:
    from carecenter.cli.access_cli import key_for
    from carecenter.storage import backups, cipher

    register = _register(args.db)
    key = key_for(str(register))  # an encrypted register's backups: read with its key
    if key is not None:
        cipher.remember(key)
    folder = Path(args.folder).expanduser() if args.folder else backups.folder_for(register)
    found = backups.listing(register, folder)
    if not found:
        print(f"{folder} 中还没有 {register.name} 的备份")
        return 0
    for item in found:
        print(item.line())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from carecenter.access import register_keys
    from carecenter.cli.access_cli import open_register
    from carecenter.storage import backups
    from carecenter.storage.location import resolve, sqlite_file

    register = sqlite_file(resolve(args.db))
    if register is None:
        raise KnownError("服务器上的数据库请用服务器自己的工具恢复")
    chosen = Path(args.backup).expanduser().resolve()
    if chosen == register:
        raise KnownError("备份文件就是登记册本身,无需恢复")
    # Only an administrator restores (issue 18): ``restore_from`` asks, before anything
    # is replaced, and holds the register while it does (not from the start: a damaged
    # register, which a holder refuses to write, is what a restore is for).
    try:
        database = open_register(str(register))
    except DatabaseError as cannot:
        return _rescue(register, chosen, cannot)
    try:
        persons = backups.verify(chosen)
        aside = register_keys.restore(database, chosen)
        _log(database, "restore", f"从 {chosen} 恢复登记册(恢复前的登记册另存为 "
             f"{aside.name},其中有此前的审计日志)", persons)
    finally:
        database.close()
    print(f"已从 {chosen} 恢复登记册 {register}({persons} 人)。")
    if aside != register:
        print(f"恢复前的登记册已另存为 {aside}")
    return 0


def _rescue(register: Path, chosen: Path, cannot: DatabaseError) -> int:
    """The register cannot be opened (emptied, damaged, not its key file): an
    administrator of the backup restores it (``access.rescue``), then it opens again and
    the restore goes into its audit log."""
    from carecenter.access import rescue
    from carecenter.cli.access_cli import credentials, open_register

    print(f"登记册打不开:{cannot.message}\n改由备份里的管理员来恢复。", file=sys.stderr)
    name, password = credentials()
    restored = rescue.restore(register, chosen, name, password)
    database = open_register(str(register))
    try:
        _log(database, "restore", f"登记册打不开,从 {chosen} 恢复(原来的文件已原样移到 "
             f"{restored.set_aside})", restored.persons)
    finally:
        database.close()
    print(f"已从 {chosen} 恢复登记册 {register}({restored.persons} 人)。\n"
          f"原来打不开的文件已原样移到 {restored.set_aside}")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from carecenter.cli.access_cli import credentials, sign_in
    from carecenter.storage.database import Database
    from carecenter.storage.location import sqlite_file

    path = sqlite_file(args.db)
    if path is not None and path.exists():
        raise KnownError(f"{path} 已存在,不能新建;要打开它请直接使用 --db")
    # The administrator first (issue 18): a new SQLite register is encrypted with a key
    # wrapped for their password and the recovery code, before anything is in it.
    credentials()
    database = Database(args.db, hold=True)
    try:
        sign_in(database)
    finally:
        database.close()
    print(f"已新建空的登记册:{path or args.db}" + ("(已加密)" if database.encrypted else ""))
    return 0


COMMANDS = {"backup": cmd_backup, "backups": cmd_backups, "restore": cmd_restore,
            "create": cmd_create}
