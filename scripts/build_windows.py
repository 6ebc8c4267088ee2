"""Build the Windows setup file: 留守关爱-安装程序-<version>.exe (README "Windows 安装包").

    py -3.11 scripts\\build_windows.py            the bundle, its smoke test, the installer
    py -3.11 scripts\\build_windows.py --bundle-only   (any platform: dist/carecenter/)

1. A fresh build environment ``.venv-build`` with exactly the packages of
   ``requirements/build.lock`` (``pip install --require-hashes``): next month's build is
   this month's build.
2. PyInstaller freezes ``carecenter.spec`` into ``dist/carecenter/`` (``carecenter.exe``
   windowed, ``carecenter-cli.exe`` for the console, one shared ``_internal``).
3. ``scripts/smoke_bundle.py`` starts the bundle on a new register and on the release
   fixture and prints a care card with it.
4. Inno Setup 6 (``ISCC.exe``) compiles ``installer.iss`` with the version of
   ``carecenter/__init__.py``, after putting Inno's Simplified Chinese messages (an
   unofficial translation, pinned below) at ``installer/ChineseSimplified.isl``.

Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-build"
LOCK = ROOT / "requirements" / "build.lock"
DIST = ROOT / "dist"
WINDOWS = os.name == "nt"
ISL = ROOT / "installer" / "ChineseSimplified.isl"
# Inno Setup's Simplified Chinese is in the "Unofficial" folder of its sources, not in
# its installer. Pinned to one commit of jrsoftware/issrc (6.5+ messages); a maintainer
# without access to GitHub copies the file to installer/ by hand (from
# https://jrsoftware.org/files/istrans/) and the build checks it the same way.
ISL_URL = ("https://raw.githubusercontent.com/jrsoftware/issrc/"
           "70069a49c1e56341b22a67964ad904daf0be056c/Files/Languages/Unofficial/"
           "ChineseSimplified.isl")


def say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def version() -> str:
    text = (ROOT / "carecenter" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "(\d+\.\d+\.\d+)"$', text, re.MULTILINE)
    if not found:
        raise SystemExit("carecenter/__init__.py 里没有 __version__ = \"x.y.z\"")
    return found.group(1)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def run(*cmd: str | Path) -> None:
    say(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def build_environment() -> None:
    """A new .venv-build holding exactly the locked packages."""
    if sys.version_info[:2] != (3, 11):
        raise SystemExit(f"需要 Python 3.11(锁定文件按 3.11 生成),当前 {sys.version.split()[0]}")
    shutil.rmtree(VENV, ignore_errors=True)
    run(sys.executable, "-m", "venv", VENV)
    run(venv_python(), "-m", "pip", "install", "--upgrade", "pip")
    run(venv_python(), "-m", "pip", "install", "--require-hashes", "--no-deps", "-r", LOCK)


def freeze() -> Path:
    shutil.rmtree(DIST / "carecenter", ignore_errors=True)
    run(venv_python(), "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", DIST,
        "--workpath", ROOT / "build" / "pyinstaller", ROOT / "carecenter.spec")
    bundle = DIST / "carecenter"
    size = sum(p.stat().st_size for p in bundle.rglob("*")
               if p.is_file() and not p.is_symlink())
    say(f"冻结完成 (bundle): {bundle}, {size / 1e6:.0f} MB")
    return bundle


def smoke(bundle: Path) -> None:
    run(venv_python(), ROOT / "scripts" / "smoke_bundle.py", "--bundle", bundle, "--skip-wheel")


def chinese_messages() -> Path:
    """installer/ChineseSimplified.isl: kept, or taken from Inno Setup, or downloaded."""
    if not ISL.exists():
        ISL.parent.mkdir(exist_ok=True)
        for folder in inno_folders():
            candidate = folder / "Languages" / "Unofficial" / "ChineseSimplified.isl"
            if candidate.exists():
                shutil.copy(candidate, ISL)
                break
        else:
            say(f"下载 Inno Setup 简体中文语言文件 (downloading) {ISL_URL}")
            with urllib.request.urlopen(ISL_URL, timeout=60) as response:
                ISL.write_bytes(response.read())
    data = ISL.read_bytes()
    text = data.decode("utf-8-sig")
    if "LanguageID=$0804" not in text or "Inno Setup version 6" not in text:
        raise SystemExit(f"{ISL} 不是 Inno Setup 6 的简体中文语言文件,请删除后重试")
    say(f"简体中文语言文件 (Chinese messages): {ISL}, "
        f"sha256 {hashlib.sha256(data).hexdigest()}")
    return ISL


def inno_folders() -> list[Path]:
    folders = [Path(os.environ[v]) / "Inno Setup 6"
               for v in ("ProgramFiles(x86)", "ProgramFiles") if v in os.environ]
    if "LOCALAPPDATA" in os.environ:
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "Programs" / "Inno Setup 6")
    return folders


def iscc() -> Path:
    if os.environ.get("ISCC"):
        return Path(os.environ["ISCC"])
    found = shutil.which("iscc")
    if found:
        return Path(found)
    for folder in inno_folders():
        if (folder / "ISCC.exe").exists():
            return folder / "ISCC.exe"
    raise SystemExit("找不到 Inno Setup 6 的 ISCC.exe:请安装 Inno Setup 6 "
                     "(https://jrsoftware.org/isdl.php),或设置环境变量 ISCC")


def installer(number: str) -> Path:
    chinese_messages()
    run(iscc(), f"/DAppVersion={number}", ROOT / "installer.iss")
    setup = DIST / f"留守关爱-安装程序-{number}.exe"
    digest = hashlib.sha256(setup.read_bytes()).hexdigest()
    say(f"安装程序 (setup): {setup}, {setup.stat().st_size / 1e6:.0f} MB, sha256 {digest}")
    return setup


def main() -> int:
    parser = argparse.ArgumentParser(description="构建留守关爱的 Windows 安装程序")
    parser.add_argument("--bundle-only", action="store_true",
                        help="只冻结并测试程序文件夹,不编译安装程序(任何系统)")
    parser.add_argument("--keep-venv", action="store_true",
                        help="沿用已有的 .venv-build(锁定文件未变时省时间)")
    args = parser.parse_args()
    number = version()
    say(f"留守关爱 {number}")
    if not (args.keep_venv and venv_python().exists()):
        build_environment()
    bundle = freeze()
    smoke(bundle)
    if args.bundle_only:
        return 0
    if not WINDOWS:
        raise SystemExit("Inno Setup 只能在 Windows 上编译安装程序;在此可用 --bundle-only")
    installer(number)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
