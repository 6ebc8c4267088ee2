"""The command line (``python -m carecenter``): ``entry`` parses and dispatches and holds
the register's own commands (demo, check, id, worklist, settings); one module per other
command group: ``ledger_cli`` (import, export, compare), ``print_cli`` (print),
``pairing_cli`` (pair),
``township_cli`` (migrate-to, villages: a township's server).

May import: everything in ``carecenter``; nothing imports ``cli``.
"""
