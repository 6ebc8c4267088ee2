"""本村设置: the village settings dialog, built from the core's declarations.

Mirrors ``carecenter/settings``; may import the core and ``ui.widgets``.
"""
