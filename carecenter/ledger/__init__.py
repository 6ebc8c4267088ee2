"""台账: the village's Excel ledger in and out.

``sheet`` reads a workbook, ``mapping`` finds the header and maps columns to fields,
``importer`` previews and applies an import, ``export`` writes the quarterly workbook
(季度报送) with its figures, ``compare`` sets the township's list beside the register.
"""
