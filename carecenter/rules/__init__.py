"""The policy as data and pure functions: no database, no files of the user's, no Qt
(tables shipped inside the package, such as the history of address codes, are data).

The fields of a person's file and of a supporter (declared once), national ID numbers,
the 留守 verdict, risk colours and their factors, visit cadences, the kinds of person
cared for, and visits due over a stretch of days. Everything here can be tested with
plain values; the seeds in ``../shared/seeds`` are cited where a rule comes from.

May import: the basics (``carecenter.clock``, ``errors``, ``calendar``) and other
``rules`` modules. Nothing else in ``carecenter`` is below it.
"""
