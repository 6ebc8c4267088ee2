"""Printed documents as PDF (reportlab, the Chinese font embedded) and the agreements
behind them: the registration form, the care card, the entrusted-care agreement (its
records in ``agreement_book``, its pages in ``agreement_pdf`` and ``agreement_signatures``,
laid down the page by ``page_flow``) and the helper's visit sheet.
No Qt here; the print dialog in ``ui/`` shows what these functions make.

May import: the basics, ``rules``, ``storage``, ``access``, ``settings``, ``care``,
``register``, ``pairing``.
"""
