"""Workbooks shaped like village ledgers, built by the tests (openpyxl)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from carecenter.rules.idnumber import check_char
from tests.conftest import make_id


def id_with_x(birth: str = "19490705") -> str:
    """A valid ID of a man whose check character is X."""
    for n in range(1, 999, 2):  # odd: a man
        body = "430524" + birth + f"{n:03d}"
        if check_char(body) == "X":
            return body + "X"
    raise AssertionError("no X found")


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def save(rows: list[list[Any]], path: Path, merges: tuple[str, ...] = (),
         title: str = "花名册") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


# People of the messy ledger, by name: their ID numbers as the register should store them.
ZHANG = make_id("19500312", "002")
LI = make_id("19480101", "011")
WANG = make_id("19451010", "031")
ZHOU = id_with_x()


def messy_ledger(path: Path) -> Path:
    """Title rows, merged cells, 序号, a two-row header with a 子女情况 heading over
    two supporters, every way of writing an ID, groups spelled three ways, a total and
    signature rows below."""
    rows: list[list[Any]] = [
        ["某某村农村留守老年人信息台账"],
        ["填报单位:某某村民委员会", None, None, None, None, None, "填报日期:2026年11月"],
        ["序号", "姓名", "性别", "身份证号码", "出生年月", "所在组", "联系电话",
         "子女情况", None, None, "子女情况", None, None, "备注"],
        [None, None, None, None, None, None, None,
         "姓名", "联系电话", "务工地", "姓名", "联系电话", "务工地", None],
        [1, "张  桂兰", "女", ZHANG, "1950.3", "三组", 13800001111,
         "张强", "13900001111", "广东省东莞市", "张丽", "13900002222", "浙江省宁波市", None],
        [2, "李四", "男", " ".join(LI[i:i + 6] for i in range(0, 18, 6)), None, "3组", None,
         "李明", None, "本县城关镇", None, None, None, "常年独居"],
        [3, "王五", "男", full_width(WANG), datetime(1945, 10, 10), "第三村民小组", None,
         None, None, None, None, None, None, None],
        [4, "周七", "男", ZHOU.lower(), None, "一组", None, None, None, None, None, None, None,
         None],
        [5, "赵六", "女", None, "1952年5月", "五组", None, None, None, None, None, None, None,
         None],
        [None] * 14,
        ["合计", "共5人"],
        ["填表人:", None, None, "审核人:"],
    ]
    return save(rows, path, merges=("A1:N1", "H3:J3", "K3:M3", "A3:A4", "B3:B4"))
