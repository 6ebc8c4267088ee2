"""Helpers and pairing: the helpers window and the suggested pairing.

Mirrors ``carecenter/pairing``; may import the core and ``ui.widgets``.
"""
