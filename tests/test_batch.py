"""thresholdkit batch: one result per record, in order, errors kept, atomic output."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import batch_process
from hypothesis import given, settings
from hypothesis import strategies as st

from thresholdkit.areas.registry import Registry
from thresholdkit.batch.engine import assess_records
from thresholdkit.model.errors import EXIT_PARTIAL
from thresholdkit.rules.assess import assess

REG = Registry.load()
COV = REG.area("coventry")
TEL = REG.area("telford")

MIXED = [
    {"id": "a", "area": "coventry", "indicators": ["private-fostering", "young-carers"]},
    {"id": "b", "area": "telford", "facts": {"age": 13, "sexually_active": True}},
    {"id": "c", "area": "herefordshire", "level": 2},
    {"id": "d", "area": "gloucestershire", "level": 3},
    {"id": "e", "area": "worcestershire", "indicators": ["sexual-activity-under-13"]},
]


def _jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _read_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_mixed_areas_jsonl_round_trip(run, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(_jsonl(MIXED))
    out = tmp_path / "out.jsonl"
    r = run("batch", str(src), "-o", str(out))
    assert r.code == 0, r.err
    rows = _read_jsonl(out.read_text())
    assert [row["id"] for row in rows] == ["a", "b", "c", "d", "e"]
    assert [row["level"] for row in rows] == [4, 3, 2, 3, 4]
    assert [row["emergency"] for row in rows] == [True, False, False, False, True]
    assert rows[0]["level_name"] == "Statutory Intervention"
    assert all(row["error"] is None for row in rows)
    assert "batch: 5 records, 5 assessed, 0 with errors" in r.err


def test_csv_round_trip(run, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "id,area,indicators,level,age,sexually_active,school_phase,attendance_percent\n"
        "1,coventry,private-fostering;young-carers,,,,,\n"
        "2,telford,,,13,true,,\n"
        "3,telford,,,,,secondary,93\n"
        "4,gloucestershire,,2,,,,\n"
    )
    out = tmp_path / "out.csv"
    r = run("batch", str(src), "-o", str(out))
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [row["level"] for row in rows] == ["4", "3", "2", "2"]
    assert rows[0]["indicators"] == "private-fostering;young-carers"
    assert rows[2]["indicators"] == "attendance-below-threshold"


def test_bad_records_each_get_one_result(run, tmp_path):
    src = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": 1, "area": "coventry", "indicators": ["young-carers"]}).encode(),
        json.dumps({"id": 2, "area": "atlantis", "indicators": ["x"]}).encode(),
        json.dumps({"id": 3, "area": "coventry", "indicators": ["no-such-thing"]}).encode(),
        json.dumps({"id": 4, "area": "coventry", "level": "four"}).encode(),
        b"",
        b"\xff\xfe not utf-8",
        b"{broken json",
        json.dumps({"id": 8, "area": "coventry", "indicators": ["young-carers"], "name": "a child"}).encode(),
        json.dumps({"id": 9, "area": "gloucestershire", "indicators": ["x"]}).encode(),
        json.dumps({"id": 10, "area": "telford", "level": 4}).encode(),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    r = run("batch", str(src), "-o", str(out))
    assert r.code == EXIT_PARTIAL
    rows = _read_jsonl(out.read_text())
    assert len(rows) == len(lines)
    assert [row["record"] for row in rows] == list(range(1, 11))
    errors = [row["error"] for row in rows]
    assert errors[0] is None and errors[9] is None
    assert "unknown area 'atlantis'" in errors[1]
    assert "unknown indicator 'no-such-thing'" in errors[2]
    assert "malformed record" in errors[3] and rows[3]["id"] == 4
    assert errors[4] == "empty line"
    assert errors[5] == "not UTF-8 text"
    assert errors[6].startswith("not valid JSON")
    assert "unknown field `name`" in errors[7]
    assert "publishes no indicators" in errors[8]
    assert "8 with errors" in r.err


def test_jobs_2_identical_to_jobs_1(run, tmp_path):
    import random

    rng = random.Random(3)
    ids = [i.id for i in COV.indicators()]
    records = [
        {"id": k, "area": "coventry", "indicators": rng.sample(ids, rng.randint(1, 3))}
        if k % 7
        else {"id": k, "area": "mars"}
        for k in range(5000)
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(_jsonl(records))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("batch", str(src), "-o", str(one), "--jobs", "1").code == EXIT_PARTIAL
    assert run("batch", str(src), "-o", str(two), "--jobs", "2").code == EXIT_PARTIAL
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text().splitlines()) == 5000


def test_csv_output_neutralises_formulas(run, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        _jsonl(
            [
                {"id": '=HYPERLINK("x")', "area": "coventry", "level": 2},
                {"id": "+1", "area": "coventry", "level": 2},
                {"id": "@SUM(A1)", "area": "coventry", "level": 2},
            ]
        )
    )
    out = tmp_path / "out.csv"
    assert run("batch", str(src), "-o", str(out)).code == 0
    ids = [row["id"] for row in csv.DictReader(io.StringIO(out.read_text()))]
    assert ids == ['\'=HYPERLINK("x")', "'+1", "'@SUM(A1)"]
    # JSONL keeps the raw values exact
    jsonl = tmp_path / "out.jsonl"
    run("batch", str(src), "-o", str(jsonl))
    assert _read_jsonl(jsonl.read_text())[0]["id"] == '=HYPERLINK("x")'


def test_stdin_to_stdout(run):
    r = run("batch", "-", input=_jsonl(MIXED[:2]))
    assert r.code == 0
    assert [row["id"] for row in _read_jsonl(r.out)] == ["a", "b"]


def test_bad_csv_header_is_one_line_error(run, tmp_path):
    from conftest import assert_one_line_error

    src = tmp_path / "in.csv"
    src.write_text("id,area,indicatorz\n1,coventry,x\n")
    r = run("batch", str(src))
    assert_one_line_error(r, 2)
    assert "did you mean 'indicators'" in r.err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_run_leaves_the_old_file(tmp_path, jobs):
    """A run cut off by a signal never leaves half a file: the previous output stays whole."""
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    out.write_text("previous complete output\n")
    env = {**os.environ, "THRESHOLDKIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "thresholdkit", "batch", str(fifo), "-o", str(out), "--jobs", jobs],
        stderr=subprocess.PIPE,
        env=env,
    )
    with open(fifo, "w") as writer:
        writer.write(_jsonl(MIXED * 2000))  # 10,000 records, then the writer stalls
        writer.flush()
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert out.read_text() == "previous complete output\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".thresholdkit-batch-")]
    assert b"interrupted after" in err and b"Traceback" not in err
    assert b"no output file was written" in err


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([COV, TEL, REG.area("herefordshire"), REG.area("worcestershire")]),
    st.data(),
    st.one_of(st.none(), st.integers(1, 4)),
    st.one_of(st.none(), st.fixed_dictionaries({"age": st.integers(0, 17), "sexually_active": st.booleans()})),
)
def test_batch_agrees_with_assess(area, data, level, facts):
    """Level, indicators (named by their set), the emergency flag and every warning: the same.
    Indicators come from every set, named bare or qualified (set/id)."""
    ids = [*(i.id for i in area.indicators()), *(f"{i.set}/{i.id}" for i in area.indicators())]
    chosen = data.draw(st.lists(st.sampled_from(ids), max_size=4))
    record = {"area": area.id, "indicators": chosen, "level": level, "facts": facts}
    [result] = list(assess_records([record], REG))
    try:
        expected = assess(area, chosen, level=level, facts=facts or {})
    except Exception as exc:  # the CLI refuses it; batch must give an error for it too
        assert result.error is not None, exc
        return
    assert result.error is None
    assert result.level == expected.level
    assert set(result.indicators) == {i.ref for i in expected.indicators}
    assert result.emergency == (expected.emergency is not None)
    assert result.warnings == expected.warnings


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bom_and_missing_final_newline(run, tmp_path, jobs):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"id": 1, "area": "coventry", "level": 2}\n{"id": 2, "area": "coventry", "level": 3}')
    r = run("batch", str(src), "--jobs", jobs)
    assert r.code == 0, r.err
    assert [row["level"] for row in _read_jsonl(r.out)] == [2, 3]


def test_a_read_failure_during_the_run_is_not_blamed_on_the_output(run, tmp_path, monkeypatch):
    """An OSError that names a file (a data or schema file gone from a broken install) is not
    "cannot write OUTPUT": that message is for writing the output, and it sent users to a
    folder that was fine."""
    from thresholdkit.batch import run as batchrun

    def broken(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "/site/thresholdkit/schemas/gone.json")

    monkeypatch.setattr(batchrun, "run", broken)
    src = tmp_path / "in.jsonl"
    src.write_text(_jsonl(MIXED[:1]))
    out = tmp_path / "out.jsonl"
    r = run("batch", str(src), "-o", str(out))
    assert r.code == 1
    assert "cannot write" not in r.err
    assert "gone.json" in r.err and r.err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("error", "blamed"),
    [
        (OSError(28, "No space left on device", "/tmp"), True),  # a part file's folder is full
        (OSError(5, "Input/output error"), True),  # a write to the open output
        (PermissionError(13, "Permission denied", "OUTDIR"), True),  # a part file in the output's folder
        (FileNotFoundError(2, "No such file or directory", "/elsewhere/data.yaml"), False),
    ],
)
def test_which_os_errors_are_the_outputs(error: OSError, blamed: bool, tmp_path) -> None:
    from thresholdkit.cli.batch import _writing

    target = str(tmp_path / "out.jsonl")
    if error.filename == "OUTDIR":
        error.filename = str(tmp_path)
    assert _writing(error, target) is blamed


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_with_no_area_is_an_error_never_a_blank_result(tmp_path, jobs):
    """Red team (attacker, F1): a record with no area (missing, null) came back with neither a
    level nor an error, breaking its own schema (error null requires a level): a level-4 case
    a script keeping `error == null` rows took as assessed. Every result has exactly one of the
    two, in JSONL, CSV, at any --jobs and through the API."""
    lines = [
        '{"id":1,"indicators":["non-mobile-child-injury"]}',
        '{"id":2,"area":null,"level":4}',
        '{"id":3,"area":"","level":4}',
        '{"id":4}',
    ] * 3
    src = tmp_path / "cases.jsonl"
    src.write_text("\n".join(lines) + "\n")
    csv_src = tmp_path / "cases.csv"
    csv_src.write_text("id,area,indicators,level\n1,,non-mobile-child-injury,\n2,,,4\n")
    for path, name in ((src, "out.jsonl"), (csv_src, "out.jsonl")):
        out = tmp_path / name
        done = batch_process(str(path), "-o", str(out), "--jobs", jobs)
        assert done.returncode == EXIT_PARTIAL, done.stderr
        results = [json.loads(x) for x in out.read_text().splitlines()]
        assert results and all(r["level"] is None and r["error"] for r in results), results
        assert all("names no area" in r["error"] for r in results if r["area"] is None), results
    api = list(assess_records([{"id": 1, "indicators": ["non-mobile-child-injury"]}, {"id": 2, "area": None}], REG))
    assert [r.error is not None for r in api] == [True, True]


@pytest.mark.parametrize("how", ["same name", "symbolic link", "hard link"])
def test_batch_refuses_to_write_its_results_over_its_input(run, tmp_path, how):
    """Red team (attacker, F10): `batch x.jsonl -o x.jsonl` replaced the cases with the results."""
    from conftest import assert_one_line_error

    src = tmp_path / "cases.jsonl"
    text = '{"id":1,"area":"coventry","level":2}\n'
    src.write_text(text)
    out = src
    if how != "same name":
        out = tmp_path / "out.jsonl"
        (out.symlink_to if how == "symbolic link" else out.hardlink_to)(src)
    r = run("batch", str(src), "-o", str(out))
    assert_one_line_error(r, code=2)
    assert "is the input file" in r.err and src.read_text() == text


@pytest.mark.parametrize(
    ("column", "cell", "ok"),
    [
        ("age", "1_2", False),
        ("age", "\u0661\u0662", False),  # Arabic-Indic digits
        ("age", "\uff14", False),  # a full-width 4
        ("age", "12", True),
        ("age", " +12 ", True),
        ("attendance_percent", "nan", False),
        ("attendance_percent", "inf", False),
        ("attendance_percent", "9_2", False),
        ("attendance_percent", "92.5", True),
        ("attendance_percent", "1e2", True),
        ("attendance_percent", ".5", True),
        ("level", "4_0", False),
    ],
)
def test_csv_numbers_are_ascii_digits(column, cell, ok):
    """Red team (attacker, F10): CSV cells took Python's int()/float() spellings: '1_2' was 12,
    Arabic-Indic and full-width digits were numbers, 'nan' a percentage."""
    from thresholdkit.batch.engine import read_csv

    row = {"id": "1", "area": "telford", "school_phase": "secondary", column: cell}
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    ((_, item),) = list(read_csv(io.BytesIO(text.encode())))
    failed = getattr(item, "error", None)
    assert (failed is None) == ok, failed
    if not ok:
        assert "digits 0-9" in failed


def test_a_record_giving_its_id_twice_does_not_report_either_as_its_id():
    """Red team (attacker, F10): a record giving 'id' twice was reported under the last one, a
    guess at which record it was; the error row leaves the id (or area) given twice empty."""
    from thresholdkit.batch.engine import decode_line

    twice_id = decode_line(1, b'{"id":"t","level":2,"id":"t2","area":"coventry"}')
    assert twice_id.error and twice_id.id is None and twice_id.area == "coventry"
    twice_area = decode_line(2, b'{"id":"u","area":"coventry","area":"telford","level":2}')
    assert twice_area.error and twice_area.id == "u" and twice_area.area is None


def test_batch_refuses_to_overwrite_the_file_on_its_standard_input(tmp_path):
    """Red team (round 2, 4): `batch - -o cases.jsonl < cases.jsonl` replaced the cases."""
    src = tmp_path / "cases.jsonl"
    text = '{"id":1,"area":"coventry","level":2}\n'
    src.write_text(text)
    for out in (str(src), "/dev/stdin"):
        with open(src, "rb") as fh:
            done = subprocess.run(
                [sys.executable, "-m", "thresholdkit", "batch", "-", "-o", out],
                stdin=fh,
                capture_output=True,
                text=True,
                check=False,
            )
        assert done.returncode == 2 and "is the input file" in done.stderr, (out, done.stderr)
        assert src.read_text() == text


def test_endless_input_is_refused_with_bounded_memory(run, tmp_path, monkeypatch):
    """Checked as a user before resolving: `batch /dev/zero` grew without bound until the
    kernel killed it (exit 137). A device is refused before anything is read (/dev/null, empty,
    is still read), and a line longer than MAX_LINE ends the run in one line, its output unwritten."""
    from conftest import assert_one_line_error

    from thresholdkit.batch import run as batchrun
    from thresholdkit.model.errors import UsageError

    r = run("batch", "/dev/zero")
    assert_one_line_error(r, code=2)
    assert "it is a device" in r.err
    assert run("batch", "/dev/null").code == 0
    monkeypatch.setattr(batchrun, "MAX_LINE", 1000)
    monkeypatch.setattr(batchrun, "BLOCK", 100)  # reads shorter than the line, as a pipe gives them
    with pytest.raises(UsageError, match="a line longer than"):
        batchrun.run(io.BytesIO(b'{"id": 1}\n' + b"\0" * 5000), io.BytesIO(), "jsonl", "jsonl")
