"""The township's server (issue 22): the county register moved into PostgreSQL, then the
core's search, opening a file, the work list and the export read from it.

Measured only when ``CARECENTER_BENCH_POSTGRES`` names a server and a role that may
create databases (e.g. the one ``dev.py test`` starts:
``postgresql+psycopg://carecenter_ci:carecenter_ci@127.0.0.1:5439/postgres``); a
throwaway database is made there and dropped afterwards. Without it the rows say so.
The SQLite columns measure the same through the windows (search, open) or the core.
"""

from __future__ import annotations

import os
import statistics

from bench import adapters
from bench.core import Context, Row, Target, timed

ENV = "CARECENTER_BENCH_POSTGRES"


def rows() -> list[Row]:
    return [
        Row("pg_migrate", "迁入乡镇服务器 (migrate-to PostgreSQL)", "s"),
        Row("pg_search", "服务器：搜索一键 (server: search keystroke, core)", "ms", Target(50)),
        Row("pg_open", "服务器：打开一人档案 (server: load one file, core)", "ms", Target(100)),
        Row("pg_worklist", "服务器：工作清单 (server: work list)", "ms", Target(500)),
        Row("pg_export", "服务器：季度报送导出 (server: quarterly export)", "s"),
    ]


def measure(ctx: Context, rows: list[Row]) -> None:
    url = os.environ.get(ENV)
    if not url:
        for row in rows:
            row.note = f"未设置 {ENV}，未测 (no server named)"
        return
    from sqlalchemy import create_engine, make_url, text

    from carecenter.register.columns import RegisterQuery
    from carecenter.register.listing import Listing
    from carecenter.register.people import Register
    from carecenter.storage import transfer
    from carecenter.storage.database import Database

    name = f"cc_bench_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        server = Database(target, scope="*")
        # Migrated to this schema first; encrypted, it opens with the bench operator's key.
        source = adapters.open_register(ctx.scratch_copy("pg.db"))
        moved = transfer.move_in(source, server)
        source.close()
        server.close()
        rows[0].runs = [moved.seconds]
        rows[0].note = f"{moved.counts['person']} 人，共 {moved.rows} 行，一个事务"
        database = Database(target)  # the only village: its own scope
        try:
            # Its administrator came with it (issue 22): the work list and the export
            # are an operator's (issue 18), and signing in fixes the village.
            adapters.product("carecenter.cli.access_cli", "sign_in")(database)
            listing = Listing(database)
            # What a keystroke asks of the core (ui/register/register_model.py): the first
            # chunk of ids in order and how many match (on a server counted to 10,000).
            searches = []
            for _key, query in adapters.SEARCHES:
                for end in range(1, len(query) + 1):
                    searches.append(timed(listing.first, RegisterQuery(text=query[:end])) * 1000)
            rows[1].runs = searches
            rows[1].note = (f"逐键输入 {len(adapters.SEARCHES)} 个查询（前 2000 个 id 与人数）；"
                            f"最慢一键 {max(searches):.0f} ms"
                            f"（中位数 {statistics.median(searches):.0f}）")
            register = Register(database)
            ids = listing.ids(RegisterQuery(), limit=ctx.runs * 7)
            rows[2].runs = [timed(register.load, i) * 1000 for i in ids[::7][:ctx.runs]]
            rows[2].note = "Register.load：档案、赡养人与历史"
            for _ in range(ctx.runs):
                rows[3].runs.append(timed(adapters.work_list, database, adapters.DAY) * 1000)
            out = ctx.work / "pg-export.xlsx"
            for _ in range(min(ctx.runs, 3)):
                out.unlink(missing_ok=True)
                rows[4].runs.append(timed(adapters.quarterly_export, database, out))
        finally:
            database.close()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
