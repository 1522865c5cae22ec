"""Batch speed, issue 19, without timing anything: the per-chunk engine path
(:meth:`Engine.assess_chunk`) gives exactly what :meth:`Engine.assess` gives record by record,
skips assess for the plain records of its fast path, remembers the other results only under a
record's complete input, and keeps that memory bounded."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thresholdkit.batch import engine as batch
from thresholdkit.batch import run as batchrun

ENGINE = batch.Engine()
AREAS = [*ENGINE.registry.area_ids(), "nowhere"]
_ALL_SET = "*"  # the table of every published set (engine._ALL)


def _names(area: str) -> list[str]:
    """Every way of naming the area's indicators (bare, set/id, refs), warners and all."""
    table = ENGINE._table(area)
    if isinstance(table, str):
        return ["made-up"]
    names = sorted({name for levels in table.levels.values() for name in levels})
    return names[:30] + names[-30:] + sorted(table.warners)[:10]


NAMES = {area: _names(area) for area in AREAS}

_FACT = st.fixed_dictionaries(
    {},
    optional={
        "age": st.sampled_from([0, 1, 3, 13, 15, 17, 30, -1, 1.0, True]),
        "attendance_percent": st.sampled_from([1, 1.0, 10.0, 85.5, 99, 100, True, "x"]),
        "school_phase": st.sampled_from(["primary", "secondary", "nursery", 1]),
        "gestation_weeks": st.sampled_from([10, 30, 1.0]),
        "homeless": st.sampled_from([True, False, 1, None]),
        "sexually_active": st.sampled_from([True, False, 1]),
        "pregnant": st.sampled_from([True, False, 0]),
    },
)


@st.composite
def record_lines(draw: st.DrawFn) -> bytes:
    area = draw(st.sampled_from(AREAS))
    rec: dict[str, Any] = {"id": draw(st.one_of(st.integers(0, 3), st.sampled_from(["a", "b", "c,d", '"q"'])))}
    if draw(st.booleans()) or area != "nowhere":
        rec["area"] = area
    if draw(st.integers(0, 3)) == 0:
        rec["set"] = draw(st.sampled_from(["main", "exploitation", "nope"]))
    if draw(st.booleans()):
        rec["indicators"] = draw(st.lists(st.sampled_from([*NAMES[area], "not-an-indicator"]), max_size=4))
    if draw(st.booleans()):
        rec["level"] = draw(st.sampled_from([1, 2, 3, 4, 0, 9, None]))
    if draw(st.integers(0, 2)) == 0:
        rec["facts"] = draw(_FACT)
    return json.dumps(rec).encode()


def _builtins(results: list[batch.BatchResult]) -> list[Any]:
    return [msgspec.to_builtins(r) for r in results]


def _one_by_one(items: list[batch.CaseRecord | batch.BatchResult], start: int) -> list[Any]:
    """The unoptimised path: a fresh engine's assess for each record, alone."""
    engine = batch.Engine(ENGINE.registry)
    return _builtins(
        [engine.assess(item, n) if isinstance(item, batch.CaseRecord) else item for n, item in enumerate(items, start)]
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record_lines(), min_size=1, max_size=40), st.integers(1, 6))
def test_chunk_path_gives_exactly_what_assess_gives(lines: list[bytes], repeat: int) -> None:
    """Repeated and near-identical records (the same input but the id; 1, 1.0 and true as a fact)
    in any order: each gets the result assess gives it alone, never another record's."""
    blob = b"\n".join(lines * repeat) + b"\n"
    items = batch.decode_chunk(1, blob)
    engine = batch.Engine(ENGINE.registry)
    got = _builtins(engine.assess_chunk(items, 1))
    assert got == _one_by_one(items, 1)
    assert [r["record"] for r in got] == list(range(1, len(items) + 1))
    assert len(engine._results) <= batch.RESULTS_CACHED


def test_facts_that_compare_equal_in_python_are_different_inputs() -> None:
    """1 == 1.0 == True in a dict key: the cache keys facts as encoded JSON, which tells them apart."""
    lines = [
        {"id": k, "area": "telford", "facts": {"age": 13, "sexually_active": v}} for k, v in enumerate([True, 1, 1.0])
    ] + [{"id": 9, "area": "telford", "facts": {"attendance_percent": v}} for v in (1, 1.0, True)]
    blob = b"".join(json.dumps(rec).encode() + b"\n" for rec in lines) * 2
    items = batch.decode_chunk(1, blob)
    assert _builtins(batch.Engine(ENGINE.registry).assess_chunk(items, 1)) == _one_by_one(items, 1)


def _count_assess(monkeypatch: pytest.MonkeyPatch) -> tuple[batch.Engine, list[int]]:
    """The run's engine, whose assess (an instance attribute: the class's own stays) counts calls."""
    engine = batch.Engine()
    calls: list[int] = []
    real = engine.assess

    def counted(rec: batch.CaseRecord, n: int) -> batch.BatchResult:
        calls.append(n)
        return real(rec, n)

    monkeypatch.setattr(engine, "assess", counted)
    monkeypatch.setattr(batchrun, "_ENGINE", engine)
    return engine, calls


