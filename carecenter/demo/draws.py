"""The demo's draws: weighted choices, and the names elders and their children are given.

Shared by the register and the helpers of the demo (``register_demo``, ``pairing_demo``).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable
from typing import Generic, TypeVar

from carecenter.rules.fields import PERSON, SUPPORTER

T = TypeVar("T")


class Weighted(Generic[T]):
    """Draw from fixed weights with one random() and a bisect (``choices`` is slower)."""

    def __init__(self, weights: Iterable[tuple[T, float]]) -> None:
        pairs = list(weights)
        self.values: tuple[T, ...] = tuple(v for v, _ in pairs)
        self.cumulative: list[float] = []
        total = 0.0
        for _, w in pairs:
            total += w
            self.cumulative.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


def coded(field_name: str, weights: dict[str, float], supporter_field: bool = False
           ) -> Weighted[str]:
    """Weights over a declared field's choice codes; a renamed code fails at import."""
    declared = {c.code for c in (SUPPORTER if supporter_field else PERSON)[field_name].choices}
    unknown = set(weights) - declared
    if unknown:
        raise AssertionError(f"demo weights for {field_name} name unknown codes {unknown}")
    return Weighted(weights.items())


def words(text: str, weight: float = 1.0) -> list[tuple[str, float]]:
    return [(word, weight) for word in text.split()]


# Roughly the national frequencies (per mille), with a few surnames whose surname
# reading differs from the everyday one, so that pinyin search meets them.
SURNAMES = Weighted([
    ("王", 71), ("李", 70), ("张", 65), ("刘", 53), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 21), ("吴", 20), ("周", 19), ("徐", 13), ("孙", 13), ("马", 12), ("朱", 12),
    ("胡", 11), ("郭", 11), ("何", 11), ("高", 10), ("林", 10), ("罗", 9), ("郑", 8),
    ("梁", 8), ("谢", 7), ("宋", 6), ("唐", 6), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6),
    ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 5), ("田", 5), ("董", 5), ("袁", 4), ("潘", 4),
    ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("魏", 4), ("苏", 4),
    ("吕", 4), ("丁", 4), ("任", 4), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3),
    ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3),
    ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("邹", 3), ("熊", 3), ("龙", 2),
    ("向", 2), ("覃", 1), ("单", 1), ("解", 1), ("仇", 1), ("查", 1),
])
ELDER_FEMALE = Weighted(
    words("桂兰 秀英 桂英 玉兰 秀兰 凤英 翠兰 冬梅 春花 菊英 玉梅 淑珍 金凤 秀珍 兰英 素珍 满秀"
           " 月娥 腊梅 桂花 玉英 秀芳 凤兰 金花 爱华 秀云 桂芝 玉珍 春兰 菊花 三妹 细妹 金莲", 6)
    + words("梅 英 兰 芳 珍 娥 凤 秀")
)
ELDER_MALE = Weighted(
    words("建国 德明 国华 志明 德华 建华 国强 永福 长生 福生 金山 树林 振华 卫国 解放 援朝"
           " 德胜 有才 光明 春生 正明 国平 家富 友良 世荣 明亮 国庆 新民 学文 长福 火生 水生"
           " 和平", 6)
    + words("明 华 军 福 贵 林 生 富 强 忠")
)
YOUNG_MALE = Weighted(words("伟 强 勇 军 磊 涛 斌 杰 华 鹏 建军 海波 志强 小平 红兵 俊 超 浩"
                             " 文 平 建平 海军 晓东 小军 国伟 春林 志刚 立新 永红 卫东 小龙"
                             " 海涛 建伟"))
YOUNG_FEMALE = Weighted(words("芳 丽 娟 敏 静 红 燕 霞 艳 丽华 小红 春燕 海燕 晓梅 秀芳 丽娟"
                               " 红梅 小英 美玲 雪梅 慧 琴 玲 小燕 丽萍 桂香"))
GRANDCHILD = Weighted(words("浩然 子轩 欣怡 梓涵 宇航 雨欣 佳怡 俊杰 思雨 一鸣 诗涵 子豪"))
