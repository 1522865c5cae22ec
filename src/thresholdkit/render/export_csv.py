"""The threshold dataset as CSV files (``thresholdkit export csv``): one per table.

The dataset is built exactly as ``export sqlite`` builds it (:func:`thresholdkit.render.export_sqlite.build`),
then each of its tables is written to ``<table>.csv``: a header of the table's columns in order,
then one row per table row, in the order they were inserted (the document's order). The full-text
index (a virtual table and its shadow tables) is an index, not data, and is not written. NULL is
an empty cell. Every cell is made safe for spreadsheets (:func:`thresholdkit.data.cells.csv_row`:
a formula is neutralised, and a cell holding a comma, quote or line break is quoted).

The folder is written in one step (:func:`~thresholdkit.data.atomic.publish_folder`). Nothing is
fetched: no network.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thresholdkit.areas.registry import Area

__all__ = ["MARKER", "columns", "export", "tables"]

#: The file that marks a folder this export wrote (so that it may replace it).
MARKER = ".thresholdkit-csv"


def tables(db: sqlite3.Connection) -> list[str]:
    """The database's ordinary tables (no virtual or shadow tables), in creation order."""
    kinds = {row[1]: row[2] for row in db.execute("PRAGMA main.table_list")}
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    return [n for n in names if kinds.get(n) == "table" and not n.startswith("sqlite_")]


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table``, in order."""
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _write(db: sqlite3.Connection, folder: str) -> dict[str, int]:
    from thresholdkit.data.cells import csv_row

    counts = {}
    for table in tables(db):
        cols = columns(db, table)
        quoted = ", ".join(f'"{c}"' for c in cols)
        n = 0
        with open(os.path.join(folder, f"{table}.csv"), "w", encoding="utf-8", newline="") as fh:
            fh.write(csv_row(cols))
            for row in db.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid'):
                fh.write(csv_row(_cell(v) for v in row))
                n += 1
        counts[table] = n
    return counts


def export(
    areas: Sequence[Area], folder: str, *, on_left_out: Callable[[str, str], None] | None = None
) -> dict[str, Any]:
    """Write one CSV per table of the dataset of ``areas`` into ``folder`` in one step; a summary.

    ``folder`` must be new, empty, or a folder this export wrote before (one-line UsageError
    otherwise, before the dataset is built).
    """
    from thresholdkit.data.atomic import publish_folder
    from thresholdkit.render.export_sqlite import build

    def fill(work: str) -> dict[str, Any]:
        db = build(areas, on_left_out=on_left_out)
        try:
            counts = _write(db, work)
            included = [r[0] for r in db.execute("SELECT id FROM areas ORDER BY id")]
        finally:
            db.close()
        return {"areas": included, "tables": counts}

    return publish_folder(folder, fill, MARKER)
