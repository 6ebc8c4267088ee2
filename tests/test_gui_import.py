"""The import wizard, driven as the clerk drives it: file, mapping, preview, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QWizard
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from carecenter.ledger.importer import LedgerImport
from carecenter.storage.database import Database
from carecenter.storage.models import person
from tests.ledger_books import messy_ledger
from ui.ledger.import_wizard import ImportWizard, PreviewModel


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes would wait forever offscreen: record them; questions answer Yes."""
    shown: list[str] = []

    def question(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


def count(database: Database) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count()).select_from(person)).scalar_one())


def test_wizard_imports_after_confirmation(qtbot: QtBot, database: Database, tmp_path: Path,
                                           answers: list[str]) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    assert wizard.file_page.sheets.currentText() == "花名册"
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    box = wizard.mapping_page.findChild(QComboBox, "map_3")
    assert box is not None and box.currentText() == "身份证号"
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert "新增 5 人" in wizard.preview_page.summary.text()
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "导入"
    assert count(database) == 0  # nothing written before the clerk confirms
    model = wizard.preview_page.model
    assert model is not None
    assert model.data(model.index(0, 1)) == "新增"
    tip = model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert "三组" in tip
    wizard.next()
    assert "将新增 5 人" in answers[-1]
    assert wizard.currentPage() is wizard.result_page
    assert count(database) == 5
    assert "新增 5 人" in wizard.result_page.text.text()


def test_wizard_refuses_a_file_that_is_not_a_workbook(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello")
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(bad))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert any("不是 Excel 工作簿" in a for a in answers)


