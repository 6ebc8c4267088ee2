"""An ID number's address code against the whole history of GB/T 2260 (rules.address_codes):
never a code → refused naming the six digits; once a code → accepted with a warning;
a county-level place today (cities without counties, 港澳台 permits included) → silent."""

from __future__ import annotations

import pytest

from carecenter.cli.entry import main
from carecenter.errors import FieldError
from carecenter.rules import address_codes, divisions, idnumber
from tests.conftest import TODAY, make_id


@pytest.mark.parametrize("area", ["439999", "430599", "437024", "110199", "441999", "810101",
                                  "830101", "710101"])
def test_a_code_no_division_ever_had_is_refused_naming_its_six_digits(area: str) -> None:
    number = make_id("19500312", area=area)
    assert idnumber.check_char(number[:17]) == number[17]  # the check digit passes
    with pytest.raises(FieldError, match=f"前 6 位地址码 {area} 从未用作行政区划代码,身份证号有误"):
        idnumber.parse(number, today=TODAY)


def test_a_fifteen_digit_number_with_a_code_never_used_is_refused_too() -> None:
    with pytest.raises(FieldError, match="439999 从未用作"):
        idnumber.parse("439999500312002", today=TODAY)


@pytest.mark.parametrize(("area", "province", "county"), [
    ("441900", "广东省", "东莞市"), ("442000", "广东省", "中山市"),
    ("620200", "甘肃省", "嘉峪关市"), ("460400", "海南省", "儋州市"),
])
def test_a_city_without_counties_is_its_own_county_without_a_warning(
        area: str, province: str, county: str) -> None:
    info = idnumber.parse(make_id("19500312", area=area), today=TODAY)
    assert info.province == province
    assert idnumber.warnings_for(info, TODAY) == []
    assert divisions.county_name(area) == county


@pytest.mark.parametrize(("area", "province"), [
    ("810000", "香港特别行政区"), ("820000", "澳门特别行政区"), ("830000", "台湾省"),
])
def test_hong_kong_macao_and_taiwan_residence_permits_are_accepted_without_a_warning(
        area: str, province: str) -> None:
    info = idnumber.parse(make_id("19800101", area=area), today=TODAY)
    assert info.province == province
    assert idnumber.warnings_for(info, TODAY) == []


@pytest.mark.parametrize(("area", "was"), [
    ("430521", "邵东县"),  # became 邵东市 430582
    ("110103", "崇文区"),  # merged into 东城区 in 2010
    ("330103", "下城区"),  # merged in 2021: still open in the history, gone from today's table
])
def test_a_code_valid_once_but_not_now_is_accepted_with_a_warning_naming_what_it_was(
        area: str, was: str) -> None:
    info = idnumber.parse(make_id("19500312", area=area), today=TODAY)
    [warning] = idnumber.warnings_for(info, TODAY)
    assert f"前 6 位地址码 {area} 不在现行行政区划(GB/T 2260)中" in warning
    assert was in warning


def test_a_code_that_came_into_use_after_the_birth_year_is_fine() -> None:
    # 延庆区 110119 since 2015; a man born in 1950 holds a number re-issued there since.
    info = idnumber.parse(make_id("19500312", area="110119"), today=TODAY)
    assert idnumber.warnings_for(info, TODAY) == []


@pytest.mark.parametrize("area", ["500105", "500112", "430524", "469001"])
def test_current_county_level_codes_get_no_warning(area: str) -> None:
    info = idnumber.parse(make_id("19500312", area=area), today=TODAY)
    assert idnumber.warnings_for(info, TODAY) == []


@pytest.mark.parametrize(("area", "said"), [("430500", "邵阳市(地级)"),
                                            ("430101", "市辖区")])
def test_a_prefecture_or_grouping_code_is_accepted_with_a_warning(area: str, said: str) -> None:
    info = idnumber.parse(make_id("19500312", area=area), today=TODAY)
    [warning] = idnumber.warnings_for(info, TODAY)
    assert said in warning and "不是县级地址码" in warning


def test_the_sequence_000_warning_still_comes_beside_the_address_check() -> None:
    body = "44190019580101000"  # 东莞, sequence 000: never issued
    info = idnumber.parse(body + idnumber.check_char(body), today=TODAY)
    assert [w for w in idnumber.warnings_for(info, TODAY) if "顺序码为 000" in w]
    assert not [w for w in idnumber.warnings_for(info, TODAY) if "地址码" in w]


def test_the_history_knows_every_era_of_a_renumbered_code() -> None:
    eras = address_codes.lookup("430521").eras
    assert [e.name for e in eras] == ["衡阳县", "邵东县"]
    assert eras[-1].last == 2018


def test_cli_id_refuses_a_code_never_used_and_names_a_city_without_counties(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["id", make_id("19500312", area="437024")]) != 0
    assert "前 6 位地址码 437024 从未用作行政区划代码" in capsys.readouterr().err
    assert main(["id", make_id("19500312", area="442000")]) == 0
    out = capsys.readouterr().out
    assert "广东省 中山市" in out and "注意" not in out
