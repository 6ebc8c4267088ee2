"""What a field's editing widget gives back for a value, worked out without the widget.

A form builds its widgets when first shown (a person's file has about fifty fields on
several tabs; the clerk opening a file waits only for the first tab). A form not yet
built must still answer with exactly what its widgets would give after showing the
stored values, so that saving from the first tab writes every other field as it would
have before: unchanged for ordinary values, and the same as after a look at the tab for
the rare value a widget changes (a long text's ``\\r\\n``, a code no longer offered).

``shown_value`` covers the values whose round trip is plain Python; for anything where
Qt's own conversions decide (a number given for a text code, a text longer than the
line allows), it answers ``UNSURE`` and the form builds its widgets to ask them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from carecenter.rules.fields import Field, FieldType

UNSURE = object()  # only the widget itself can tell

# Characters QPlainTextEdit gives back as something else (QTextDocument::toPlainText
# turns separators into "\n" and no-break spaces into spaces; "\r" becomes a new line).
_PLAIN_CHANGED = frozenset("\r\u00a0\u2028\u2029\ufdd0\ufdd1")

# (None, *codes) of a choice or group box; codes of a multi-choice field.
Items = Sequence[Any]


def line_length(field: Field) -> int:
    """The most a one-line box takes, in UTF-16 units as Qt counts them."""
    return 24 if field.type is FieldType.ID_NUMBER else max(field.max_length, 20)


def line_text(value: Any) -> str:
    """The text a one-line box is given for ``value``."""
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def multi_chosen(codes: Sequence[str], value: Any) -> list[str]:
    """The ticked codes of a multi-choice field given ``value``, in the choices' order."""
    chosen = set(value or [])
    return [code for code in codes if code in chosen]


def shown_value(field: Field, value: Any, items: Items = ()) -> Any:
    """What the widget for ``field`` gives back after being set to ``value``, or
    ``UNSURE``. ``items`` are the data of a choice or group box, the empty first one
    (None) included."""
    kind = field.type
    if kind is FieldType.BOOL:
        return bool(value)
    if kind is FieldType.MULTI:
        return multi_chosen([c.code for c in field.choices], value)
    if kind in (FieldType.CHOICE, FieldType.GROUP):
        if value is None:
            return None
        codes = [item for item in items if item is not None]
        # Qt compares a number with a text by converting: only same-typed data is plain.
        if isinstance(value, (str, int)) and not isinstance(value, bool) \
                and all(type(code) is type(value) for code in codes):
            return value if value in codes else None
        return UNSURE
    if kind is FieldType.LONGTEXT:
        text = value or ""
        if not isinstance(text, str) or not _PLAIN_CHANGED.isdisjoint(text):
            return UNSURE
        return text
    text = line_text(value)
    # Qt cuts a longer text at the box's length; len() counts characters, Qt UTF-16 units.
    limit = line_length(field)
    if 2 * len(text) > limit and len(text.encode("utf-16-le")) > 2 * limit:
        return UNSURE
    return text
