"""CI smoke of what a clerk installs (issue 19): the frozen bundle and the wheel.

    .venv/bin/python scripts/smoke_bundle.py [--rebuild] [--skip-wheel]

1. Freezes ``carecenter.spec`` with PyInstaller, unless ``.build-cache/`` already holds
   a bundle built from the same sources, spec and installed packages (the key is a hash
   of them), so an unchanged tree costs seconds, not minutes.
2. Starts the windowed program offscreen on a new register and on the release fixture
   ``tests/data/register-0.1.0.db``: each must be created or migrated to the current
   schema, the window shown, Qt's Chinese loaded, and the program must end cleanly.
3. Lets the bundled command line print a care card, and checks that its fonts are
   embedded and the name and ID number are in it.
4. Builds the wheel (``pip wheel .``) and prints a card from it alone, outside the
   repository: the resources travel inside the package.

Everything runs in a temporary HOME, so the machine's own data and log are not touched.
Exit code 0 when all hold; each step prints what it saw and how long it took.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carecenter import __version__  # noqa: E402
from carecenter.storage.location import SCHEMA_HEAD  # noqa: E402

CACHE = ROOT / ".build-cache"
BUNDLE = CACHE / "carecenter"
STAMP = CACHE / "carecenter.key"
FIXTURE = ROOT / "tests" / "data" / "register-0.1.0.db"
EXE = ".exe" if os.name == "nt" else ""
# What the bundle is made of: a change to any of these rebuilds it.
SOURCES = ("carecenter", "ui", "main.py", "carecenter.spec", "pyproject.toml",
           "requirements/build.lock")


def say(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


def build_key() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    digest.update(freeze.encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def build(rebuild: bool) -> None:
    key = build_key()
    if not rebuild and STAMP.exists() and STAMP.read_text().strip() == key \
            and (BUNDLE / f"carecenter{EXE}").exists():
        say(f"冻结包未变,使用缓存 (bundle unchanged, cached in {BUNDLE})")
        return
    started = time.monotonic()
    say("PyInstaller 冻结中 (freezing carecenter.spec)…")
    shutil.rmtree(BUNDLE, ignore_errors=True)
    STAMP.unlink(missing_ok=True)
    work = CACHE / "work"
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                    "--distpath", str(CACHE), "--workpath", str(work),
                    str(ROOT / "carecenter.spec")], cwd=ROOT, check=True)
    STAMP.write_text(key + "\n")
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*")
               if p.is_file() and not p.is_symlink())
    say(f"冻结完成 (built) in {time.monotonic() - started:.0f} s, {size / 1e6:.0f} MB")


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "CARECENTER_", "PYTHON"))}
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData"),
               LOCALAPPDATA=str(home / "AppData" / "Local"), QT_QPA_PLATFORM="offscreen")
    return env


def schema_and_people(db: Path) -> tuple[str, int]:
    with sqlite3.connect(db) as raw:
        version = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        people = raw.execute("SELECT count(*) FROM person").fetchone()[0]
    raw.close()
    return str(version), int(people)


def start_window(home: Path, db: Path | None, bundle: Path) -> Path:
    """Start the windowed program on ``db`` (None: the first start of a new install, which
    makes the register in the data folder) until it says it is ready; the register."""
    started = time.monotonic()
    named = ["--db", str(db)] if db is not None else []
    result = subprocess.run([str(bundle / f"carecenter{EXE}"), *named, "--quit-when-ready"],
                            env=clean_env(home), capture_output=True, text=True,
                            encoding="utf-8", errors="replace", timeout=180, check=False)
    text = ""
    for log in home.rglob("carecenter.log"):
        text += log.read_text(encoding="utf-8")
        log.unlink()  # the next start writes its own
    assert result.returncode == 0, f"exit code {result.returncode}: {result.stderr[-2000:]}"
    if db is None:
        [db] = home.rglob("carecenter.db")  # the data folder's, the only one yet
    assert f"留守关爱 {__version__} 启动;数据库 {db}" in text, text
    assert "就绪:窗口已显示,数据库已打开" in text, text
    assert "qtbase_zh_CN.qm" in text, "Qt's Chinese is not in the bundle"
    assert "Traceback" not in text + result.stderr, text + result.stderr
    say(f"窗口已显示并正常退出 (window shown, clean exit) on {db} "
        f"in {time.monotonic() - started:.1f} s")
    return db


def smoke_bundle(home: Path, bundle: Path) -> None:
    new = start_window(home, None, bundle)
    assert schema_and_people(new) == (SCHEMA_HEAD, 0), schema_and_people(new)
    old = home / "register-0.1.0.db"
    shutil.copy(FIXTURE, old)
    _, before = schema_and_people(old)
    start_window(home, old, bundle)
    version, after = schema_and_people(old)
    assert (version, after) == (SCHEMA_HEAD, before), (version, after, before)
    say(f"发布版数据库已升级到 {version},{after} 人完好 (release register migrated, intact)")
    print_card(home, [str(bundle / f"carecenter-cli{EXE}")], old, clean_env(home))
    check_address_codes(home, [str(bundle / f"carecenter-cli{EXE}")], clean_env(home))


def check_address_codes(home: Path, command: list[str], env: dict[str, str]) -> None:
    """The history of address codes (resources/gbt2260) is read in the bundle: an
    abolished county's code is named, a code never used is refused."""
    def run(number: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, "id", number], env=env, cwd=home,
                              capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=120, check=False)

    former = run("430521195003120027")  # 邵东县 until 2018
    assert former.returncode == 0 and "邵东县" in former.stdout, former.stdout + former.stderr
    never = run("439999195003120027")
    assert never.returncode != 0 and "从未用作" in never.stderr, never.stdout + never.stderr
    say("地址码历史表可用 (address-code history read in the bundle)")


