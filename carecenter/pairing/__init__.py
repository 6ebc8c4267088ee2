"""结对帮扶: the helpers (``helper_book``), who helps whom (``pairs``), the suggested
pairing (``proposal``) and each helper's duties counted from the visits (``duties``).

May import: the basics, ``rules``, ``storage``, ``access``, ``settings``, ``care``, ``register``.
"""
