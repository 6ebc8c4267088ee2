"""``python -m carecenter pair``: propose (and save) a helper for everyone unpaired."""

from __future__ import annotations

from datetime import date

from carecenter.errors import KnownError
from carecenter.pairing.pairs import LOAD_COLOUR_LABELS, PairingBook, load_rules


def coverage_lines(book: PairingBook) -> list[str]:
    coverage = book.coverage()
    lines = [f"结对覆盖:在册 {coverage.total} 人,已结对 {coverage.paired} 人,"
             f"未结对 {coverage.unpaired} 人(覆盖率 {coverage.percent:.1f}%)"]
    short = [f"{g.name} {g.unpaired}" for g in coverage.groups if g.unpaired]
    if short:
        lines.append("未结对(按村民小组):" + "、".join(short))
    colours = [f"{LOAD_COLOUR_LABELS[c]} {u}" for c, (_, u) in coverage.colours.items() if u]
    if colours:
        lines.append("未结对(按风险等级):" + "、".join(colours))
    return lines


def largest_load_line(book: PairingBook) -> str:
    rules = load_rules(book.database)
    loads = book.loads(rules)
    if not loads:
        return f"帮扶负荷:尚无结对(上限 {rules.limit})"
    top = max(loads.values(), key=lambda load: load.weight).weight
    over = sum(load.weight > rules.limit for load in loads.values())
    text = f"最大帮扶负荷:{top}(上限 {rules.limit})"
    return text + (f",{over} 名帮扶人超过上限" if over else "")


def run(db: str | None, dry_run: bool = False, on: date | None = None) -> int:
    from carecenter.pairing.proposal import accept, propose, summary
    from carecenter.storage.database import Database

    database = Database(db, hold=not dry_run, create=False)
    try:
        book = PairingBook(database)
        proposal = propose(database)
        figures = summary(proposal)
        if not proposal.rows:
            print("所有在册人员都已有主帮扶人,无需结对。")
        elif not proposal.helpers:
            raise KnownError("还没有在岗的帮扶人,请先登记帮扶人")
        else:
            print(f"建议结对 {figures['placed']} 人(其中同组 {figures['same_group']} 人、"
                  f"亲属或邻居 {figures['named']} 人),用时 {proposal.seconds:.1f} 秒")
            if figures["unplaced"]:
                print(f"有 {figures['unplaced']} 人无法安排:所有帮扶人都已达负荷上限"
                      f" {figures['limit']},请增加帮扶人或调整上限")
            print(f"建议后的帮扶负荷:最小 {figures['min']},中位数 {figures['median']},"
                  f"最大 {figures['max']}(上限 {figures['limit']})")
            if dry_run:
                print("(试运行:未保存)")
            else:
                saved = accept(database, proposal, on=on)
                print(f"已保存 {saved} 对结对")
        for line in coverage_lines(book):
            print(line)
        print(largest_load_line(book))
    finally:
        database.close()
    return 0
