"""The program's log: warnings and bugs, for the maintainer, in the user's data folder.

The file is opened after the first paint (``open_log_file``), because its handler and
the data-folder lookup cost ~20 ms of start-up (bench/: start-up); whatever is logged
before then is kept and written to it then.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# One info line at every start (version, database): the log says which program wrote it.
START_LOGGER = "carecenter.start"


class _Early(logging.Handler):
    """Holds the records logged before the file is open."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def setup_logging() -> None:
    """Warnings and bugs go to stderr at once (when there is one: the windowed program on
    Windows has none), and to the log file once it is open; the start-up line too."""
    handlers: list[logging.Handler] = [_Early()]
    if sys.stderr is not None:
        handlers.insert(0, logging.StreamHandler())
    logging.basicConfig(level=logging.WARNING, handlers=handlers, format=FORMAT)
    logging.getLogger(START_LOGGER).setLevel(logging.INFO)


def log_folder() -> Path:
    """Where the log file is written (the user's log folder)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("carecenter", appauthor=False))


def open_log_file() -> None:
    """Open the log file and write into it what was logged so far (once; later calls do
    nothing)."""
    root = logging.getLogger()
    early = [h for h in root.handlers if isinstance(h, _Early)]
    if not early:
        return
    from logging.handlers import RotatingFileHandler

    folder = log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler | None = RotatingFileHandler(
            folder / "carecenter.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = None  # a read-only profile must not stop the program
    if handler is not None:
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    for holder in early:
        root.removeHandler(holder)
        if handler is not None:
            for record in holder.records:
                handler.handle(record)
