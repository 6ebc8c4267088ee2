"""启动留守关爱程序 (start the carecenter desktop app).

Usage: python main.py [--db PATH]  (or: python3 dev.py app [--db PATH])
Frozen, this is carecenter.exe (carecenter.spec).
"""

import sys

try:
    from ui.shell.app import main
except Exception:
    # A damaged install (a file of the program missing): before Qt there is no box to
    # show, and the windowed exe has no console, so Windows' own box says it.
    if sys.platform == "win32":
        import ctypes
        import traceback

        ctypes.windll.user32.MessageBoxW(
            None, "留守关爱无法启动:程序文件不完整,请重新运行安装程序。已保存的数据不受影响。"
            "\n\n" + traceback.format_exc()[-1500:], "留守关爱", 0x10)
    raise

raise SystemExit(main())
