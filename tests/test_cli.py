"""The command line, as the clerk or a script runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from carecenter.cli.entry import main
from tests.conftest import make_id


def test_id_command_prints_birth_date_sex_and_age(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["id", make_id("19500312", "002"), "--date", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "1950年03月12日" in out and "性别:女" in out and "76 岁" in out


def test_id_command_explains_a_wrong_check_digit_and_exits_1(
        capsys: pytest.CaptureFixture[str]) -> None:
    good = make_id("19500312")
    bad = good[:17] + ("1" if good[17] == "0" else "0")
    assert main(["id", bad]) == 1
    assert "校验位" in capsys.readouterr().err


def test_id_command_upgrades_a_fifteen_digit_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["id", "110105491231002"]) == 0
    assert "11010519491231002X" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["demo"], "缺少参数"), (["frobnicate"], "没有“frobnicate”这个命令"),
     (["demo", "--persons", "many", "--db", "x.db"], "不是整数"),
     (["id", "1", "--date", "tomorrow"], "不是日期")],
)
def test_bad_arguments_give_a_chinese_message_and_exit_2(
        argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_module_entry_point_never_prints_a_traceback() -> None:
    result = subprocess.run([sys.executable, "-m", "carecenter", "id", "99010519491231002X"],
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "省份" in result.stderr


def test_check_on_a_missing_file_says_so_and_creates_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo.db"
    assert main(["check", "--db", str(missing)]) == 1
    assert "不存在" in capsys.readouterr().err
    assert not missing.exists()


def test_demo_then_check_is_clean_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    assert main(["demo", "--persons", "200", "--db", db, "--seed", "3"]) == 0
    assert main(["check", "--db", db]) == 0
    assert main(["demo", "--persons", "10", "--db", db]) == 1
    assert "--force" in capsys.readouterr().err


def test_worklist_prints_due_items_one_per_line_with_counts_last(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "w.db")
    assert main(["demo", "--persons", "150", "--db", db, "--today", "2026-06-15"]) == 0
    capsys.readouterr()
    assert main(["worklist", "--db", db, "--date", "2026-06-15"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("合计(2026-06-15,在册 ")
    assert "逾期" in lines[-1] and "待办需求" in lines[-1]
    items = lines[:-1]
    assert items and all(line.startswith("[") and ("档案号" in line or "帮扶人编号" in line
                                                    or line.startswith("[村级活动] 全村"))
                         for line in items)
    overdue = [line for line in items if line.startswith("[逾期]")]
    assert overdue and all("逾期" in line.split(";")[-1] for line in overdue)
    # The same demo, the same day: the same list (repeatable for tests).
    db2 = str(tmp_path / "w2.db")
    main(["demo", "--persons", "150", "--db", db2, "--today", "2026-06-15"])
    capsys.readouterr()
    main(["worklist", "--db", db2, "--date", "2026-06-15"])
    assert capsys.readouterr().out.splitlines()[:-1] == items


def test_worklist_of_a_missing_file_or_group_is_a_chinese_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worklist", "--db", str(tmp_path / "none.db")]) == 1
    assert "不存在" in capsys.readouterr().err
    db = str(tmp_path / "w.db")
    main(["demo", "--persons", "20", "--db", db])
    assert main(["worklist", "--db", db, "--group", "九十九组"]) == 1
    assert "没有“九十九组”这个村民小组" in capsys.readouterr().err
