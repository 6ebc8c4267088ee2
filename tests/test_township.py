"""A township's register on a PostgreSQL server (issue 22): villages moved in and out
(``migrate-to``), and a village that sees nothing of another village by any path.

Needs a server (``CARECENTER_TEST_POSTGRES``; ``dev.py test`` starts one): skipped,
saying so, without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from carecenter.cli.entry import main
from carecenter.demo import register_demo
from carecenter.documents.document_data import printable
from carecenter.errors import KnownError, NotFound
from carecenter.ledger.compare import compare_file
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter, snapshots
from carecenter.overview import work_list
from carecenter.pairing.helper_book import HelperBook
from carecenter.register import register_check
from carecenter.register.columns import RegisterQuery
from carecenter.register.groups import GroupBook
from carecenter.register.listing import Listing
from carecenter.register.people import Register
from carecenter.settings.settings_store import Settings
from carecenter.storage import transfer
from carecenter.storage.database import Database
from carecenter.storage.models import metadata, person, supporter, village
from tests import pg_server
from tests.conftest import opened, signed_in

TODAY = date(2026, 11, 23)


def village_file(path: Path, name: str, persons: int, seed: int) -> Path:
    database = signed_in(Database(path))
    register_demo.generate(database, persons, seed=seed, today=TODAY)
    Settings(database).set("village", {"name": name})
    database.close()
    return path


@dataclass
class Township:
    url: str
    a: int  # 白竹村's id on the server
    b: int  # 高良村's
    a_file: Path
    b_file: Path


@pytest.fixture(scope="module")
def township(postgres: pg_server.Server, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Township]:
    folder = tmp_path_factory.mktemp("township")
    a_file = village_file(folder / "baizhu.db", "白竹村", 40, seed=11)
    b_file = village_file(folder / "gaoliang.db", "高良村", 30, seed=12)
    url = postgres.fresh(migrated=False)
    server = signed_in(Database(url, scope="*"))  # the township's administrator first
    ids = []
    for file in (a_file, b_file):
        source = Database(file)
        ids.append(transfer.move_in(source, server).village.id)
        source.close()
    server.close()
    yield Township(url, ids[0], ids[1], a_file, b_file)
    postgres.drop(url)


def test_a_village_moves_in_whole_and_a_second_run_copies_nothing(
        township: Township) -> None:
    source = Database(township.a_file)
    server = Database(township.url, scope="*")
    try:
        with source.engine.connect() as connection:
            expected = transfer.counts(connection, 1)
        again = transfer.move_in(source, server)
        assert again.already and again.village.id == township.a
        with server.engine.connect() as connection:
            connection.execute(text("SELECT set_config('carecenter.village', '*', false)"))
            assert transfer.counts(connection, township.a) == expected
            assert connection.execute(select(func.count()).select_from(village)).scalar() == 2
        assert expected["person"] == 40 and expected["visit"] > 0
        # What the clerk saw at home is what the village sees on the server: every work
        # list line, with its group (care_due keeps a copy of the group's id).
        scoped = signed_in(Database(township.url, scope=township.a))
        signed_in(source)
        lines = [sorted((i.name, i.group, i.what, i.due) for i in work_list.build(d, TODAY).items)
                 for d in (source, scoped)]
        scoped.close()
        assert lines[0] == lines[1] and any(group for _, group, _, _ in lines[0])
    finally:
        source.close()
        server.close()


def test_a_village_sees_none_of_another_villages_rows_by_any_path(
        township: Township, tmp_path: Path) -> None:
    a = signed_in(Database(township.url, scope=township.a))
    b = signed_in(Database(township.url, scope=township.b))
    try:
        with b.engine.connect() as connection:
            b_people = dict(connection.execute(select(person.c.id, person.c.name)).all())  # type: ignore[arg-type]
        with a.engine.connect() as connection:
            a_people = dict(connection.execute(select(person.c.id, person.c.name)).all())  # type: ignore[arg-type]
            # Every table, read whole: only the village's own rows come back.
            for table in [t for t in metadata.sorted_tables
                          if t is village or "village_id" in t.c]:
                column = table.c.id if table is village else table.c.village_id
                seen = set(connection.execute(select(column).distinct()).scalars())
                assert seen <= {township.a}, table.name
        assert len(a_people) == 40 and len(b_people) == 30
        assert not set(a_people) & set(b_people)
        b_only = next(n for n in b_people.values() if n not in a_people.values())
        b_id = next(i for i, n in b_people.items() if n == b_only)

        listing = Listing(a, today=lambda: TODAY)
        assert set(listing.ids(RegisterQuery(status=None))) == set(a_people)
        assert listing.ids(RegisterQuery(text=b_only, status=None)) == []
        register = Register(a, today=lambda: TODAY)
        with pytest.raises(NotFound):
            register.load(b_id)
        assert register.count(None) == 40
        number = Register(b).load(b_id).values["id_number"]
        if number:
            assert register.find_by_id_number(number) is None
        with pytest.raises(NotFound):
            printable(a, b_id, TODAY)
        items = work_list.build(a, TODAY)
        assert {i.person_id for i in items.items if i.person_id} <= set(a_people)  # 0: events
        groups_a = {g.id for g in GroupBook(a).list()}
        assert groups_a and not groups_a & {g.id for g in GroupBook(b).list()}
        helpers_a = {h.id for h in HelperBook(a).list()}
        helpers_b = {h.id for h in HelperBook(b).list()}
        assert helpers_a and not helpers_a & helpers_b
        assert Settings(a).village()["name"] == "白竹村"

        out = tmp_path / "a.xlsx"
        result = export_quarter(a, Quarter(2026, 3), out, today=TODAY)
        exported_names = {row[1] for row in result_rows(out)}
        assert b_only not in exported_names and exported_names <= set(a_people.values())
        assert [s.period for s in snapshots(a)] == ["2026Q3"] and snapshots(b) == []
        assert result.persons <= 40

        theirs = tmp_path / "b.xlsx"
        export_quarter(b, Quarter(2026, 3), theirs, today=TODAY)
        compared = compare_file(a, theirs)
        assert compared.matched == 0 and all(o[1].person_id in a_people for o in compared.ours_only)

        report = register_check.run(a)
        assert report.active + report.exited == 40

        # Writing another village's person is refused as if it did not exist.
        draft = Register(b).load(b_id).draft()
        with pytest.raises(KnownError):  # its group, then the person: not on A's register
            register.save(draft, b_id, allow_duplicate=True)
        draft.values["group_id"] = None
        with pytest.raises(NotFound):
            register.save(draft, b_id, allow_duplicate=True, allow_incomplete=True)
        with pytest.raises(NotFound):
            register.exit(b_id, TODAY, "moved")
        with pytest.raises(Exception, match="row-level security"), \
                a.engine.begin() as connection:
            connection.execute(text("UPDATE person SET village_id = :b"), {"b": township.b})
    finally:
        a.close()
        b.close()


def result_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [r for r in rows if isinstance(r[0], int)]  # numbered rows: the people


def test_the_command_line_as_a_village_lists_only_its_people(
        township: Township, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    names = {}
    for key, scope in (("a", township.a), ("b", township.b)):
        database = Database(township.url, scope=scope)
        with database.engine.connect() as connection:
            names[key] = set(connection.execute(select(person.c.name)).scalars())
        database.close()
    monkeypatch.setenv("CARECENTER_VILLAGE", "高良村")
    # 白竹村's administrator cannot open 高良村 (issue 22: bound to their village); the
    # township's can. Their names were taken on the server: they came with the village's.
    monkeypatch.setenv("CARECENTER_OPERATOR", "演示管理员(白竹村)")
    assert main(["worklist", "--db", township.url, "--date", "2026-11-23"]) == 1
    assert "只能打开本村" in capsys.readouterr().err
    monkeypatch.setenv("CARECENTER_OPERATOR", "演示管理员")
    assert main(["worklist", "--db", township.url, "--date", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    b = signed_in(Database(township.url, scope=township.b))
    with b.engine.connect() as connection:  # helpers' and supporters' names are B's too
        others = names["b"] | {h.name for h in HelperBook(b).list()} | set(
            connection.execute(select(supporter.c.name)).scalars())
    b.close()
    a_only = {n for n in names["a"] if not any(n in m for m in others)}
    assert a_only and not {n for n in a_only if n in out}
    assert any(n in out for n in names["b"])
    assert main(["check", "--db", township.url]) in (0, 1)
    assert "在册:" in capsys.readouterr().out
    monkeypatch.setenv("CARECENTER_VILLAGE", "石门村")
    assert main(["check", "--db", township.url]) == 1
    assert "没有“石门村”这个村" in capsys.readouterr().err


def test_the_database_url_in_the_environment_opens_the_server(
        township: Township, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """CARECENTER_DATABASE_URL selects the server with no --db (issue 22), for the app
    and every command."""
    monkeypatch.setenv("CARECENTER_DATABASE_URL", township.url)
    monkeypatch.setenv("CARECENTER_VILLAGE", "高良村")
    database = Database()
    try:
        assert database.on_server and database.scope == str(township.b)
        with database.engine.connect() as connection:
            assert set(connection.execute(select(person.c.village_id)).scalars()) == \
                {township.b}
    finally:
        database.close()
    assert main(["check"]) in (0, 1)
    assert "在册:" in capsys.readouterr().out


def test_a_village_moves_out_to_a_file_of_its_own_and_opens_there(
        township: Township, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from carecenter.access import register_keys

    out = tmp_path / "gaoliang-again.db"
    assert main(["migrate-to", str(out), "--db", township.url, "--village", "高良村"]) == 0
    said = capsys.readouterr().out
    # Its operators came with it (issue 22): the township's one running the move is not
    # one of them; the file is encrypted when the village's first signs in (issue 18).
    assert "各表数目核对一致" in said and "本村操作员第一次登录时登记册即加密" in said
    monkeypatch.setenv("CARECENTER_OPERATOR", "演示管理员(高良村)")
    assert main(["migrate-to", str(out), "--db", township.url, "--village", "高良村"]) == 0
    assert "未重复迁出" in capsys.readouterr().out
    assert register_keys.encrypted(out)  # its own administrator signed in: encrypted
    moved = opened(out, name="演示管理员(高良村)")
    original = Database(township.b_file)
    try:
        names = [sorted(Listing(d).rows(Listing(d).ids(RegisterQuery(status=None))).values(),
                        key=lambda r: r.id) for d in (moved, original)]
        assert [r.name for r in names[0]] == [r.name for r in names[1]]
        assert Settings(moved).village()["name"] == "高良村"
        server = Database(township.url, scope=township.b)
        with moved.engine.connect() as one, server.engine.connect() as two:
            assert transfer.counts(one, 1) == transfer.counts(two, township.b)
        server.close()
    finally:
        moved.close()
        original.close()


def test_a_move_cut_off_half_way_leaves_nothing_on_the_server(
        postgres: pg_server.Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = village_file(tmp_path / "v.db", "石门村", 10, seed=5)
    url = postgres.fresh(migrated=False)
    server = Database(url, scope="*")
    source = Database(file)
    real = transfer.insert_rows
    calls = []

    def power_cut(connection, table, rows):  # type: ignore[no-untyped-def]
        calls.append(table.name)
        if table.name == "visit":
            raise RuntimeError("power cut")
        real(connection, table, rows)

    monkeypatch.setattr(transfer, "insert_rows", power_cut)
    try:
        with pytest.raises(RuntimeError):
            transfer.move_in(source, server)
        assert "person" in calls
        with server.engine.connect() as connection:
            connection.execute(text("SELECT set_config('carecenter.village', '*', false)"))
            for table in metadata.sorted_tables:
                assert connection.execute(select(func.count()).select_from(table)).scalar() \
                    == 0, table.name
        monkeypatch.setattr(transfer, "insert_rows", real)
        assert transfer.move_in(source, server).counts["person"] == 10
    finally:
        source.close()
        server.close()
        postgres.drop(url)


def test_an_account_exempt_from_row_security_is_refused_for_a_village(
        postgres: pg_server.Server) -> None:
    url = postgres.migrated()
    township = Database(url, scope="*")
    with township.engine.connect() as connection:
        exempt = connection.execute(text(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )).scalar()
    township.close()
    if exempt:
        with pytest.raises(KnownError, match="行级安全"):
            Database(url, scope="1")
    else:
        only = Database(url)
        only.close()
        assert only.scope == "1"  # the only village, when none is named


def test_the_township_sees_each_villages_figures_side_by_side_and_their_total(
        township: Township, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "side.xlsx"
    assert main(["villages", "--db", township.url, "--quarter", "2026Q3", "--date",
                 "2026-11-23", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "白竹村" in printed and "高良村" in printed and "全乡镇" in printed
    from openpyxl import load_workbook

    rows = [list(r) for r in load_workbook(out).worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["项目", "指标", "白竹村", "高良村", "全乡镇"]
    for row in rows[1:]:
        if all(isinstance(v, int) for v in row[2:]):
            assert row[2] + row[3] == row[4], row
    active = next(r for r in rows if r[1].startswith("期末"))
    for scope, value in ((township.a, active[2]), (township.b, active[3])):
        database = Database(township.url, scope=scope)
        data = export_figures(database)
        database.close()
        assert data == value


def export_figures(database: Database) -> int:
    from carecenter.ledger.figures import collect

    return int(collect(database, Quarter(2026, 3), TODAY).figures["active"])


def test_the_township_prints_each_person_with_their_own_villages_name(
        township: Township) -> None:
    from carecenter.documents.card_batch import printables

    server = signed_in(Database(township.url, scope="*"))
    try:
        with server.session() as session:
            first = {v: session.execute(select(person.c.id).where(person.c.village_id == v)
                                        .order_by(person.c.id).limit(2)).scalars().all()
                     for v in (township.a, township.b)}
        # One at a time and in one batch across both villages: each with their own.
        assert printable(server, first[township.b][0], TODAY).village["name"] == "高良村"
        assert printable(server, first[township.a][0], TODAY).village["name"] == "白竹村"
        batch = [*first[township.b], *first[township.a]]
        names = [p.village["name"] for p in printables(server, batch)]
        assert names == ["高良村", "高良村", "白竹村", "白竹村"]
        assert Settings(server, township.b).village()["name"] == "高良村"
        # The township's own pages name the township, not its first village.
        from carecenter.documents.recovery_sheet import sheet_for

        assert Settings(server).place() == "全乡镇"
        assert sheet_for(server, TODAY).register == "全乡镇留守关爱登记册"
        # A helper's monthly visit sheet carries the helper's own village's name.
        from carecenter.documents.visit_sheet_pdf import visit_sheet
        from carecenter.storage.models import helper

        with server.session() as session:
            b_helper = session.execute(select(helper.c.id).where(
                helper.c.village_id == township.b).limit(1)).scalar_one()
        pdf = visit_sheet(server, b_helper, TODAY)
        assert pdf is not None and "高良村" in pdf_text(pdf) and "白竹村" not in pdf_text(pdf)
    finally:
        server.close()


def pdf_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return "".join(page.get_textpage().get_text_range() for page in document)


def test_the_township_view_refuses_a_new_person_in_chinese_and_writes_nothing(
        township: Township) -> None:
    """Every person belongs to a village (issue 22): the view of all villages has none to
    put a new one in, and says so in Chinese instead of the server's NOT NULL text.
    (Last in the file: it adds a person to 高良村 on the shared server.)"""
    from carecenter.register.person_files import PersonDraft

    server = signed_in(Database(township.url, scope="*"))
    try:
        with server.session() as session:
            before = session.execute(select(func.count()).select_from(person)).scalar_one()
        with pytest.raises(KnownError) as refused:
            Register(server).save(PersonDraft(
                {"name": "赵新芳", "sex": "female", "birth_date": date(1950, 3, 12)}),
                allow_incomplete=True)
        assert "全乡镇视图下不能新建" in refused.value.message
        assert "CARECENTER_VILLAGE" in refused.value.message
        assert "null value" not in refused.value.message
        with server.session() as session:
            assert session.execute(select(func.count()).select_from(person)).scalar_one() \
                == before
    finally:
        server.close()
    village_b = signed_in(Database(township.url, scope=township.b))  # as the message says
    try:
        added = Register(village_b).save(PersonDraft(
            {"name": "赵新芳", "sex": "female", "birth_date": date(1950, 3, 12)}),
            allow_incomplete=True)
        with village_b.session() as session:
            assert session.execute(select(person.c.village_id).where(
                person.c.id == added.person_id)).scalar_one() == township.b
    finally:
        village_b.close()