def print_card(home: Path, command: list[str], db: Path, env: dict[str, str]) -> None:
    with sqlite3.connect(db) as raw:
        person, name, id_number = raw.execute(
            "SELECT id, name, id_number FROM person ORDER BY id LIMIT 1").fetchone()
    raw.close()
    out = home / f"card-{len(command)}.pdf"
    # No path writes or prints anonymously (issue 18): the release register has no
    # operator yet, so the first command makes its administrator from these, and the
    # register is encrypted from then on.
    env = {**env, "CARECENTER_OPERATOR": "冒烟测试管理员",
           "CARECENTER_PASSWORD": "smoke-Test-2026"}
    result = subprocess.run([*command, "print", "card", "--person", str(person), "--db",
                             str(db), "--out", str(out)], env=env, cwd=home,
                            capture_output=True, text=True, encoding="utf-8",
                            errors="replace", timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    raw = sqlite3.connect(db)
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        assert "file is not a database" in str(e), e
    else:
        raise AssertionError(f"{db} is still readable without a password")
    finally:
        raw.close()
    pdf = out.read_bytes()
    assert b"/FontFile2" in pdf, "the card's font is not embedded"
    try:
        from tests.pdfcheck import text_of, unembedded_fonts
    except ImportError:  # the Windows build environment has no pypdf: the check above
        pass
    else:
        assert unembedded_fonts(pdf) == [], unembedded_fonts(pdf)
        text = text_of(pdf)
        assert name in text and id_number in text, text
    say(f"关爱服务卡已打印,字体已嵌入 (care card printed, fonts embedded): {name}, "
        f"{len(pdf) // 1024} KB")


def _base_python() -> str:
    """The Python the development venv was made from (a venv inside a venv would see it)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def smoke_wheel(home: Path) -> None:
    """The wheel alone (not the repository), installed into a clean venv, prints a card."""
    started = time.monotonic()
    wheels = home / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, env={**os.environ,
                                                  "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    # setuptools builds in the tree: its leftovers, not a maintainer's build/pyinstaller.
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)
    for leftover in (ROOT / "build").glob("bdist.*"):
        shutil.rmtree(leftover, ignore_errors=True)
    [wheel] = wheels.glob("carecenter-*.whl")
    assert wheel.name.startswith(f"carecenter-{__version__}-"), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for needed in ("carecenter/resources/fonts/ARPLUMingCN-GB.ttf",
                   "carecenter/resources/templates/agreement.toml",
                   "carecenter/resources/icons/carecenter.ico",
                   "carecenter/resources/gbt2260/address_codes.tsv",
                   "carecenter/storage/migrations/env.py"):
        assert needed in names, f"{needed} is not in {wheel.name}"
    # Installed into a clean venv of its own, its dependencies resolved by pip from the
    # wheel's metadata as a maintainer's would be: nothing of the repository or of the
    # development venv can stand in for a file the wheel lacks.
    venv = home / "venv"
    subprocess.run([_base_python(), "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
                   stderr=subprocess.DEVNULL)
    db = home / "wheel.db"
    shutil.copy(FIXTURE, db)
    env = clean_env(home)
    check = subprocess.run([str(python), "-I", "-c",
                            "import carecenter; print(carecenter.__file__)"], env=env,
                           cwd=home, capture_output=True, text=True, check=True)
    assert check.stdout.strip().startswith(str(venv)), check.stdout
    print_card(home, [str(python), "-m", "carecenter"], db, env)
    say(f"轮子包自身可打印 (the wheel alone prints) in {time.monotonic() - started:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached bundle")
    parser.add_argument("--skip-wheel", action="store_true")
    parser.add_argument("--bundle", type=Path,
                        help="test this bundle (e.g. dist/carecenter) instead of building one")
    args = parser.parse_args()
    started = time.monotonic()
    if args.bundle is None:
        build(args.rebuild)
    with tempfile.TemporaryDirectory(prefix="carecenter-smoke-") as folder:
        home = Path(folder)
        smoke_bundle(home, (args.bundle or BUNDLE).resolve())
        if not args.skip_wheel:
            smoke_wheel(home)
    say(f"全部通过 (all held) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
