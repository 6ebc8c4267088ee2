"""The results as a Markdown table and a JSON file, and the README's copy of the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.core import STATUS_TEXT, Row

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    elif unit == "s":
        text = f"{value:.2f}"
    else:
        text = f"{value:.0f}"
    return f"{text} {unit}"


def markdown(rows: list[Row], meta: dict[str, Any]) -> str:
    m = meta["machine"]
    counts = "、".join(f"{table} {n:,}" for table, n in meta["register"].items() if n)
    lines = [
        f"机器 (machine): {m['cpus']} 核 {m['cpu_model']}，内存 {m['ram_gb']} GB，{m['os']}；"
        f"Python {m['python']}，PySide6 {m['PySide6']}，SQLAlchemy {m['SQLAlchemy']}，"
        f"SQLite {m['SQLite']}，openpyxl {m['openpyxl']}，reportlab {m['reportlab']}。",
        "",
        f"演示库 (register): {meta['persons']:,} 人（{counts} 行）；每项取 {meta['runs']} 次的"
        f"中位数（导出、导入、结对、打印最多 3 次）；{meta['finished']}，用时 "
        f"{meta['seconds']:.0f} s。",
        "",
        "| 项目 (what) | 中位数 (median) | 基线 (baseline) | 比值 (ratio) | 目标 (target) "
        "| 结果 (result) | 说明 (notes) |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        baseline = number(row.baseline, row.unit)
        if row.baseline is not None and row.baseline_label:
            baseline += f"（{row.baseline_label}）"
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        target = "—" if row.target is None else row.target.text(row.unit)
        note = row.note.replace("|", "/").replace("\n", " ")
        lines.append(f"| {row.label} | {number(row.value, row.unit)} | {baseline} | {ratio} "
                     f"| {target} | {STATUS_TEXT[row.status]} | {note} |")
    return "\n".join(lines) + "\n"


def write(out: Path, rows: list[Row], meta: dict[str, Any]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    table = markdown(rows, meta)
    md = out / "latest.md"
    md.write_text("# 性能基准 (benchmark)\n\n" + table, encoding="utf-8")
    js = out / "latest.json"
    js.write_text(json.dumps({**meta, "rows": [r.as_json() for r in rows]},
                             ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return md, js


def update_readme(readme: Path, table: str) -> None:
    """Replace the table between the README's bench markers."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END)
    readme.write_text(text[:start + len(README_START)] + "\n" + table + text[end:],
                      encoding="utf-8")
