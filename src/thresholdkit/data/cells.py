"""Cells that are safe to write into CSV files that a spreadsheet may open."""

from __future__ import annotations

#: First characters that make a spreadsheet read a cell as a formula.
CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Neutralise spreadsheet formula injection: prefix risky first characters with '."""
    return "'" + text if text.startswith(CSV_DANGER) else text
