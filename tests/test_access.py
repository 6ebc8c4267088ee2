"""Operators and roles, checked in the core; the audit trail of person edits (issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carecenter.access import audit, operators
from carecenter.access.operators import OperatorBook, WrongPassword
from carecenter.errors import NotAllowed, ValidationFailed
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, TODAY, as_role, elder, make_id, opened, signed_in


def test_a_new_register_makes_its_administrator_and_a_recovery_code(db_path: Path) -> None:
    database = Database(db_path)
    assert not operators.has_operators(database)
    code = operators.create_first(database, "李会计", "secret-1")
    assert len(code) == 24 and code.count("-") == 4
    assert database.operator is not None and database.operator.role == "admin"
    operators.sign_out(database)
    with pytest.raises(WrongPassword, match="姓名或密码不对"):
        operators.sign_in(database, "李会计", "secret-2")
    with pytest.raises(WrongPassword, match="姓名或密码不对"):
        operators.sign_in(database, "王五", "secret-1")
    assert operators.sign_in(database, "李会计", "secret-1").name == "李会计"
    database.close()


def test_the_recovery_code_sets_a_forgotten_password_once(db_path: Path) -> None:
    database = Database(db_path)
    code = operators.create_first(database, "李会计", "secret-1")
    operators.sign_out(database)
    with pytest.raises(WrongPassword, match="恢复码不对"):
        operators.recover(database, "AAAA-BBBB-CCCC-DDDD-EEEE", "李会计", "new-secret")
    fresh = operators.recover(database, code.lower().replace("-", " "), "李会计", "new-secret")
    assert fresh != code
    operators.sign_out(database)
    assert operators.sign_in(database, "李会计", "new-secret").role == "admin"
    with pytest.raises(WrongPassword):  # spent: a new one was shown
        operators.recover(database, code, "李会计", "other-secret")
    database.close()


def test_nobody_signed_in_writes_nothing(db_path: Path) -> None:
    database = signed_in(Database(db_path))
    database.operator = None
    with pytest.raises(NotAllowed, match="登录"):
        Register(database, today=lambda: TODAY).save(elder())
    assert Register(database).count() == 0
    database.close()


def test_a_viewer_cannot_change_the_register_in_the_core(database: Database) -> None:
    register = Register(database, today=lambda: TODAY)
    person_id = register.save(elder()).person_id
    as_role(database, "viewer")
    draft = register.load(person_id).draft()
    draft.values["phone"] = "13911112222"
    with pytest.raises(NotAllowed, match="查看丙.查看.无权修改登记册"):
        register.save(draft, person_id)
    with pytest.raises(NotAllowed):
        register.exit(person_id, TODAY, "moved")
    assert register.load(person_id).values["phone"] == "13800001111"


def test_only_an_administrator_manages_operators(database: Database) -> None:
    book = OperatorBook(database)
    clerk = book.add("经办人甲", "secret-1", "clerk")
    as_role(database, "clerk")
    with pytest.raises(NotAllowed, match="管理员"):
        book.add("乙", "secret-1", "admin")
    with pytest.raises(NotAllowed):
        book.set_role(clerk, "admin")
    signed_in(database)
    with pytest.raises(ValidationFailed, match="至少 6"):
        book.add("丙", "12345", "viewer")
    with pytest.raises(Exception, match="至少要有一位在用的管理员"):
        book.set_role(database.operator.id, "clerk")  # type: ignore[union-attr]


def test_a_person_edit_is_logged_with_old_and_new_values_and_the_operator(
        database: Database) -> None:
    register = Register(database, today=lambda: TODAY)
    person_id = register.save(elder()).person_id
    as_role(database, "clerk")
    draft = register.load(person_id).draft()
    new_id = make_id("19500312", "004")
    draft.values.update(id_number=new_id, phone="13911112222")
    draft.supporters[0]["phone"] = "13700003333"
    register.save(draft, person_id)
    entries = audit.entries(database, audit.Filter(person_id=person_id))
    latest, created = entries[0], entries[-1]
    assert latest.operator == "经办人甲" and latest.action_label == "修改"
    changes = {label: (old, new) for label, old, new in latest.changes}
    assert changes["身份证号"] == (make_id("19500312", "002"), new_id)
    assert changes["联系电话"] == ("13800001111", "13911112222") or \
        ("13800001111", "13911112222") in changes.values()
    assert changes["赡养人 张强·电话"] == ("13900001111", "13700003333")
    assert created.operator == SUITE_OPERATOR and created.action == "created"
    assert "身份证号" in created.change_text()


def test_the_audit_log_cannot_be_edited_even_with_sql(database: Database) -> None:
    Register(database, today=lambda: TODAY).save(elder())
    import sqlite3

    with sqlite3.connect(database.location) as raw:
        with pytest.raises(sqlite3.IntegrityError, match="审计日志不能修改"):
            raw.execute("UPDATE audit_log SET operator_name = 'x'")
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("DELETE FROM audit_log")


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "carecenter", *args], capture_output=True,
                          text=True, encoding="utf-8", check=False,
                          env={**os.environ, **env})


def test_the_command_line_signs_in_and_refuses_a_wrong_password(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    made = _cli("demo", "--persons", "3", "--db", str(db))
    assert made.returncode == 0, made.stderr
    wrong = _cli("settings", "--db", str(db), "--set", "village.name=白竹村",
                 CARECENTER_PASSWORD="nope-nope")
    assert wrong.returncode == 1 and "姓名或密码不对" in wrong.stderr
    added = _cli("operators", "--db", str(db), "--add", "小王", "--role", "查看",
                 CARECENTER_NEW_PASSWORD="viewer-1")
    assert added.returncode == 0, added.stderr
    refused = _cli("settings", "--db", str(db), "--set", "village.name=白竹村",
                   "--operator", "小王", CARECENTER_PASSWORD="viewer-1")
    assert refused.returncode == 1 and "无权" in refused.stderr
    log = _cli("audit", "--db", str(db))
    assert log.returncode == 0 and "添加操作员 小王" in log.stdout


def test_demo_prints_its_administrators_password_when_none_is_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CARECENTER_PASSWORD"}
    made = subprocess.run([sys.executable, "-m", "carecenter", "demo", "--persons", "2",
                           "--db", str(tmp_path / "d.db")], capture_output=True, text=True,
                          encoding="utf-8", check=False, env=env)
    assert made.returncode == 0, made.stderr
    assert "演示库管理员:演示管理员,密码:" in made.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_register_and_its_backups_are_the_users_own(database: Database,
                                                        tmp_path: Path) -> None:
    Register(database, today=lambda: TODAY).save(elder())
    assert Path(database.location).stat().st_mode & 0o777 == 0o600
    backup = database.back_up("manual", tmp_path / "备份")
    assert backup is not None and backup.stat().st_mode & 0o777 == 0o600


def test_backup_and_restore_on_the_command_line_check_the_role(
        database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from carecenter.cli.entry import main

    Register(database, today=lambda: TODAY).save(elder())
    as_role(database, "viewer")
    as_role(database, "clerk")
    location = database.location
    database.close()
    folder = tmp_path / "U盘"
    assert main(["backup", "--db", location, "--to", str(folder), "--operator", "查看丙"]) == 1
    assert "无权备份登记册" in capsys.readouterr().err and not folder.exists()
    assert main(["backup", "--db", location, "--to", str(folder), "--operator", "经办人甲"]) == 0
    backup = next(folder.glob("*.db"))
    assert main(["restore", str(backup), "--db", location, "--operator", "经办人甲"]) == 1
    assert "需要“管理员”权限" in capsys.readouterr().err
    assert main(["restore", str(backup), "--db", location]) == 0
    reopened = opened(location)  # encrypted by the first command's sign-in (issue 18)
    kinds = [(e.action, e.operator) for e in audit.entries(reopened, audit.Filter(limit=3))]
    reopened.close()
    assert kinds[0] == ("restore", SUITE_OPERATOR)


def test_the_audit_log_exports_for_the_administrator_only(database: Database,
                                                          tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from carecenter.access.audit_export import export_log

    register = Register(database, today=lambda: TODAY)
    person_id = register.save(elder()).person_id
    draft = register.load(person_id).draft()
    draft.values["phone"] = "13911112222"
    register.save(draft, person_id)
    out = tmp_path / "审计.xlsx"
    assert export_log(database, audit.Filter(person_id=person_id), out) == 2
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert ("13800001111", "13911112222") in [(r[7], r[8]) for r in rows]
    assert audit.entries(database, audit.Filter(limit=1))[0].action == "export"
    as_role(database, "clerk")
    with pytest.raises(NotAllowed, match="管理员"):
        export_log(database, audit.Filter(), tmp_path / "x.xlsx")


def test_a_viewer_importing_a_ledger_is_refused_the_import_and_nothing_is_backed_up(
        database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from carecenter.cli.entry import main
    from tests.ledger_books import messy_ledger

    as_role(database, "viewer")
    location = database.location
    database.close()
    ledger = messy_ledger(tmp_path / "台账.xlsx")
    assert main(["import", str(ledger), "--db", location, "--operator", "查看丙"]) == 1
    said = capsys.readouterr().err
    # What they asked for is named, not the backup the import would have made first.
    assert "无权导入台账" in said and "备份" not in said
    assert not list(Path(location).parent.glob("*-备份/*.db"))
