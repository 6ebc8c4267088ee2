"""台账: the village's Excel ledger in and out.

``workbook`` reads a sheet of a workbook, ``mapping`` finds the header and maps columns
to fields, ``rows`` and ``cells`` read what a row and a cell mean, ``importer`` previews
(``import_preview``) and applies an import, each row read by ``row_reading`` and
found on the register by ``row_matching`` (with ``import_report`` for the rows refused),
``quarter_export`` writes the quarterly workbook (季度报送) with its ``figures``,
``compare`` sets the township's list beside the register; ``style`` is how every
workbook the program writes looks.

May import: the basics, ``rules``, ``storage``, ``access``, ``settings``, ``care``,
``register``, ``pairing``.
"""
