"""The village's settings: the store kept in the database (``settings_store``) and
the settings the clerk changes in 本村设置, each declared once (``preferences``).

May import: the basics, ``rules``, ``storage``, ``access`` (who may change a setting, and
the log of it).
"""
