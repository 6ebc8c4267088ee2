"""How the village stands: the work list (工作台).

Mirrors ``carecenter/overview``; may import the core and ``ui.widgets``.
"""
