"""Operators on the command line (issue 18): no path writes anonymously.

Every command that opens a register signs an operator in first: the name from
``--operator`` or ``CARECENTER_OPERATOR``, the password from ``CARECENTER_PASSWORD`` (for
scripts and CI) or asked at the prompt. A register with no operator yet (a new one, or
one made before operators existed) makes its first administrator from them, and prints
the recovery code once. ``operators`` lists and adds operators; ``audit`` shows the log.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from typing import TYPE_CHECKING, Any

from carecenter.errors import KnownError

if TYPE_CHECKING:
    from carecenter.storage.database import Database

OPERATOR_VAR = "CARECENTER_OPERATOR"
PASSWORD_VAR = "CARECENTER_PASSWORD"
NEW_PASSWORD_VAR = "CARECENTER_NEW_PASSWORD"
CODE_VAR = "CARECENTER_RECOVERY_CODE"
DEMO_ADMIN = "演示管理员"
# Set by ``entry.main`` from --operator before a command runs.
chosen_operator: str | None = None
# The name and password once asked (a command may open the register twice: the prompt
# comes once).
_given: list[tuple[str, str]] = []


def add_operator_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--operator", metavar="姓名",
                        help=f"操作员姓名(默认:环境变量 {OPERATOR_VAR});"
                             f"密码从 {PASSWORD_VAR} 读取或在提示时输入")


def _ask(prompt: str, secret: bool = False) -> str:
    if not sys.stdin.isatty():
        return ""
    return getpass.getpass(prompt) if secret else input(prompt)


def forget_credentials() -> None:
    _given.clear()


def credentials(default: str = "") -> tuple[str, str]:
    if _given:
        return _given[0]
    name = (chosen_operator or os.environ.get(OPERATOR_VAR) or default).strip()
    if not name:
        name = _ask("操作员姓名:").strip()
    if not name:
        raise KnownError(f"请用 --operator 或环境变量 {OPERATOR_VAR} 指明操作员")
    password = os.environ.get(PASSWORD_VAR) or _ask(f"{name} 的密码:", secret=True)
    if not password:
        raise KnownError(f"请输入密码(或设置环境变量 {PASSWORD_VAR})")
    _given[:] = [(name, password)]
    return name, password


def key_for(db: str | None, default: str = "") -> bytes | None:
    """The key of an encrypted register at ``db``, unwrapped with the command line's
    operator and password (issue 18); None for a plain file or a server."""
    from carecenter.access import register_keys
    from carecenter.storage.location import resolve, sqlite_file

    path = sqlite_file(resolve(db))
    if not register_keys.encrypted(path):
        return None
    assert path is not None
    name, password = credentials(default)
    return register_keys.unlock(path, name, password)


def sign_in(database: Database) -> None:
    """Sign the command line's operator in on ``database`` (the first administrator of a
    register that has none yet)."""
    from carecenter.access import operators, register_keys

    name, password = credentials()
    if not operators.has_operators(database):
        code = operators.create_first(database, name, password)
        if database.on_server:  # an empty server's first is the township's (issue 22)
            print(f"服务器上还没有操作员:已建立乡镇的管理员 {name}(看得到全部村,可添加乡镇"
                  "和各村的操作员)。\n乡镇的恢复码(只显示这一次,请抄下或打印后妥善保管):"
                  f"{code}", file=sys.stderr)
            return
        print(f"这个登记册还没有操作员:已建立管理员 {name}。\n"
              f"恢复码(只显示这一次,请抄下或打印后妥善保管):{code}", file=sys.stderr)
        if database.notice:
            print(database.notice, file=sys.stderr)
        return
    operators.sign_in(database, name, password)
    # A register from before encryption is encrypted once, here (issue 18).
    said = register_keys.protect(database, name, password)
    if said:
        print(said, file=sys.stderr)


def open_register(db: str | None, must_exist: bool = True, migrate: bool = True,
                  hold: bool = False) -> Database:
    """The register at ``db`` (or $CARECENTER_DB), its operator signed in; ``must_exist``
    refuses a mistyped path rather than make a new register there."""
    from carecenter.storage.database import Database

    database = Database(db, migrate=migrate, hold=hold, create=not must_exist,
                        key=key_for(db))
    if not migrate and not _knows_operators(database):
        return database  # an older (or empty) file, only read by check: no operators yet
    try:
        sign_in(database)
        if migrate and not database.read_only:
            _catch_up(database)
    except BaseException:
        database.close()
        raise
    return database


def _catch_up(database: Database) -> None:
    """What the register keeps by rules (the 留守 verdicts, the helpers' tally) brought
    to this version's, once, saying so (``carecenter.register.upkeep``)."""
    from carecenter import clock
    from carecenter.register import upkeep

    if not upkeep.outdated(database) or not database.can_write():
        return  # current (one read), or held by a window that does it itself

    def progress(done: int, total: int, label: str = "") -> None:
        print(f"\r{label or f'{done}/{total}'}", end="", file=sys.stderr, flush=True)

    caught = upkeep.bring_up_to_date(database, clock.today(), progress)
    if caught is not None and caught.text():
        print(f"\r本版程序的规则有变:{caught.text()}(已记入审计日志)", file=sys.stderr)


def _knows_operators(database: Database) -> bool:
    from sqlalchemy import inspect

    with database.engine.connect() as connection:
        return inspect(connection).has_table("operator")


def demo_admin(database: Database) -> None:
    """The demo register's administrator 演示管理员: the password is $CARECENTER_PASSWORD
    when set, else a fresh one printed (so scripted checks can sign in)."""
    from carecenter.access import operators

    password = os.environ.get(PASSWORD_VAR)
    if operators.has_operators(database):
        name, password = credentials(DEMO_ADMIN)
        operators.sign_in(database, name, password)
        return
    shown = password is None
    password = password or secrets.token_urlsafe(9)
    code = operators.create_first(database, DEMO_ADMIN, password)
    if shown:
        print(f"演示库管理员:{DEMO_ADMIN},密码:{password}", file=sys.stderr)
    print(f"恢复码(请妥善保管):{code}", file=sys.stderr)


def add_parsers(commands: Any) -> None:
    ops = commands.add_parser("operators", help="操作员:列出、添加、改角色、停用、重设密码")
    ops.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    ops.add_argument("--add", metavar="姓名", help="添加操作员(新密码在提示时输入或取自 "
                                                 "CARECENTER_NEW_PASSWORD)")
    ops.add_argument("--role", choices=["管理员", "经办人", "查看"], help="角色")
    ops.add_argument("--set-role", metavar="姓名", help="修改此人的角色(配合 --role)")
    ops.add_argument("--disable", metavar="姓名", help="停用操作员")
    ops.add_argument("--enable", metavar="姓名", help="启用操作员")

    back = commands.add_parser(
        "recover", help="忘记密码:用打印的恢复码重设管理员的密码(恢复码随即换新)")
    back.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    back.add_argument("--code", help=f"恢复码(默认:环境变量 {CODE_VAR},或在提示时输入)")

    log = commands.add_parser("audit", help="审计日志:谁在何时改了什么(可筛选、导出)")
    log.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    log.add_argument("--person", type=int, metavar="档案号", help="只看一人的变更记录")
    log.add_argument("--by", metavar="操作员", help="只看一位操作员")
    log.add_argument("--since", help="起始日期,如 2026-11-01")
    log.add_argument("--until", help="截止日期(含)")
    log.add_argument("--action", help="只看一种操作,如 修改、导出、打印")
    log.add_argument("--limit", type=int, default=200, help="最多显示几条(默认 200)")
    log.add_argument("--out", help="导出为 Excel 文件")


def cmd_recover(args: argparse.Namespace) -> int:
    """An administrator's forgotten password set again with the recovery code, as the
    sign-in page's 忘记密码 does (issue 18): nobody can sign in, so nothing else opens
    the register; the key of an encrypted one is unwrapped by the code itself."""
    from carecenter.access import operators, register_keys
    from carecenter.storage.database import Database
    from carecenter.storage.location import resolve, sqlite_file

    name = (chosen_operator or os.environ.get(OPERATOR_VAR) or "").strip() or _ask(
        "管理员姓名:").strip()
    if not name:
        raise KnownError(f"请用 --operator 或环境变量 {OPERATOR_VAR} 指明要重设密码的管理员")
    code = (args.code or os.environ.get(CODE_VAR) or _ask("恢复码:")).strip()
    if not code:
        raise KnownError(f"请输入恢复码(或用 --code、环境变量 {CODE_VAR})")
    password = os.environ.get(NEW_PASSWORD_VAR) or _new_password(name)
    path = sqlite_file(resolve(args.db))
    key = None
    if path is not None and register_keys.encrypted(path):
        key = register_keys.unlock_with_code(path, code)  # a wrong code: refused here
    database = Database(args.db, key=key, create=False)  # a mistyped path: refused
    try:
        fresh = operators.recover(database, code, name, password)
    finally:
        database.close()
    print(f"已重设 {name} 的密码。旧恢复码已作废,新的恢复码(只显示这一次,请抄下或打印后"
          f"妥善保管):{fresh}")
    return 0


def _new_password(name: str) -> str:
    first = _ask(f"{name} 的新密码:", secret=True)
    if not first:
        raise KnownError(f"请输入新密码(或设置环境变量 {NEW_PASSWORD_VAR})")
    if _ask("再输入一次新密码:", secret=True) != first:
        raise KnownError("两次输入的新密码不一样,密码没有改")
    return first


def _role_code(label: str | None) -> str:
    from carecenter.rules.roles import ROLES

    codes = {v: k for k, v in ROLES.items()}
    if label is None:
        raise KnownError("请用 --role 指明角色:管理员、经办人或查看")
    return codes[label]


def cmd_operators(args: argparse.Namespace) -> int:
    from carecenter.access.operators import OperatorBook

    database = open_register(args.db)
    try:
        book = OperatorBook(database)
        by_name = {o.name: o for o in book.list()}

        def find(name: str) -> int:
            if name not in by_name:
                raise KnownError(f"没有名为“{name}”的操作员")
            return by_name[name].id

        if args.add:
            password = os.environ.get(NEW_PASSWORD_VAR) or _ask(
                f"{args.add} 的新密码:", secret=True)
            added = book.get(book.add(args.add, password, _role_code(args.role)))
            whose = f",{book.village_label(added)}的操作员" if database.on_server else ""
            print(f"已添加操作员 {args.add}({args.role}{whose})。")
        if args.set_role:
            book.set_role(find(args.set_role), _role_code(args.role))
            print(f"已把 {args.set_role} 的角色改为 {args.role}。")
        if args.disable:
            book.set_active(find(args.disable), False)
            print(f"已停用 {args.disable}。")
        if args.enable:
            book.set_active(find(args.enable), True)
            print(f"已启用 {args.enable}。")
        for info in book.list():
            where = f"\t{book.village_label(info)}" if database.on_server else ""
            print(f"{info.name}\t{info.role_label}\t{'在用' if info.active else '停用'}{where}")
    finally:
        database.close()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from datetime import date

    from carecenter.access import audit

    actions = {v: k for k, v in audit.ACTIONS.items()}
    try:
        since = date.fromisoformat(args.since) if args.since else None
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError:
        raise KnownError("日期请写成 2026-11-23") from None
    if args.action and args.action not in actions and args.action not in audit.ACTIONS:
        raise KnownError(f"没有“{args.action}”这种操作,可选:{'、'.join(actions)}")
    where = audit.Filter(person_id=args.person, operator=args.by, since=since, until=until,
                         action=actions.get(args.action, args.action),
                         limit=None if args.out else args.limit)
    database = open_register(args.db)
    try:
        if args.out:
            from carecenter.access.audit_export import export_log

            count = export_log(database, where, args.out)
            print(f"已导出 {count} 条审计记录:{args.out}")
            return 0
        for e in audit.entries(database, where):
            print(f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.operator}\t{e.action_label}\t"
                  f"{e.entity_label}{'' if e.record_id is None else ' #' + str(e.record_id)}\t"
                  f"{e.change_text()}")
    finally:
        database.close()
    return 0


COMMANDS = {"operators": cmd_operators, "audit": cmd_audit, "recover": cmd_recover}
