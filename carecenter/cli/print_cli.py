"""``python -m carecenter print agreement|card|form|cards|sheet``: documents from the
command line, each into one PDF file.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from carecenter import clock
from carecenter.errors import KnownError

KINDS = ("agreement", "card", "form", "cards", "sheet")


def _month(text: str) -> date:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"“{text}”不是月份,请写成 2026-03")
    return date(int(m.group(1)), int(m.group(2)), 1)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期,请写成 2026-03-05") from None


def add_parser(commands: Any) -> None:
    printing = commands.add_parser("print", help="打印协议、关爱服务卡、登记表、走访记录表(PDF)")
    printing.add_argument("kind", choices=KINDS, metavar="文档",
                          help="agreement 委托照顾协议 | card 关爱服务卡 | form 基本情况登记表 | "
                               "cards 批量关爱服务卡 | sheet 走访记录表")
    printing.add_argument("--db", help="数据库文件(默认:用户数据目录或 CARECENTER_DB)")
    printing.add_argument("--out", required=True, help="输出的 PDF 文件")
    printing.add_argument("--person", help="身份证号,或没有身份证号时的档案号")
    printing.add_argument("--colour", choices=("red", "yellow", "green"),
                          help="只打印这一风险等级的人(cards)")
    printing.add_argument("--group", help="只打印这个村民小组的人(cards)")
    printing.add_argument("--helper", help="帮扶人姓名或编号(sheet)")
    printing.add_argument("--month", type=_month, help="月份,如 2026-03(sheet,默认本月)")
    printing.add_argument("--trustee", help="起草新协议:受托人姓名(agreement)")
    printing.add_argument("--relation", default="", help="受托人与老人的关系")
    printing.add_argument("--trustee-phone", default="", help="受托人电话")
    printing.add_argument("--trustee-id", default="", help="受托人身份证号")
    printing.add_argument("--starts", type=_day, help="协议开始日期(默认今天)")
    printing.add_argument("--ends", type=_day, help="协议终止日期(默认至委托人返乡)")


def _write(out: str, pdf: bytes) -> None:
    try:
        Path(out).write_bytes(pdf)
    except OSError as e:
        raise KnownError(f"无法写入 {out}:{e.strerror or e}") from None


def run(args: argparse.Namespace) -> int:
    from carecenter.cli.access_cli import open_register

    database = open_register(args.db)
    try:
        return _run(database, args)
    finally:
        database.close()


def _run(database: Any, args: argparse.Namespace) -> int:
    from carecenter.documents import card_batch as batch
    from carecenter.documents import document_data as data
    from carecenter.documents import person_form as form
    from carecenter.documents import visit_sheet_pdf as sheet

    if args.kind in ("agreement", "card", "form") and not args.person:
        raise KnownError(f"打印 {args.kind} 需要 --person(身份证号或档案号)")
    if args.kind == "cards":
        ids = batch.select_persons(database, args.colour, args.group)
        if not ids:
            raise KnownError("没有符合条件的人,未生成关爱服务卡")

        def progress(done: int, total: int) -> bool:
            if done % 50 == 0 or done == total:
                print(f"\r已生成 {done}/{total} 张", end="", file=sys.stderr, flush=True)
            return True

        pdf = batch.print_cards(database, ids, progress=progress)
        print(file=sys.stderr)
        assert pdf is not None
        _write(args.out, pdf)
        print(f"已生成 {len(ids)} 张关爱服务卡({(len(ids) + 1) // 2} 页):{args.out}")
        return 0
    if args.kind == "sheet":
        if not args.helper:
            raise KnownError("打印走访记录表需要 --helper(帮扶人姓名或编号)")
        helper_id, name = sheet.find_helper(database, args.helper)
        month = args.month or clock.today().replace(day=1)
        pdf = sheet.visit_sheet(database, helper_id, month)
        assert pdf is not None
        _write(args.out, pdf)
        data.log_print(database, f"{name} {month:%Y年%m月}的走访记录表")
        print(f"已生成 {name} {month:%Y年%m月}的走访记录表:{args.out}")
        return 0

    person_id = data.find_person(database, args.person)
    info = data.printable(database, person_id)
    if args.kind == "form":
        pdf = form.person_form(info, clock.today())
        what = info.file.kindset.primary.form_title
    elif args.kind == "card":
        pdf = batch.print_cards(database, [person_id])
        what = "关爱服务卡"
    else:
        pdf = _agreement(database, person_id, info, args)
        what = "委托照顾协议书"
    assert pdf is not None
    _write(args.out, pdf)
    if args.kind != "card":  # the cards log themselves
        data.log_print(database, f"{info.name}的{what}", person_id=person_id)
    print(f"已生成 {info.name}的{what}:{args.out}")
    return 0


def _agreement(database: Any, person_id: int, info: Any, args: argparse.Namespace) -> bytes:
    from carecenter.access.masking import may_see_full
    from carecenter.documents.agreement_book import Agreements, Terms
    from carecenter.documents.agreement_pdf import agreement_pdf, blank_content
    from carecenter.documents.document_data import masked_content

    book = Agreements(database)
    if args.trustee:
        book.draw_up(person_id, Terms(args.trustee, args.relation, args.trustee_phone,
                                      args.trustee_id, args.starts, args.ends))
    current = book.current(person_id)
    if current is None:
        print("注意:此人还没有起草协议记录,打印的是受托人一栏空白的协议,"
              "用 --trustee 起草后可统计签订情况", file=sys.stderr)
        content = blank_content(database, info)
    else:
        content = current.content
    pdf = agreement_pdf(masked_content(database, content))
    assert pdf is not None
    if current is not None and may_see_full(database.operator):
        book.mark_printed(current.id)  # a masked copy is not one to sign
    return pdf
