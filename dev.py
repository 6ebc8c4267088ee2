"""开发助手：两条命令 (developer helper: the README's two commands).

    python3 dev.py app  [ARGS...]         准备环境并启动程序 (set up, then start the app)
    python3 dev.py test [PYTEST ARGS...]  准备环境并运行检查 (set up, then ruff, mypy, pytest;
                                          with no arguments the main pass runs under faketime
                                          on a year's last minute, and beside it the suite on
                                          a leap day, the PostgreSQL pass and the smoke test
                                          of the frozen bundle)
    python3 dev.py bench [ARGS...]        性能基准 (the benchmark: python -m bench ARGS)

Setup creates ``.venv`` in the repository and runs ``pip install -e .[test,build]`` only when
pyproject.toml changed since the last install (a hash is stamped inside ``.venv``).
Standard library only; runs on Debian and on Windows with Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "carecenter-pyproject.sha256"
WINDOWS = os.name == "nt"
# Offscreen Qt, CJK fonts and pdftoppm on a bare Debian (see shared PLATFORM.md).
DEBIAN_PACKAGES = [
    "libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libfreetype6",
    "libglib2.0-0", "libdbus-1-3", "libx11-6", "fonts-wqy-microhei", "poppler-utils",
    "faketime", "postgresql",
    "binutils",  # PyInstaller reads the libraries' dependencies with objdump (bundle smoke)
]
# The whole suite runs again with the machine's clock moved to these moments (just before
# a year ends, a leap day), so that nothing in it depends on the day it runs (issue 13).
FAR_DAYS = ("2031-12-31 23:59:30", "2028-02-29 12:00:00")
# No pass of the last step may take longer than this (a hang must not hold CI).
PASS_LIMIT = 720
# The storage, scoping, concurrency and export tests run again against a PostgreSQL
# server (issue 22): a throwaway cluster of its own on loopback, never the machine's
# `main` one, without fsync (its data is thrown away; creating a database per test
# costs a few ms instead of ~1 s). CARECENTER_TEST_POSTGRES set by hand wins.
PG_ENV = "CARECENTER_TEST_POSTGRES"
PG_CLUSTER, PG_PORT, PG_ROLE = "carecenter_ci", 5439, "carecenter_ci"
# An account exempt from row-level security (BYPASSRLS), a member of PG_ROLE so that it
# reaches the tests' databases: the tests check the program refuses to narrow such an
# account to one village (tests/pg_server.py: ``exempt_url``).
PG_EXEMPT_ROLE = "carecenter_ci_bypass"


def say(message: str) -> None:
    """Print a message at once, so it stays in order with child processes' output."""
    print(f"[dev] {message}", flush=True)


def run(cmd: list[str | Path], env: dict[str, str] | None = None) -> int:
    """Run a command from the repository root and return its exit code."""
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env, check=False).returncode


def venv_exe(name: str) -> Path:
    """Path of an executable inside .venv (bin/ on Linux, Scripts\\*.exe on Windows)."""
    return VENV / "Scripts" / f"{name}.exe" if WINDOWS else VENV / "bin" / name


def is_root_with_apt() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and bool(shutil.which("apt-get"))


def apt_install(packages: list[str]) -> int:
    """apt-get update, then install the packages without recommends."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    code = run(["apt-get", "update"], env=env)
    if code == 0:
        code = run(["apt-get", "install", "-y", "--no-install-recommends", *packages], env=env)
    return code


def ensure_venv() -> int:
    """Create .venv when it has no working pip; install python3-venv on Debian if needed."""
    if venv_exe("python").exists() and venv_exe("pip").exists():
        return 0
    say(f"创建虚拟环境 (creating virtual environment) {VENV}")
    if run([sys.executable, "-m", "venv", VENV]) == 0:
        return 0
    if not is_root_with_apt():
        say("创建 .venv 失败；Debian 上请先安装 python3-venv "
            "(venv failed; on Debian run: sudo apt-get install python3-venv)")
        return 1
    say("安装 python3-venv 后重试 (installing python3-venv, then retrying)")
    code = apt_install(["python3-venv"])
    return code if code != 0 else run([sys.executable, "-m", "venv", VENV])


def ensure_install() -> int:
    """pip install -e .[test] when pyproject.toml changed since the stamped install."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text(encoding="ascii").strip() == digest:
        say("依赖已是最新 (dependencies up to date, pyproject.toml unchanged)")
        return 0
    say("安装项目及依赖 (pip install -e .[test,build])")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    code = run([venv_exe("python"), "-m", "pip", "install", "-e", ".[test,build]"], env=env)
    if code == 0:
        STAMP.write_text(digest + "\n", encoding="ascii")
    return code


