"""Nasty inputs for the fuzzers: case files and batch files that stress every edge of input
handling. Plain ``random`` (seeded) so that the long run (``tests/fuzz_long.py``) and the suite
draw from the same pieces.

Each batch generator returns the bytes and, for every input line, the id it carries (or None),
so a checker can prove that no record was lost, shifted or misattributed.
"""

from __future__ import annotations

import json
import random

AREAS = ["coventry", "telford", "gloucestershire", "nowhere"]
INDICATORS = ["non-mobile-child-injury", "private-fostering", "poor-supervision", "not-an-indicator"]

CASE_PIECES = [
    "area: coventry\n",
    "level: 2\n",
    "level: 4\nlevel: 1\n",  # a key twice
    "indicators: [non-mobile-child-injury]\nindicators: [poor-supervision]\n",
    "level: !!int abc\n",  # tags
    "level: !!float abc\n",
    "id: !!timestamp abc\n",
    "id: !!python/object:os.system abc\n",
    "level: !custom 2\n",
    "id: 2024-13-45\n",  # dates that are not dates
    "id: 2024-02-30 10:00\n",
    "id: 0000-01-01\n",
    'id: "a\\r\\nb=1+1"\n',  # CR and LF inside values
    "id: |\n  one\r\n  two\n",
    "id: '\r=2+5'\n",
    "facts: {age: 3, age: 15}\n",
    "facts: {age: " + "9" * 5000 + "}\n",  # huge number
    "id: " + "x" * 300_000 + "\n",  # huge field
    "indicators: " + "[" * 5000 + "]" * 5000 + "\n",  # deep nesting
    '{"level": 2}{"level": 4}\n',  # glued
    "\n\n",  # blank lines
    "\ufeff",
    "\x00",
    "level: 9\n",
    "facts: {school_phase: nursery}\n",
    "unknown: 1\n",
]


def case_file(rng: random.Random) -> bytes:
    """A case file made of a few pieces, in any order, with any line ends."""
    text = "".join(rng.choice(CASE_PIECES) for _ in range(rng.randint(1, 5)))
    end = rng.choice(["\n", "\r\n", "\r"])
    return text.replace("\n", end).encode("utf-8", "surrogatepass")


def _record(rng: random.Random, rid: str) -> tuple[str, bool]:
    """One record line, and whether it is a well-formed record whose id the output must echo."""
    rec: dict[str, object] = {"id": rid, "area": rng.choice(AREAS)}
    if rng.random() < 0.6:
        rec["indicators"] = rng.sample(INDICATORS, rng.randint(0, 2))
    if rng.random() < 0.5:
        rec["level"] = rng.choice([1, 2, 3, 4, 9, None])
    if rng.random() < 0.1:
        rec["facts"] = {"age": rng.choice([3, 15, -1])}
    text = json.dumps(rec)
    roll = rng.random()
    if roll < 0.05:  # a key given twice
        return text[:-1] + ', "area": "telford"}', False
    if roll < 0.08:  # CR, LF and a formula inside a value (escaped: still one line)
        return text.replace(f'"{rid}"', json.dumps(rid + "\r\n=2+5")), False
    if roll < 0.10:
        return text[:-1] + ', "note": "' + "x" * 200_000 + '"}', False  # a huge unknown field
    if roll < 0.12:
        return '{"area": "coventry", "indicators": ' + "[" * 3000 + "]" * 3000 + "}", False
    return text, True


def batch_file(rng: random.Random, n: int) -> tuple[bytes, list[str | None]]:
    """JSON Lines with blank lines, glued records, mixed line ends and a BOM; returns the bytes and
    the id carried by each line that holds exactly one well-formed record (else None)."""
    parts: list[str] = []
    ids: list[str | None] = []
    for k in range(n):
        roll = rng.random()
        rid = f"r{k}-{rng.randint(0, 10**9)}"
        if roll < 0.05:
            parts.append(rng.choice(["", "   ", "\t"]))
            ids.append(None)
        elif roll < 0.09:
            parts.append(_record(rng, rid)[0] + _record(rng, rid + "b")[0])  # glued
            ids.append(None)
        elif roll < 0.11:
            parts.append(rng.choice(["{", "not json", "\x00\x01", '{"area": "coventry"']))
            ids.append(None)
        else:
            line, ok = _record(rng, rid)
            parts.append(line)
            ids.append(rid if ok else None)
    ends = [rng.choice(["\n", "\n", "\n", "\r\n", "\r"]) for _ in parts]
    # a lone CR before an empty line would read as one CRLF: keep such pairs unambiguous
    for i in range(len(parts) - 1):
        if ends[i] == "\r" and parts[i + 1] == "":
            ends[i] = "\n"
    if parts[-1] and rng.random() < 0.2:
        ends[-1] = ""  # no line end after the last record
    text = "".join(p + e for p, e in zip(parts, ends, strict=True))
    bom = "\ufeff" if rng.random() < 0.2 else ""
    return (bom + text).encode("utf-8"), ids


def check_batch(data: bytes, ids: list[str | None], jobs: int = 1, path: str | None = None) -> int:
    """Run one generated batch file and check: one result per line, numbered by line, and every
    well-formed record's id on its own line. Returns how many records were checked."""
    import io

    from thresholdkit.batch import run as batchrun

    sink = io.BytesIO()
    if path is not None:
        with open(path, "wb") as fh:
            fh.write(data)
        with open(path, "rb") as fh:
            batchrun.run(fh, sink, "jsonl", "jsonl", jobs=jobs)
    else:
        batchrun.run(io.BytesIO(data), sink, "jsonl", "jsonl", jobs=jobs)
    rows = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert len(rows) == len(ids), f"{len(rows)} results for {len(ids)} lines"
    assert [r["record"] for r in rows] == list(range(1, len(ids) + 1)), "records shifted"
    for row, rid in zip(rows, ids, strict=True):
        if rid is not None:
            assert row["id"] == rid, f"line {row['record']}: id {row['id']!r}, expected {rid!r}"
    return len(rows)


def check_case_file(data: bytes, tmp: str) -> None:
    """Assess one generated case file through the CLI: a result or a one-line usage error."""
    from click.testing import CliRunner

    from thresholdkit.cli.main import cli

    path = f"{tmp}/case.yaml"
    with open(path, "wb") as fh:
        fh.write(data)
    result = CliRunner().invoke(cli, ["assess", "coventry", path, "-f", "json"])
    out = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in out and "internal error" not in out, out[-300:]
    assert result.exit_code in (0, 2, 3), (result.exit_code, result.stderr[-300:])
    if result.exit_code:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr[-300:]
