"""启动留守关爱程序 (start the carecenter desktop app).

Usage: python main.py [--db PATH]  (or: python3 dev.py app [--db PATH])
"""

from ui.shell.app import main

raise SystemExit(main())
