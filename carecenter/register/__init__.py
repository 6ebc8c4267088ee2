"""The register of people: writing a person and their supporters (``people``; each
form's values cleaned in ``form_values``), reading a file (``person_files``), exits and
reinstatement (``leaving``), what the history says of a change (``changes``), village
groups, the register as a list (``listing``, ``columns``), the first screen read before
SQLAlchemy loads, pinyin search keys, and the ``check`` of a register file.

May import: the basics, ``rules``, ``storage``, ``access``, ``settings``, ``care`` (a person's due
dates follow every change to the file).
"""
