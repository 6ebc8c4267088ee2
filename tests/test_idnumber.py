from __future__ import annotations

from datetime import date

import pytest

from carecenter.errors import FieldError
from carecenter.rules import idnumber
from tests.conftest import TODAY, make_id


def test_valid_number_gives_birth_date_sex_and_province() -> None:
    info = idnumber.parse("11010519491231002X", today=TODAY)
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"
    assert info.province == "北京市"
    assert info.age_on(TODAY) == 76


@pytest.mark.parametrize("position", range(17))
def test_any_single_digit_changed_is_caught_by_the_check_character(position: int) -> None:
    good = make_id("19500312")
    digit = str((int(good[position]) + 1) % 10)
    bad = good[:position] + digit + good[position + 1:]
    try:
        info = idnumber.parse(bad, today=TODAY)
    except FieldError:
        return
    # A changed digit may make another number that exists only if the check still fits.
    assert idnumber.check_char(bad[:17]) == bad[17], info


def test_wrong_check_digit_is_refused_in_chinese() -> None:
    good = make_id("19500312")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(FieldError, match="校验位"):
        idnumber.parse(wrong, today=TODAY)


def test_lower_case_x_full_width_digits_and_spaces_are_accepted() -> None:
    full = "１１０１０５ １９４９１２３１ ００２x"
    assert idnumber.parse(full, today=TODAY).number == "11010519491231002X"


def test_fifteen_digit_number_is_upgraded_to_eighteen() -> None:
    info = idnumber.parse("110105491231002", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.upgraded_from == "110105491231002"
    assert info.birth_date == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("birth", "message"),
    [("19500230", "不存在"), ("19501301", "不存在"), ("20270101", "之后"), ("18890101", "不可能")],
)
def test_impossible_or_future_birth_date_is_refused(birth: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        idnumber.parse(make_id(birth), today=TODAY)


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "24", "38", "47", "55", "66",
                                      "72", "80", "84", "91", "99"])
def test_unknown_province_code_is_refused_even_with_a_good_check_digit(province: str) -> None:
    with pytest.raises(FieldError, match="省份"):
        idnumber.parse(make_id("19500312", area=province + "0524"), today=TODAY)


def test_abolished_county_code_stays_valid() -> None:
    # 430521 was 邵东县 until it became 邵东市 (430582): old numbers keep the old code.
    assert idnumber.parse(make_id("19500312", area="430521"), today=TODAY).province == "湖南省"


def test_number_rounded_by_excel_is_explained() -> None:
    with pytest.raises(FieldError, match="Excel"):
        idnumber.parse("1.10105E+17", today=TODAY)
    with pytest.raises(FieldError, match="Excel"):
        idnumber.parse("110105194912310000.0", today=TODAY)


def test_age_over_110_is_a_warning_not_a_refusal() -> None:
    info = idnumber.parse(make_id("19100101"), today=TODAY)
    assert info.age_on(TODAY) == 116
    assert any("116" in w for w in idnumber.warnings_for(info, TODAY))


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [(date(1966, 11, 23), TODAY, 60), (date(1966, 11, 24), TODAY, 59),
     (date(1964, 2, 29), date(2025, 2, 28), 60), (date(1964, 2, 29), date(2025, 3, 1), 61)],
)
def test_age_counts_completed_years_on_the_reference_date(birth: date, day: date,
                                                          age: int) -> None:
    assert idnumber.age_on(birth, day) == age


@pytest.mark.parametrize("raw", ["", "12345", "11010519491231002Y", "abcdefghijklmnopqr"])
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(FieldError):
        idnumber.parse(raw, today=TODAY)


@pytest.mark.parametrize("raw", ["110105194912310²2X", "11010519491231①02X",
                                 "11010519491231\u0660\u0660\u06611", "11010549123100²"])
def test_digits_that_are_not_ascii_are_refused_not_crashed_on(raw: str) -> None:
    with pytest.raises(FieldError):
        idnumber.parse(raw, today=TODAY)


@pytest.mark.parametrize("area", ["110000", "430000", "430012", "520099"])
def test_province_level_address_codes_are_not_a_registered_address(area: str) -> None:
    with pytest.raises(FieldError, match="县级地址码"):
        idnumber.parse(make_id("19500312", area=area), today=TODAY)


def test_city_without_districts_keeps_its_code() -> None:
    # 东莞 441900 and 中山 442000 have no counties: their code ends in 00 and is valid.
    assert idnumber.parse(make_id("19500312", area="441900"), today=TODAY).province == "广东省"


def test_a_sequence_number_of_000_passes_the_check_digit_but_is_flagged() -> None:
    body = "43052419580101000"  # born 1958-01-01 in 隆回县, sequence 000: never issued
    info = idnumber.parse(body + idnumber.check_char(body))
    assert any("顺序码为 000" in w for w in idnumber.warnings_for(info, TODAY))
    issued = "43052419580101001"
    info = idnumber.parse(issued + idnumber.check_char(issued))
    assert not any("000" in w for w in idnumber.warnings_for(info, TODAY))