def _plain_lines(engine: batch.Engine, count: int) -> bytes:
    table = engine._table("coventry")
    assert not isinstance(table, str)
    levels = table.levels["main"]
    names = sorted(n for n, lv in levels.items() if lv > 0 and n not in table.canon and n not in table.warners)[:20]
    recs = [{"id": k, "area": "coventry", "indicators": [names[k % 20], names[(k + 1) % 20]]} for k in range(count)]
    recs += [{"id": k, "area": "coventry", "level": 1 + k % 4} for k in range(count)]
    return b"".join(json.dumps(rec).encode() + b"\n" for rec in recs)


@pytest.mark.parametrize("fmt_out", ["jsonl", "csv"])
def test_plain_records_take_the_fast_path(monkeypatch: pytest.MonkeyPatch, fmt_out: str) -> None:
    """Known indicators of a known area (no facts, none that can warn) or a practitioner's level
    alone: after the first record of the area builds its table, assess is never called."""
    engine, calls = _count_assess(monkeypatch)
    blob = _plain_lines(engine, 500)
    data, counts = batchrun.process_chunk(1, blob, "jsonl", fmt_out)
    assert sum(counts.values()) == 1000
    assert len(calls) <= 1
    expected = batch.Engine()
    want = [expected.assess(item, n) for n, item in enumerate(batch.decode_chunk(1, blob), 1)]  # type: ignore[arg-type]
    assert data == (batch.encode_results(want) if fmt_out == "jsonl" else batch.encode_csv_rows(want).encode())


def test_other_records_are_assessed_once_per_distinct_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records with facts, errors, unknown areas: assess once for each distinct input, whatever
    the ids; the same input again is a copy with its own id and number."""
    _, calls = _count_assess(monkeypatch)
    distinct = [
        {"area": "telford", "facts": {"age": 13, "sexually_active": True}},
        {"area": "telford", "facts": {"age": 14, "sexually_active": True}},
        {"area": "coventry", "indicators": ["not-an-indicator"]},
        {"area": "nowhere", "level": 2},
        {"area": "coventry"},
    ]
    lines = [json.dumps({"id": f"r{k}", **distinct[k % len(distinct)]}).encode() for k in range(200)]
    data, _ = batchrun.process_chunk(1, b"\n".join(lines) + b"\n", "jsonl", "jsonl")
    assert len(calls) == len(distinct)
    rows = [json.loads(line) for line in data.splitlines()]
    assert [r["id"] for r in rows] == [f"r{k}" for k in range(200)]
    assert [r["record"] for r in rows] == list(range(1, 201))


def test_the_result_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "RESULTS_CACHED", 50)
    engine = batch.Engine(ENGINE.registry)
    facts = [{"age": k % 18, "attendance_percent": k / 7} for k in range(400)]
    lines = [json.dumps({"id": k, "area": "telford", "facts": f}) for k, f in enumerate(facts)]
    items = batch.decode_chunk(1, ("\n".join(lines) + "\n").encode())
    got = _builtins(engine.assess_chunk(items, 1))
    assert len(engine._results) == 50
    assert got == _one_by_one(items, 1)


def test_a_replaced_assess_is_used_for_every_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subclass (or a patch) that replaces assess sees every record, fast path or not."""
    seen: list[int] = []

    class Counting(batch.Engine):
        def assess(self, rec: batch.CaseRecord, n: int) -> batch.BatchResult:
            seen.append(n)
            return super().assess(rec, n)

    engine = Counting(ENGINE.registry)
    items = batch.decode_chunk(1, _plain_lines(engine, 50))
    engine.assess_chunk(items, 1)
    assert seen == list(range(1, 101))


def test_indicators_that_warn_without_facts_take_the_fast_path_with_the_same_warnings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Indicators whose layout leaves their domain uncertain (and conditional ones, named without
    facts): the warnings case_warnings gives, in order, and assess is not called for them."""
    engine, calls = _count_assess(monkeypatch)
    recs = []
    for area in ENGINE.registry.area_ids():
        table = engine._table(area)
        if isinstance(table, str) or _ALL_SET not in table.levels:
            continue
        warners = sorted(w for w in table.warners if w in table.levels[_ALL_SET] and w not in table.canon)
        plain = sorted(n for n, lv in table.levels[_ALL_SET].items() if lv > 0 and n not in table.canon)[:3]
        for k, name in enumerate(warners):
            recs.append({"id": k, "area": area, "indicators": [name, *plain[: k % 3]]})
            recs.append({"id": k, "area": area, "indicators": [*plain[: k % 2], name, *warners[:1]]})
    assert len(recs) > 20
    blob = b"".join(json.dumps(rec).encode() + b"\n" for rec in recs)
    items = batch.decode_chunk(1, blob)
    got = _builtins(engine.assess_chunk(items, 1))
    assert got == _one_by_one(items, 1)
    assert any(r["warnings"] for r in got)
    assert len(calls) <= sum(1 for r in got if r["error"]) + len(AREAS)  # the first record of an area builds its table
