"""The embedded Song-style font of every printed document, with a fallback for rare
characters.

reportlab embeds a TrueType font as a subset; the font ships in ``carecenter/resources/fonts``
(AR PL UMing, see its README). A name character outside the shipped subset is drawn
from a CJK TrueType font of the system when one exists, else it is reported missing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from carecenter.storage.location import ResourceMissing, resource

FONT_FILE = ("fonts", "ARPLUMingCN-GB.ttf")  # inside carecenter/resources
SONG = "CareSong"
FALLBACK = "CareFallback"

# TrueType (not CFF) CJK fonts found on Windows and Debian; the first present is used.
_FALLBACK_CANDIDATES = (
    (Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts" / "simsun.ttc", 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
)


class FontMissing(ResourceMissing):
    """The shipped font is not installed: a Chinese message saying to reinstall."""


@cache
def register() -> str:
    """Register the document font once; its reportlab name."""
    try:
        path = resource(*FONT_FILE)
    except ResourceMissing as e:
        raise FontMissing("无法打印:缺少打印字体。" + e.message) from None
    pdfmetrics.registerFont(TTFont(SONG, str(path)))
    return SONG


@cache
def _coverage(name: str) -> frozenset[int]:
    face = pdfmetrics.getFont(name).face
    return frozenset(face.charToGlyph)


@cache
def fallback() -> str | None:
    """The fallback font's reportlab name, or None when the system has none."""
    for path, index in _FALLBACK_CANDIDATES:
        if path.exists():
            try:
                pdfmetrics.registerFont(TTFont(FALLBACK, str(path), subfontIndex=index))
            except Exception:  # an unreadable or CFF font: try the next one
                continue
            return FALLBACK
    return None


def has_glyph(char: str, name: str = SONG) -> bool:
    return ord(char) in _coverage(name)


def font_for(char: str) -> str:
    """The font that draws this character: the shipped one, else the fallback."""
    register()
    if char.isspace() or has_glyph(char):
        return SONG
    other = fallback()
    if other is not None and has_glyph(char, other):
        return other
    return SONG


def missing(text: str) -> list[str]:
    """Characters no available font can draw (they would print as empty boxes)."""
    register()
    out: list[str] = []
    for char in text:
        if char.isspace() or char in out:
            continue
        if font_for(char) == SONG and not has_glyph(char):
            out.append(char)
    return out
