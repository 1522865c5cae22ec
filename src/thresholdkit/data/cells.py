"""CSV cells and rows that are safe to open in a spreadsheet.

Every cell is neutralised: one that starts with a character that makes a spreadsheet read a
formula (``= + - @``, tab or CR) gets a leading ``'``. Every cell that holds a comma, a quote,
CR or LF is quoted (RFC 4180), so that a CR or LF inside a value can never start a new row:
read back with :func:`csv.reader`, the output has exactly one row per record. Other control
characters and bidirectional overrides are written as escapes, so a cell shown on a terminal
cannot move the cursor or hide another row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from thresholdkit.model.errors import visible

#: First characters that make a spreadsheet read a cell as a formula.
CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = re.compile(r'[",\r\n]')


def csv_safe(text: str) -> str:
    """Neutralise spreadsheet formula injection: prefix risky first characters with '."""
    return "'" + text if text.startswith(CSV_DANGER) else text


def csv_cell(text: str) -> str:
    """One cell, neutralised and quoted where it must be; a character a terminal would act on
    (an escape sequence, a bidirectional override) is written as an escape (``\\x1b``)."""
    text = csv_safe(visible(text))
    if _QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_row(cells: Iterable[str]) -> str:
    """One CSV line (ending in LF) of neutralised, quoted cells."""
    line = ",".join(map(csv_cell, cells))
    return (line or '""') + "\n"  # a row of one empty cell is not a blank line
