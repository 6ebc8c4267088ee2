"""Who may do what on a township's server (issue 22, the reviewer's gaps): each village's
recovery code reaches its own administrators only; an account exempt from row-level
security never shows a village operator another village; the township's own quarterly
export; the township's administrator on a server made by ``migrate-to``.

Needs a server (``CARECENTER_TEST_POSTGRES``; ``dev.py test`` starts one): skipped,
saying so, without one. The migration of the recovery code runs on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from carecenter.access import audit, operators
from carecenter.access.operators import OperatorBook, WrongPassword
from carecenter.cli.entry import main
from carecenter.demo import register_demo
from carecenter.errors import KnownError
from carecenter.settings.settings_store import Settings
from carecenter.storage import transfer
from carecenter.storage.database import Database
from carecenter.storage.models import access_secret, person
from carecenter.storage.postgres import as_township
from tests import pg_server
from tests.conftest import SUITE_OPERATOR, SUITE_PASSWORD, signed_in

TODAY = date(2026, 11, 23)
# The suite's recovery code (conftest.signed_in makes every first administrator with it).
SUITE_CODE = "SUIT-EREC-OVER-YCOD-E234"


def village_file(path: Path, name: str, persons: int, seed: int) -> Path:
    database = signed_in(Database(path))
    register_demo.generate(database, persons, seed=seed, today=TODAY)
    Settings(database).set("village", {"name": name, "township": "白竹镇", "county": "祁东县"})
    database.close()
    return path


@dataclass
class Town:
    url: str
    a: int  # 白竹村's id on the server
    b: int  # 高良村's
    a_admin: str  # each village's administrator, as named on the server
    b_admin: str
    files: list[Path]


@pytest.fixture(scope="module")
def town(postgres: pg_server.Server, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Town]:
    folder = tmp_path_factory.mktemp("town")
    files = [village_file(folder / "baizhu.db", "白竹村", 12, seed=41),
             village_file(folder / "gaoliang.db", "高良村", 10, seed=42)]
    url = postgres.fresh(migrated=False)
    server = signed_in(Database(url, scope="*"))  # the township's administrator first
    ids, admins = [], []
    for file in files:
        source = Database(file)
        moved = transfer.move_in(source, server)
        source.close()
        ids.append(moved.village.id)
        admins.append(dict(moved.renamed).get(SUITE_OPERATOR, SUITE_OPERATOR))
    server.close()
    yield Town(url, ids[0], ids[1], admins[0], admins[1], files)
    postgres.drop(url)


def as_operator(url: str, name: str, password: str = SUITE_PASSWORD, **options: object
                ) -> Database:
    database = Database(url, **options)  # type: ignore[arg-type]
    try:
        operators.sign_in(database, name, password)
    except BaseException:
        database.close()
        raise
    return database


def recover(url: str, code: str, name: str, password: str) -> str:
    """``operators.recover`` as the sign-in page does it, on a server opened as it is."""
    database = Database(url)
    try:
        return operators.recover(database, code, name, password)
    finally:
        database.close()


def codes_seen(url: str, scope: int | str) -> list[int | None]:
    """Whose recovery codes a connection opened for ``scope`` can read."""
    database = Database(url, scope=scope)
    try:
        with database.engine.connect() as connection:
            return sorted(connection.execute(select(access_secret.c.village_id)).scalars(),
                          key=str)
    finally:
        database.close()


def add_admin(town: Town, village: int, name: str) -> None:
    """A second administrator of ``village``, added by the township's administrator."""
    township = signed_in(Database(town.url, scope=village))
    try:
        OperatorBook(township).add(name, SUITE_PASSWORD, "admin")
    finally:
        township.close()


# -- 1. a recovery code per village ---------------------------------------------------------

def test_a_villages_recovery_code_cannot_take_over_another_villages_administrator(
        town: Town) -> None:
    add_admin(town, town.b, "高良村管理员乙")
    a = as_operator(town.url, town.a_admin)
    code_a = OperatorBook(a).new_recovery_code()
    a.close()
    for scope in ("*", town.a, town.b):  # whatever was opened
        database = Database(town.url, scope=scope)
        try:
            with pytest.raises(WrongPassword, match="恢复码不对"):
                operators.recover(database, code_a, "高良村管理员乙", "taken-over-2026")
            with pytest.raises(WrongPassword, match="恢复码不对"):
                operators.recover(database, code_a, town.b_admin, "taken-over-2026")
            assert database.operator is None
        finally:
            database.close()
    # B's administrators still sign in with their own passwords, not the thief's.
    for name in ("高良村管理员乙", town.b_admin):
        as_operator(town.url, name).close()
        with pytest.raises(WrongPassword):
            as_operator(town.url, name, "taken-over-2026")
    # Each village's code is its own row, which the other village cannot even read.
    assert codes_seen(town.url, town.b) == [town.b]
    assert codes_seen(town.url, "*") == sorted([town.a, town.b, None], key=str)


