"""Backups of a register, and restoring one, through SQLite's online backup API.

Never a file copy: a live register in WAL mode keeps its latest saves in the ``-wal``
file, which a copy of the ``.db`` alone misses (PLATFORM.md). Each backup is one plain
SQLite file (rollback journal, not WAL) named ``<register>-YYYYMMDD-HHMMSS-<kind>.db``
in the backup folder: the ``backup.folder`` setting, else ``<register>-备份`` beside
the register. Kinds: ``daily`` (at start, at most once a day), ``migration`` and
``import`` (before those), ``manual`` (备份到…) and ``restore`` (the file set aside
before a restore). Automatic ones are thinned out: the newest of each of the last 7
days, 4 weeks and 12 months are kept (``prune``); manual ones are never deleted.

Restoring checks the backup with ``PRAGMA integrity_check`` first, keeps the current
register aside as a backup, and writes the backup into the register through SQLite.
The caller holds the register's lock (``register_lock``). No SQLAlchemy here.

An encrypted register's backups are encrypted with the same key (issue 18), each with
a copy of the register's key file beside it (``<backup>.db.keys``), so that it restores
on its own even after the operators changed. The keys this process has unwrapped are
tried on an encrypted file (``cipher.known_keys``); a plain backup (made before the
register was encrypted) is encrypted when the register is (``encrypt_plain``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carecenter import clock
from carecenter.errors import KnownError
from carecenter.storage import cipher, key_file
from carecenter.storage.location import keep_private

DAILY, MIGRATION, IMPORT, MANUAL, RESTORE = "daily", "migration", "import", "manual", "restore"
ENCRYPT = "encrypt"
KIND_LABELS = {DAILY: "每日自动", MIGRATION: "升级前", IMPORT: "导入前", MANUAL: "手动",
               RESTORE: "恢复前的原文件", ENCRYPT: "加密前"}
AUTOMATIC = (DAILY, MIGRATION, IMPORT)
FOLDER_SETTING = "backup.folder"
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<kind>[a-z]+)\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    kind: str
    size: int
    persons: int | None  # None: the file cannot be read as a register

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def line(self) -> str:
        persons = "无法读取" if self.persons is None else f"{self.persons} 人"
        return (f"{self.path}\t{self.taken:%Y-%m-%d %H:%M:%S}\t{persons}\t"
                f"{size_text(self.size)}\t{self.kind_label}")


def size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


Error = cipher.dbapi().Error


def key_of(path: Path) -> bytes | None:
    """The key that opens ``path`` among those this process knows (None: a plain file,
    or one no known key opens: reading it then fails as "not a database")."""
    if not cipher.looks_encrypted(path):
        return None
    for key in cipher.known_keys():
        if cipher.readable(path, key):
            return key
    return None


def _read_only(path: Path, key: bytes | None = None) -> Any:
    # Read-only: a connection that cannot write cannot checkpoint, so closing it never
    # deletes a WAL another process still writes into.
    return cipher.connect(path, key if key is not None else key_of(path), read_only=True)


def default_folder(register: Path) -> Path:
    return register.with_name(register.stem + "-备份")


def folder_for(register: Path) -> Path:
    """The backup folder: the register's own setting, else beside the register."""
    if register.exists():
        try:
            connection = _read_only(register)
            try:
                row = connection.execute("SELECT value FROM setting WHERE key = ?",
                                         (FOLDER_SETTING,)).fetchone()
            finally:
                connection.close()
            if row and row[0]:
                chosen = json.loads(row[0])
                if isinstance(chosen, str) and chosen.strip():
                    return Path(chosen.strip()).expanduser()
        except (Error, ValueError):
            pass  # no setting table yet, or a damaged file: the default folder
    return default_folder(register)


def _target(register: Path, folder: Path, kind: str, moment: datetime) -> Path:
    stamp = f"{moment:%Y%m%d-%H%M%S}"
    target = folder / f"{register.stem}-{stamp}-{kind}.db"
    n = 1
    while target.exists():  # two in the same second
        n += 1
        target = folder / f"{register.stem}-{stamp}-{n}-{kind}.db"
    return target


