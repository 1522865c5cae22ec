"""CSV output (issue 14): a CR or LF inside a value never starts a new row, and no cell can be
read as a formula, in every command that writes CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thresholdkit.data.cells import csv_row, csv_safe
from thresholdkit.model.errors import visible
from thresholdkit.render.output import csv_text

NASTY = ["r1\r=2+5", "a\nb", "a\r\nb", '"quoted", comma', "=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _formula(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), min_size=1, max_size=6))
def test_any_cells_read_back_as_exactly_one_row_each(rows):
    width = max(map(len, rows))
    rows = [r + [""] * (width - len(r)) for r in rows]
    text = "".join(csv_row(r) for r in rows)
    back = _rows(text)
    assert len(back) == len(rows)
    for got, want in zip(back, rows, strict=True):
        assert got == [csv_safe(visible(w)) for w in want]  # terminal controls shown as escapes
        assert not any(_formula(g) for g in got)


def test_csv_text_of_nasty_values():
    text = csv_text([{"id": v, "n": str(i)} for i, v in enumerate(NASTY)], ["id", "n"])
    back = _rows(text + "\n")
    assert len(back) == len(NASTY) + 1
    assert [r[1] for r in back[1:]] == [str(i) for i in range(len(NASTY))]
    assert not any(_formula(r[0]) for r in back)


@pytest.mark.parametrize("value", NASTY)
def test_batch_csv_output_has_one_row_per_record(run, tmp_path, value):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": value, "area": "coventry", "level": 4})
        + "\n"
        + json.dumps({"id": "ok", "area": "nowhere\r=1+1", "level": 2})
        + "\n"
    )
    out = tmp_path / "out.csv"
    r = run("batch", str(src), "-o", str(out))
    assert r.code in (0, 4), r.err
    with open(out, encoding="utf-8", newline="") as fh:
        back = _rows(fh.read())
    assert len(back) == 3  # header and one row per record
    assert [row[back[0].index("record")] for row in back[1:]] == ["1", "2"]
    assert not any(_formula(c) for row in back for c in row)
