"""Where a supporter is: every province's usual short name resolves (rules.divisions)."""

from __future__ import annotations

import pytest

from carecenter.rules import divisions

HOME = divisions.home_of("隆回县", "湖南省")


@pytest.mark.parametrize(("written", "province"), [
    ("新疆", "新疆维吾尔自治区"), ("新疆维吾尔自治区", "新疆维吾尔自治区"),
    ("内蒙", "内蒙古自治区"), ("内蒙古", "内蒙古自治区"), ("广西", "广西壮族自治区"),
    ("宁夏", "宁夏回族自治区"), ("西藏", "西藏自治区"), ("香港", "香港特别行政区"),
    ("澳门", "澳门特别行政区"), ("台湾", "台湾省"), ("黑龙江", "黑龙江省"),
])
def test_every_provinces_usual_short_name_is_recognised_as_out_of_the_province(
        written: str, province: str) -> None:
    assert [p.name for p in divisions.resolve(written)] == [province]
    assert divisions.scope_of(written, HOME) == (divisions.OUT_PROVINCE, "")


@pytest.mark.parametrize("written", ["在新疆打工", "新疆乌鲁木齐", "内蒙包头", "广西南宁",
                                     "宁夏银川", "台湾台北", "去了香港"])
def test_a_short_province_name_inside_a_longer_whereabouts_is_recognised(written: str) -> None:
    assert divisions.scope_of(written, HOME) == (divisions.OUT_PROVINCE, "")


@pytest.mark.parametrize(("name", "bare"), [
    ("新疆维吾尔自治区", "新疆"), ("广西壮族自治区", "广西"), ("宁夏回族自治区", "宁夏"),
    ("内蒙古自治区", "内蒙古"), ("西藏自治区", "西藏"), ("湘西土家族苗族自治州", "湘西"),
    ("伊犁哈萨克自治州", "伊犁"), ("互助土族自治县", "互助"), ("鄂温克族自治旗", "鄂温克"),
    ("香港特别行政区", "香港"), ("东莞市", "东莞"),
])
def test_short_strips_the_peoples_an_autonomous_division_is_named_for(name: str,
                                                                     bare: str) -> None:
    assert divisions.short(name) == bare


def test_a_prefecture_of_the_villages_own_province_is_out_of_the_county() -> None:
    assert divisions.scope_of("湘西", HOME) == (divisions.OUT_COUNTY, "")


def test_a_village_in_a_city_without_counties_knows_its_own_city() -> None:
    home = divisions.home_of("东莞市", "广东省")
    assert home is not None and home.county.code == "441900"
    assert divisions.scope_of("东莞", home) == (divisions.IN_COUNTY, "")
    assert divisions.scope_of("广东中山", home) == (divisions.OUT_COUNTY, "")
