"""恢复码: the register's recovery code on one A4 page, to be locked away like the seal.

Printed when the code is shown, once (the first administrator, 忘记密码, 更换恢复码): the
program keeps no copy of it. The page names the register it opens, the day it was made
and where to keep it, so a sheet found in a drawer years later says what it is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from carecenter import clock
from carecenter.documents.layout import Cell, grid_row, new_canvas, text_box
from carecenter.storage.database import Database
from carecenter.storage.location import shown

PAGE_W, PAGE_H = A4
LEFT = 22 * mm
WIDTH = PAGE_W - 2 * LEFT

USE = ("忘记管理员密码时:在登录页点“忘记密码(用恢复码)”,输入管理员姓名和上面的恢复码,"
       "即可重设密码并登录。没有任何密码时,凭它也能打开这个登记册及其备份(登记册已加密,"
       "没有密码或恢复码,任何程序都读不出其中的内容)。")
KEEP = ("请把这张纸和公章一样,锁在村委会的保险柜或上锁的文件柜里,由村委会主任或指定的"
        "专人保管。不要放在电脑旁,不要拍照,不要存在电脑、手机或发到微信群里;"
        "存成 PDF 的,打印后请立即删除文件。")
VOID = ("在程序里“更换恢复码”或用恢复码重设密码后,这张纸上的恢复码即作废,"
        "请剪碎销毁,并保管新打印的一张。")


@dataclass(frozen=True)
class RecoverySheet:
    """What the page says besides the code."""

    register: str  # the village's register, by name
    location: str  # the file (or server) it is
    administrator: str
    made_on: date


def sheet_for(database: Database, made_on: date | None = None) -> RecoverySheet:
    """The page's words for this register, as the signed-in administrator makes it."""
    from carecenter.settings.settings_store import Settings

    place = Settings(database).place()  # a township's server: the township's (issue 22)
    who = database.operator.name if database.operator is not None else ""
    name = f"{place}留守关爱登记册" if place else "留守关爱登记册(本村设置中尚未填写村名)"
    return RecoverySheet(name, shown(database.location), who, made_on or clock.today())


def recovery_pdf(code: str, sheet: RecoverySheet, target: str | IO[bytes] | None = None
                 ) -> bytes | None:
    """One A4 page: the code large, the register, the day, how to use and keep it."""
    canvas, out = new_canvas(target, title="留守关爱 恢复码")
    y = PAGE_H - 25 * mm
    text_box(canvas, (LEFT, y - 12 * mm, WIDTH, 12 * mm), "留守关爱 — 管理员恢复码", 20,
             align="center")
    y -= 20 * mm
    label = 28 * mm
    for title, value in (("登记册", sheet.register), ("文件位置", sheet.location),
                         ("管理员", sheet.administrator),
                         ("生成日期", f"{sheet.made_on:%Y年%m月%d日}")):
        grid_row(canvas, LEFT, y, [label, WIDTH - label],
                 9 * mm, [Cell(title, label=True), Cell(value)], 11)
        y -= 9 * mm
    y -= 10 * mm
    canvas.saveState()
    canvas.setLineWidth(1.5)
    canvas.rect(LEFT, y - 26 * mm, WIDTH, 26 * mm)
    canvas.restoreState()
    text_box(canvas, (LEFT, y - 9 * mm, WIDTH, 8 * mm), "恢复码", 11, align="center")
    text_box(canvas, (LEFT + 4 * mm, y - 23 * mm, WIDTH - 8 * mm, 14 * mm), code, 26,
             align="center", single_line=True)
    y -= 36 * mm
    for heading, words in (("用途", USE), ("保管", KEEP), ("作废", VOID)):
        text_box(canvas, (LEFT, y - 8 * mm, WIDTH, 8 * mm), heading, 13)
        y -= 9 * mm
        fitted = text_box(canvas, (LEFT, y - 30 * mm, WIDTH, 30 * mm), words, 11.5,
                          valign="top")
        y -= fitted.height + 8 * mm
    text_box(canvas, (LEFT, 15 * mm, WIDTH, 8 * mm),
             "保管人签字:________________    存放位置:________________________", 11)
    canvas.showPage()
    canvas.save()
    return out.getvalue() if target is None else None
