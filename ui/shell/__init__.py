"""The program around the windows: start-up (``app``), the main window with its menus
and table, and the log file.

May import the core and every other ``ui`` package (it opens their windows); nothing in
``ui`` imports ``shell``.
"""
