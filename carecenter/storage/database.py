"""Opening the database: the SQLite pragmas, schema migrations, one way to write.

SQLite in the user's data folder by default; ``--db PATH`` or ``CARECENTER_DB`` picks
another file, and a ``postgresql+psycopg://`` URL a township server (where:
``carecenter.storage.location``). The schema is created and upgraded only by the Alembic
migrations in ``carecenter/migrations``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from carecenter.errors import DatabaseError, NotAllowed, Unopenable
from carecenter.rules import roles
from carecenter.rules.roles import Operator
from carecenter.storage import cipher, key_file, postgres, villages
from carecenter.storage.backends import Conflict, conflict_message, is_retryable
from carecenter.storage.engines import WRITE_OPTION, KeyHolder, make_engine
from carecenter.storage.location import (
    SCHEMA_HEAD,
    default_path,
    is_server,
    keep_private,
    resolve,  # noqa: F401 (callers open what they resolve)
    shown,
    sqlite_file,
)
from carecenter.storage.postgres import TOWNSHIP
from carecenter.storage.register_lock import RegisterHeld, RegisterLock, lock_path
from carecenter.storage.register_messages import (  # noqa: F401 (read from here too)
    backup_hint,
    busy,
    damaged_register,
    empty_register,
    explain_refusal,
    missing_register,
    refused_row,
    writable,
)
from carecenter.storage.villages import ONLY_VILLAGE

log = logging.getLogger(__name__)

# Which village of a township's server to open (its id, name or code, or '*' for all):
# the township's operators choose; a village's operator sees their village whatever it
# says (``Database.operator``).
SCOPE_VAR = "CARECENTER_VILLAGE"

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to this program's version; refuse a newer database."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseError(
            "这个数据库文件是更新版本的程序建立的(版本 "
            f"{current}),本程序无法打开。请先把程序升级到最新版本。"
        )
    if current == script.get_current_head():
        return
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table to change its keys (SQLite cannot ALTER them), and
            # dropping the original would break every reference to it with foreign keys
            # on: off for the migration (only outside a transaction), checked at its end.
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    # The schema is the township's: a migration moves every village's rows.
                    connection.execute(text("SELECT set_config(:name, :value, true)"),
                                       {"name": postgres.SCOPE_SETTING, "value": TOWNSHIP})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if current is None:  # a new register: kept data follows these rules
                    from carecenter.storage import kept_rules

                    kept_rules.mark_all(connection)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseError(
                        "数据库升级后有记录指向不存在的记录,升级已撤销,数据未改变。")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys=ON")


# Issue 22: row-level security is what keeps one village from another's rows on a
# server; an account exempt from it (a superuser, or BYPASSRLS) is never narrowed to
# one village, at opening or when a village's operator signs in.
_EXEMPT = ("连接服务器所用的账户不受行级安全策略限制(超级用户或 BYPASSRLS),"
           "无法只看一个村的数据。请为本程序建立一个普通账户(见 README 乡镇服务器一节)。")


class Database:
    """An open database: the engine and a session factory, schema up to date.

    ``hold=True`` (the app, a writing command) holds the register's lock from here to
    ``close``: nobody else may write meanwhile. Without it, each write takes the lock
    for its own length, and is refused while someone holds the register. ``create=False``
    refuses a SQLite path that does not exist (a mistyped ``--db``), before anything is
    created.

    ``scope`` is what this program may see of a township's server: one village (its id,
    name or code), or ``TOWNSHIP`` for all; by default $CARECENTER_VILLAGE, else the
    server's only village, else the township. A village's SQLite file is its one village.

    ``key``: the register's key (``carecenter.access.register_keys`` unwraps it with an
    operator's password); an encrypted register without it is refused with a message
    saying to sign in. A plain file opens without one, as every register did before
    encryption (issue 18); ``encrypt`` converts it.
    """

    def __init__(self, db: str | os.PathLike[str] | None = None, migrate: bool = True,
                 hold: bool = False, create: bool = True,
                 lock: RegisterLock | None = None, scope: str | int | None = None,
                 key: bytes | None = None) -> None:
        self.location = resolve(db)
        # $CARECENTER_VILLAGE chooses a village on a server; a village's own file ignores it.
        server = is_server(self.location)
        wanted = (str(scope) if scope is not None
                  else (os.environ.get(SCOPE_VAR) or None) if server else None)
        self._scope = postgres.Scope(TOWNSHIP)
        # The server's account is exempt from row-level security (``_settle_scope``).
        self._exempt = False
        self.path = sqlite_file(self.location)
        # ``lock``: the app took the register's lock before anything read it; it is
        # this database's from here and released by ``close``.
        self.lock = lock or (RegisterLock(self.path, lasting=True) if self.path else None)
        # A file that turns out not to be a register keeps no lock file beside it.
        stray_lock = (lock_path(self.path) if self.path is not None
                      and not lock_path(self.path).exists() else None)
        self._writing_depth = 0
        # Set by ``close``: what still holds this object (a list read a section at a
        # time) asks before reading, for its engine would silently open the file again.
        self.closed = False
        self._soundness: str | None = None  # None: not checked yet; "": sound
        self._checking = threading.Lock()
        if self.path is not None and not create and not self.path.exists():
            raise missing_register(self.path)
        if self.path is not None and self.path.exists() and self.path.stat().st_size == 0:
            raise empty_register(self.path)
        self.keys = KeyHolder(key)
        if key is not None:
            cipher.remember(key)
        if self.path is not None and key is None and key_file.encrypted(self.path):
            # Opened before in this process by a signed-in operator: its key is known.
            self.keys.key = cipher.known_key_for(self.path)
            if self.keys.key is None:
                raise cipher.RegisterEncrypted(cipher.encrypted_message(self.path))
        if hold and self.lock is not None:
            self.lock.acquire()  # before SQLite opens the file at all
        # Held by another window: this one only reads, and through read-only connections.
        self.read_only = (self.path is not None and not self.holds and self.path.exists()
                          and self._held_by_window())
        try:
            self.engine = make_engine(self.location, read_only=self.read_only,
                                      scope=self._scope, keys=self.keys)
            self._open(migrate)
            self._settle_scope(wanted)
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            if stray_lock is not None:
                stray_lock.unlink(missing_ok=True)
            raise
        if self.path is not None and not self.read_only:
            for private in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                keep_private(private)
            if self.path.parent == default_path().parent:
                keep_private(self.path.parent, folder=True)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.writer = self.engine.execution_options(**{WRITE_OPTION: True})
        self.write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        # Who is signed in (``carecenter.access.operators.sign_in``): every write is
        # theirs, checked against their role here and named in the audit log.
        self._operator: Operator | None = None
        self._asked = self._scope.value  # what was opened, before anyone signed in
        # What happened to the register that the clerk should be told (its conversion
        # to an encrypted register, issue 18), for the app or the command to say.
        self.notice: str | None = None
        if hold:
            # A writing command checks first, before it reads or previews anything; the
            # app runs the check after its window shows (ui.shell.backup_menu).
            try:
                self.ensure_sound()
            except BaseException:
                self.close()
                raise

    def _open(self, migrate: bool) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if migrate and current_revision(self.engine) != SCHEMA_HEAD:
                if self.read_only:
                    raise DatabaseError(
                        f"登记册 {self.path} 的数据版本与本程序不同,而它正在别处打开,"
                        "无法升级。请先关闭那里的“留守关爱”,再重试。")
                with self.writing():
                    self._back_up_before_migration()
                    upgrade(self.engine.execution_options(**{WRITE_OPTION: True}))
        except SADatabaseError as e:
            self.engine.dispose()
            if self.path is not None and not writable(self.path):
                raise DatabaseError(
                    f"登记册所在的文件夹或文件是只读的({self.path.parent}),无法打开来修改。"
                    "文件本身没有损坏;请检查权限,或把登记册复制到可以写入的文件夹。"
                    f"({e.orig})") from e
            if (self.keys.key is not None and self.path is not None
                    and "not a database" in str(e.orig)):
                raise Unopenable(
                    f"登记册 {self.path} 打不开:钥匙与它不符(钥匙文件与登记册不是同一份?)。"
                    f"{backup_hint(self.path) or '请从备份恢复,或找维护人员。'}") from e
            what = "数据库" if is_server(self.location) else "数据库文件"
            hint = backup_hint(self.path) if self.path is not None else ""
            raise (Unopenable if self.path is not None else DatabaseError)(
                f"无法打开{what} {shown(self.location)}:它可能已损坏或不是本程序的数据文件。"
                f"({e.orig}){hint}") from e
        except BaseException:
            self.engine.dispose()
            raise

    def _back_up_before_migration(self) -> None:
        if self.path is None or current_revision(self.engine) is None:
            return  # a new register: nothing to keep yet
        from carecenter.storage import backups

        backups.take(self.path, kind=backups.MIGRATION)

    def back_up(self, kind: str, folder: Path | None = None) -> Path | None:
        """A backup of the register now (``storage.backups``); None for a server. A copy of
        the whole register is a 经办人's to make (issue 18)."""
        roles.require(self.operator, roles.CLERK, "备份登记册")
        if self.path is None:
            return None
        from carecenter.storage import backups

        if kind in backups.AUTOMATIC:
            # A damaged register's copy would only rotate good backups away.
            self.ensure_sound()
        return backups.take(self.path, folder, kind=kind)

    def restore_from(self, backup: Path) -> Path:
        """Replace the register's content by a backup's (checked first); the current
        register is kept aside, its path returned. Refused while held elsewhere, and to
        anyone but an administrator (issue 18)."""
        who = roles.require(self.operator, roles.ADMIN, "从备份恢复登记册")
        if self.path is None:
            raise DatabaseError("服务器上的数据库请用服务器自己的工具恢复")
        from carecenter.storage import backups

        with self.writing():
            self.engine.dispose()  # no connection of ours on the old content
            restored = backups.restore(backup, self.path)
            self._soundness = None
            if current_revision(self.engine) != SCHEMA_HEAD:
                upgrade(self.engine.execution_options(**{WRITE_OPTION: True}))
        self.operator = who  # the restored register may not know them: still the one acting
        return restored.set_aside

    @property
    def operator(self) -> Operator | None:
        """Who is signed in (``carecenter.access.operators.sign_in``)."""
        return self._operator

    @operator.setter
    def operator(self, who: Operator | None) -> None:
        # Issue 22: signing in fixes what this program sees, here, once for every path.
        # A village's operator sees their village and nothing else, whatever scope was
        # asked for; the township's see what was opened. Signing out keeps the scope.
        if who is not None:
            self._bind_scope(who)
        self._operator = who

    def _bind_scope(self, who: Operator) -> None:
        if who.village_id is None:
            wanted = self._asked
        elif not self.on_server:
            if who.village_id != ONLY_VILLAGE:
                raise NotAllowed(f"{who.name} 是另一个村的操作员,不能打开这个村的登记册。")
            wanted = str(ONLY_VILLAGE)
        else:
            wanted = str(who.village_id)
            if self._asked not in (TOWNSHIP, wanted):
                with self.engine.connect() as connection:
                    postgres.as_township(connection)
                    known = villages.listed(connection)
                raise NotAllowed(
                    f"{who.name} 是{villages.describe_scope(wanted, known)}的操作员,"
                    f"只能打开本村,不能打开{villages.describe_scope(self._asked, known)}。")
        if wanted != TOWNSHIP and self._exempt:
            # Opened for the township (nothing to narrow then), and now narrowed to one
            # village by who signed in: the policies would filter nothing for this account.
            raise DatabaseError(_EXEMPT)
        if wanted != self._scope.value:
            self._scope.value = wanted
            self.engine.dispose()  # connections made from now on carry the new scope

    @property
    def key(self) -> bytes | None:
        """The register's key (None: a plain file or a server)."""
        return self.keys.key

    @property
    def encrypted(self) -> bool:
        return self.keys.key is not None

    def encrypt(self, key: bytes, keys: key_file.KeyFile) -> Path | None:
        """Convert this plain register to one encrypted with ``key``, once, in place;
        ``keys``: its key file (``key`` wrapped for the operators and the recovery code).

        A backup first; then the whole register is exported into a new encrypted file
        beside it, checked, the key file written, and the new file renamed over the old
        one. A kill at any point leaves the plain register (with, at worst, an unused
        key file or a ``.encrypting`` file beside it) or the encrypted one with its key
        file, never neither; so does a rename refused because another program holds
        the register open (Windows), with a message saying so. The backup's path (None
        for a new, empty register)."""
        if self.path is None or self.encrypted:
            return None
        from carecenter.storage import backups

        path = self.path
        with self.writing():
            if self.read_only:
                raise DatabaseError("登记册正在别处打开,现在不能加密,请关闭那里的“留守关爱”后重试")
            kept = None
            if self._has_persons():
                kept = backups.take(path, kind=backups.ENCRYPT)
            self.engine.dispose()  # no connection of ours on the plain file
            partial = path.with_name(path.name + ".encrypting")
            plain = cipher.connect(path, None)
            try:
                # Everything into the file itself first: the WAL stays with the plain one.
                plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cipher.export(plain, partial, key)
            finally:
                plain.close()
            check = cipher.connect(partial, key)
            try:
                verdict = check.execute("PRAGMA quick_check").fetchall()
            finally:
                check.close()
            if [r[0] for r in verdict] != ["ok"]:
                partial.unlink(missing_ok=True)
                raise DatabaseError("加密登记册时检查未通过,登记册未改变(仍未加密)。")
            key_file.write(path, keys)
            cipher.put_in_place(partial, path, kept)  # or refused: the register unchanged
            for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)  # the plain file's, emptied above
            cipher.remember(key)
            self.keys.key = key
            keep_private(path)
        return kept

    def _has_persons(self) -> bool:
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("person"):
                return False
            return bool(connection.execute(text("SELECT count(*) FROM person")).scalar())

    @property
    def scope(self) -> str:
        """The village this program sees (its id as text), or TOWNSHIP for all of them."""
        return self._scope.value

    @property
    def township(self) -> bool:
        """Whether this program sees every village of a township's server at once (the
        township's own view: its export, its snapshots), not one village."""
        return self.on_server and self._scope.value == TOWNSHIP

    @property
    def on_server(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    def _settle_scope(self, wanted: str | None) -> None:
        """Which villages this program sees. A village's file is its one village; on a
        server, the village asked for, else the only one there, else the township."""
        if not self.on_server:
            if wanted not in (None, TOWNSHIP, str(ONLY_VILLAGE)):
                self.engine.dispose()
                raise DatabaseError("村的数据库文件只有本村一个村,无法按其他村打开。")
            self._scope.value = str(ONLY_VILLAGE)
            return
        try:
            with self.engine.connect() as connection:
                known = villages.listed(connection)  # a township connection still: all
                bypass = postgres.bypasses_policies(connection)
            if wanted is None:
                wanted = str(known[0].id) if len(known) == 1 else TOWNSHIP
            elif wanted != TOWNSHIP:
                match = [v for v in known if wanted in (str(v.id), v.name, v.code)]
                if not match:
                    raise DatabaseError(f"服务器上没有“{wanted}”这个村。")
                wanted = str(match[0].id)
            if wanted != TOWNSHIP and bypass:
                raise DatabaseError(_EXEMPT)
        finally:
            self.engine.dispose()  # connections made from now on carry the scope
        self._scope.value = wanted
        self._exempt = bypass

    def session(self) -> Session:
        return self.sessions()

    @property
    def holds(self) -> bool:
        """Whether this window holds the register for as long as it is open."""
        return self.lock is not None and self.lock.held

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The register's lock for the length of one write (kept if already held)."""
        if self.lock is None or self.lock.held or self._writing_depth:
            self._writing_depth += 1
            try:
                yield
            finally:
                self._writing_depth -= 1
            return
        assert self.path is not None
        with RegisterLock(self.path).waiting():
            self._writing_depth += 1
            try:
                yield
            finally:
                self._writing_depth -= 1

    def _held_by_window(self) -> bool:
        """Whether a window (a lasting holder) holds the register: this one then only
        reads. Another command's write holds it for a moment and is waited for when this
        one writes; taken for a window, it had left this one read-only for good (a
        concurrent writer was refused as "只读", seen in the two-process test)."""
        assert self.path is not None
        for _ in range(50):
            probe = RegisterLock(self.path)
            try:
                probe.acquire()
            except RegisterHeld as held:
                if held.holder is not None:
                    return held.holder.lasting
                time.sleep(0.01)  # just taken: its holder's name is being written
                continue
            except DatabaseError:
                return True  # no lock file can be made (a read-only folder): only reads
            probe.release()
            return False
        return True

    def can_write(self) -> bool:
        """Whether a write would get the register's lock now (nobody else holds it)."""
        if self.lock is None or self.lock.held or self._writing_depth:
            return True
        assert self.path is not None
        probe = RegisterLock(self.path)
        try:
            probe.acquire()
        except DatabaseError:
            return False
        probe.release()
        return True

    @contextmanager
    def scratch(self) -> Iterator[Session]:
        """A transaction that is always rolled back: derived tables brought up to date
        for one reading, while someone else holds the register."""
        with self.sessions() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()

    def check_soundness(self) -> str:
        """SQLite's quick check, once per session: "" if sound, else what is wrong (a
        server keeps its own files sound: nothing to check from here). A second caller
        (the first save, while the app's start-up check runs in its thread) waits for
        the running check instead of starting another."""
        if self.path is None:
            return ""
        with self._checking:
            return self._check_soundness()

    def _check_soundness(self) -> str:
        if self._soundness is None:
            with self.engine.connect() as connection:
                rows = [r[0] for r in connection.exec_driver_sql(
                    "PRAGMA quick_check(20)").fetchall()]
            self._soundness = "" if rows == ["ok"] else "；".join(map(str, rows))
        return self._soundness

    def ensure_sound(self) -> None:
        """Refuse to write into a damaged register, naming the backup to restore."""
        try:
            problem = self.check_soundness()
        except SADatabaseError as e:
            problem = self._soundness = str(e.orig)
        if problem:
            raise damaged_register(self.path or Path(self.location), problem)

    @contextmanager
    def transaction(self, need: str = roles.CLERK, what: str = "修改登记册"
                    ) -> Iterator[Session]:
        """One write: all of it is saved, or none of it (the one way the core writes).

        Only for a signed-in operator whose role allows ``need`` (issue 18: the role is
        checked here, in the core, whatever path the write came by); the session
        carries the operator (``session.info["operator"]``) for the audit log."""
        operator = roles.require(self.operator, need, what)
        with self.writing():
            self.ensure_sound()
            try:
                with self.write_sessions() as session, session.begin():
                    session.info["operator"] = operator
                    yield session
            except DBAPIError as e:
                if is_retryable(e):  # backends.retrying runs the whole write again
                    raise Conflict(conflict_message(e)) from e
                if isinstance(e, OperationalError):
                    message = explain_refusal(e, self.path)
                    if busy(e):
                        # SQLite's own "another writer came first": the same case as a
                        # server's serialization failure, and run again the same way.
                        raise Conflict(message) from e
                    raise DatabaseError(message) from e
                if not isinstance(e, IntegrityError):
                    raise
                log.warning("a write refused by the database: %s", e.orig)
                raise DatabaseError(refused_row(e, self.township)) from e

    def close(self) -> None:
        self.closed = True
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
