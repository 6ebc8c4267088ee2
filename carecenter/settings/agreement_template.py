"""The agreement's template: the program's own (``carecenter/resources/templates/
agreement.toml``) or a village's file named in 本村设置, read and checked here so that a
setting can be checked when it is saved (``preferences``) and the agreement drawn up from
it (``documents``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from carecenter.errors import KnownError
from carecenter.storage.location import resource, resources

# The program's own template; ``resource`` checks it is there before it is read.
TEMPLATE = resources() / "templates" / "agreement.toml"
TEMPLATE_SETTING = "agreement_template"  # a path to a village's own template, if any


def load_template(path: Path | str | None = None) -> dict[str, Any]:
    path = Path(path) if path else resource("templates", "agreement.toml")
    try:
        with open(path, "rb") as f:
            template = tomllib.load(f)
    except OSError as e:
        raise KnownError(f"读不到协议模板 {path}:{e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise KnownError(f"协议模板 {path} 格式有误:{e}") from None
    for key in ("title", "preamble", "entrusted", "clauses", "closing", "committee"):
        if key not in template:
            raise KnownError(f"协议模板 {path} 缺少“{key}”一项")
    return template
