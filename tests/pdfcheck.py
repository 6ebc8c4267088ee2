"""Reading back the PDFs the program makes: their text and their fonts."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from pypdf import PdfReader


def text_of(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def _fonts(resources: Any) -> list[Any]:
    found = []
    fonts = resources.get("/Font") if resources else None
    if fonts:
        for ref in fonts.get_object().values():
            found.append(ref.get_object())
    return found


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Names of the fonts used without their program in the file (empty: all embedded)."""
    reader = PdfReader(BytesIO(pdf))
    missing: list[str] = []
    seen = 0
    for page in reader.pages:
        for font in _fonts(page.get("/Resources")):
            seen += 1
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts") or []:
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            embedded = any(
                d is not None and any(k in d.get_object() for k in
                                      ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in descriptors)
            if not embedded:
                missing.append(str(font.get("/BaseFont")))
    assert seen, "the PDF uses no font at all"
    return missing