def test_a_villages_code_resets_its_own_administrator_and_is_then_spent(
        town: Town) -> None:
    add_admin(town, town.a, "白竹村管理员乙")
    a = as_operator(town.url, town.a_admin)
    code_a = OperatorBook(a).new_recovery_code()
    a.close()
    database = Database(town.url)  # nobody named: the township's two villages
    try:
        fresh = operators.recover(database, code_a, "白竹村管理员乙", "found-again-2026")
        assert database.scope == str(town.a)  # signed in: their village only
    finally:
        database.close()
    as_operator(town.url, "白竹村管理员乙", "found-again-2026").close()
    with pytest.raises(WrongPassword, match="恢复码不对"):  # spent
        recover(town.url, code_a, "白竹村管理员乙", "again-2026-x")
    # The new code is A's, and A's alone.
    with pytest.raises(WrongPassword, match="恢复码不对"):
        recover(town.url, fresh, town.b_admin, "taken-over-2026")
    assert recover(town.url, fresh, "白竹村管理员乙", "third-2026-x")


def test_the_townships_code_resets_a_villages_administrator_and_is_renewed_as_the_townships(
        town: Town) -> None:
    add_admin(town, town.b, "高良村管理员丙")
    township = signed_in(Database(town.url, scope="*"))
    code_t = OperatorBook(township).new_recovery_code()
    township.close()
    b = as_operator(town.url, town.b_admin)
    code_b = OperatorBook(b).new_recovery_code()
    b.close()
    database = Database(town.url, scope="*")
    try:
        fresh = operators.recover(database, code_t, "高良村管理员丙", "by-the-town-2026")
        assert database.scope == str(town.b)
        logged = [e.summary for e in audit.entries(database)]
        assert any("乡镇的恢复码" in s and "高良村管理员丙" in s for s in logged)
    finally:
        database.close()
    # The township's code was the one spent and renewed; B's own still works.
    with pytest.raises(WrongPassword, match="恢复码不对"):
        recover(town.url, code_t, town.b_admin, "again-2026-x")
    assert recover(town.url, fresh, SUITE_OPERATOR, SUITE_PASSWORD)  # the township's own
    assert recover(town.url, code_b, "高良村管理员丙", "by-b-again-2026")
    assert codes_seen(town.url, "*").count(None) == 1


@pytest.mark.backends
def test_a_register_from_before_keeps_its_recovery_code(db_path: Path) -> None:
    """Migration 0014: the one code of a register made before it stays that register's
    (a village's file: its village's; a server: the township's)."""
    from alembic import command

    from carecenter.storage.database import alembic_config

    database = signed_in(Database(db_path))
    with database.engine.begin() as connection:
        as_township(connection)
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    database.close()
    again = Database(db_path)  # upgraded again on opening
    try:
        with again.engine.connect() as connection:
            as_township(connection)
            owners = list(connection.execute(select(access_secret.c.village_id)).scalars())
        assert owners == ([None] if again.on_server else [1])
        fresh = operators.recover(again, SUITE_CODE, SUITE_OPERATOR, "after-0014-pass")
        assert fresh != SUITE_CODE
        with again.engine.connect() as connection:
            assert connection.execute(select(person.c.id)).first() is None
    finally:
        again.close()


# -- 2. an account exempt from row-level security ---------------------------------------

def exempt(postgres: pg_server.Server, url: str) -> str:
    found = postgres.exempt_url(url)
    if found is None:
        pytest.skip(f"服务器上没有不受行级安全限制的测试账户 {pg_server.EXEMPT_ROLE} "
                    "(python3 dev.py test makes it)")
    return found


