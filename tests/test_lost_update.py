"""No lost update: a write prepared from what the clerk saw (an import preview, the
editor) refuses the rows changed since, naming them, and writes the rest or nothing
as the clerk chooses (issue 15, finding 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecenter.errors import KnownError
from carecenter.ledger.import_preview import ChangedSincePreview
from carecenter.ledger.importer import LedgerImport
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder
from tests.ledger_books import LI, ZHANG, save


def test_an_import_does_not_revert_edits_made_while_its_preview_was_shown(
        database: Database, register: Register, tmp_path: Path) -> None:
    zhang = register.save(elder("张桂兰", "19500312", "002")).person_id
    li = register.save(elder("李秀英", "19480101", "011")).person_id
    path = save([["姓名", "身份证号", "联系电话"], ["张桂兰", ZHANG, "13700000001"],
                 ["李秀英", LI, "13700000002"]], tmp_path / "ledger.xlsx")
    importer = LedgerImport(database, today=lambda: TODAY)
    data, layout = importer.open(path)
    preview = importer.preview(path, data, layout)
    # Meanwhile, in the editor: a note and a supporter on 张桂兰's file.
    draft = register.load(zhang).draft()
    draft.values["note"] = "女儿下月回来"
    draft.supporters.append({"name": "张丽", "relation": "女儿", "location_scope": "省外",
                             "away_since": "2024-02-01"})
    register.save(draft, zhang)
    with pytest.raises(ChangedSincePreview) as refused:
        importer.apply(preview)
    assert "张桂兰" in refused.value.message and "李秀英" not in refused.value.message
    assert register.load(li).values["phone"] == "13800001111"  # nothing written
    result = importer.apply(preview, skip_changed=True)
    assert result.updated == 1
    assert len(result.changed_meanwhile) == 1 and "张桂兰" in result.changed_meanwhile[0]
    kept = register.load(zhang)
    assert kept.values["note"] == "女儿下月回来" and len(kept.supporters) == 2
    assert kept.values["phone"] == "13800001111"
    assert register.load(li).values["phone"] == "13700000002"


def test_the_editor_refuses_a_save_over_a_file_changed_since_it_was_opened(
        register: Register) -> None:
    person_id = register.save(elder()).person_id
    first = register.load(person_id).draft()
    second = register.load(person_id).draft()
    second.values["note"] = "另一处的修改"
    register.save(second, person_id)
    first.values["phone"] = "13912345678"
    with pytest.raises(KnownError, match="已被修改"):
        register.save(first, person_id)
    assert register.load(person_id).values["note"] == "另一处的修改"


def test_a_pairing_proposal_does_not_replace_a_pairing_made_since(
        database: Database, register: Register) -> None:
    from carecenter.pairing.helper_book import HelperBook, HelperDraft
    from carecenter.pairing.pairs import PairingBook
    from carecenter.pairing.proposal import accept, propose

    group = register.groups.add("一组")
    ids = [register.save(elder(name, "19500312", f"{n * 2 + 2:03d}", group_id=group)).person_id
           for n, name in enumerate(("张桂兰", "李秀英", "王淑珍"))]
    helpers = HelperBook(database)
    first = helpers.add(HelperDraft("刘红梅", "网格员", group_id=group))
    chosen = helpers.add(HelperDraft("王建军", "党员", group_id=group))
    proposal = propose(database)
    book = PairingBook(database)
    book.assign([(ids[0], chosen)])  # meanwhile, by hand in the person's file
    with pytest.raises(KnownError, match="张桂兰的帮扶人已在别处调整"):
        accept(database, proposal)
    assert book.coverage().unpaired == 2
    saved = accept(database, proposal, skip_changed=True)
    assert saved == 2 and book.coverage().unpaired == 0
    assert first != chosen
    from sqlalchemy import text

    with database.session() as session:
        helper_of_zhang = session.execute(text(
            "SELECT helper_id FROM pairing WHERE person_id = :p AND ended_on IS NULL"
            " AND rank = 1"), {"p": ids[0]}).scalar()
    assert helper_of_zhang == chosen


def test_a_visit_sheet_row_entered_meanwhile_elsewhere_is_refused_not_doubled(
        database: Database, register: Register) -> None:
    from datetime import date

    from carecenter.care.care_book import CareBook, VisitInput
    from carecenter.errors import ValidationFailed

    zhang = register.save(elder("张桂兰")).person_id
    li = register.save(elder("李秀英", "19480101", "011")).person_id
    care = CareBook(database, today=lambda: TODAY)
    sheet = [VisitInput(zhang, date(2026, 11, 20), "home", "刘红梅"),
             VisitInput(li, date(2026, 11, 20), "home", "刘红梅")]
    care.record_visits(sheet[:1])  # the same paper sheet, begun in another window
    with pytest.raises(ValidationFailed) as refused:
        care.record_visits(sheet)
    assert refused.value.errors[0].row == 1 and "已经登记过" in refused.value.message
    assert len(care.visits(zhang)) == 1 and care.visits(li) == []
    care.record_visits(sheet[1:])
    assert len(care.visits(li)) == 1
