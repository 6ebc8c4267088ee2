"""The program's log: warnings and bugs, for the maintainer, in the user's data folder.

The file is opened after the first paint (``open_log_file``), because its handler and
the data-folder lookup cost ~20 ms of start-up (bench/: start-up); whatever is logged
before then is kept and written to it then.
"""

from __future__ import annotations

import logging
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Early(logging.Handler):
    """Holds the records logged before the file is open."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def setup_logging() -> None:
    """Warnings and bugs go to stderr at once, and to the log file once it is open."""
    logging.basicConfig(level=logging.WARNING, handlers=[logging.StreamHandler(), _Early()],
                        format=FORMAT)


def open_log_file() -> None:
    """Open the log file and write into it what was logged so far (once; later calls do
    nothing)."""
    root = logging.getLogger()
    early = [h for h in root.handlers if isinstance(h, _Early)]
    if not early:
        return
    from logging.handlers import RotatingFileHandler

    from platformdirs import user_log_dir

    folder = Path(user_log_dir("carecenter", appauthor=False))
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
