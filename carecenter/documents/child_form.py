"""农村留守儿童基本情况登记表 (民发〔2016〕42号 附件1) from the child's declarations.

The rows follow the official form: the child; the family (grandparents, father and
mother with their place of work and phone); the actual guardianship (both parents away,
one away and the other unable, the entrusted guardian); the guardianship type, income
and assistance as "( )" choices ticked "√" from the same field declarations the
editor uses. The program's own additions (school, 困境, helper) follow, then the
signatures and the form's notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.document_data import Printable
from carecenter.documents.layout import Cell, text_box
from carecenter.documents.registration_form import LEFT, WIDTH, Flow, extra_sections
from carecenter.rules import idnumber
from carecenter.rules.fields import Field
from carecenter.rules.kinds import ANY_PERSON, CHILD
from carecenter.rules.kinds.child import (
    GUARDIAN_ROLE,
    PARENT_ROLE,
    home_for_good,
    judge,
    parent_away,
)

EIGHTH = WIDTH / 8
QUARTER = [WIDTH / 4] * 4
EIGHTHS = [EIGHTH] * 8
LINE = 7.2 * mm  # the official form is one page: rows a little lower than the elders'
NOTES = (
    "注:1.农村留守儿童:因父母双方外出务工或一方外出务工另一方无监护能力,无法与父母正常共同"
    "生活的不满十六周岁农村户籍未成年人。无监护能力:留守在家的父亲或母亲因重病、重残等原因"
    "丧失监护能力。\n2.选择项目在( )中划“√”。祖父母、外祖父母去世或父母一方死亡的,在相应"
    "填报内容中划“—”。\n3.辍学:义务教育阶段辍学;不在学:14 岁至 16 岁未在学。父母务工地点"
    "填写到省、市。"
)


def ticks(f: Field, value: Any, only: Sequence[str] | None = None) -> str:
    """The field's choices as the paper prints them: 健康(√) 残疾( ) 患病( )."""
    chosen = set(value if isinstance(value, list) else [value] if value else [])
    return "  ".join(f"{c.label}({'√' if c.code in chosen else ' '})"
                     for c in f.choices if only is None or c.code in only)


def yes_no(value: bool | None) -> str:
    return f"是({'√' if value else ' '})  否({'√' if value is False else ' '})"


def _show(f: Field, value: Any) -> str:
    return f.display(value)


def _birth(row: dict[str, Any] | None) -> str:
    """A relative's birth date, from their ID number when given."""
    number = (row or {}).get("id_number")
    if not number:
        return ""
    try:
        return f"{idnumber.parse(number).birth_date:%Y-%m-%d}"
    except Exception:  # a number the clerk left unchecked: print nothing rather than fail
        return ""


def _works_at(parent: dict[str, Any], today: date) -> str:
    """当前务工地点: where the parent works, unless back for good (长期返乡) by ``today``,
    when the place is history and the form says they are home (the day is in 认定结论)."""
    if home_for_good(parent, today):
        return "已长期返乡"
    return parent.get("whereabouts") or ""


