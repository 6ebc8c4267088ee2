"""Operators: the first administrator, roles, passwords, signing in (issue 18).

The first start of an empty register makes its administrator and a recovery code, shown
once to print and keep: with it an administrator's forgotten password can be set again.
An operator is never deleted (the audit log names them), only made inactive; there is
always at least one active administrator.

On a township's server (issue 22) each village has its own recovery code and the
township one of its own (``access_secret.village_id``, NULL the township's). A village's
code resets the password of that village's administrators only. The township's resets
any administrator's on the server, the township's and every village's: the township is
the higher authority, and its administrators may already set any operator's password
(``OperatorBook.reset_password``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit, passwords, register_keys
from carecenter.access.register_keys import WrongPassword
from carecenter.errors import FieldError, KnownError, NotFound, ValidationFailed
from carecenter.rules.fields import person_name
from carecenter.rules.roles import ADMIN, ROLES, VIEWER, Operator
from carecenter.storage import postgres, villages
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.models import access_secret, operator
from carecenter.storage.villages import ONLY_VILLAGE

RECOVERY = "recovery"
# Said the same way whichever of the two was wrong: a guess learns nothing.
WRONG = "操作员姓名或密码不对,请重新输入"


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    name: str
    role: str
    active: bool
    village_id: int | None = None  # None: the township's (issue 22)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed([FieldError("name", "请填写操作员姓名")])
    problem = person_name(cleaned)
    if problem:
        raise ValidationFailed([FieldError("name", problem)])
    if len(cleaned) > 30:
        raise ValidationFailed([FieldError("name", "操作员姓名最多 30 个字")])
    return cleaned


def _check_password(password: str, field: str = "password") -> str:
    try:
        return passwords.check_new(password, field)
    except FieldError as e:
        raise ValidationFailed([e]) from None


def has_operators(database: Database) -> bool:
    """Whether anyone may sign in: on a township's server, anyone of any village (a
    village with no operator of its own is not an empty register)."""
    with database.engine.connect() as connection:
        postgres.as_township(connection)
        return bool(connection.execute(select(func.count()).select_from(operator)).scalar_one())


def _find(database: Database, name: str) -> Any:
    """An operator's row by name, whichever village they belong to: names are unique
    across a township's server, and signing in is what tells their village."""
    with database.engine.connect() as connection:
        postgres.as_township(connection)
        return connection.execute(select(operator).where(operator.c.name == name.strip())).first()


def install_first(database: Database, name: str, password_hash: str,
                  recovery_hash: str) -> Operator:
    """The first administrator from hashes made already, signed in. Only on a register
    with no operator yet: afterwards operators are added by an administrator."""
    now = clock.now()
    # Nobody is signed in yet to pass ``transaction``'s check: the same write otherwise
    # (the register's lock, BEGIN IMMEDIATE), refused once any operator exists.
    with database.writing(), database.write_sessions() as session, session.begin():
        # An empty server's first administrator is the township's (issue 22).
        postgres.as_township(session.connection())
        if session.execute(select(func.count()).select_from(operator)).scalar_one():
            raise KnownError("这个登记册已有管理员,请以操作员身份登录")
        village: dict[str, Any] = {"village_id": None} if database.on_server else {}
        new_id = session.execute(insert(operator).values(
            name=name, role=ADMIN, password_hash=password_hash, active=True,
            created_at=now, updated_at=now, **village).returning(operator.c.id)).scalar_one()
        # Their recovery code: the township's on a server, the village's in its file.
        session.execute(insert(access_secret).values(
            name=RECOVERY, value=recovery_hash, updated_at=now,
            village_id=None if database.on_server else ONLY_VILLAGE))
        who = Operator(int(new_id), name, ADMIN, village.get("village_id", ONLY_VILLAGE))
        session.info["operator"] = who
        audit.record(session, "created", "operator", who.id,
                     summary=f"首次使用:建立管理员 {name}",
                     changes=[("姓名", "", name), ("角色", "", ROLES[ADMIN])])
    database.operator = who
    return who


def create_first(database: Database, name: str, password: str) -> str:
    """Make the administrator of a new register and sign them in; the recovery code,
    to be shown once (printed and kept: it is stored only as a hash). A SQLite register
    is encrypted from here on, its key wrapped for this password and the code."""
    name = clean_name(name)
    _check_password(password)
    code = passwords.new_recovery_code()
    install_first(database, name, passwords.hash_secret(password),
                  passwords.hash_secret(code))
    register_keys.encrypt(database, name, password, code)
    return code


