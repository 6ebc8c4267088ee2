"""1,000 care cards as PDF vs reportlab drawing the same text with no layout (issue 6)."""

from __future__ import annotations

from pathlib import Path

from bench import adapters
from bench.core import ROOT, Context, Row, Target, timed

CARDS = 1000
# An embeddable CJK TrueType font for the baseline: the app's own once issue 6 ships one.
FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
         "/usr/share/fonts/truetype/arphic/uming.ttc",
         "C:/Windows/Fonts/simhei.ttf", "C:/Windows/Fonts/simsun.ttc")


def rows() -> list[Row]:
    return [Row("cards", f"{CARDS} 张关爱联系卡 PDF (care cards)", "s", Target(10),
                baseline_label="reportlab 逐行画相同文字，无排版")]


def measure(ctx: Context, rows: list[Row]) -> None:
    from bench.adapters import open_register

    row = rows[0]
    runs = min(ctx.runs, 3)
    ids, texts = card_texts(ctx.db)
    font = font_file()
    if font is None:
        row.note = "找不到可嵌入的中文 TrueType 字体，基线未测"
    else:
        for n in range(runs):
            out = ctx.work / f"cards-baseline-{n}.pdf"
            row.baseline_runs.append(timed(baseline, texts, font, out))
        row.note = (f"{len(ids)} 人；基线字体 {font.name}（嵌入子集），"
                    f"每张 {sum(map(len, texts)) // max(len(texts), 1)} 行")
    adapters.product("carecenter.documents.card_batch", "print_cards")  # NotBuilt: 尚未实现
    database = open_register(ctx.scratch_copy("cards.db"))  # printing may record printed_on
    try:
        for n in range(runs):
            out = ctx.work / f"cards-product-{n}.pdf"
            row.runs.append(timed(adapters.care_cards, database, ids, out))
        size = (ctx.work / "cards-product-0.pdf").stat().st_size
        row.note += f"；产品 PDF {size / 2**20:.1f} MB"
    finally:
        database.close()


def font_file() -> Path | None:
    shipped = sorted((ROOT / "carecenter" / "resources" / "fonts").glob("*.tt[fc]"))
    for path in [*shipped, *map(Path, FONTS)]:
        if path.exists():
            return path
    return None


def card_texts(db: Path) -> tuple[list[int], list[list[str]]]:
    """What a care card says about each of the first people on the register."""
    from bench.dataset import connect

    with connect(db, read_only=True) as connection:
        people = connection.execute(
            "SELECT p.id, p.name, p.sex, p.id_number, g.name, p.phone, p.address"
            " FROM person p LEFT JOIN village_group g ON g.id = p.group_id"
            " WHERE p.status = 'active' ORDER BY p.id LIMIT ?", (CARDS,)).fetchall()
        ids = [p[0] for p in people]
        marks = ",".join("?" * len(ids))
        supporters: dict[int, list[str]] = {}
        for person_id, name, relation, phone, where in connection.execute(
                f"SELECT person_id, name, relation, phone, whereabouts FROM supporter"
                f" WHERE person_id IN ({marks}) ORDER BY person_id, position", ids):
            supporters.setdefault(person_id, []).append(
                f"子女：{name}（{relation}） 电话：{phone or ''} 去向：{where or ''}")
        helpers = dict(connection.execute(
            "SELECT pr.person_id, h.name || ' ' || coalesce(h.phone, '') FROM pairing pr"
            f" JOIN helper h ON h.id = pr.helper_id WHERE pr.ended_on IS NULL AND pr.rank = 1"
            f" AND pr.person_id IN ({marks})", ids).fetchall())
    texts = []
    for person_id, name, sex, id_number, group, phone, address in people:
        texts.append([
            "关爱服务联系卡", f"姓名：{name}  性别：{'男' if sex == 'male' else '女'}",
            f"身份证号：{id_number or ''}", f"村民小组：{group or ''}  电话：{phone or ''}",
            f"住址：{address or ''}", *supporters.get(person_id, []),
            f"帮扶人：{helpers.get(person_id, '')}", "村委会：0739-1234567  村医：13800000000",
            "紧急求助：110  120  119",
            "探访记录：日期  方式  探访人  情况  日期  方式  探访人  情况",
        ])
    return ids, texts


def baseline(texts: list[list[str]], font: Path, out: Path) -> None:
    """Every line drawn with drawString, two cards to an A4 page: no layout at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("BenchCJK", str(font)))
    canvas = Canvas(str(out), pagesize=A4, initialFontName="BenchCJK")
    width, height = A4
    for number, lines in enumerate(texts):
        top = height - 40 if number % 2 == 0 else height / 2 - 20
        canvas.setFont("BenchCJK", 11)
        for i, line in enumerate(lines):
            canvas.drawString(40, top - i * 16, line)
        if number % 2 == 1:
            canvas.showPage()
    canvas.save()
