"""Typed errors: what the clerk can fix (Chinese message) versus bugs (traceback to the log).

Every expected failure is a ``KnownError`` whose message is shown as it is. Anything
else escaping the core is a bug, logged with its traceback.
"""

from __future__ import annotations


class KnownError(Exception):
    """An expected failure; ``str(error)`` is a complete Chinese sentence for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FieldError(KnownError):
    """One field's value is refused; ``field`` is its English name, ``row`` its table row."""

    def __init__(self, field: str, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.row = row


class ValidationFailed(KnownError):
    """A save refused whole; each error names its field (and row, for supporters)."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__(";".join(e.message for e in self.errors) or "数据有误")

    def for_field(self, name: str, row: int | None = None) -> list[str]:
        return [e.message for e in self.errors if e.field == name and e.row == row]


class NotFound(KnownError):
    """The record asked for is not on the register."""


class DatabaseError(KnownError):
    """The database file cannot be used as it is (too new, damaged, locked)."""



class Unopenable(DatabaseError):
    """The register's file cannot be opened at all (emptied, damaged, its key file not
    its own): what a restore from a backup is for. Not a newer program's register, nor a
    read-only folder, where a restore would lose data or change nothing."""

class NotAllowed(KnownError):
    """The signed-in operator's role does not allow this (or nobody is signed in)."""


class ChangedMeanwhile(KnownError):
    """Records changed elsewhere since the clerk saw them (a preview, a proposal): the
    write refused them, naming them; it can be made again leaving them out."""