def sign_in(database: Database, name: str, password: str) -> Operator:
    """Check the name and password; the operator, now signed in on ``database`` (which
    from now on sees only their village if they are a village's, issue 22)."""
    row = _find(database, name)
    if row is None or not passwords.verify(password, row.password_hash):
        raise WrongPassword(WRONG)
    if not row.active:
        raise WrongPassword(f"操作员 {row.name} 已停用,请找管理员")
    who = Operator(row.id, row.name, row.role, row.village_id)
    database.operator = who
    return who


def sign_out(database: Database) -> None:
    database.operator = None


@retrying
def recover(database: Database, code: str, name: str, new_password: str) -> str:
    """An administrator's forgotten password set again with the recovery code; they are
    signed in, and a new recovery code (the old one is spent) is returned to show once.

    Only their own village's code will do, or on a server the township's (issue 22):
    another village's code is as wrong as a mistyped one. The code spent is the one
    renewed: the township's stays the township's."""
    _check_password(new_password)
    row = _find(database, name)
    typed = passwords.normalise_code(code)
    matched = [owner for owner, stored in _codes_for(database, row)
               if passwords.verify(typed, stored)]
    if not matched:
        raise WrongPassword("恢复码不对,请对照打印的恢复码重新输入"
                            "(村的恢复码只能重设本村管理员的密码)")
    if row is None or row.role != ADMIN or not row.active:
        raise WrongPassword(f"没有名为“{name}”的在用管理员;恢复码只能重设管理员的密码")
    used = matched[0]  # their village's before the township's
    fresh = passwords.new_recovery_code()
    database.operator = Operator(row.id, row.name, row.role, row.village_id)
    password_hash, code_hash = passwords.hash_secret(new_password), passwords.hash_secret(fresh)
    if database.key is not None:
        register_keys.add_wraps(database, [
            register_keys.password_wrap(database.key, row.name, row.id, new_password,
                                        password_hash),
            register_keys.code_wrap(database.key, fresh, code_hash)])
    whose = "乡镇的恢复码" if used is None and row.village_id is not None else "恢复码"
    with database.transaction(need=ADMIN, what="找回密码") as session:
        _set_password(session, row.id, password_hash)
        audit.record(session, "recovered", "operator", row.id,
                     summary=f"用{whose}重设了 {row.name} 的密码({whose}已换新)")
        # Last: the township's code is written as the township (see _set_recovery).
        _set_recovery(session, code_hash, used)
    register_keys.reconcile(database)
    return fresh


def code_owner(database: Database) -> int | None:
    """Whose recovery code the open register's is: its village's (a village's file: its
    one village), or None for the township's when a server is open for all villages."""
    if not database.on_server:
        return ONLY_VILLAGE
    return None if database.scope == postgres.TOWNSHIP else int(database.scope)


def _whose(owner: int | None) -> Any:
    return (access_secret.c.village_id.is_(None) if owner is None
            else access_secret.c.village_id == owner)


def _codes_for(database: Database, row: Any) -> list[tuple[int | None, str]]:
    """The recovery codes (owner, hash) that may reset ``row``'s password: their
    village's, and on a server the township's too. For a name nobody has, the code of
    what was opened, so that a right code with a wrong name is told as such."""
    if row is None:
        owners = [code_owner(database)]
    else:
        owners = [row.village_id]
        if database.on_server and row.village_id is not None:
            owners.append(None)
    with database.engine.connect() as connection:
        postgres.as_township(connection)  # nobody is signed in yet: looked up as find()
        found = dict(connection.execute(
            select(access_secret.c.village_id, access_secret.c.value).where(
                access_secret.c.name == RECOVERY, or_(*(_whose(o) for o in owners)))).all())
    return [(o, found[o]) for o in owners if o in found]


def _set_password(session: Session, operator_id: int, password_hash: str) -> None:
    session.execute(update(operator).where(operator.c.id == operator_id)
                    .values(password_hash=password_hash, updated_at=clock.now()))


