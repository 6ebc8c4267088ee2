"""Pinyin for finding people by typing: full pinyin and initials ("zgl" finds 张桂兰).

pypinyin reads some surnames as common words (单→dan, 曾→ceng, 解→jie …; PLATFORM.md),
so the first character of a name also gets its surname reading, and both are kept.
"""

from __future__ import annotations

from functools import lru_cache

# Surname readings that differ from the character's everyday reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "查": "zha", "朴": "piao",
    "区": "ou", "盖": "ge", "尉": "yu", "乐": "yue", "员": "yun", "缪": "miao",
    "翟": "zhai", "折": "she", "任": "ren", "华": "hua", "纪": "ji", "覃": "qin",
    "黑": "he", "召": "shao", "繁": "po", "宓": "mi", "洗": "xian", "冼": "xian",
    "秘": "bi", "种": "chong", "句": "gou", "眭": "sui", "逄": "pang", "燕": "yan",
    "万俟": "moqi", "尉迟": "yuchi", "长孙": "zhangsun",
}


@lru_cache(maxsize=4096)
def _syllables(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    return tuple(pinyin(char, style=Style.NORMAL, heteronym=False, errors="default")[0])


@lru_cache(maxsize=8192)
def _ambiguous(char: str) -> bool:
    """Is the character read in more than one way, tones aside (长: chang, zhang)?"""
    from pypinyin import Style, pinyin

    return len(set(pinyin(char, style=Style.NORMAL, heteronym=True, errors="default")[0])) > 1


def readings(name: str) -> list[list[str]]:
    """Each plausible reading of ``name`` as a list of syllables, everyday reading first."""
    if not name:
        return []
    from pypinyin import lazy_pinyin

    everyday = [s for ch in name for s in _syllables(ch)]
    # Read as a phrase, 长 in 李长春 is chang, not zhang: keep both readings. Only a
    # character read more than one way can read otherwise in a phrase, and most names
    # have none (the phrase lookup was a sixth of a 10,000-row import's own work).
    # And only within a phrase pypinyin knows: with none in the name, it reads each
    # character alone, its everyday reading.
    in_context = lazy_pinyin(name) if any(map(_ambiguous, name)) and _has_phrase(name) \
        else everyday
    variants = [everyday]
    if in_context != everyday and len(in_context) == len(everyday):
        variants.append(in_context)
    # A compound surname (尉迟) before its first character's own (尉).
    surname = name[:2] if name[:2] in SURNAME_READINGS else name[:1]
    reading = SURNAME_READINGS.get(surname)
    if reading is not None:
        for base in list(variants):
            alt = [reading, *base[len(surname):]]
            if alt not in variants:
                variants.append(alt)
    return variants


def _has_phrase(name: str) -> bool:
    """Does any run of two or more of the name's characters make a phrase pypinyin reads
    as a whole (长春 in 李长春)?"""
    from pypinyin.phrases_dict import phrases_dict

    return any(name[i:j] in phrases_dict
               for i in range(len(name) - 1) for j in range(i + 2, len(name) + 1))


def sort_key(name: str) -> str:
    """Pinyin to sort by, surname reading first where it differs."""
    return _sort_key(readings(name))


def _sort_key(variants: list[list[str]]) -> str:
    return " ".join(variants[-1]) if variants else ""


def search_terms(name: str) -> list[str]:
    """Full pinyin and initials of every reading, lower case, without spaces."""
    return _search_terms(readings(name))


def keys(name: str) -> tuple[str, list[str]]:
    """``sort_key`` and ``search_terms`` from one reading of the name (half the work)."""
    variants = readings(name)
    return _sort_key(variants), _search_terms(variants)


def _search_terms(variants: list[list[str]]) -> list[str]:
    terms: list[str] = []
    for syllables in variants:
        for term in ("".join(syllables), "".join(s[:1] for s in syllables)):
            if term and term not in terms:
                terms.append(term.lower())
    return terms
