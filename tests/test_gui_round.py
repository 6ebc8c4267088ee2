"""Declaring a special round through its dialog, and its progress list."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, ime_type
from ui.care.round_dialog import RoundDialog, RoundsModel


@pytest.fixture
def care(database: Database) -> CareBook:
    return CareBook(database, today=lambda: TODAY)


@pytest.fixture
def people(database: Database, care: CareBook) -> list[int]:
    register = Register(database, today=lambda: TODAY)
    one = register.groups.add("一组")
    two = register.groups.add("二组")
    ids = [
        register.save(elder("张桂兰", birth="19500312", sequence="002", group_id=one)).person_id,
        register.save(elder("李秀英", birth="19440505", sequence="004", group_id=one)).person_id,
        register.save(elder("王德明", birth="19380101", sequence="013", group_id=two)).person_id,
    ]
    care.assess(ids[0], AssessmentInput(date(2026, 11, 1), "王网格员", ["incapacitated"]))
    return ids


def test_count_follows_group_colour_and_the_register_filter(
        qtbot: QtBot, care: CareBook, people: list[int]) -> None:
    dialog = RoundDialog(care, filtered_ids=people[1:])
    qtbot.addWidget(dialog)
    assert dialog.count.text() == "共 3 人"
    dialog.group.setCurrentIndex(dialog.group.findText("一组"))
    assert dialog.count.text() == "共 2 人"
    dialog.colours["yellow"].setChecked(False)
    dialog.colours[""].setChecked(False)  # 未评估
    assert dialog.count.text() == "共 1 人"  # the red one of 一组
    dialog.by_filter.setChecked(True)
    assert dialog.count.text() == "共 2 人"
    assert "2 人" in dialog.by_filter.text()


def test_declaring_a_round_shows_it_with_its_progress(
        qtbot: QtBot, care: CareBook, people: list[int]) -> None:
    dialog = RoundDialog(care)
    qtbot.addWidget(dialog)
    assert not dialog.by_filter.isEnabled()  # opened without a register filter
    dialog.declare()
    assert "请填写专项走访名称" in dialog.form.message("name")
    assert dialog.model.rowCount() == 0
    ime_type(dialog.name.lineEdit(), "寒潮走访")
    dialog.starts_on.setDate(QDate(2026, 11, 20))
    dialog.ends_on.setDate(QDate(2026, 11, 30))
    dialog.group.setCurrentIndex(dialog.group.findText("一组"))
    dialog.declare()
    assert dialog.form.message("name") == ""
    [declared] = care.rounds()
    assert (declared.name, declared.members, declared.visited) == ("寒潮走访", 2, 0)
    care.record_visit(VisitInput(people[0], date(2026, 11, 21), "home", "王网格员"))
    dialog.reload()
    row = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert row == ["寒潮走访", "2026-11-20", "2026-11-30", "2", "1", "1", "50%", "进行中"]


def test_a_round_ending_before_it_starts_is_refused_beside_the_dates(
        qtbot: QtBot, care: CareBook, people: list[int]) -> None:
    dialog = RoundDialog(care)
    qtbot.addWidget(dialog)
    dialog.name.setCurrentIndex(dialog.name.findText("春节前走访"))
    dialog.ends_on.setDate(QDate(2026, 11, 1))
    dialog.declare()
    assert "结束日期不能早于开始日期" in dialog.form.message("ends_on")
    assert care.rounds() == []


def test_rounds_model_passes_qt_model_tests(qtmodeltester: ModelTester, care: CareBook,
                                            people: list[int]) -> None:
    care.declare_round("汛期走访", date(2026, 6, 1), date(2026, 6, 30), people)
    model = RoundsModel()
    model.set_rounds(care.rounds(), TODAY)
    qtmodeltester.check(model)
    assert model.index(0, 7).data() == "已过期,有人未访"
