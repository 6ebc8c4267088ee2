"""Printed documents as PDF (reportlab, the Chinese font embedded): the registration
form, the care card, the entrusted-care agreement and the helper's visit sheet.
No Qt here; the print dialog in ``ui/`` shows what these functions make.
"""
