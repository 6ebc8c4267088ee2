"""How the village stands and what needs doing: the work list (工作台) of overdue and
due duties, open needs and agreements to renew. Reads every area; writes nothing.

May import: every domain package below it (``rules`` … ``ledger``: the printed lists take the
ledger's workbook style).
"""
