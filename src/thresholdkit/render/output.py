"""Rendering command results: table (plain text), json, yaml, csv, markdown.

Data commands give rows (a list of flat mappings) plus the full objects for json/yaml; document
commands (assess, pathway, consent, levels) give a :class:`Doc` of headed blocks. The plain-text
table is rendered here rather than with tabulate, whose import alone costs tens of milliseconds.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from thresholdkit.data.cells import csv_row

_MD_ORDERED = re.compile(r"^\d+[.)]")
FORMATS = ("table", "json", "yaml", "csv", "markdown")
_MD_SPECIAL = "\\`*_[]<>|"


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    return str(value)


def md_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    text = "".join(out)
    ordered = _MD_ORDERED.match(text)
    if ordered:
        end = ordered.end() - 1
        text = text[:end] + "\\" + text[end:]
    elif text[:1] in ("#", "-", "+", "="):
        text = "\\" + text
    return text


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def to_yaml(obj: Any) -> str:
    import yaml

    dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(obj, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100))


def text_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    import textwrap

    headers = list(headers or columns)
    data = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(h)] + [len(row[i]) for row in data]) for i, h in enumerate(headers)]
    try:
        total = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        raw = os.environ.get("COLUMNS", "")
        total = int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 120  # an odd value is ignored
    fixed = sum(widths[:-1]) + 2 * (len(widths) - 1)
    last = max(30, total - fixed - 1)
    widths[-1] = min(widths[-1], last)
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in data:
        wrapped = textwrap.wrap(row[-1], widths[-1]) or [""]
        first = [v.ljust(w) for v, w in zip(row[:-1], widths[:-1], strict=True)]
        lines.append("  ".join([*first, wrapped[0]]).rstrip())
        pad = "  ".join(" " * w for w in widths[:-1])
        for more in wrapped[1:]:
            lines.append(f"{pad}  {more}" if pad else more)
    return "\n".join(lines)


def md_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    headers = list(headers or columns)
    lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    for r in rows:
        lines.append("| " + " | ".join(md_escape(cell(r.get(c))) for c in columns) + " |")
    return "\n".join(lines)


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A header and one line per row; every cell neutralised and quoted as it must be."""
    lines = [csv_row(columns), *(csv_row([cell(r.get(c)) for c in columns]) for r in rows)]
    return "".join(lines).rstrip("\n")


class Doc:
    """A document of headed blocks, rendered as plain text or Markdown."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.blocks: list[tuple[str, list[str]]] = []

    def add(self, heading: str, lines: list[str]) -> None:
        if lines:
            self.blocks.append((heading, lines))

    def text(self) -> str:
        import textwrap

        out = [self.title, "=" * min(len(self.title), 78)]
        for heading, lines in self.blocks:
            out += ["", heading, "-" * min(len(heading), 78)]
            for line in lines:
                out.append(textwrap.fill(line, 100, subsequent_indent="    ") if len(line) > 100 else line)
        return "\n".join(out)

    def markdown(self) -> str:
        out = [f"# {md_escape(self.title)}"]
        for heading, lines in self.blocks:
            out += ["", f"## {md_escape(heading)}", ""]
            out += [f"- {md_escape(line.lstrip('- '))}" for line in lines]
        return "\n".join(out)


class Result:
    """What a command produces; ``emit`` renders it in the chosen format."""

    def __init__(
        self,
        data: Any,
        rows: list[dict[str, Any]] | None = None,
        columns: list[str] | None = None,
        headers: list[str] | None = None,
        doc: Callable[[], Doc] | None = None,
    ) -> None:
        self.data, self.rows, self.columns, self.headers, self.doc = data, rows, columns, headers, doc


def render(result: Result, fmt: str) -> str:
    if fmt == "json":
        return to_json(result.data)
    if fmt == "yaml":
        return to_yaml(result.data).rstrip("\n")
    if fmt in ("table", "markdown") and result.doc is not None:
        doc = result.doc()
        return doc.text() if fmt == "table" else doc.markdown()
    rows = result.rows if result.rows is not None else []
    columns = result.columns or (list(rows[0]) if rows else [])
    if fmt == "csv":
        return csv_text(rows, columns)
    if fmt == "markdown":
        return md_table(rows, columns, result.headers)
    return text_table(rows, columns, result.headers) if rows else "(nothing to show)"


def emit(result: Result, fmt: str) -> None:
    sys.stdout.write(render(result, fmt) + "\n")


def advice_block(advice: Any, *, markdown: bool = False) -> str:
    """'Call now' as text: the UK time used, the lines in the order to try them, and why."""
    holiday = f", {advice['bank_holiday']} (a bank holiday)" if advice.get("bank_holiday") else ""
    head = f"Call now, at {advice['at']} {advice['time_zone'].split('(')[-1].rstrip(')')} ({advice['day']}{holiday}):"
    lines = [f"**{head}**" if markdown else head]
    for n, line in enumerate(advice["lines"], 1):
        numbers = ", ".join(line["phone"]) or "no number printed"
        lines.append(f"{n}. {line['name']}: {numbers}")
    lines += [("- " if markdown else "  - ") + reason for reason in advice["reasons"]]
    return "\n".join(lines) + "\n"
