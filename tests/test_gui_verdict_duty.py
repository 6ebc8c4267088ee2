"""The editor's verdict line as the clerk reads it: the age leads, a 儿媳 at home is
named as not counted (老年人权益保障法 第14条), the elder stays 留守."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from carecenter.register.people import Register
from tests.conftest import elder
from ui.register.person_editor import PersonEditor


def test_the_editor_says_a_daughter_in_law_at_home_is_not_counted(
        qtbot: QtBot, register: Register) -> None:
    son = {"name": "王强", "relation": "儿子", "phone": "13900001111",
           "location_scope": "省外", "away_since": "2020-03-01", "whereabouts": "广东东莞"}
    in_law = {"name": "李芳", "relation": "儿媳", "phone": "13700002222",
              "location_scope": "本县内"}
    pid = register.save(elder("王大爷", supporters=[son, in_law])).person_id
    editor = PersonEditor(register, pid)
    qtbot.addWidget(editor)
    editor.show()
    editor.update_verdict()
    assert editor.verdict_label.text() == (
        "✔ 符合留守认定(76 岁):全部 1 名赡养人均离开县域外出半年以上(最早 2020-03-01 外出);"
        "未计入李芳(儿媳):不是赡养义务人")
    if os.environ.get("CARECENTER_SHOTS"):  # for looking at: CARECENTER_SHOTS=/tmp/shots
        editor.resize(1100, 760)
        editor.grab().save(str(Path(os.environ["CARECENTER_SHOTS"]) / "verdict_duty.png"))
