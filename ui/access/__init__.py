"""Operators at the window: signing in, the lock, the operators and the audit log.

``login`` (the first administrator, signing in, the recovery code, changing one's own
password), ``lock`` (hides the data after idle time, keeps the window), ``operators_window``
(an administrator's list of operators), ``audit_window`` (the log, with filters).

May import: ``ui.widgets`` and the core.
"""
