"""The care a person receives: assessments, visits, needs and special rounds
(``care_book``, its inputs and records in ``care_records``), the kept due dates of
every duty (``due_dates``), and what the fast entry grid needs to record a month of
visits (``visit_grid``).

May import: the basics, ``rules``, ``storage``, ``access``, ``settings``.
"""