def _set_recovery(session: Session, code_hash: str, owner: int | None) -> None:
    """``owner``'s recovery code (a village's id, None the township's) from now on.
    The township's is written as the township, whatever village the session is scoped
    to (a township code renewed by the village administrator it recovered): the rest of
    the transaction is the township's then, so this comes last in it."""
    if owner is None:
        postgres.as_township(session.connection())
    done = session.execute(select(access_secret.c.id).where(
        access_secret.c.name == RECOVERY, _whose(owner))).first()
    if done is None:  # a village moved in before migration 0014 has none yet
        session.execute(insert(access_secret).values(
            name=RECOVERY, value=code_hash, updated_at=clock.now(), village_id=owner))
    else:
        session.execute(update(access_secret).where(access_secret.c.id == done.id)
                        .values(value=code_hash, updated_at=clock.now()))


class OperatorBook:
    """The operators of a register; every change by an administrator, in the log.

    Each change is run again when a server refused it for another writer's sake
    (``retrying``): the whole of it, the key file's new wrap included (a wrap from a
    refused attempt fits no stored hash and ``reconcile`` prunes it)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def list(self) -> list[OperatorInfo]:
        with self.database.session() as session:
            rows = session.execute(select(operator).order_by(operator.c.id)).all()
        return [OperatorInfo(r.id, r.name, r.role, r.active, r.village_id) for r in rows]

    def village_label(self, info: OperatorInfo) -> str:
        """Whose operator ``info`` is, as the clerk reads it: 乡镇, or the village's name."""
        if info.village_id is None:
            return "乡镇"
        with self.database.engine.connect() as connection:
            known = villages.listed(connection)  # one's own village, or all for the township
        return villages.describe_scope(str(info.village_id), known)

    def get(self, operator_id: int) -> OperatorInfo:
        for info in self.list():
            if info.id == operator_id:
                return info
        raise NotFound(f"没有编号为 {operator_id} 的操作员")

    @retrying
    def add(self, name: str, password: str, role: str) -> int:
        name = clean_name(name)
        errors = []
        if role not in ROLES:
            errors.append(FieldError("role", "请选择角色"))
        try:
            passwords.check_new(password)
        except FieldError as e:
            errors.append(e)
        if errors:
            raise ValidationFailed(errors)
        password_hash = passwords.hash_secret(password)
        now = clock.now()
        # On a server the name may be another village's operator's, whom this one
        # cannot see: signing in is by name, so it is looked for in every village. The
        # new operator belongs to the village opened (the township's when all are).
        if _find(self.database, name) is not None:
            raise ValidationFailed([FieldError("name", f"已有名为“{name}”的操作员"
                                               + ("(可能在别的村)" if self.database.on_server
                                                  else ""))])
        # Whose: the village open (a village's administrator: always theirs), or the
        # township's when its administrator has every village open (issue 22).
        village = code_owner(self.database)
        with self.database.transaction(need=ADMIN, what="添加操作员") as session:
            if session.execute(select(operator.c.id).where(operator.c.name == name)).first():
                raise ValidationFailed([FieldError("name", f"已有名为“{name}”的操作员")])
            new_id = int(session.execute(insert(operator).values(
                name=name, role=role, password_hash=password_hash, active=True,
                created_at=now, updated_at=now, village_id=village)
                .returning(operator.c.id)).scalar_one())
            audit.record(session, "created", "operator", new_id, summary=f"添加操作员 {name}",
                         changes=[("姓名", "", name), ("角色", "", ROLES[role])])
            # The new operator's wrap before the row is saved (the id is known inside the
            # transaction): a kill between leaves a wrap nobody can sign in with.
            self._wrap(name, new_id, password, password_hash)
        register_keys.reconcile(self.database)
        return new_id

    def _wrap(self, name: str, operator_id: int, password: str, password_hash: str) -> None:
        key = self.database.key
        if key is not None:
            register_keys.add_wraps(self.database, [register_keys.password_wrap(
                key, name, operator_id, password, password_hash)])

    @retrying
    def set_role(self, operator_id: int, role: str) -> None:
        if role not in ROLES:
            raise ValidationFailed([FieldError("role", "请选择角色")])
        with self.database.transaction(need=ADMIN, what="修改操作员角色") as session:
            row = self._row(session, operator_id)
            if row.role == role:
                return
            if row.role == ADMIN:
                self._keep_an_admin(session, operator_id)
            session.execute(update(operator).where(operator.c.id == operator_id)
                            .values(role=role, updated_at=clock.now()))
            audit.record(session, "updated", "operator", operator_id,
                         summary=f"操作员 {row.name}",
                         changes=[("角色", ROLES.get(row.role, row.role), ROLES[role])])
        if self.database.operator and self.database.operator.id == operator_id:
            self.database.operator = Operator(operator_id, row.name, role, row.village_id)

    @retrying
    def set_active(self, operator_id: int, active: bool) -> None:
        with self.database.transaction(need=ADMIN, what="停用或启用操作员") as session:
            row = self._row(session, operator_id)
            if row.active == active:
                return
            if not active:
                who = audit.operator_of(session)
                if who.id == operator_id:
                    raise KnownError("不能停用自己;请由另一位管理员停用")
                if row.role == ADMIN:
                    self._keep_an_admin(session, operator_id)
            session.execute(update(operator).where(operator.c.id == operator_id)
                            .values(active=active, updated_at=clock.now()))
            audit.record(session, "updated", "operator", operator_id,
                         summary=f"操作员 {row.name}",
                         changes=[("状态", "停用" if active else "在用",
                                   "在用" if active else "停用")])
        # A disabled operator's wrap goes (their password no longer opens the file); a
        # re-enabled one's comes back from their stored hash.
        register_keys.reconcile(self.database)

    @retrying
    def reset_password(self, operator_id: int, new_password: str) -> None:
        """An administrator sets another operator's password (they forgot it)."""
        _check_password(new_password)
        password_hash = passwords.hash_secret(new_password)
        with self.database.session() as session:
            row = self._row(session, operator_id)
        self._wrap(row.name, operator_id, new_password, password_hash)
        with self.database.transaction(need=ADMIN, what="重设操作员密码") as session:
            row = self._row(session, operator_id)
            _set_password(session, operator_id, password_hash)
            audit.record(session, "updated", "operator", operator_id,
                         summary=f"重设了 {row.name} 的密码")
        register_keys.reconcile(self.database)

    @retrying
    def change_own_password(self, old: str, new: str) -> None:
        """The signed-in operator changes their own password (knowing the old one)."""
        who = self.database.operator
        if who is None:
            raise KnownError("请先登录")
        with self.database.session() as session:
            stored = self._row(session, who.id).password_hash
        if not passwords.verify(old, stored):
            raise ValidationFailed([FieldError("old", "原密码不对")])
        _check_password(new, "new")
        if new == old:
            raise ValidationFailed([FieldError("new", "新密码与原密码相同")])
        password_hash = passwords.hash_secret(new)
        self._wrap(who.name, who.id, new, password_hash)
        with self.database.transaction(need=VIEWER, what="修改密码") as session:
            _set_password(session, who.id, password_hash)
            audit.record(session, "updated", "operator", who.id,
                         summary=f"{who.name} 修改了自己的密码")
        register_keys.reconcile(self.database)

    @retrying
    def new_recovery_code(self) -> str:
        """A fresh recovery code (the old one stops working), to be shown once."""
        code = passwords.new_recovery_code()
        code_hash = passwords.hash_secret(code)
        if self.database.key is not None:
            register_keys.add_wraps(self.database,
                                    [register_keys.code_wrap(self.database.key, code, code_hash)])
        # The code of what is open: a village's administrator renews their village's,
        # the township's the township's (or, with a village open, that village's).
        owner = code_owner(self.database)
        with self.database.transaction(need=ADMIN, what="更换恢复码") as session:
            audit.record(session, "updated", "operator", summary="更换了恢复码")
            _set_recovery(session, code_hash, owner)
        register_keys.reconcile(self.database)
        return code

    @staticmethod
    def _row(session: Session, operator_id: int) -> Any:
        row = session.execute(select(operator).where(operator.c.id == operator_id)).first()
        if row is None:
            raise NotFound(f"没有编号为 {operator_id} 的操作员")
        return row

    @staticmethod
    def _keep_an_admin(session: Session, leaving: int) -> None:
        others = session.execute(select(func.count()).select_from(operator).where(
            operator.c.role == ADMIN, operator.c.active.is_(True),
            operator.c.id != leaving)).scalar_one()
        if not others:
            raise KnownError("至少要有一位在用的管理员;请先让另一位操作员成为管理员")
