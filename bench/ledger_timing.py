"""Timing the ledger's import and the quarterly export against what the libraries do bare.

    python bench/ledger_timing.py --persons 10000 [--export-db county.db] [--runs 3]

- import: a 10,000-row ledger (written by our own export from a demo register) read,
  previewed and written into an empty register; baseline: openpyxl ``read_only`` reading
  the same file plus one Core bulk insert of the same number of person rows (issue 8).
- export: the quarter's workbook of a register; baseline: openpyxl ``write_only``
  writing the same cells with no styles, no snapshot.
Each figure is the median of the runs, in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bench.adapters import open_register  # noqa: E402
from carecenter import clock, demo  # noqa: E402
from carecenter.ledger.figures import collect, ledger_headers  # noqa: E402
from carecenter.ledger.importer import LedgerImport  # noqa: E402
from carecenter.ledger.quarter import Quarter  # noqa: E402
from carecenter.ledger.quarter_export import export_quarter  # noqa: E402
from carecenter.storage.database import Database  # noqa: E402
from carecenter.storage.models import person  # noqa: E402


def timed(work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def import_once(ledger: Path, folder: Path, run: int) -> float:
    database = open_register(folder / f"import-{run}.db")
    try:
        def work() -> None:
            importer = LedgerImport(database)
            data, layout = importer.open(ledger)
            importer.apply(importer.preview(ledger, data, layout))
        return timed(work)
    finally:
        database.close()


def import_baseline(ledger: Path, folder: Path, run: int) -> float:
    import openpyxl

    database = open_register(folder / f"baseline-{run}.db")
    try:
        def work() -> None:
            book = openpyxl.load_workbook(ledger, read_only=True)
            rows = list(book["台账"].iter_rows(min_row=4, values_only=True))
            book.close()
            now = clock.now()
            records = [{"name": r[1], "id_number": r[3] if r[3] != "待补充" else None,
                        "created_at": now, "updated_at": now} for r in rows]
            with database.transaction() as session:
                session.execute(insert(person), records)
        return timed(work)
    finally:
        database.close()


def export_once(database: Database, out: Path, today: date) -> float:
    return timed(lambda: export_quarter(database, Quarter.containing(today), out, today=today))


def export_baseline(database: Database, out: Path, today: date) -> float:
    import openpyxl

    data = collect(database, Quarter.containing(today), today)

    def work() -> None:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("台账")
        sheet.append(ledger_headers(data.supporter_columns))
        for row in data.rows:
            sheet.append(row)
        book.save(out)
    return timed(work)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=10000, help="rows of the import")
    parser.add_argument("--export-db", help="a register to export (e.g. a 100,000 demo)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    today = clock.today()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = open_register(folder / "source.db")
        demo.generate(source, args.persons, seed=1)
        ledger = folder / "ledger.xlsx"
        export_quarter(source, Quarter.containing(today), ledger, today=today)
        source.close()
        ours = [import_once(ledger, folder, i) for i in range(args.runs)]
        base = [import_baseline(ledger, folder, i) for i in range(args.runs)]
        mine, bare = statistics.median(ours), statistics.median(base)
        print(f"import {args.persons} rows: {mine:.2f} s; baseline (openpyxl read-only + "
              f"bulk insert) {bare:.2f} s; ratio {mine / bare:.2f}")
        if args.export_db:
            database = open_register(args.export_db)
            try:
                ours = [export_once(database, folder / f"e{i}.xlsx", today)
                        for i in range(args.runs)]
                base = [export_baseline(database, folder / f"b{i}.xlsx", today)
                        for i in range(args.runs)]
                size = (folder / "e0.xlsx").stat().st_size / 1e6
            finally:
                database.close()
            mine, bare = statistics.median(ours), statistics.median(base)
            print(f"export {args.export_db}: {mine:.2f} s ({size:.1f} MB); baseline "
                  f"(openpyxl write-only, same cells) {bare:.2f} s; ratio {mine / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