def copy_database(source: Path, target: Path) -> None:
    """``source`` into a new file ``target`` through the backup API, fsynced, atomically."""
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    key = key_of(source)
    try:
        src = _read_only(source, key)
    except Error as e:
        raise KnownError(f"无法读取登记册 {source}:{e}") from e
    try:
        # Keyed alike: the backup is encrypted as the register is, page for page.
        dst = cipher.connect(partial, key)
        try:
            src.backup(dst)
            # A backup is one self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except Error as e:
        partial.unlink(missing_ok=True)
        raise KnownError(f"备份 {source} 失败:{e}") from e
    finally:
        src.close()
    with open(partial, "rb+") as written:
        os.fsync(written.fileno())
    if key is not None:
        _copy_keys(source, target)
    os.replace(partial, target)


def _copy_keys(source: Path, target: Path) -> None:
    """The register's key file beside its backup (before the backup is in place)."""
    found = key_file.key_path(source)
    if found.exists():
        copied = key_file.key_path(target)
        partial = copied.with_name(copied.name + ".part")  # a kill never leaves half a key
        shutil.copyfile(found, partial)
        keep_private(partial)
        cipher.sync(partial)
        os.replace(partial, copied)


def take(register: Path, folder: Path | None = None, kind: str = MANUAL) -> Path:
    """Back the register up into ``folder`` (the setting's by default); the new file."""
    if not register.exists():
        raise KnownError(f"登记册文件 {register} 不存在,无法备份")
    folder = folder or folder_for(register)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KnownError(f"无法建立备份文件夹 {folder}({e.strerror})") from e
    target = _target(register, folder, kind, clock.now())
    try:
        copy_database(register, target)
    except OSError as e:
        raise KnownError(f"无法写入备份文件夹 {folder}({e.strerror})") from e
    keep_private(target)
    if kind in AUTOMATIC:
        prune(folder, register)
    return target


def persons_in(path: Path) -> int | None:
    try:
        connection = _read_only(path)
        try:
            return int(connection.execute("SELECT count(*) FROM person").fetchone()[0])
        finally:
            connection.close()
    except Error:
        return None


def _parse(path: Path) -> tuple[str, datetime, str] | None:
    m = _NAME.match(path.name)
    if m is None:
        return None
    try:
        taken = datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return m["stem"], taken, m["kind"]


def _files(folder: Path, register: Path) -> list[tuple[Path, datetime, str]]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = _parse(path)
        if parsed and parsed[0] == register.stem and path.is_file():
            found.append((path, parsed[1], parsed[2]))
    found.sort(key=lambda f: (f[1], f[0].name), reverse=True)
    return found


def listing(register: Path, folder: Path | None = None) -> list[Backup]:
    """The register's backups in the folder, newest first, with size and persons."""
    return [Backup(path, taken, kind, path.stat().st_size, persons_in(path))
            for path, taken, kind in _files(folder or folder_for(register), register)]


def taken_today(register: Path, folder: Path | None = None) -> bool:
    today = clock.today()
    return any(taken.date() == today
               for _p, taken, kind in _files(folder or folder_for(register), register)
               if kind in AUTOMATIC)


def daily(register: Path) -> Path | None:
    """The start-up backup: at most one a day (any automatic one today counts)."""
    if not register.exists() or taken_today(register):
        return None
    return take(register, kind=DAILY)


def to_keep(moments: Iterable[datetime], today: date) -> set[datetime]:
    """Of automatic backups taken at these moments, the ones rotation keeps."""
    newest: dict[tuple[str, object], datetime] = {}
    for moment in sorted(moments, reverse=True):
        day = moment.date()
        for key in (("day", day), ("week", day.isocalendar()[:2]),
                    ("month", (day.year, day.month))):
            newest.setdefault(key, moment)
    kept: set[datetime] = set()
    days = sorted((k for k in newest if k[0] == "day"), key=lambda k: newest[k], reverse=True)
    weeks = sorted((k for k in newest if k[0] == "week"), key=lambda k: newest[k],
                   reverse=True)
    months = sorted((k for k in newest if k[0] == "month"), key=lambda k: newest[k],
                    reverse=True)
    for keys, count in ((days, KEEP_DAYS), (weeks, KEEP_WEEKS), (months, KEEP_MONTHS)):
        kept.update(newest[k] for k in keys[:count])
    # Whatever was taken today stays: a backup before an import is the way back from it.
    kept.update(m for m in newest.values() if m.date() >= today)
    return kept


