"""Assessments, visits, needs and special rounds: the care a person receives.

Every write is one transaction through ``Database.transaction``; bad input is refused
whole with a Chinese message naming the field.
"""

from __future__ import annotations

from carecenter.fields import PERSON

# 走访的方式. "In person" kinds count for the visit cadences (走访); calls count for a
# helper's phone duties (seed 001) but are not a visit.
VISIT_KINDS: dict[str, str] = {
    "home": "入户走访",
    "phone": "电话问候",
    "video": "联系子女(视频或电话)",
    "health": "健康随访",
    "checkup": "健康体检",
}
IN_PERSON = frozenset({"home", "health", "checkup"})
CALLS = frozenset({"phone", "video"})

# 需求的类别: the same list as the file's 关爱服务需求.
NEED_KINDS: dict[str, str] = {c.code: c.label for c in PERSON["service_needs"].choices}
