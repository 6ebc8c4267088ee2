"""Where the register is kept: the database, its tables and migrations, bulk writes.

``database`` opens a register (SQLite pragmas, migrations, one transaction per write),
``models`` holds the tables (the person and supporter columns come from
``rules.fields``), ``bulk`` inserts thousands of rows at once, ``location`` says where
the file lives. Alembic migrations are in ``migrations/``.

A township's PostgreSQL server (issue 22): ``postgres`` sets up its connections (each
scoped to a village, SERIALIZABLE), ``backends`` says what a failed write means on
either database and runs a conflicting write again, ``villages`` lists and adds the
villages, ``transfer`` moves a village between its file and the server.

May import: the basics and ``rules`` (the field declarations the tables are made from);
no other domain package.
"""
