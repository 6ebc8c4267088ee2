"""Who may use the register and what they did (issue 18).

``passwords`` hashes and checks passwords and recovery codes (scrypt, salted);
``operators`` keeps the operators and signs one in (the first administrator, roles,
password changes, the recovery code); ``audit`` writes and reads the audit log (who,
when, which record, each field's old and new value; exports, prints, backups);
``masking`` hides the middle of ID numbers and phones where a list shows them;
``register_keys`` unwraps an encrypted register's key with a password or the recovery
code, keeps the key file in step with the operators, and converts a plain register.

May import: the basics, ``rules`` and ``storage``.
"""
