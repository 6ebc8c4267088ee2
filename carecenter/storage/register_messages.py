"""What the clerk is told when a register cannot be opened or written: a missing,
emptied or damaged file, a busy or read-only one, and where its newest backup is (a
part of ``carecenter.storage.database``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from carecenter.errors import DatabaseError, KnownError, Unopenable
from carecenter.storage.location import command_line


def busy(error: OperationalError) -> bool:
    text_ = str(error.orig).lower()
    return "locked" in text_ or "busy" in text_


def explain_refusal(error: OperationalError, path: Path | None = None) -> str:
    """What the clerk can do about a write the database refused."""
    text_ = str(error.orig).lower()
    if busy(error):
        return "数据库正被另一个窗口或程序使用,请关闭其他“留守关爱”窗口后重试。本次修改未保存。"
    if "readonly" in text_ or "read-only" in text_ or (path and not writable(path)):
        return (f"登记册所在的文件夹或文件是只读的({path.parent if path else ''}),无法保存。"
                "请检查权限或把登记册放到可以写入的文件夹。本次修改未保存。")
    if "disk" in text_ or "full" in text_:
        return "磁盘空间不足,无法保存。请清理磁盘后重试。本次修改未保存。"
    return f"保存失败:{error.orig}。本次修改未保存。"


def refused_row(error: Any, township: bool = False) -> str:
    """What the clerk is told of a row the database refused as it stands (a rule of the
    tables, not of the form): in Chinese, with the database's words only for the log."""
    text_ = str(getattr(error, "orig", error)).lower()
    if "village_id" in text_ and ("null" in text_ or "row-level security" in text_):
        if township:
            # A township's view of all villages has no village to put a new row in
            # (issue 22: each person, helper and visit belongs to one village).
            return ("全乡镇视图下不能新建属于某个村的记录(人员、帮扶人、走访、评估等)。"
                    "请按该村打开登记册后再办理:命令行设 CARECENTER_VILLAGE=村名,"
                    "或由该村的操作员登录。本次修改未保存。")
        return "这条记录不属于本村,不能在这里修改。本次修改未保存。"
    if "unique" in text_ or "duplicate" in text_:
        # Another window saved the same ID number a moment before this one.
        return ("保存与已有记录重复(例如同一身份证号刚被另一个窗口保存)。"
                "本次修改未保存,请刷新后重试。")
    if "foreign key" in text_:
        return "保存时用到的记录已不存在(可能刚被另一个窗口修改)。本次修改未保存,请刷新后重试。"
    return "保存与已有数据冲突。本次修改未保存,请刷新后重试。"


def writable(path: Path) -> bool:
    """Whether the register can be written where it is (its folder and the file itself)."""
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def missing_register(path: Path) -> DatabaseError:
    # The command this program has: carecenter-cli when installed, not python -m.
    return DatabaseError(
        f"登记册文件 {path} 不存在。请检查路径是否写错;要在这里新建登记册,请运行 "
        f"{command_line()} create --db \"{path}\"。")


def backup_hint(path: Path, sound: bool = False) -> str:
    """Where the newest backup of the register at ``path`` is and how to restore it, for
    a message saying the register cannot be opened ("" if it has none). ``sound``: the
    newest that passes the integrity check (slower: each is read whole)."""
    from carecenter.storage import backups

    try:
        newest = backups.newest_sound(path) if sound else next(iter(backups.listing(path)),
                                                                None)
    except (OSError, KnownError):
        return ""
    if newest is None:
        return ""
    persons = "" if newest.persons is None else f",{newest.persons} 人"  # encrypted: unread
    good = "完好的" if sound else ""
    return (f"最新的{good}备份是 {newest.path}({newest.taken:%Y-%m-%d %H:%M}{persons})。"
            f"管理员可以用它恢复:{command_line()} restore --db \"{path}\" \"{newest.path}\"。")


def empty_register(path: Path) -> Unopenable:
    # SQLite would take a 0-byte file for a new, empty register, and the first sign-in
    # would then make a new administrator and a new key file over the register's own.
    return Unopenable(
        f"登记册文件 {path} 是空的(0 字节):它可能在复制、断电或磁盘出错时被清空。"
        f"程序没有改动它。{backup_hint(path)}"
        "若确实要在这里新建登记册,请先把这个空文件删除或改名。")


def damaged_register(path: Path, problem: str) -> DatabaseError:
    advice = backup_hint(path, sound=True)
    advice = (f"{advice}或在菜单“文件 → 从备份恢复”中选择它。" if advice
              else "没有找到可用的备份;请把文件交给维护人员检查。")
    return DatabaseError(
        f"登记册 {path} 未通过 SQLite 完整性检查(文件已损坏:{problem[:200]})。"
        f"为免损坏扩大,不能再写入。{advice}")
