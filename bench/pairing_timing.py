"""The suggested pairing on a large register, from scratch (issue 5's measurement).

    python bench/pairing_timing.py --db /tmp/demo100k.db [--colours 10,30,60]

Works on a copy of the file: every current pairing is ended there so that the whole
register is unpaired, optionally colours are drawn (red, yellow, green percent; the
demo leaves people unassessed), then the proposal runs and the spread of loads after it
is printed, with the time it took and a check that no helper passes the limit.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, select, update  # noqa: E402

from bench.adapters import open_register  # noqa: E402
from carecenter.pairing.proposal import accept, propose, summary  # noqa: E402
from carecenter.storage.models import pairing, person  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--colours", help="red,yellow,green percent, e.g. 10,30,60")
    parser.add_argument("--accept", action="store_true", help="also time saving it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        shutil.copy(args.db, copy)
        database = open_register(copy)
        with database.transaction() as session:
            session.execute(update(pairing).where(pairing.c.ended_on.is_(None))
                            .values(ended_on=pairing.c.started_on, end_reason="bench"))
            if args.colours:
                red, yellow, _ = (int(x) for x in args.colours.split(","))
                rng = random.Random(1)
                ids = session.execute(select(person.c.id)).scalars().all()
                rows = [{"pid": i, "c": "red" if (r := rng.random() * 100) < red
                         else "yellow" if r < red + yellow else "green"} for i in ids]
                session.execute(update(person).where(person.c.id == bindparam("pid"))
                                .values(colour=bindparam("c")), rows)
        started = time.perf_counter()
        result = propose(database)
        seconds = time.perf_counter() - started
        figures = summary(result)
        after = result.loads_after()
        total = sum(r.weight for r in result.rows)
        print(f"people {figures['people']}, weight {total}, active helpers {figures['helpers']}"
              f" (capacity {figures['helpers'] * figures['limit']})")
        print(f"proposal {seconds:.2f} s: placed {figures['placed']}, unplaced "
              f"{figures['unplaced']}, same group {figures['same_group']}, named "
              f"{figures['named']}")
        print(f"loads after: min {figures['min']}, median {figures['median']}, "
              f"max {figures['max']} (limit {figures['limit']}); over the limit: "
              f"{sum(w > figures['limit'] for w in after.values())}")
        if args.accept:
            started = time.perf_counter()
            saved = accept(database, result)
            print(f"accept {time.perf_counter() - started:.2f} s ({saved} pairings)")
        database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
