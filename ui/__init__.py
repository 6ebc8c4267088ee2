"""The Qt desktop windows on top of the ``carecenter`` core."""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (loads PySide6's import hook, patched below)


def _quicker_feature_check() -> None:
    """PySide6 asks of every module imported after it whether its source says "PySide6"
    (for its optional ``__feature__`` switches, which this program does not use), and
    reads that source through ``inspect.getsource``: tokenize and linecache, ~0.3 ms a
    module, 30-50 ms of the start-up for the program's ~120 modules (bench: startup).
    The same question asked of the file's bytes gives the same answer; anything else
    (no file, a frozen build's modules) goes the original way."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None or getattr(original, "quicker", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(original(module))

    uses_pyside.quicker = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


_quicker_feature_check()
