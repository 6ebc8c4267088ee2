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
SCHEMA_HEAD = "0016"
ENV_VAR = "CARECENTER_DB"
# A township's server (issue 22): ``postgresql+psycopg://user:password@host/dbname``,
# from this variable or from a one-line file in the user's settings folder
# (``SERVER_FILE``), so a village PC set up once opens the server without arguments.
URL_VAR = "CARECENTER_DATABASE_URL"
SERVER_FILE = "database-url.txt"


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


def command_line() -> str:
    """How the command line is started where this program runs: ``carecenter-cli`` beside
    the installed ``carecenter.exe`` (carecenter.spec), ``python -m carecenter`` from
    source. A message naming a command names the one the clerk has."""
    import sys

    if getattr(sys, "frozen", False):
        return "carecenter-cli"
    return "python -m carecenter"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("carecenter", appauthor=False)) / "carecenter.db"


def server_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("carecenter", appauthor=False)) / SERVER_FILE


def configured_url() -> str | None:
    """The server URL in $CARECENTER_DATABASE_URL or the settings folder's file, if any."""
    url = os.environ.get(URL_VAR, "").strip()
    if url:
        return url
    path = server_file()
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    except OSError:
        return None
    return next((line.strip() for line in lines
                 if line.strip() and not line.lstrip().startswith("#")), None)


def resolve(db: str | os.PathLike[str] | None = None) -> str:
    """The database to open: the argument, else $CARECENTER_DATABASE_URL (or the server
    file in the settings folder), else $CARECENTER_DB, else the data folder's file."""
    if db:
        return str(db)
    return configured_url() or os.environ.get(ENV_VAR) or str(default_path())


def is_server(db: str) -> bool:
    return sqlite_file(db) is None


def shown(db: str) -> str:
    """The location as a message may show it: a server URL without its password."""
    if not is_server(db) or "@" not in db:
        return db
    scheme, _, rest = db.partition("://")
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}" if user else f"{scheme}://{host}"


def sqlite_file(db: str) -> Path | None:
    """The SQLite file a location names, or None for a server URL."""
    if "://" in db:
        return None
    return Path(db).expanduser().resolve()


def url_for(db: str) -> str:
    path = sqlite_file(db)
    return db if path is None else "sqlite:///" + str(path)


def sync_folder(path: Path) -> None:
    """Make the folder's entry for ``path`` last (POSIX): a rename just done survives a
    power cut. Windows has no fsync of a folder; NTFS journals the rename itself."""
    if os.name != "posix":
        return
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def keep_private(path: Path, folder: bool = False) -> None:
    """On POSIX, a register's file (0600) or its data folder (0700) is the user's own:
    another local account cannot read it (issue 18). Windows keeps its own ACLs: the
    user's profile folder is private already."""
    if os.name != "posix":
        return
    try:
        if path.exists() and path.stat().st_uid == os.getuid():
            path.chmod(0o700 if folder else 0o600)
    except OSError:
        pass  # a folder that is not ours to change (a USB stick's FAT): left as it is