def prune(folder: Path, register: Path) -> list[Path]:
    """Delete the automatic backups rotation no longer keeps; the ones deleted."""
    automatic = [(p, t) for p, t, kind in _files(folder, register) if kind in AUTOMATIC]
    keep = to_keep((t for _p, t in automatic), clock.today())
    seen: set[datetime] = set()
    removed = []
    for path, taken in automatic:  # newest first: of two in one second, the first stays
        if taken in keep and taken not in seen:
            seen.add(taken)
            continue
        if taken.date() == clock.today():
            continue
        path.unlink(missing_ok=True)
        key_file.key_path(path).unlink(missing_ok=True)
        removed.append(path)
    return removed


def verify(backup: Path) -> int:
    """Check a backup before it is restored; the number of persons it holds."""
    if not backup.is_file():
        raise KnownError(f"备份文件 {backup} 不存在")
    try:
        connection = _read_only(backup)
        try:
            result = [r[0] for r in connection.execute("PRAGMA integrity_check(20)")]
            if result != ["ok"]:
                raise KnownError(f"备份文件 {backup} 未通过完整性检查,不能用来恢复:"
                                 f"{'；'.join(map(str, result))[:200]}")
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            persons = connection.execute("SELECT count(*) FROM person").fetchone()[0]
        finally:
            connection.close()
    except Error as e:
        if "not a database" in str(e) and key_file.encrypted(backup):
            raise KnownError(
                f"备份 {backup} 已加密,而它的钥匙不是这个登记册的(是另一个登记册的备份?)。"
                "请用建立它的登记册的操作员登录后恢复。") from e
        if "malformed" in str(e) or "corrupt" in str(e):
            raise KnownError(f"备份文件 {backup} 已损坏,未通过完整性检查,不能用来恢复({e})") from e
        raise KnownError(f"{backup} 不是本程序的登记册备份,不能用来恢复({e})") from e
    if version is None:
        raise KnownError(f"{backup} 不是本程序的登记册备份,不能用来恢复")
    return int(persons)


def newest_sound(register: Path) -> Backup | None:
    """The newest backup that passes the integrity check, if any."""
    for found in listing(register):
        try:
            verify(found.path)
        except KnownError:
            continue
        return found
    return None


@dataclass(frozen=True)
class Restored:
    persons: int
    set_aside: Path  # the register as it was before, kept


def restore(backup: Path, register: Path, damaged: bool = False) -> Restored:
    """Replace the register's content by the backup's; the caller holds the lock and has
    closed its own connections. The current register is kept aside first.

    A backup keyed as the register is (or both plain) is written into it through the
    backup API. Otherwise (a plain backup into an encrypted register, or an encrypted
    backup into a plain one) the backup is exported into a new file with the register's
    key (else the backup's, whose key file comes along) and renamed over the register.
    ``damaged``: the register cannot be opened (``access.rescue``); its files, key file
    too, are copied aside whole and the backup comes in with its own key file."""
    persons = verify(backup)
    folder = folder_for(register)
    aside, whole = _set_aside(register, folder, whole=damaged)
    source_key = key_of(backup)
    try:
        if whole:
            _replace_whole(backup, source_key, register)
            return Restored(persons, aside)
        target_key = key_of(register)
        if source_key == target_key:
            target = cipher.connect(register, target_key)
            try:
                source = _read_only(backup, source_key)
                try:
                    source.backup(target)  # one write transaction: all of it or none
                finally:
                    source.close()
                target.execute("PRAGMA journal_mode=WAL")
            finally:
                target.close()
        else:
            _replace_from(backup, source_key, register, target_key)
    except Error as e:
        raise KnownError(f"恢复失败:{e}。原登记册已另存为 {aside}。") from e
    return Restored(persons, aside)


def _replace_from(backup: Path, source_key: bytes | None, register: Path,
                  target_key: bytes | None) -> None:
    partial = _exported_beside(backup, source_key, register,
                               target_key if target_key is not None else source_key)
    if register.exists():
        # The register's last saves into its own file: its WAL must not outlive it.
        old = cipher.connect(register, target_key)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            old.close()
    copied_keys = target_key is None and source_key is not None
    if copied_keys:
        _copy_keys(backup, register)  # the backup's key file, before its data
    _put_in_place(partial, register, undo_keys=copied_keys)


