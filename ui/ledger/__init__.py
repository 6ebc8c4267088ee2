"""The Excel ledger: the import wizard and the quarterly report window.

Mirrors ``carecenter/ledger``; may import the core and ``ui.widgets``.
"""