def draw_child_form(canvas: Canvas, data: Printable, today: date) -> None:
    file = data.file
    v = file.values
    p = ANY_PERSON
    village = data.village
    unit = "".join(x for x in (village["county"], village["township"], village["name"]) if x)
    subtitle = (f"填报单位:{unit or '________'}(盖章)    档案号:{file.id}    "
                f"填报日期:{v.get('registered_on') or today:%Y年%m月%d日}")
    flow = Flow(canvas, CHILD.form_title, subtitle)

    def head(text: str) -> None:
        flow.row(QUARTER, [Cell(text, span=4, align="center", label=True, size=11)],
                 LINE, keep=LINE)

    def line(cells: list[Cell], factor: float = 1.0) -> None:
        flow.row(EIGHTHS, cells, LINE * factor)

    def label(text: str, span: int = 1) -> Cell:
        return Cell(text, span=span, label=True, size=9.5)

    def value(text: str, span: int = 1) -> Cell:
        return Cell(text, span=span, size=9.5)

    head("留守儿童个人基本情况")
    line([label("姓名"), value(file.name), label("性别"),
                       value(_show(p["sex"], v.get("sex"))), label("民族"),
                       value(v.get("ethnicity") or ""), label("出生日期"),
                       value(_show(p["birth_date"], v.get("birth_date")))])
    line([label("公民身份证号码", 2), value(v.get("id_number") or "", 3),
                       label("是否登记户口"), value(yes_no(v.get("hukou_registered")), 2)])
    line([label("户籍所在地"), value(v.get("hukou_place") or "", 3),
                       label("现居住地"), value(v.get("address") or "", 3)])
    disability = " ".join(x for x in (_show(p["disability"], v.get("disability")),
                                      _show(p["disability_grade"], v.get("disability_grade")))
                          if x and x != "无")
    line([label("身体情况"), value(ticks(p["child_health"], v.get("child_health")), 3),
                       label("残疾类别及等级", 2), value(disability, 2)])
    line([label("患病类型"), value(v.get("illness_type") or "", 3),
                       label("是否学校寄宿", 2), value(yes_no(v.get("boarding")), 2)])
    line([label("就学情况"), value(ticks(p["schooling"], v.get("schooling")), 7)],
             1.3)
    line([label("学校名称"), value(v.get("school") or "", 3),
                       label("年级班级"), value(v.get("grade") or "", 3)])

    head("家庭情况")
    guardians = [s for s in file.supporters if s.get("role") == GUARDIAN_ROLE.code]
    by_relation = {s.get("relation"): s for s in guardians}
    for pair in (("grandfather", "grandmother"), ("maternal_grandfather", "maternal_grandmother")):
        cells: list[Cell] = []
        for code in pair:
            who = by_relation.get(code)
            title = GUARDIAN_ROLE.field("relation").choice_label(code)
            cells += [label(f"{title}姓名"), value((who or {}).get("name") or ""),
                      label("出生日期"), value(_birth(who))]
        line(cells)
    parents = [s for s in file.supporters if s.get("role") == PARENT_ROLE.code]
    by_parent = {s.get("relation"): s for s in parents}
    for code in ("father", "mother"):
        who = by_parent.get(code) or {}
        title = PARENT_ROLE.field("relation").choice_label(code)
        line([label(f"{title}姓名"), value(who.get("name") or ""),
                           label("出生日期"), value(_birth(who)),
                           label("当前务工地点"), value(_works_at(who, today) if who else ""),
                           label("联系电话"), value(who.get("phone") or "")])
    line([label("父亲公民身份证号码", 2),
                       value(by_parent.get("father", {}).get("id_number") or "", 2),
                       label("母亲公民身份证号码", 2),
                       value(by_parent.get("mother", {}).get("id_number") or "", 2)])

    head("实际监护情况")
    verdict = judge(v, file.supporters, today)
    # The verdict's own rule on the same day: a parent back for good is not away, or
    # the ticks would say 父母双方同时外出 under a 认定结论 of 不符合.
    away = [s for s in parents if parent_away(s, today)]
    unable = {s.get("relation") for s in parents if s.get("unable")}
    both = len(parents) == 2 and len(away) == 2
    one = verdict.left_behind and not both
    line([label("父母双方同时外出", 2), value(yes_no(both if parents else None), 2),
                       label("父母一方外出、另一方无监护能力", 2),
                       value(yes_no(one if parents else None), 2)], 1.2)
    line([label("无监护能力", 2),
                       value(f"父亲({'√' if 'father' in unable else ' '})  "
                             f"母亲({'√' if 'mother' in unable else ' '})", 2),
                       label("父母外出有无委托其他监护人", 2),
                       value(yes_no(bool(guardians) if parents else None), 2)], 1.2)
    trustee = guardians[0] if guardians else {}
    line([label("委托监护人姓名", 2), value(trustee.get("name") or "", 2),
                       label("受委托监护人电话", 2), value(trustee.get("phone") or "", 2)])
    line([label("公民身份证号码", 2), value(trustee.get("id_number") or "", 2),
                       label("与被监护人关系", 2),
                       value(GUARDIAN_ROLE.field("relation").display(trustee.get("relation")),
                             2)])
    line([label("居住地地址", 2), value(trustee.get("address") or "", 6)])
    line([label("监护类型"), value(ticks(p["guardianship"], v.get("guardianship")),
                                                7)], 1.3)
    income = ticks(p["income_sources"], v.get("income_sources"),
                   ("work", "farming", "government", "family_help", "other"))
    line([label("家庭经济来源"), value(income + "  (可多选)", 7)], 1.3)
    assistance = ticks(p["assistance"], v.get("assistance"),
                       ("dibao", "temporary", "medical", "housing", "other"))
    line([label("救助帮扶情况"), value(assistance + "  (可多选)", 7)], 1.3)

    head("关爱情况(本村补充)")
    line([label("困境情况"), value(ticks(p["hardship"], v.get("hardship")), 7)],
             1.3)
    helpers = "、".join(f"{h.name}({h.role} {h.phone})".replace(" )", ")")
                       for h in data.helpers) or "(未结对)"
    line([label("结对帮扶人"), value(helpers, 7)])
    line([label("认定结论"), value(verdict.text, 7)], 1.4)
    extra_sections(flow, data, skip=CHILD)

    if flow.y - 34 * mm < 18 * mm:
        flow.new_page()
    y = flow.y - 12 * mm
    third = WIDTH / 3
    reviewer = v.get("reviewed_by") or ""
    filler = v.get("filled_by") or ""
    for i, signer in enumerate(("单位负责人(签名):", f"复核人(签名):{reviewer}",
                             f"填表人(签名):{filler}")):
        text_box(canvas, (LEFT + i * third, y, third, 8 * mm), signer, 10)
    text_box(canvas, (LEFT, y - 24 * mm, WIDTH, 22 * mm), NOTES, 8, valign="top")
