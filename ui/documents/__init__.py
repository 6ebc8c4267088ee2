"""Printing: the print dialog with its preview, and the agreement panel.

Mirrors ``carecenter/documents``; may import the core and ``ui.widgets``.
"""
