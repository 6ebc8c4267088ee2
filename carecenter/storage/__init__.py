"""Where the register is kept: the database, its tables and migrations, bulk writes.

``database`` opens a register (migrations, one transaction per write) through an engine
of ``engines`` (SQLite pragmas and keys, a server, any URL),
``models`` holds the tables (the person and supporter columns come from
``rules.fields``, made by ``column_types``), ``bulk`` inserts thousands of rows at
once, ``location`` says where the file lives, ``register_lock`` keeps one writer per
SQLite register (SQLite only),
``backups`` backs a register up through SQLite's backup API, rotates and restores.
Alembic migrations are in ``migrations/``. Encrypted at rest (issue 18): ``cipher`` opens
SQLCipher connections with a register's raw key and converts a file, ``key_file`` keeps
that key wrapped per operator beside the register.

A township's PostgreSQL server (issue 22): ``postgres`` sets up its connections (each
scoped to a village, SERIALIZABLE), ``backends`` says what a failed write means on
either database and runs a conflicting write again, ``villages`` lists and adds the
villages, ``transfer`` moves a village between its file and the server.

May import: the basics and ``rules`` (the field declarations the tables are made from);
no other domain package.
"""
