"""Batch speed work (issue 19) keeps every promise of batch: compiled conditions say what
``condition_holds`` says; ``--jobs N`` over byte ranges gives byte for byte what ``--jobs 1``
gives, whatever falls on a range boundary (a quoted cell over several lines, a stray quote, a
blank line, CR or CRLF, a BOM); part files never outlive a run, whether it succeeds, fails or
is interrupted; the garbage collector's settings are the caller's again afterwards."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thresholdkit.areas.registry import Registry
from thresholdkit.batch import engine
from thresholdkit.batch import run as batchrun
from thresholdkit.model.case import FACTS
from thresholdkit.model.errors import ThresholdkitError
from thresholdkit.rules.cases import condition_holds

REG = Registry.load()

# --- compiled conditions ----------------------------------------------------------------------

_FACT_NAMES = [*FACTS, "not_a_fact"]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 120),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["primary", "secondary", "", "x"]),
)


def _leaf() -> st.SearchStrategy[dict]:
    name = st.sampled_from(_FACT_NAMES)
    return st.one_of(
        st.fixed_dictionaries({"fact": name, "op": st.sampled_from(["lt", "le", "gt", "ge", "eq"]), "value": _VALUES}),
        st.fixed_dictionaries({"fact": name, "op": st.sampled_from(["lt", "eq"])}),  # no value: None
        st.fixed_dictionaries({"fact": name, "op": st.just("between"), "min": _VALUES, "max": _VALUES}),
        st.fixed_dictionaries({"fact": name, "op": st.just("in"), "values": st.lists(_VALUES, max_size=3)}),
        st.fixed_dictionaries({"fact": name, "op": st.just("near"), "value": _VALUES}),  # unknown op
    )


_CONDITION = st.recursive(
    _leaf(),
    lambda inner: st.fixed_dictionaries({"any": st.lists(st.lists(inner, min_size=1, max_size=3), max_size=3)}),
    max_leaves=8,
)
_FACTS = st.dictionaries(st.sampled_from(_FACT_NAMES), _VALUES, max_size=5)


def _outcome(check, facts):
    try:
        return ("value", check(facts))
    except Exception as exc:  # the same exception, or the same answer
        return ("raises", type(exc))


def _installed_conditions() -> list[dict]:
    found = []
    for area_id in REG.area_ids():
        try:
            items = REG.area(area_id).indicators()
        except ThresholdkitError:
            continue
        for ind in items:
            found += list(ind.conditions)
            if ind.escalation:
                found += list(ind.escalation["conditions"])
    return found


_REAL = _installed_conditions()


@settings(max_examples=400, deadline=None)
@given(st.lists(_CONDITION, min_size=1, max_size=3), _FACTS)
def test_compiled_conditions_agree_with_condition_holds(conditions, facts):
    for cond in conditions:
        assert _outcome(engine.compile_condition(cond), facts) == _outcome(
            lambda f, c=cond: condition_holds(c, f), facts
        )
    every = _outcome(engine.compile_conditions(conditions), facts)
    assert every == _outcome(lambda f: all(condition_holds(c, f) for c in conditions), facts)


@settings(max_examples=300, deadline=None)
@given(st.data(), _FACTS)
def test_compiled_installed_conditions_agree_with_condition_holds(data, facts):
    assert _REAL, "no installed area prints a condition"
    conds = data.draw(st.lists(st.sampled_from(_REAL), min_size=1, max_size=4))
    typed = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "age": st.integers(0, 17),
                "attendance_percent": st.floats(0, 100),
                "school_phase": st.sampled_from(["primary", "secondary"]),
                "sexually_active": st.booleans(),
                "pregnant": st.booleans(),
                "homeless": st.booleans(),
                "gestation_weeks": st.integers(0, 42),
            },
        )
    )
    for f in (facts, typed):
        want = _outcome(lambda x: all(condition_holds(c, x) for c in conds), f)
        assert _outcome(engine.compile_conditions(conds), f) == want


# --- --jobs over byte ranges ------------------------------------------------------------------


@pytest.fixture
def tiny_ranges(monkeypatch):
    """Ranges of a few bytes, many per worker: boundaries land inside every kind of line and cell."""
    monkeypatch.setattr(batchrun, "MIN_RANGE", 1)
    monkeypatch.setattr(batchrun, "RANGES_PER_JOB", 40)
    monkeypatch.delenv("THRESHOLDKIT_BATCH_MIN_RANGE", raising=False)


def _run_file(path, fmt_in: str, fmt_out: str, jobs: int, workdir=None) -> tuple[bytes, batchrun.Summary]:
    sink = io.BytesIO()
    with open(path, "rb") as fh:
        summary = batchrun.run(fh, sink, fmt_in, fmt_out, jobs=jobs, workdir=workdir)
    return sink.getvalue(), summary


def _all_ways(tmp_path, data: bytes, fmt_in: str) -> None:
    src = tmp_path / f"in.{fmt_in}"
    src.write_bytes(data)
    for fmt_out in ("jsonl", "csv"):
        one, s1 = _run_file(src, fmt_in, fmt_out, 1)
        for jobs in (2, 3):
            many, sn = _run_file(src, fmt_in, fmt_out, jobs, workdir=str(tmp_path))
            assert many == one, (fmt_in, fmt_out, jobs, data[:300])
            assert sn.counts == s1.counts and sn.records == s1.records
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name]  # no part file left


_JSON_LINES = [
    json.dumps({"id": 1, "area": "coventry", "indicators": ["young-carers"]}),
    json.dumps({"id": "b", "area": "telford", "facts": {"age": 13, "sexually_active": True}}),
    json.dumps({"area": "herefordshire", "level": 2}),
    json.dumps({"id": 4, "area": "gloucestershire", "level": 3}),
    "",
    "   ",
    "{broken",
    '{"area": "coventry", "level": 1}{"area": "coventry", "level": 2}',
    '{"area": "coventry", "level": 2, "level": 3}',
    "\ufeff" + json.dumps({"area": "coventry", "level": 4}),  # a BOM not at the file's start: an error
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.sampled_from(_JSON_LINES), st.sampled_from(["\n", "\r\n", "\r"])), min_size=1, max_size=40),
    st.booleans(),
    st.booleans(),
)
def test_jsonl_jobs_identical_to_jobs_1_at_any_range_boundary(tmp_path_factory, tiny_ranges, lines, bom, final):
    data = "".join(text + end for text, end in lines)
    if not final:
        data = data.rstrip("\r\n") or data
    raw = (b"\xef\xbb\xbf" if bom else b"") + data.encode()
    _all_ways(tmp_path_factory.mktemp("jsonl"), raw, "jsonl")


_CELLS = st.sampled_from(
    [
        "",
        "coventry",
        "telford",
        "young-carers",
        "private-fostering;young-carers",
        "2",
        "13",
        "true",
        "a\nb",
        "line one\r\nline two\r\nline three",
        "lone\rcr",
        'say "hi", twice',
        '""',
        "x" * 40,
        "é ü ß",
    ]
)


def _csv_bytes(rows: list[list[str]], end: str, stray: bool) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator=end)
    writer.writerow(["id", "area", "indicators", "level", "age", "sexually_active"])
    for row in rows:
        if row == ["<blank>"]:
            buf.write(end)
        else:
            writer.writerow(row)
    text = buf.getvalue()
    if stray:  # a quote inside an unquoted cell: the quote count no longer tells where rows end
        text = text.replace("coventry", 'cov"entry', 1)
    return text.encode()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.one_of(st.lists(_CELLS, min_size=6, max_size=6), st.just(["<blank>"])), min_size=1, max_size=30),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
    st.booleans(),
)
def test_csv_jobs_identical_to_jobs_1_at_any_range_boundary(tmp_path_factory, tiny_ranges, rows, end, bom, stray):
    raw = (b"\xef\xbb\xbf" if bom else b"") + _csv_bytes(rows, end, stray)
    _all_ways(tmp_path_factory.mktemp("csv"), raw, "csv")


def test_csv_quoted_lines_across_every_boundary(tmp_path, tiny_ranges):
    """Every record holds a quoted cell of several lines, so many cuts land inside one."""
    rows = [[f"r{k}", "coventry", "young-carers", "", "", ""] for k in range(60)]
    for k in range(0, 60, 2):
        rows[k][0] = f'case {k}\nsecond line\r\nthird, with a comma and "quotes"\rlast'
    _all_ways(tmp_path, _csv_bytes(rows, "\r\n", stray=False), "csv")


def test_csv_that_defeats_the_quote_count_falls_back_and_stays_identical(tmp_path, tiny_ranges, monkeypatch):
    """A stray quote makes the counted rows wrong: the run notices and reads on in one process."""
    redone = []
    real = batchrun._read_on

    def spy(fd, offset, *args):
        redone.append(offset)
        return real(fd, offset, *args)

    monkeypatch.setattr(batchrun, "_read_on", spy)
    rows = [[f"r{k}", "coventry", "young-carers", "2", "", ""] for k in range(80)]
    rows[9][0] = "a\nquoted\nvalue"
    data = _csv_bytes(rows, "\n", stray=True)  # row 1 reads cov"entry: one quote, in an unquoted cell
    _all_ways(tmp_path, data, "csv")
    assert redone, "the stray quote should have sent a range back to one process"


def test_many_records_jobs_identical(tmp_path, monkeypatch):
    """The real cut sizes (no tiny ranges), with several ranges per worker."""
    monkeypatch.setattr(batchrun, "MIN_RANGE", 4096)
    lines = [_JSON_LINES[k % 4] for k in range(3000)]
    _all_ways(tmp_path, ("\n".join(lines) + "\n").encode(), "jsonl")


# --- part files, errors, interrupts, stdout ---------------------------------------------------


def _open_fds() -> set[str]:
    """The files (not pipes) this process holds open: an unnamed part file shows as 'x (deleted)'."""
    found = set()
    for fd in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("/"):
            found.add(f"{fd} {target}")
    return found


def test_a_worker_error_leaves_no_part_file(tmp_path, tiny_ranges, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": k, "area": "coventry", "level": 2}) + "\n" for k in range(200)))
    parts = tmp_path / "parts"
    parts.mkdir()
    real = engine.Engine.assess

    def hostile(self, rec, n):
        if rec.id == 150:
            raise RuntimeError("hostile record")
        return real(self, rec, n)

    monkeypatch.setattr(engine.Engine, "assess", hostile)  # forked workers inherit it
    before = _open_fds()
    threshold = gc.get_threshold()
    with pytest.raises(RuntimeError, match="hostile record"), open(src, "rb") as fh:
        batchrun.run(fh, io.BytesIO(), "jsonl", "jsonl", jobs=2, workdir=str(parts))
    assert list(parts.iterdir()) == []
    assert _open_fds() <= before  # every part file closed (an unnamed one lives while it is open)
    assert gc.get_threshold() == threshold


def test_success_leaves_no_part_file_and_restores_gc(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,area,level\n" + "".join(f"{k},coventry,2\n" for k in range(500)))
    gc.set_threshold(700, 10, 10)
    try:
        before = _open_fds()
        _, summary = _run_file(src, "csv", "csv", 2, workdir=str(tmp_path))
        assert summary.records == 500
        assert gc.get_threshold() == (700, 10, 10)
        assert _open_fds() <= before
    finally:
        gc.set_threshold(700, 10, 10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_jobs_to_stdout_through_a_pipe(tmp_path):
    """Parts joined into a real standard output (a pipe: sendfile or a plain copy)."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": k, "area": "coventry", "level": 1 + k % 4}) + "\n" for k in range(3000)))
    env = {**os.environ, "THRESHOLDKIT_BATCH_MIN_RANGE": "2000"}
    outs = [
        subprocess.run(
            [sys.executable, "-m", "thresholdkit", "batch", str(src), "--jobs", jobs, *fmt],
            capture_output=True,
            env=env,
            check=False,
        ).stdout
        for jobs in ("1", "2")
        for fmt in ((), ("--to", "csv"))
    ]
    assert outs[0] == outs[2] and outs[1] == outs[3]
    assert len(outs[0].splitlines()) == 3000 and len(outs[1].splitlines()) == 3001


def _children(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return fh.read().split()
    except OSError:
        return []


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs /proc")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_interrupted_range_run_leaves_the_old_file_and_no_part(tmp_path, fmt):
    """SIGINT while the workers write their parts: exit 130, the old output whole, nothing else."""
    if fmt == "jsonl":
        line = json.dumps({"id": "x", "area": "telford", "facts": {"age": 13, "sexually_active": True}}) + "\n"
        data = line * 400_000
    else:
        data = "id,area,age,sexually_active\n" + "x,telford,13,true\n" * 400_000
    src = tmp_path / f"in.{fmt}"
    src.write_text(data)
    out = tmp_path / "out.jsonl"
    out.write_text("previous complete output\n")
    env = {**os.environ, "THRESHOLDKIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "thresholdkit", "batch", str(src), "-o", str(out), "--jobs", "2"],
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert out.read_text() == "previous complete output\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == sorted([src.name, "out.jsonl"])
    assert b"interrupted after" in err and b"Traceback" not in err
