"""Care: assessments, visits (one at a time and the monthly grid), needs, special rounds.

Mirrors ``carecenter/care``; may import the core and ``ui.widgets``.
"""
