"""The registration form of a file, in the layout its primary kind declares (``form``):
the elders' 基本情况登记表, the children's official 民发〔2016〕42号 附件1, or a form laid
out from the declarations for a kind with no layout of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import IO

from reportlab.pdfgen.canvas import Canvas

from carecenter.documents.child_form import draw_child_form
from carecenter.documents.document_data import Printable
from carecenter.documents.layout import new_canvas
from carecenter.documents.registration_form import draw_declared, draw_form

LAYOUTS: dict[str, Callable[[Canvas, Printable, date], None]] = {
    "elder": draw_form,
    "child": draw_child_form,
    "generic": draw_declared,
}


def person_form(data: Printable, today: date, target: str | IO[bytes] | None = None
                ) -> bytes | None:
    """The form as a PDF: written to ``target``, or returned as bytes."""
    kinds = data.file.kindset
    canvas, out = new_canvas(target, title=f"{kinds.primary.form_title} {data.name}")
    LAYOUTS.get(kinds.primary.form, draw_declared)(canvas, data, today)
    canvas.showPage()
    canvas.save()
    return out.getvalue() if target is None else None
