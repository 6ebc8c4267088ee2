"""性能基准 (the benchmark): ``python3 dev.py bench`` or ``.venv/bin/python -m bench``.

Builds the demo register once (cached under .bench-cache/, by size and the demo code's
hash), runs every measurement in bench/measures/, and writes bench/results/latest.md and
latest.json. ``--readme`` also copies the table into README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import dataset, report
from bench.core import ERROR, NOT_BUILT, ROOT, Context, NotBuilt, Row, machine
from bench.measures import MEASURES
from carecenter import clock
from carecenter.demo import register_demo as demo


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000, help="演示库人数 (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="每项测几次，取中位数 (default 5)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results",
                        help="结果目录 (default bench/results)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache",
                        help="演示库缓存目录 (default .bench-cache)")
    parser.add_argument("--only", default="", help="只测这些，逗号分隔 (e.g. startup,search)")
    parser.add_argument("--readme", action="store_true", help="把结果表写进 README.md")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def run(args: argparse.Namespace) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Every path signs an operator in (issue 18): the demo register's administrator, whose
    # password the demo takes from here; the probes and timing scripts inherit both.
    os.environ.setdefault("CARECENTER_OPERATOR", "演示管理员")
    os.environ.setdefault("CARECENTER_PASSWORD", "bench-password-2026")
    # The benchmark keeps the demo's day, so that a run next year measures the same work;
    # the probes it starts in subprocesses inherit the day.
    os.environ[clock.ENVIRONMENT] = demo.REFERENCE_DAY.isoformat()
    clock.set_to(demo.REFERENCE_DAY)
    started = time.perf_counter()
    db = dataset.register(args.cache, args.persons, say=say)
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    all_rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-", dir=args.cache) as work:
        ctx = Context(db=db, persons=args.persons, runs=max(1, args.runs), work=Path(work),
                      cache=args.cache)
        for module in MEASURES:
            name = module.__name__.rsplit(".", 1)[-1]
            rows: list[Row] = module.rows()
            if wanted and name not in wanted and not wanted & {r.key for r in rows}:
                continue
            say(f"[bench] {name} …")
            began = time.perf_counter()
            try:
                module.measure(ctx, rows)
            except NotBuilt as e:
                for row in rows:
                    if not row.runs:
                        row.status = NOT_BUILT
                        row.note = "; ".join(filter(None, [str(e), row.note]))
            except Exception as e:  # one broken measurement must not lose the others
                traceback.print_exc()
                for row in rows:
                    if not row.runs:
                        row.status = ERROR
                        row.note = f"{type(e).__name__}: {str(e)[:200]}"
            for row in rows:
                row.settle()
                say(f"    {row.key:18} {report.number(row.value, row.unit):>10}"
                    f"  baseline {report.number(row.baseline, row.unit):>10}  {row.status}")
            say(f"    ({time.perf_counter() - began:.1f} s)")
            all_rows.extend(rows)
    meta = {
        "persons": args.persons, "runs": args.runs, "code_hash": dataset.code_hash(),
        "register": dataset.counts(db), "machine": machine(),
        "finished": clock.machine_now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "seconds": time.perf_counter() - started,
    }
    md, js = report.write(args.out, all_rows, meta)
    say(f"[bench] 结果 (results): {md}  {js}")
    if args.readme:
        report.update_readme(ROOT / "README.md", report.markdown(all_rows, meta))
        say("[bench] README.md 已更新 (updated)")
    print()
    print(report.markdown(all_rows, meta))
    return all_rows


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    rows = run(parse(sys.argv[1:] if argv is None else argv))
    return 1 if any(r.status == ERROR for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