def test_an_exempt_account_never_shows_a_village_operator_another_village(
        town: Town, postgres: pg_server.Server, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = exempt(postgres, town.url)
    b_names = names_of(town.url, town.b)
    database = Database(url)  # no village named: the township's two villages
    try:
        assert database.scope == "*"
        with pytest.raises(KnownError, match="行级安全"):
            operators.sign_in(database, town.a_admin, SUITE_PASSWORD)
        assert database.operator is None and database.scope == "*"
        # The township's administrator sees every village anyway: allowed.
        assert operators.sign_in(database, SUITE_OPERATOR, SUITE_PASSWORD).village_id is None
    finally:
        database.close()
    monkeypatch.delenv("CARECENTER_VILLAGE", raising=False)
    monkeypatch.setenv("CARECENTER_OPERATOR", town.a_admin)
    assert main(["worklist", "--db", url, "--date", "2026-11-23"]) == 1
    said = capsys.readouterr()
    assert "行级安全" in said.err and not [n for n in b_names if n in said.out]
    with pytest.raises(KnownError, match="行级安全"):  # a village named at opening
        Database(url, scope=town.a)


def names_of(url: str, village: int) -> set[str]:
    database = Database(url, scope=village)
    try:
        with database.engine.connect() as connection:
            return set(connection.execute(select(person.c.name)).scalars())
    finally:
        database.close()


# -- 3. the township's quarterly export ----------------------------------------------------

def ledger_of(path: Path) -> tuple[list[list[object]], list[list[object]]]:
    """The ledger sheet's rows above the people (title, subtitle, header) and the
    people's rows."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = [list(r) for r in book["台账"].iter_rows(values_only=True)]
    book.close()
    people = [r for r in rows if isinstance(r[0], int)]
    return rows[:rows.index(people[0])] if people else rows, people


def test_the_townships_quarterly_export_lists_every_village_under_the_townships_title(
        town: Town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from carecenter.ledger.quarter import Quarter
    from carecenter.ledger.quarter_export import export_quarter, snapshots
    from carecenter.ledger.township_figures import per_village

    monkeypatch.setenv("CARECENTER_OPERATOR", SUITE_OPERATOR)  # the township's
    monkeypatch.setenv("CARECENTER_VILLAGE", "*")
    out = tmp_path / "town.xlsx"
    assert main(["export", "quarter", "2026Q3", "--db", town.url, "--out", str(out),
                 "--date", "2026-11-23"]) == 0, capsys.readouterr().err
    top, people = ledger_of(out)
    title, header = str(top[0][0]), top[-1]
    assert "祁东县白竹镇" in title and "村" not in title.replace("农村", "")
    assert "白竹镇(2 个村:白竹村、高良村)" in str(top[1][0])
    assert header[:3] == ["序号", "村", "姓名"]
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)  # the other kinds' sheets name theirs too
    kinds = [[list(r) for r in book[name].iter_rows(min_row=3, max_row=4, values_only=True)]
             for name in book.sheetnames if name not in ("台账", "汇总")]
    book.close()
    assert kinds and all(k[0][:2] == ["序号", "村"] and k[1][1] in ("白竹村", "高良村")
                         for k in kinds)
    # Every village's people, each under its own name, village by village, numbered on.
    each = {}
    for name, scope in (("白竹村", town.a), ("高良村", town.b)):
        village = as_operator(town.url, town.a_admin if scope == town.a else town.b_admin)
        try:
            own = tmp_path / f"{name}.xlsx"
            export_quarter(village, Quarter(2026, 3), own, today=TODAY)
            each[name] = [r[1:] for r in ledger_of(own)[1]]
            assert [s.period for s in snapshots(village)] == ["2026Q3"]  # its own only
        finally:
            village.close()
    assert [r[0] for r in people] == list(range(1, len(people) + 1))
    assert [r[1] for r in people] == ["白竹村"] * len(each["白竹村"]) \
        + ["高良村"] * len(each["高良村"])
    assert [r[2:] for r in people] == each["白竹村"] + each["高良村"]
    # Its summary: the villages' figures added up, and a line per village.
    township = signed_in(Database(town.url, scope="*"))
    try:
        kept = snapshots(township)
        assert [s.period for s in kept] == ["2026Q3"]  # the township's own, not theirs
        figures = kept[0].figures
        side = per_village(township, Quarter(2026, 3), TODAY)
        totals = {item: values[-1] for _, item, values in side.lines}
        assert figures["active"] == totals["期末(或截至导出日)在册人数"]
        assert figures["by_village"] == dict(zip(
            ["白竹村", "高良村"], next(v[:2] for _, i, v in side.lines if i.startswith("期末")),
            strict=True))
        assert all(label.startswith(("白竹村 ", "高良村 ")) for label in figures["by_group"])
    finally:
        township.close()
    printed = capsys.readouterr().out
    assert f"{len(people)} 人" in printed


def test_an_export_that_cannot_be_kept_leaves_no_file_and_says_so_in_chinese(
        town: Town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy.exc import IntegrityError

    from carecenter.ledger import quarter_export

    def refused(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError("INSERT INTO export_snapshot", {}, Exception(
            'null value in column "village_id" of relation "export_snapshot"'))

    monkeypatch.setattr(quarter_export.audit, "record", refused)
    monkeypatch.setenv("CARECENTER_OPERATOR", SUITE_OPERATOR)
    monkeypatch.setenv("CARECENTER_VILLAGE", "*")
    out = tmp_path / "town.xlsx"
    assert main(["export", "quarter", "2026Q3", "--db", town.url, "--out", str(out),
                 "--date", "2026-11-23"]) == 1
    said = capsys.readouterr().err
    assert "未能留存,没有写入文件" in said and "null value" not in said
    assert list(tmp_path.iterdir()) == []


# -- 4. the township's administrator on a server made by migrate-to -----------------------

def operators_on(url: str) -> dict[str, int | None]:
    """Every operator on the server, name -> village (None: the township's)."""
    from carecenter.storage.models import operator

    database = Database(url, scope="*")
    try:
        with database.engine.connect() as connection:
            as_township(connection)
            return dict(connection.execute(  # type: ignore[arg-type]
                select(operator.c.name, operator.c.village_id)).all())
    finally:
        database.close()


def test_migrate_to_an_empty_server_makes_the_townships_administrator_who_adds_its_staff(
        postgres: pg_server.Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = [village_file(tmp_path / "baizhu.db", "白竹村", 3, seed=51),
             village_file(tmp_path / "gaoliang.db", "高良村", 3, seed=52)]
    url = postgres.fresh(migrated=False)
    try:
        monkeypatch.setenv("CARECENTER_OPERATOR", SUITE_OPERATOR)
        monkeypatch.delenv("CARECENTER_VILLAGE", raising=False)
        assert main(["migrate-to", url, "--db", str(files[0]), "--db", str(files[1])]) == 0
        said = capsys.readouterr()
        assert "乡镇的管理员" in said.err and "恢复码" in said.err
        # The villages' own administrators came with them, renamed where the name was
        # taken on the server, and the report says so.
        assert "演示管理员(白竹村)" in said.out and "演示管理员(高良村)" in said.out
        found = operators_on(url)
        assert found[SUITE_OPERATOR] is None  # the township's
        village_of = {name: vid for name, vid in found.items() if vid is not None}
        assert set(village_of) == {"演示管理员(白竹村)", "演示管理员(高良村)"}
        # The township's administrator, opening all villages, adds the township's staff.
        monkeypatch.setenv("CARECENTER_VILLAGE", "*")
        monkeypatch.setenv("CARECENTER_NEW_PASSWORD", "town-staff-2026")
        assert main(["operators", "--add", "王干事", "--role", "经办人", "--db", url]) == 0
        assert "乡镇" in capsys.readouterr().out
        assert operators_on(url)["王干事"] is None
        # A village's administrator asking for all villages adds to their own, told so.
        monkeypatch.setenv("CARECENTER_OPERATOR", "演示管理员(白竹村)")
        assert main(["operators", "--add", "李会计", "--role", "经办人", "--db", url]) == 0
        assert "白竹村" in capsys.readouterr().out
        assert operators_on(url)["李会计"] == village_of["演示管理员(白竹村)"]
        # Moving villages in is the township's: a village's administrator is refused.
        third = village_file(tmp_path / "shimen.db", "石门村", 2, seed=53)
        monkeypatch.setenv("CARECENTER_OPERATOR", "演示管理员(白竹村)")
        assert main(["migrate-to", url, "--db", str(third)]) == 1
        assert "乡镇的管理员" in capsys.readouterr().err
        assert "石门村" not in names_of_villages(url)
    finally:
        postgres.drop(url)


def names_of_villages(url: str) -> list[str]:
    from carecenter.storage.villages import listed

    database = Database(url, scope="*")
    try:
        with database.engine.connect() as connection:
            return [v.name for v in listed(connection)]
    finally:
        database.close()


def test_a_village_file_is_opened_with_its_own_operator_when_the_township_is_not_one(
        postgres: pg_server.Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from carecenter.access import register_keys

    file = tmp_path / "shimen.db"
    database = Database(file)
    operators.create_first(database, "石门会计", "village-pass-2026")  # encrypted from here
    Settings(database).set("village", {"name": "石门村"})
    database.close()
    assert register_keys.encrypted(file)
    url = postgres.fresh(migrated=False)
    try:
        monkeypatch.setenv("CARECENTER_OPERATOR", "乡镇管理员")
        assert main(["migrate-to", url, "--db", str(file)]) == 1
        assert "--from-operator" in capsys.readouterr().err
        monkeypatch.setenv("CARECENTER_FROM_PASSWORD", "village-pass-2026")
        assert main(["migrate-to", url, "--db", str(file), "--from-operator", "石门会计"]) == 0
        assert names_of_villages(url) == ["石门村"]
        found = operators_on(url)  # the township's made first, the village's came with it
        assert set(found) == {"乡镇管理员", "石门会计"}
        assert found["乡镇管理员"] is None and found["石门会计"] is not None
    finally:
        postgres.drop(url)
