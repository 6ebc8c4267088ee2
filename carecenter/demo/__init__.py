"""A realistic synthetic register for demonstrations, tests and the benchmark
(``demo`` command): people and supporters (``register_demo``, drawn from ``draws``),
a year of care (``care_demo``), helpers and pairings (``pairing_demo``).

May import: every domain package; nothing imports ``demo`` but ``cli`` and tests.
"""
