"""The audit trail after edits of each kind (old → new, under the operator's name), and
the roles on exports, prints, backups and restores (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecenter.access import audit, masking
from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.documents import card_batch
from carecenter.documents.agreement_book import Agreements, Terms
from carecenter.documents.document_data import printable
from carecenter.errors import NotAllowed
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.settings.preferences import Preferences
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, TODAY, as_role, elder, make_id, signed_in


def latest(database: Database, entity: str) -> audit.Entry:
    return audit.entries(database, audit.Filter(entity=entity, limit=1))[0]


def changes(entry: audit.Entry) -> dict[str, tuple[str, str]]:
    return {label: (old, new) for label, old, new in entry.changes}


@pytest.fixture
def person_id(register: Register) -> int:
    return register.save(elder()).person_id


def test_assessments_visits_and_needs_are_logged_with_their_values(
        database: Database, person_id: int) -> None:
    care = CareBook(database, lambda: TODAY)
    as_role(database, "clerk")
    care.assess(person_id, AssessmentInput(TODAY, "李主任", ["advanced_age"]))
    entry = latest(database, "assessment")
    assert entry.operator == "经办人甲" and entry.person_id == person_id
    assert changes(entry)["评估人"] == ("", "李主任")
    visit_id = care.record_visit(VisitInput(person_id, TODAY, "home", "王网格员",
                                            found="身体尚好"))
    entry = latest(database, "visit")
    assert entry.record_id == visit_id and changes(entry)["走访情况"] == ("", "身体尚好")


def test_pairings_helpers_and_agreements_show_old_and_new(
        database: Database, person_id: int) -> None:
    helpers = HelperBook(database, lambda: TODAY)
    first = helpers.add(HelperDraft(name="刘红梅", role="网格员", phone="13900001111"))
    second = helpers.add(HelperDraft(name="陈志强", role="网格员", phone="13900002222"))
    helpers.edit(first, HelperDraft(name="刘红梅", role="网格员", phone="13900003333"))
    assert changes(latest(database, "helper"))["电话"] == ("13900001111", "13900003333")
    pairs = PairingBook(database, lambda: TODAY)
    pairs.pair(person_id, first)
    pairs.pair(person_id, second)
    assert changes(latest(database, "pairing"))["主帮扶人"] == ("刘红梅", "陈志强")
    book = Agreements(database, today=lambda: TODAY)
    agreement_id = book.draw_up(person_id, Terms("李四", "侄子", "13911112222",
                                                 make_id("19800101", "011"),
                                                 starts_on=TODAY, ends_on=None))
    book.mark_signed(agreement_id)
    signed = latest(database, "agreement")
    assert changes(signed)["签订日期"] == ("", TODAY.isoformat())
    assert signed.operator == SUITE_OPERATOR


def test_settings_changes_name_the_setting_and_need_the_administrator(
        database: Database) -> None:
    preferences = Preferences(database)
    preferences.save({"village.name": "白竹村"})
    preferences.save({"village.name": "青山村"})
    entry = latest(database, "setting")
    assert ("白竹村", "青山村") in changes(entry).values()
    as_role(database, "clerk")
    with pytest.raises(NotAllowed, match="管理员"):
        preferences.save({"village.name": "绿水村"})
    assert preferences.read()["village.name"] == "青山村"


def test_lists_mask_ids_and_phones_the_open_file_shows_them(
        database: Database, person_id: int) -> None:
    from carecenter.register.columns import RegisterQuery
    from carecenter.register.listing import Listing

    listing = Listing(database)
    row = listing.rows([person_id])[person_id]
    number = make_id("19500312", "002")
    assert row.id_number == number[:6] + "********" + number[-4:] == "430524********" + \
        number[-4:]
    assert row.phone == "138****1111"
    found = listing.ids(RegisterQuery(text=number[-6:]))  # a search still finds the number
    assert found == [person_id]
    assert Register(database).load(person_id).values["id_number"] == number


def test_a_viewer_cannot_export_for_the_township_and_no_file_is_written(
        database: Database, person_id: int, tmp_path: Path) -> None:
    as_role(database, "viewer")
    out = tmp_path / "q.xlsx"
    with pytest.raises(NotAllowed, match="经办人"):
        export_quarter(database, Quarter.parse("2026Q4"), out, today=TODAY)
    assert not out.exists()
    as_role(database, "clerk")
    export_quarter(database, Quarter.parse("2026Q4"), out, today=TODAY)
    entry = latest(database, "ledger")
    assert entry.action == "export" and entry.count == 1 and "完整身份证号" in entry.summary


def test_a_viewer_prints_with_masked_ids_and_the_print_is_logged(
        database: Database, person_id: int) -> None:
    number = make_id("19500312", "002")
    assert printable(database, person_id).id_number == number
    as_role(database, "viewer")
    data = printable(database, person_id)
    assert data.id_number == masking.id_number(number)
    assert data.supporters[0].phone == "139****1111"
    card_batch.print_cards(database, [person_id])
    entry = latest(database, "document")
    assert entry.action == "print" and entry.operator == "查看丙"
    assert "身份证号已隐去" in entry.summary and entry.person_id == person_id


def test_backup_needs_a_clerk_and_restore_an_administrator(
        database: Database, person_id: int, tmp_path: Path) -> None:
    as_role(database, "viewer")
    with pytest.raises(NotAllowed):
        database.back_up("manual", tmp_path)
    as_role(database, "clerk")
    backup = database.back_up("manual", tmp_path)
    assert backup is not None and backup.exists()
    with pytest.raises(NotAllowed, match="管理员"):
        database.restore_from(backup)
    signed_in(database)
    database.restore_from(backup)
    assert Register(database).count() == 1


def test_the_audit_command_filters_by_operator_person_day_and_kind_and_exports(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``audit --by/--person/--since/--until/--action/--out`` (issue 18: browsable overall
    with filters, exportable) on a log of two operators over two days."""
    from openpyxl import load_workbook

    from carecenter import clock
    from carecenter.cli.entry import main

    database = signed_in(Database(db_path))
    zhang = Register(database).save(elder("张桂兰", "19500312", "002")).person_id
    li = Register(database).save(elder("李秀英", "19480101", "011")).person_id
    with clock.at("2026-11-25"):
        as_role(database, "clerk", "王经办")
        draft = Register(database).load(li).draft()
        draft.values["phone"] = "13911112222"
        Register(database).save(draft, li)
    database.close()

    def log(*args: str) -> list[str]:
        assert main(["audit", "--db", str(db_path), *args]) == 0
        return [line for line in capsys.readouterr().out.splitlines() if line]

    everything = log()
    assert any("王经办" in line for line in everything)
    assert any("演示管理员" in line for line in everything)
    by_clerk = log("--by", "王经办")
    assert by_clerk and all("\t王经办\t" in line for line in by_clerk)
    assert any("13911112222" in line for line in by_clerk)  # old → new in the line
    assert all(f"#{zhang}" not in line for line in log("--person", str(li)))
    assert any(f"#{li}" in line for line in log("--person", str(li)))
    assert log("--since", "2026-11-25") == by_clerk
    assert all(line.startswith("2026-11-23") for line in log("--until", "2026-11-24"))
    assert all("修改" in line for line in log("--action", "修改")) and log("--action", "修改")
    out = tmp_path / "审计.xlsx"
    assert main(["audit", "--db", str(db_path), "--by", "王经办", "--out", str(out)]) == 0
    assert f"已导出 {len(by_clerk)} 条" in capsys.readouterr().out
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert len([r for r in rows if any(c == "王经办" for c in r)]) == len(by_clerk)
    assert main(["audit", "--db", str(db_path), "--since", "25/11/2026"]) == 1
    assert "日期请写成" in capsys.readouterr().err
    assert main(["audit", "--db", str(db_path), "--action", "涂改"]) == 1
    assert "没有“涂改”这种操作" in capsys.readouterr().err