def setup() -> int:
    code = ensure_venv()
    return code if code != 0 else ensure_install()


def is_installed(package: str) -> bool:
    """True when dpkg reports the package (or its Debian 13 't64' rename) installed."""
    for name in (package, package + "t64"):
        result = subprocess.run(["dpkg", "-s", name], capture_output=True, text=True, check=False)
        if result.returncode == 0 and "Status: install ok installed" in result.stdout:
            return True
    return False


def ensure_system_packages() -> int:
    """On Debian, install the libraries offscreen Qt and CJK fonts need, if any is missing."""
    if not sys.platform.startswith("linux") or not shutil.which("dpkg"):
        return 0
    missing = [p for p in DEBIAN_PACKAGES if not is_installed(p)]
    if not missing:
        return 0
    command = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if not is_root_with_apt():
        say("缺少系统软件包，Qt 界面测试或中文字体可能失败，请运行 "
            "(missing system packages; Qt tests or Chinese fonts may fail, please run):")
        say(f"    sudo {command}")
        return 0
    say(f"安装系统软件包 (installing system packages): {' '.join(missing)}")
    return apt_install(missing)


def start_postgres() -> str | None:
    """A URL to a running PostgreSQL server the tests may use, or None (said why)."""
    if os.environ.get(PG_ENV):
        return os.environ[PG_ENV]
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                      key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not sys.platform.startswith("linux") or not versions or not shutil.which("pg_ctlcluster"):
        say("没有 PostgreSQL，服务器上的测试跳过 (no PostgreSQL here: the server tests are "
            f"skipped; set {PG_ENV} to a server URL to run them)")
        return None
    if os.geteuid() != 0:
        say("非 root 无法启动测试用的 PostgreSQL，服务器上的测试跳过 (not root: the server "
            f"tests are skipped; set {PG_ENV} to a server URL to run them)")
        return None
    version = versions[-1].parts[-3]
    if not Path(f"/etc/postgresql/{version}/{PG_CLUSTER}").is_dir():
        say(f"建立测试用 PostgreSQL {version} 集群 (creating a throwaway cluster) {PG_CLUSTER}")
        code = subprocess.run(
            ["pg_createcluster", version, PG_CLUSTER, "-p", str(PG_PORT),
             "-o", "fsync=off", "-o", "synchronous_commit=off", "-o", "full_page_writes=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False).returncode
        if code != 0:
            say("建立 PostgreSQL 集群失败，服务器上的测试跳过 (pg_createcluster failed)")
            return None
    subprocess.run(["pg_ctlcluster", version, PG_CLUSTER, "start"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False)
    psql = ["runuser", "-u", "postgres", "--", "psql", "-p", str(PG_PORT), "-Atqc"]
    found = subprocess.run([*psql, f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_ROLE}'"],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        say("PostgreSQL 未能启动，服务器上的测试跳过 (the cluster did not start): "
            + found.stderr.strip())
        return None
    if found.stdout.strip() != "1":
        subprocess.run([*psql, f"CREATE ROLE {PG_ROLE} LOGIN CREATEDB PASSWORD '{PG_ROLE}'"],
                       check=False)
    exempt = subprocess.run([*psql, f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_EXEMPT_ROLE}'"],
                            capture_output=True, text=True, check=False)
    if exempt.returncode == 0 and exempt.stdout.strip() != "1":
        subprocess.run([*psql, f"CREATE ROLE {PG_EXEMPT_ROLE} LOGIN BYPASSRLS "
                               f"PASSWORD '{PG_EXEMPT_ROLE}' IN ROLE {PG_ROLE}"], check=False)
    return f"postgresql+psycopg://{PG_ROLE}:{PG_ROLE}@127.0.0.1:{PG_PORT}/postgres"


def cmd_app(args: list[str]) -> int:
    code = setup()
    if code != 0:
        return code
    say("启动程序 (starting the app)")
    return run([venv_exe("python"), "main.py", *args])


def cmd_test(args: list[str]) -> int:
    started = time.monotonic()
    code = setup()
    if code == 0:
        code = ensure_system_packages()
    if code != 0:
        return code
    say(f"准备完毕 (set up in {time.monotonic() - started:.0f} s)")
    server = start_postgres()
    test_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if server:
        test_env[PG_ENV] = server  # the tests that need a server run in the main pass too
    faketime = shutil.which("faketime")
    pytest: list[str | Path] = [venv_exe("python"), "-m", "pytest", *args]
    title = "pytest (QT_QPA_PLATFORM=offscreen)"
    if faketime and not args:
        # The whole suite's main pass runs with the clock at a year's last minute: the
        # suite keeps its own time (issue 13), so the machine's day changes nothing, and
        # one pass proves it instead of a pass more.
        pytest = [faketime, FAR_DAYS[0], *pytest]
        title = f"pytest (QT_QPA_PLATFORM=offscreen, faketime {FAR_DAYS[0]})"
    steps: list[tuple[str, list[str | Path], dict[str, str] | None]] = [
        ("ruff check .", [venv_exe("ruff"), "check", "."], None),
        ("mypy carecenter ui", [venv_exe("mypy"), "carecenter", "ui"], None),
        (title, pytest, test_env),
    ]
    smoke = None
    passes: list[tuple[str, subprocess.Popen[str]]] = []
    for number, (title, cmd, env) in enumerate(steps, start=1):
        print(f"\n===== [{number}/{len(steps) + 1}] {title} "
              f"({time.monotonic() - started:.0f} s) =====", flush=True)
        if title.startswith("pytest") and not args:
            # The bundle's smoke, the leap-day pass and the server pass start beside the
            # main pass, niced: they are independent, and side by side on two cores CI
            # waits for the longest only (all in one row took over 12 minutes).
            smoke = start_bundle_smoke()
            passes = start_other_passes(server, faketime)
        code = run(cmd, env=env)
        if title.startswith("pytest") and code == 5:
            say("没有收集到任何测试，视为失败 (no tests collected: counted as a failure)")
            code = 1
        if code != 0:
            say(f"失败，退出码 {code} (step failed with exit code {code}): {title}")
            for _, process in passes:
                process.kill()
                process.wait()
            if smoke is not None:
                smoke[0].kill()
                finish_bundle_smoke(smoke)
            return code
    if smoke is not None:
        print(f"\n===== [4/4] pytest under faketime {' / '.join(FAR_DAYS[1:])}"
              f"{', and on PostgreSQL' if server else ''} "
              f"({time.monotonic() - started:.0f} s) =====", flush=True)
        code = finish_other_passes(passes)
        smoke_code = finish_bundle_smoke(smoke)
        if code != 0 or smoke_code != 0:
            return code or smoke_code
    say(f"全部通过 (all checks passed in {time.monotonic() - started:.0f} s)")
    return 0


def start_bundle_smoke() -> tuple[subprocess.Popen[str], Path]:
    """scripts/smoke_bundle.py in the background (frozen with PyInstaller, cached in
    .build-cache/ by a hash of the sources and packages; started on a new register and
    the release fixture; a card printed by the bundle and by the wheel). Its output goes
    to a file, so a long log can never fill a pipe and stop it."""
    # Niced: the test passes keep the CPU they had before and their timeouts hold.
    nice = ["nice", "-n", "10"] if shutil.which("nice") else []
    log = Path(tempfile.mkstemp(prefix="carecenter-smoke-", suffix=".log")[1])
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [*nice, str(venv_exe("python")), "scripts/smoke_bundle.py"], cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, stdout=out,
            stderr=subprocess.STDOUT, text=True)
    return process, log


def finish_bundle_smoke(smoke: tuple[subprocess.Popen[str], Path]) -> int:
    process, log = smoke
    try:
        process.wait(timeout=PASS_LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    log.unlink(missing_ok=True)
    print("\n===== 冻结程序冒烟测试 (smoke test of the frozen bundle) =====", flush=True)
    lines = output.rstrip().splitlines()
    shown = lines if process.returncode != 0 else [ln for ln in lines if ln.startswith("[smoke]")]
    print("\n".join(shown), flush=True)
    if process.returncode != 0:
        say("冻结程序冒烟测试失败 (the frozen bundle's smoke test fails)")
    return process.returncode


def start_other_passes(server: str | None, faketime: str | None
                       ) -> list[tuple[str, subprocess.Popen[str]]]:
    """The suite again under faketime on the other FAR_DAYS, and the server pass (the tests
    marked ``backends`` on PostgreSQL), in the background, niced, each writing to a file;
    each skipped, saying so, without its tool."""
    nice = ["nice", "-n", "5"] if shutil.which("nice") else []
    quick = [*nice, str(venv_exe("python")), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    runs: list[tuple[str, list[str], dict[str, str]]] = []
    if faketime:
        # Not FAKETIME_DONT_FAKE_MONOTONIC: with it, libfaketime 0.9.10 makes every
        # time.sleep() fail with EINVAL (Python sleeps on an absolute monotonic deadline).
        # Without it a timed wait (threading.Timer, Event.wait(t)) never ends: the tests
        # sleep instead, and pytest-timeout turns any hang into a failure with its stack.
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        env.pop("FAKETIME_DONT_FAKE_MONOTONIC", None)
        runs += [(day, [*nice, faketime, day, *quick[len(nice):]], env)
                 for day in FAR_DAYS[1:]]
    else:
        say("没有 faketime，跳过换日期运行 (faketime missing: the far-day runs are skipped)")
    if server:
        runs.append(("PostgreSQL", [*quick, "-m", "backends"],
                     {**os.environ, "QT_QPA_PLATFORM": "offscreen", PG_ENV: server,
                      "CARECENTER_TEST_BACKEND": "postgresql"}))
    else:
        say("没有 PostgreSQL 服务器，跳过服务器上的测试 "
            "(no server: the PostgreSQL pass is skipped)")
    started = []
    for day, cmd, env in runs:
        log = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115 - read and closed in finish_other_passes
        started.append((day, subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, text=True)))
        LOGS[day] = log
    return started


LOGS: dict[str, IO[str]] = {}


def finish_other_passes(passes: list[tuple[str, subprocess.Popen[str]]]) -> int:
    """Wait for each background pass (PASS_LIMIT seconds at most: a hang is reported,
    never waited out) and print its last line, or all of it when it failed."""
    worst = 0
    began = time.monotonic()
    for day, process in passes:
        killed = False
        try:
            process.wait(timeout=max(1.0, PASS_LIMIT - (time.monotonic() - began)))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            killed = True
        log = LOGS.pop(day)
        log.seek(0)
        output = log.read()
        log.close()
        if killed:
            output += f"\n[dev] 超过 {PASS_LIMIT} 秒仍未结束，已终止 (killed after {PASS_LIMIT} s)"
        lines = output.rstrip().splitlines()
        print(f"--- {day}: {lines[-1] if lines else ''}", flush=True)
        if process.returncode != 0 or killed:
            print(output, flush=True)
            say(f"在 {day} 运行失败 (the suite fails on {day})")
            worst = worst or process.returncode or 124
    return worst


def cmd_bench(args: list[str]) -> int:
    code = setup()
    if code == 0:
        code = ensure_system_packages()
    if code != 0:
        return code
    say("性能基准 (benchmark): python -m bench " + " ".join(args))
    return run([venv_exe("python"), "-m", "bench", *args],
               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def main(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # a Windows code page must not crash on 中文
            stream.reconfigure(errors="backslashreplace")
    if sys.version_info < (3, 11):  # noqa: UP036 - Debian 11 ships 3.9
        say("需要 Python 3.11 或更高版本 (Python 3.11+ required)")
        return 1
    commands = {"app": cmd_app, "test": cmd_test, "bench": cmd_bench}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
