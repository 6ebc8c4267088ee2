"""Where the database lives, and the schema revision this program ships.

No SQLAlchemy here: start-up reads these before it loads the database layer
(``carecenter.register.first_screen``); ``carecenter.storage.database`` builds on them.
"""

from __future__ import annotations

import os
from pathlib import Path

# The newest migration this program ships; a test keeps it equal to Alembic's head.
# Knowing it here lets an up-to-date database open without loading Alembic at all.
SCHEMA_HEAD = "0010"
ENV_VAR = "CARECENTER_DB"
# Fonts, templates and icons shipped with the program.
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("carecenter", appauthor=False)) / "carecenter.db"


def resolve(db: str | os.PathLike[str] | None = None) -> str:
    """The database to open: the argument, else $CARECENTER_DB, else the data folder."""
    chosen = str(db) if db else os.environ.get(ENV_VAR) or str(default_path())
    return chosen


def sqlite_file(db: str) -> Path | None:
    """The SQLite file a location names, or None for a server URL."""
    if "://" in db:
        return None
    return Path(db).expanduser().resolve()


def url_for(db: str) -> str:
    path = sqlite_file(db)
    return db if path is None else "sqlite:///" + str(path)
