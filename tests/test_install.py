"""What an install carries (issue 19): the resources inside the package, found through the
package itself; a missing one is a Chinese message saying to reinstall; one version."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import carecenter
from carecenter.documents import fonts
from carecenter.errors import KnownError
from carecenter.settings.agreement_template import load_template
from carecenter.storage import location
from carecenter.storage.location import ResourceMissing, resource, resources

ROOT = Path(__file__).resolve().parent.parent


def test_the_resources_live_inside_the_package() -> None:
    folder = resources()
    assert folder == Path(carecenter.__file__).parent / "resources"
    for parts in (("fonts", "ARPLUMingCN-GB.ttf"), ("templates", "agreement.toml"),
                  ("icons", "carecenter.ico"), ("icons", "carecenter.png")):
        assert resource(*parts).is_file()
    assert not (ROOT / "resources").exists()


def test_a_missing_resource_tells_the_clerk_to_reinstall(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "resources", lambda: tmp_path)
    with pytest.raises(ResourceMissing) as caught:
        resource("templates", "agreement.toml")
    assert isinstance(caught.value, KnownError)
    assert "重新" in caught.value.message and "安装" in caught.value.message
    assert "templates/agreement.toml" in caught.value.message
    with pytest.raises(KnownError, match="重新运行“留守关爱”安装程序"):
        load_template()


def test_a_missing_font_is_a_known_error_not_a_bug(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "resources", lambda: tmp_path)
    fonts.register.cache_clear()
    try:
        with pytest.raises(KnownError, match="缺少打印字体") as caught:
            fonts.register()
        assert isinstance(caught.value, fonts.FontMissing)
    finally:
        fonts.register.cache_clear()


def test_the_version_is_written_once_in_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "carecenter.__version__"}
    parts = carecenter.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)



def _sections(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif line and not line.startswith(";") and current:
            found.setdefault(current, []).append(line)
    return found


def test_the_installer_deletes_only_the_program_never_the_data() -> None:
    sections = _sections((ROOT / "installer.iss").read_text(encoding="utf-8"))
    setup = sections["Setup"]
    assert "PrivilegesRequired=lowest" in setup  # no administrator rights
    assert any(line.startswith("AppId={{") for line in setup)  # fixed: upgrades in place
    assert "AppVersion={#AppVersion}" in setup  # from carecenter.__version__, not written
    for section in ("InstallDelete", "UninstallDelete"):
        for line in sections.get(section, []):
            assert 'Name: "{app}\\' in line, line
    # The uninstaller says where the data stays.
    assert "usPostUninstall" in "\n".join(sections["Code"])
