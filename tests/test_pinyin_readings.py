"""The pinyin a name is found by: every reading kept, the phrase's reading too."""

from __future__ import annotations

import pytest
from pypinyin import lazy_pinyin

from carecenter.register import pinyin


@pytest.mark.parametrize("name", ["李长春", "王重阳", "张行", "曾乐华", "单解放"])
def test_a_character_read_two_ways_keeps_the_reading_in_the_name(name: str) -> None:
    terms = pinyin.search_terms(name)
    assert "".join(lazy_pinyin(name)) in terms  # as the phrase reads it
    assert "".join(s for ch in name for s in pinyin._syllables(ch)) in terms


def test_li_changchun_is_found_by_chang_and_by_zhang() -> None:
    assert pinyin.search_terms("李长春") == ["lizhangchun", "lzc", "lichangchun", "lcc"]


@pytest.mark.parametrize("name", ["王秀英", "刘桂兰", "陈建国", "赵淑芬", "杨玉梅"])
def test_a_name_read_one_way_gives_its_one_reading(name: str) -> None:
    """Names without a character read two ways skip the phrase lookup (it was a sixth
    of an import's own work): the result must be what the lookup would have given."""
    sort, terms = pinyin.keys(name)
    reading = lazy_pinyin(name)
    assert sort == " ".join(reading)
    assert terms == ["".join(reading), "".join(s[0] for s in reading)]


def test_a_compound_surname_is_read_as_one_not_as_its_first_character() -> None:
    """尉迟 is yuchi (尉 alone is yu): found by yuchiming and ycm."""
    terms = pinyin.search_terms("尉迟明")
    assert "yuchiming" in terms and "ycm" in terms
    assert "yuming" in pinyin.search_terms("尉明")
