"""``python -m carecenter print ...``: files made, Chinese refusals and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecenter.cli.entry import main
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, make_id, signed_in
from tests.pdfcheck import text_of, unembedded_fonts
from tests.test_documents import add_helper


@pytest.fixture
def filled(register: Register, database: Database, db_path: Path) -> Path:
    person_id = register.save(elder()).person_id
    add_helper(database, person_id)
    register.save(elder(name="李秀英", id_number="", sex="女", birth_date="1948-02-03"))
    database.close()
    return db_path


@pytest.mark.parametrize("kind", ["form", "card", "agreement"])
def test_print_one_document_by_id_number(filled: Path, tmp_path: Path, kind: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"{kind}.pdf"
    number = make_id("19500312", "002")
    assert main(["print", kind, "--person", number, "--db", str(filled),
                 "--out", str(out)]) == 0
    pdf = out.read_bytes()
    text = text_of(pdf).replace("\n", "")
    assert "张桂兰" in text and number in text and "刘建国" in text
    assert unembedded_fonts(pdf) == []
    assert "已生成" in capsys.readouterr().out


def test_print_form_by_register_number_for_a_person_without_id(filled: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    assert main(["print", "form", "--person", "2", "--db", str(filled), "--out", str(out)]) == 0
    assert "李秀英" in text_of(out.read_bytes())


def test_drawing_up_an_agreement_from_the_command_line_records_it(filled: Path,
                                                                  tmp_path: Path) -> None:
    from carecenter.documents.agreement_book import Agreements

    out = tmp_path / "agreement.pdf"
    assert main(["print", "agreement", "--person", "1", "--db", str(filled), "--out", str(out),
                 "--trustee", "李四", "--relation", "侄子", "--trustee-phone",
                 "13911112222"]) == 0
    assert "李四" in text_of(out.read_bytes())
    database = signed_in(Database(filled))
    try:
        current = Agreements(database).current(1)
        assert current is not None and current.printed_on is not None
    finally:
        database.close()


def test_cards_for_nobody_is_a_chinese_message_and_exit_1(
        filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cards.pdf"
    assert main(["print", "cards", "--db", str(filled), "--out", str(out),
                 "--colour", "red"]) == 1
    assert "没有符合条件的人" in capsys.readouterr().err
    assert not out.exists()
    assert main(["print", "cards", "--db", str(filled), "--out", str(out)]) == 0
    assert "李秀英" in text_of(out.read_bytes())


def test_unknown_person_and_missing_database_exit_1(
        filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.pdf")
    assert main(["print", "card", "--person", "999", "--db", str(filled), "--out", out]) == 1
    assert "档案号 999 不在登记册上" in capsys.readouterr().err
    assert main(["print", "card", "--person", "1", "--db", str(tmp_path / "no.db"),
                 "--out", out]) == 1
    assert "不存在" in capsys.readouterr().err


def test_visit_sheet_for_a_helper_and_month(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["print", "sheet", "--helper", "刘建国", "--month", "2026-11",
                 "--db", str(filled), "--out", str(out)]) == 0
    assert "张桂兰" in text_of(out.read_bytes())
    with pytest.raises(SystemExit) as exited:
        main(["print", "sheet", "--helper", "刘建国", "--month", "2026-13",
              "--db", str(filled), "--out", str(out)])
    assert exited.value.code == 2
