from __future__ import annotations

import subprocess
import sys


def test_importing_the_whole_core_loads_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, carecenter\n"
        "for m in pkgutil.walk_packages(carecenter.__path__, 'carecenter.'):\n"
        "    if m.name not in ('carecenter.__main__', 'carecenter.storage.migrations.env'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.startswith('PySide6')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