def test_mapping_changed_in_the_wizard_is_saved(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    box = wizard.mapping_page.findChild(QComboBox, "map_13")  # 备注
    assert box is not None
    box.setCurrentIndex(box.findText("(不导入)"))
    wizard.next()
    _, layout = LedgerImport(database).open(path)
    assert layout.reused
    assert next(c for c in layout.columns if c.index == 13).target == ""


def test_preview_model_passes_qt_model_tests(qtmodeltester: ModelTester, database: Database,
                                             tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    importer = LedgerImport(database)
    data, layout = importer.open(path)
    model = PreviewModel(importer.preview(path, data, layout))
    qtmodeltester.check(model)
    model.set_filter("ignored")
    assert model.rowCount() == 3


def test_wizard_finds_the_sheet_with_the_table_behind_a_notes_sheet(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    import openpyxl

    book = openpyxl.load_workbook(messy_ledger(tmp_path / "台账.xlsx"))
    book.create_sheet("填表说明", 0).append(["填表说明:请如实填写"])
    book.save(tmp_path / "两张表.xlsx")
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(tmp_path / "两张表.xlsx"))
    wizard.file_page.load_sheets()
    assert wizard.file_page.sheets.currentText().startswith("(自动")
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert "工作表“花名册”" in wizard.mapping_page.subTitle()


def test_wizard_reads_every_group_sheet_and_asks_before_any_exit(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    """Issue 16: the sheets named with why, the columns left out listed, and an exit the
    ledger proposes (已故) written only after the clerk ticks the box."""
    from PySide6.QtWidgets import QCheckBox, QLabel

    from tests.test_ledger_workbooks import HU, INSTRUCTIONS, QIN, SUMMARY, book

    header = ["序号", "姓名", "身份证号", "户主姓名", "备注"]
    path = book(tmp_path / "村台账.xlsx", [
        ("填写说明", INSTRUCTIONS), ("汇总", SUMMARY),
        ("一组", [header, [1, "胡翠娥", HU, "马建国", None]]),
        ("二组", [header, [1, "秦玉莲", QIN, "秦勇", "2026年9月8日病故"]]),
    ])
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.resize(1000, 640)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    note = wizard.mapping_page.note.text()
    assert "工作表“汇总”:汇总表,不读取" in note and "工作表“二组”:人员台账,读取" in note
    wizard.next()
    page = wizard.preview_page
    assert "新增 2 人" in page.summary.text()
    skipped = page.findChild(QLabel, "preview_not_imported")
    assert skipped is not None and "户主姓名" in skipped.text()
    model = page.model
    assert model is not None
    assert model.data(model.index(1, 0)) == "二组 2"
    assert "建议办理退出" in model.data(model.index(1, 2))
    wizard.grab().save(str(tmp_path / "wizard_preview.png"))
    box = page.findChild(QCheckBox, "confirm_exits")
    assert box is not None and box.isVisible() and not box.isChecked()
    wizard.next()
    assert wizard.currentPage() is page and count(database) == 0
    assert "勾选“按台账办理退出”" in answers[-1]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    wizard.next()
    assert "其中 1 人按台账办理退出" in answers[-1]
    assert wizard.currentPage() is wizard.result_page
    with database.session() as session:
        status = dict(session.execute(select(person.c.name, person.c.status)).all())
    assert status == {"胡翠娥": "active", "秦玉莲": "exited"}


def test_a_childrens_ledger_is_known_by_its_header_and_imports_with_parents(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    from carecenter.register.people import Register
    from tests.test_kind_import_export import FLAT, write

    path = write(tmp_path / "留守儿童花名册.xlsx", FLAT)
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    page = wizard.kind_page
    assert wizard.currentPage() is page  # not the elders' mapping page
    assert "农村留守儿童" in page.subTitle()
    meaning = {page.columns.item(r, 1).text(): page.columns.item(r, 2).text()
               for r in range(page.columns.rowCount())}
    assert "学校" in meaning["就读学校"]  # the child's own field
    assert meaning["父亲务工地点"] == "父亲 · 当前务工地点"
    assert meaning["母亲电话"] == "母亲 · 联系电话"
    assert meaning["与儿童关系"] == "委托监护人 · 与儿童关系"
    rows = {page.rows.item(r, 1).text(): page.rows.item(r, 2).text()
            for r in range(page.rows.rowCount())}
    assert rows == {"李小明": "新增", "张丽": "新增", "王五": "拒绝"}
    assert "新增 2 人,更新 0 人,无变化 0 人,拒绝 1 行" in page.summary.text()
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "导入"
    assert count(database) == 0  # nothing written before the clerk confirms
    wizard.next()
    assert "将新增留守儿童 2 人" in answers[-1]
    assert wizard.currentPage() is wizard.result_page
    assert "已新增留守儿童 2 人" in wizard.result_page.text.text()
    assert count(database) == 2
    register = Register(database)
    assert wizard.kind_result is not None
    [child] = [register.load(i) for i in wizard.kind_result.ids
               if register.load(i).name == "李小明"]
    assert child.kinds == ("child",)
    assert {s["relation"] for s in child.supporters} == {"father", "mother", "grandfather"}


def test_an_elders_ledger_still_goes_through_the_mapping(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(messy_ledger(tmp_path / "台账.xlsx")))
    wizard.file_page.load_sheets()
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.kind_preview is None


def test_a_childrens_ledger_imported_again_says_what_each_row_changes(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    from carecenter.ledger import kind_import
    from carecenter.register.people import Register
    from tests.test_kind_import_export import write
    from tests.test_kind_reimport import HEADER, XIAOHUA, XIAOMING

    first = write(tmp_path / "一季度.xlsx", [HEADER, XIAOMING, XIAOHUA])
    kind_import.apply(database, kind_import.preview(database, first, "child"))
    moved = list(XIAOMING)
    moved[11] = "13988887777"  # the mother's new phone
    path = write(tmp_path / "二季度.xlsx", [HEADER, moved, XIAOHUA])
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.file_page.load_sheets()
    wizard.next()
    page = wizard.kind_page
    assert wizard.currentPage() is page
    rows = {page.rows.item(r, 1).text(): (page.rows.item(r, 2).text(),
                                          page.rows.item(r, 3).text())
            for r in range(page.rows.rowCount())}
    assert rows["李小明"][0] == "更新" and "母亲王小红的联系电话" in rows["李小明"][1]
    assert rows["周小华"][0] == "无变化" and "无需改动" in rows["周小华"][1]
    assert "更新 1 人,无变化 1 人" in page.summary.text()
    wizard.resize(1000, 640)
    wizard.grab().save(str(tmp_path / "kind-page.png"))
    wizard.next()
    assert "将新增留守儿童 0 人,更新 1 人(1 人无变化)" in answers[-1]
    assert "更新 1 人" in wizard.result_page.text.text()
    assert count(database) == 2
    [pid] = [i for i in (Register(database).find_by_id_number(XIAOMING[3]),) if i]
    mother = next(s for s in Register(database).load(pid).supporters
                  if s.get("relation") == "mother")
    assert mother["phone"] == "13988887777"


def test_a_tekun_list_goes_to_the_kind_page_with_its_own_columns(
        qtbot: QtBot, database: Database, tmp_path: Path, answers: list[str]) -> None:
    from tests.test_kind_import_export import write
    from tests.test_tekun_import import TEKUN_LIST

    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(write(tmp_path / "特困供养人员.xlsx", TEKUN_LIST)))
    wizard.file_page.load_sheets()
    wizard.next()
    page = wizard.kind_page
    assert wizard.currentPage() is page  # not the elders' mapping, which drops them
    assert "特困群众" in page.subTitle()
    meaning = {page.columns.item(r, 1).text(): page.columns.item(r, 2).text()
               for r in range(page.columns.rowCount())}
    assert meaning["供养方式"] == "供养方式" and meaning["特困供养证号"] == "特困供养证号"
    assert meaning["认定时间"] == "认定时间"
    wizard.resize(1000, 640)
    wizard.grab().save(str(tmp_path / "tekun-page.png"))
    wizard.next()
    assert "将新增特困群众 2 人" in answers[-1]
    assert count(database) == 2
