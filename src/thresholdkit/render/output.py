"""Rendering command results: table (plain text), json, yaml, csv, markdown.

Data commands give rows (a list of flat mappings) plus the full objects for json/yaml; document
commands (assess, pathway, consent, levels) give a :class:`Doc` of headed blocks. Tables are laid
out by tabulate (imported only when a table is printed), fitted to the terminal's width.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from thresholdkit.data.cells import csv_row
from thresholdkit.model.environment import stdout

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
    import json

    return json.dumps(obj, ensure_ascii=False, indent=2)


def to_yaml(obj: Any) -> str:
    import yaml

    dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(obj, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100))


#: The width used when output goes to no terminal and COLUMNS is not set.
DEFAULT_WIDTH = 100
#: No column is squeezed below this many characters (or its header, if longer).
MIN_COLUMN = 8


def terminal_width() -> int:
    """The width to fit: ``COLUMNS`` if set, else the terminal's, else :data:`DEFAULT_WIDTH`.

    The same rule as :func:`shutil.get_terminal_size`, without importing shutil (which imports
    the compression modules: about 4 ms a lookup)."""
    import os

    raw = os.environ.get("COLUMNS", "").strip()
    width = int(raw) if raw.isdigit() else 0
    if width <= 0:
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            width = 0
    return width if 20 <= width <= 10_000 else DEFAULT_WIDTH


#: A UK telephone number as the documents print them ("024 7683 2222", "(01432) 260800",
#: "0808 800 5000", "024 76785621"): wrapped as one word, never split over two lines.
_PHONE = re.compile(r"\(?\b0\d{2,5}\)?(?: \d{3,8}){1,2}\b")
_KEEP = "\ue000"  # a private-use character: the space inside a number while lines are wrapped


def _joined(match: re.Match[str]) -> str:
    return match.group().replace(" ", _KEEP)


def wrap(text: str, width: int, **options: Any) -> list[str]:
    """:func:`textwrap.wrap`, keeping each telephone number whole on a line (where it fits)."""
    import textwrap

    if _KEEP in text or not any(ch.isdigit() for ch in text):
        return textwrap.wrap(text, width, **options)
    kept = _PHONE.sub(_joined, text)
    return [line.replace(_KEEP, " ") for line in textwrap.wrap(kept, width, **options)]


def _longest_phone(text: str) -> int:
    return max((len(m.group()) for m in _PHONE.finditer(text)), default=0) if any(c.isdigit() for c in text) else 0


def fit_widths(headers: Sequence[str], data: Sequence[Sequence[str]], total: int) -> list[int] | None:
    """Column widths that fit ``total`` characters with two spaces between columns, taking
    from the widest columns first; None when the table fits as it is. A column keeps at least
    :data:`MIN_COLUMN` characters or its header, so a very narrow terminal still gets every
    column (wider than ``total`` if it must)."""
    natural = [
        max([len(h), *(max((len(x) for x in row[i].splitlines()), default=0) for row in data)])
        for i, h in enumerate(headers)
    ]
    budget = total - 2 * (len(headers) - 1)
    if sum(natural) <= budget:
        return None
    plain = [min(w, max(MIN_COLUMN, len(h))) for w, h in zip(natural, headers, strict=True)]
    # nor, where the table can still fit, below its longest telephone number (never split a number)
    phones = [max((_longest_phone(row[i]) for row in data), default=0) for i in range(len(headers))]
    whole = [min(w, max(f, p)) for w, f, p in zip(natural, plain, phones, strict=True)]
    if sum(whole) <= budget:
        plain = whole
    # a column of single tokens (ids, numbers, dates) is not broken up to half the width, since ids
    # are copied and pasted (a longer one wraps); when even that cannot fit, every column may wrap
    keep = [
        min(natural[i], max(plain[i], total // 2)) if all(" " not in row[i].strip() for row in data) else plain[i]
        for i in range(len(headers))
    ]
    floors = keep if sum(keep) <= budget else plain
    return cut_to_fit(natural, floors, sum(natural) - budget)


def cut_to_fit(widths: list[int], floors: list[int], excess: int) -> list[int]:
    """Take ``excess`` characters from the columns with the most room above their floors: every
    room is cut to one level, the lowest that takes no more than ``excess``, and what is left
    comes one character each from the first columns at that level (left to right). The same
    widths as cutting the roomiest column one step at a time, in one pass."""
    rooms = [max(0, w - f) for w, f in zip(widths, floors, strict=True)]
    if sum(rooms) <= excess:  # not enough room: every column at its floor (or its natural width)
        return [w - r for w, r in zip(widths, rooms, strict=True)]
    low, high = 0, max(rooms)  # the level: sum(max(0, r - level)) <= excess at high, not below low
    while low < high:
        mid = (low + high) // 2
        if sum(r - mid for r in rooms if r > mid) <= excess:
            high = mid
        else:
            low = mid + 1
    level = high
    left = excess - sum(r - level for r in rooms if r > level)
    out = []
    for w, r in zip(widths, rooms, strict=True):
        cut = max(0, r - level)
        if left and level > 0 and r >= level:
            cut, left = cut + 1, left - 1
        out.append(w - cut)
    return out


def text_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    """A plain-text table (tabulate's ``simple`` layout) no wider than the terminal: the widest
    columns wrap first, at word boundaries where they can (:func:`fit_widths`).

    The cells are wrapped here with :mod:`textwrap` and tabulate lays out the wrapped lines: the
    same table as tabulate's own ``maxcolwidths`` gives, in half the time (its wrapper compiles
    its patterns on every call), and every lookup prints a table."""
    import tabulate as tabulate_module

    tabulate_module.MIN_PADDING = 0  # no padding beyond the two spaces between columns: widths are ours
    heads = list(headers or columns)
    data = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = fit_widths(heads, data, terminal_width())
    if widths is not None:
        data = [
            [
                value
                if len(value) <= width
                else "\n".join(
                    line for part in value.splitlines() or [""] for line in (wrap(part, width) or [""])
                )
                for value, width in zip(row, widths, strict=True)
            ]
            for row in data
        ]
    text: str = tabulate_module.tabulate(
        data,
        headers=heads,
        tablefmt="simple",
        disable_numparse=True,
        stralign="left",
    )
    return "\n".join(line.rstrip() for line in text.splitlines())


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


#: A :class:`Doc` line that starts with this is an item of a list under the line above it (a
#: rule's exceptions): indented in plain text, a nested list item in Markdown.
SUB_ITEM = "    - "


class Doc:
    """A document of headed blocks, rendered as plain text or Markdown; a line starting with
    :data:`SUB_ITEM` belongs to a list under the line before it."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.blocks: list[tuple[str, list[str]]] = []

    def add(self, heading: str, lines: list[str]) -> None:
        if lines:
            self.blocks.append((heading, lines))

    def text(self) -> str:
        """Plain text, wrapped to the terminal (at most 100 columns: long lines read badly)."""
        width = min(100, terminal_width())
        out = [self.title, "=" * min(len(self.title), width - 2)]
        for heading, lines in self.blocks:
            out += ["", heading, "-" * min(len(heading), width - 2)]
            for line in lines:
                indent = " " * len(SUB_ITEM) if line.startswith(SUB_ITEM) else "    "
                out.append("\n".join(wrap(line, width, subsequent_indent=indent)) if len(line) > width else line)
        return "\n".join(out)

    def markdown(self) -> str:
        out = [f"# {md_escape(self.title)}"]
        for heading, lines in self.blocks:
            out += ["", f"## {md_escape(heading)}", ""]
            out += [
                f"  - {md_escape(line[len(SUB_ITEM) :])}"
                if line.startswith(SUB_ITEM)
                else f"- {md_escape(line.lstrip('- '))}"
                for line in lines
            ]
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
    stdout().write(render(result, fmt) + "\n")


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
