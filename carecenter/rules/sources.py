"""The policy texts each rule comes from (the seeds in ``shared/seeds/``), named as the
clerk would recognise them, so that every work-list item can say where its rule is
written."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "000": "村级关爱服务活动方案",
    "001": "农村留守老人关爱服务方案",
    "002": "高良乡农村留守老年人关爱服务实施方案",
    "003": "州“一老一小”关爱服务机制",
    "004": "云县“一老一小”关爱服务工作纪实",
}


def basis(seed: str) -> str:
    """依据:高良乡农村留守老年人关爱服务实施方案"""
    return f"依据:{SOURCES.get(seed, seed)}" if seed else ""
