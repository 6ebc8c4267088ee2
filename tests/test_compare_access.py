"""The comparison's differences workbook holds full ID numbers: a 经办人's to save, and
logged under their name like every export (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecenter.access import audit
from carecenter.errors import NotAllowed
from carecenter.ledger.compare import compare_file, save_differences
from carecenter.register.people import Register
from carecenter.rules.roles import VIEWER
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, as_role, elder, make_id
from tests.ledger_books import save


@pytest.fixture
def township_list(register: Register, tmp_path: Path) -> Path:
    register.save(elder("张桂兰", "19500312", "002"))
    return save([["序号", "姓名", "身份证号"], [1, "张桂兰", make_id("19500312", "002")],
                 [2, "周外人", make_id("19470707", "019")]], tmp_path / "乡镇名单.xlsx")


def test_saving_the_differences_is_logged_under_the_operator(
        database: Database, township_list: Path, tmp_path: Path) -> None:
    target = save_differences(compare_file(database, township_list), tmp_path / "d.xlsx",
                              database)
    assert target.exists()
    logged = [e for e in audit.entries(database) if e.action == "export"]
    assert len(logged) == 1 and logged[0].operator == SUITE_OPERATOR
    assert "差异表 d.xlsx" in logged[0].summary and logged[0].count == 1


def test_a_viewer_may_compare_but_not_save_the_ids(
        database: Database, township_list: Path, tmp_path: Path) -> None:
    as_role(database, VIEWER)
    result = compare_file(database, township_list)  # reading and looking is theirs
    assert [t.name for t in result.theirs_only] == ["周外人"]
    with pytest.raises(NotAllowed):
        save_differences(result, tmp_path / "d.xlsx", database)
    assert not (tmp_path / "d.xlsx").exists()
