"""Where the database lives, and the schema revision this program ships.

No SQLAlchemy here: start-up reads these before it loads the database layer
(``carecenter.register.first_screen``); ``carecenter.storage.database`` builds on them.
"""

from __future__ import annotations

import os
from pathlib import Path

from carecenter.errors import KnownError

# The newest migration this program ships; a test keeps it equal to Alembic's head.
# Knowing it here lets an up-to-date database open without loading Alembic at all.
SCHEMA_HEAD = "0006"
ENV_VAR = "CARECENTER_DB"


class ResourceMissing(KnownError):
    """A file the program ships is not where it was installed: the install is broken."""


def resources() -> Path:
    """The folder of the fonts, templates and icons shipped inside the package
    (``carecenter/resources``): found through the package itself, so the same call works
    from source, from an installed wheel and from a frozen bundle (PyInstaller's
    importer answers ``files()`` with its unpacked folder)."""
    from importlib.resources import files

    return Path(str(files("carecenter").joinpath("resources")))


def resource(*parts: str) -> Path:
    """A shipped file, e.g. ``resource("fonts", "x.ttf")``; a ResourceMissing telling the
    clerk to reinstall when it is not there."""
    path = resources().joinpath(*parts)
    if not path.is_file():
        raise ResourceMissing(
            f"程序文件缺失:{'/'.join(parts)}(应在 {path})。"
            "程序安装不完整,请重新运行“留守关爱”安装程序;已保存的数据不受影响。")
    return path


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
