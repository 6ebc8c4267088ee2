"""Who may do what: the three roles of an operator, as data (issue 18).

管理员 runs the program (operators, settings, restore) and may do all a 经办人 does;
经办人 keeps the register (every write on people, care, pairing, agreements, exports
with full ID numbers); 查看 reads and prints, with ID numbers and phones masked.
The check is made in the core, where every write is: ``storage.database`` asks
``require`` before it opens a write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from carecenter.errors import NotAllowed

ADMIN = "admin"
CLERK = "clerk"
VIEWER = "viewer"
ROLES: dict[str, str] = {ADMIN: "管理员", CLERK: "经办人", VIEWER: "查看"}
# Each role may do what the roles after it may.
_RANK = {ADMIN: 3, CLERK: 2, VIEWER: 1}
# What each role may do, said the way the clerk would (the operators window shows it).
ROLE_SCOPE: dict[str, str] = {
    ADMIN: "操作员、本村设置、恢复备份,以及经办人的全部工作",
    CLERK: "登记册上的全部工作:档案、评估走访、结对、协议、导入导出(含完整身份证号)",
    VIEWER: "只能查看和打印;身份证号、电话隐去中间几位",
}
_NEEDS: dict[str, str] = {
    ADMIN: "需要“管理员”权限",
    CLERK: "需要“经办人”或“管理员”权限",
    VIEWER: "需要先登录",
}


@dataclass(frozen=True)
class Operator:
    """Who is signed in: the operator's row id, name and role code; on a township's
    server, the village they belong to (None: the township's staff, issue 22)."""

    id: int
    name: str
    role: str
    village_id: int | None = None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def allows(role: str | None, need: str) -> bool:
    return role is not None and _RANK.get(role, 0) >= _RANK[need]


def require(operator: Operator | None, need: str, what: str = "修改登记册") -> Operator:
    """The operator, if their role allows ``need``; otherwise a ``NotAllowed`` saying why."""
    if operator is None:
        raise NotAllowed(f"{what}需要先以操作员身份登录。未做任何修改。")
    if not allows(operator.role, need):
        raise NotAllowed(f"{operator.name}({operator.role_label})无权{what}:"
                         f"{_NEEDS[need]}。未做任何修改。")
    return operator