def _replace_whole(backup: Path, source_key: bytes | None, register: Path) -> None:
    """The backup, with its own key file, in place of a register that cannot be opened
    (or is missing) and whose files are kept aside whole. Built beside it and renamed over
    it: a kill at any moment leaves the old files (still refused, the rescue can run
    again) or the backup, never a mix."""
    partial = _exported_beside(backup, source_key, register, source_key)
    # Copied aside already. A WAL left beside the new file would be replayed onto it.
    for stale in (Path(f"{register}-wal"), Path(f"{register}-shm")):
        stale.unlink(missing_ok=True)
    if source_key is not None:
        _copy_keys(backup, register)
    else:
        key_file.key_path(register).unlink(missing_ok=True)
    _put_in_place(partial, register, undo_keys=False)


def _exported_beside(backup: Path, source_key: bytes | None, register: Path,
                     key: bytes | None) -> Path:
    """The backup written, keyed with ``key``, into a new file beside the register: not
    yet in its place (``_put_in_place``)."""
    partial = register.with_name(register.name + ".restoring")
    source = cipher.connect(backup, source_key)
    try:
        cipher.export(source, partial, key)
    finally:
        source.close()
    return partial


def _put_in_place(partial: Path, register: Path, undo_keys: bool) -> None:
    try:
        os.replace(partial, register)
    except OSError as error:
        # On Windows the rename fails while another program holds the register open:
        # the register stays as it was, without the key file that belonged to the backup.
        partial.unlink(missing_ok=True)
        if undo_keys:
            key_file.key_path(register).unlink(missing_ok=True)
        if isinstance(error, PermissionError):
            raise KnownError(f"登记册文件 {register.name} 正被其他程序使用,无法恢复。请关闭正在"
                             "使用该文件的程序后重试。登记册未改变。") from error
        raise KnownError(f"恢复失败:替换登记册文件 {register.name} 时出错"
                         f"({error.strerror or error})。请检查磁盘空间和文件夹的权限后重试。"
                         "登记册未改变。") from error
    cipher.sync(register)
    for stale in (Path(f"{register}-wal"), Path(f"{register}-shm")):
        stale.unlink(missing_ok=True)
    keep_private(register)


def encrypt_plain(register: Path, key: bytes) -> list[Path]:
    """Encrypt, with the register's key, the plain backups of this register in its
    backup folder (made before it was encrypted), each with a copy of the key file; the
    ones done. Each one is exported to a new file and renamed over the plain one."""
    done = []
    for path, _taken, _kind in _files(folder_for(register), register):
        if cipher.looks_encrypted(path):
            continue
        partial = path.with_name(path.name + ".encrypting")
        try:
            source = cipher.connect(path, None)
            try:
                cipher.export(source, partial, key)
            finally:
                source.close()
            _copy_keys(register, path)
            os.replace(partial, path)
            keep_private(path)
        except (Error, OSError):
            partial.unlink(missing_ok=True)
            continue  # a damaged backup stays as it is; the listing says it is unreadable
        done.append(path)
    return done


def _set_aside(register: Path, folder: Path, whole: bool = False) -> tuple[Path, bool]:
    """Keep the current register as a backup; the copy, and whether the register must be
    replaced whole (``whole``, a register too damaged to read through SQLite, or none).
    Its files are copied as they are, never moved: until the backup is renamed over it,
    the register stays where it was."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KnownError(f"无法建立备份文件夹 {folder}({e.strerror}),未恢复") from e
    if not register.exists():
        return register, True
    target = _target(register, folder, RESTORE, clock.now())
    if not whole:
        try:
            copy_database(register, target)
            return target, False
        except KnownError:
            pass  # too damaged to read through SQLite: keep its files as they are
    try:
        for suffix in ("", "-wal", "-shm", key_file.KEY_SUFFIX):
            part = register.with_name(register.name + suffix)
            if part.exists():
                copied = target.with_name(target.name + suffix)
                shutil.copyfile(part, copied)
                keep_private(copied)
                cipher.sync(copied)
    except OSError as e:
        raise KnownError(f"无法把原登记册另存到备份文件夹 {folder}({e.strerror}),"
                         "未恢复,登记册未改变。") from e
    return target, True
