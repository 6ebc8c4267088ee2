"""The register: its table model (rows fetched lazily, sorted and filtered in SQL), the
person editor with its supporters, village groups, exits.

Mirrors ``carecenter/register``; may import the core and ``ui.widgets``.
"""
