"""Batch against assess, record for record (issue 14): generated files, JSON Lines and CSV,
--jobs 1 and 2. Each output row has the level, indicators and error that ``assess`` gives for
that record alone."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thresholdkit.areas.registry import Registry
from thresholdkit.batch import run as batchrun
from thresholdkit.model.errors import ThresholdkitError
from thresholdkit.rules.assess import assess

AREAS = ("coventry", "telford", "gloucestershire")


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("THRESHOLDKIT_PLUGINS", ",".join(AREAS))
    mp.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    yield Registry.load()
    mp.undo()


def _ids(reg: Registry, area: str) -> list[str]:
    try:
        return [i.id for i in reg.area(area).indicators()]
    except ThresholdkitError:
        return []


@st.composite
def records(draw, reg):
    area = draw(st.sampled_from([*AREAS, "nowhere"]))
    ids = _ids(reg, area) or ["made-up-indicator"]
    rec: dict = {"id": f"r{draw(st.integers(0, 10**6))}", "area": area}
    chosen = draw(st.lists(st.sampled_from([*ids[:40], "not-an-indicator"]), max_size=3, unique=True))
    if chosen:
        rec["indicators"] = chosen
    level = draw(st.one_of(st.none(), st.integers(1, 4)))
    if level is not None:
        rec["level"] = level
    return rec


def _expected(reg: Registry, rec: dict) -> tuple[int | None, list[str], bool]:
    try:
        a = assess(reg.area(rec["area"]), rec.get("indicators", []), level=rec.get("level"))
    except ThresholdkitError:
        return None, [], True
    return a.level, sorted(i.id for i in a.indicators), False


def _run(data: bytes, fmt_in: str, jobs: int, tmp_path) -> list[dict]:
    src = tmp_path / f"in.{fmt_in}"
    src.write_bytes(data)
    sink = io.BytesIO()
    with open(src, "rb") as fh:
        batchrun.run(fh, sink, fmt_in, "jsonl", jobs=jobs)
    return [json.loads(line) for line in sink.getvalue().splitlines()]


def _csv(recs: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "area", "indicators", "level"])
    for r in recs:
        w.writerow([r["id"], r["area"], ";".join(r.get("indicators", [])), r.get("level", "")])
    return buf.getvalue().encode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batch_gives_what_assess_gives_for_each_record(reg, tmp_path, monkeypatch, data):
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", ",".join(AREAS))
    recs = data.draw(st.lists(records(reg), min_size=1, max_size=25))
    expected = [_expected(reg, r) for r in recs]
    inputs = {"jsonl": "".join(json.dumps(r) + "\n" for r in recs).encode(), "csv": _csv(recs)}
    for fmt_in, blob in inputs.items():
        for jobs in (1, 2):
            rows = _run(blob, fmt_in, jobs, tmp_path)
            assert [row["record"] for row in rows] == list(range(1, len(recs) + 1)), (fmt_in, jobs)
            for rec, row, (level, inds, error) in zip(recs, rows, expected, strict=True):
                got = (row["level"], sorted(row["indicators"]), row["error"] is not None)
                assert got == (level, inds, error), (fmt_in, jobs, rec, row)
