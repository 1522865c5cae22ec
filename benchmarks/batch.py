"""Batch benchmark: every batch row of the Performance table, each next to its floor measured in
the same run.

    python benchmarks/batch.py [--records 1000000] [--runs 3]

For N synthetic cases (``benchmarks/gen_cases.py``, fixed seed, all areas, 1% bad records), as
JSON Lines and as the same cases in CSV, it times, interleaved, run after run:

- the JSONL floor: msgspec decoding and re-encoding the file line by line;
- ``thresholdkit batch`` on the JSONL file, ``--jobs 1`` and ``--jobs 2``;
- the CSV floor: the stdlib ``csv`` reader feeding a ``csv`` writer;
- ``thresholdkit batch`` on the CSV file (CSV out), ``--jobs 1`` and ``--jobs 2``;

each in its own process (wall time, start-up included), and prints the seconds, cases per second
and peak RSS (``wait4``'s ``ru_maxrss`` of the process and the workers it waited for) of each,
then the ratios the targets are stated in (issue 19): batch / floor, ``--jobs 2`` speed-up, and
peak RSS at 100k and at N cases. On a noisy machine compare the ratios of one run, not seconds
across runs; ``--runs`` prints the range seen.

Targets (issue 19): JSONL ``--jobs 1`` at most 1.6x the msgspec floor; ``--jobs 2`` at least
1.7x ``--jobs 1``; CSV at least 250k cases/s and at most 3x the csv floor, faster with
``--jobs 2``; peak RSS the same at 1M as at 100k, under 100 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

JSONL_FLOOR = (
    "import msgspec,sys\nd=msgspec.json.Decoder();e=msgspec.json.Encoder()\nw=open(sys.argv[2],'wb')\n"
    "for l in open(sys.argv[1],'rb'):\n w.write(e.encode(d.decode(l))+b'\\n')"
)
CSV_FLOOR = (
    "import csv,sys\nr=csv.reader(open(sys.argv[1],newline='',encoding='utf-8'))\n"
    "w=csv.writer(open(sys.argv[2],'w',newline='',encoding='utf-8'),lineterminator='\\n')\nw.writerows(r)"
)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MB, exit status) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def to_csv(src: str, dst: str) -> None:
    """The same cases as CSV: one column per case field and fact."""
    from thresholdkit.batch.engine import CSV_INPUT

    columns = [c for c in CSV_INPUT if c != "set"]
    with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for line in fh:
            rec = json.loads(line)
            facts = rec.pop("facts", None) or {}
            row = []
            for c in columns:
                v = facts.get(c) if c in facts else rec.get(c)
                if c == "indicators":
                    v = ";".join(v or [])
                row.append("" if v is None else str(v).lower() if isinstance(v, bool) else v)
            writer.writerow(row)


def span(values: list[float], fmt: str) -> str:
    lo, hi = min(values), max(values)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else f"{format(lo, fmt)}-{format(hi, fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=300_000, help="cases (default 300,000; the table: 1,000,000)")
    parser.add_argument("--runs", type=int, default=1, help="interleaved runs (default 1)")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    tk = [py, "-m", "thresholdkit"]
    subprocess.run([*tk, "areas"], capture_output=True, env=env, check=False)  # warm the data cache
    n = args.records
    small = min(100_000, n)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "cases.jsonl")
        src_small = os.path.join(tmp, "cases-small.jsonl")
        src_csv = os.path.join(tmp, "cases.csv")
        subprocess.run([py, os.path.join(HERE, "gen_cases.py"), str(n), src], check=True, env=env)
        with open(src, "rb") as fh, open(src_small, "wb") as out:
            for _, line in zip(range(small), fh, strict=False):
                out.write(line)
        to_csv(src, src_csv)
        out_jsonl, out_csv = os.path.join(tmp, "out.jsonl"), os.path.join(tmp, "out.csv")
        commands = {
            "floor: msgspec line by line (JSONL)": [py, "-c", JSONL_FLOOR, src, out_jsonl],
            "batch JSONL --jobs 1": [*tk, "batch", src, "-o", out_jsonl, "--jobs", "1"],
            "batch JSONL --jobs 2": [*tk, "batch", src, "-o", out_jsonl, "--jobs", "2"],
            "floor: stdlib csv reader + writer": [py, "-c", CSV_FLOOR, src_csv, out_csv],
            "batch CSV --jobs 1": [*tk, "batch", src_csv, "-o", out_csv, "--jobs", "1"],
            "batch CSV --jobs 2": [*tk, "batch", src_csv, "-o", out_csv, "--jobs", "2"],
            f"batch JSONL --jobs 1, {small:,} cases": [*tk, "batch", src_small, "-o", out_jsonl],
            f"batch JSONL --jobs 2, {small:,} cases": [*tk, "batch", src_small, "-o", out_jsonl, "--jobs", "2"],
        }
        got: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for run in range(args.runs):
            for name, cmd in commands.items():
                wall, rss, code = timed(cmd, env)
                if code not in (0, 4):
                    sys.exit(f"{name}: exit status {code}")
                got[name].append((wall, rss))
            print(f"run {run + 1} of {args.runs} done", file=sys.stderr)

    def walls(name: str) -> list[float]:
        return [w for w, _ in got[name]]

    def ratios(a: str, b: str) -> list[float]:
        return [x / y for x, y in zip(walls(a), walls(b), strict=True)]

    print(f"{n:,} cases, {args.runs} interleaved run(s); ranges are min-max over the runs\n")
    print(f"{'measure':<40} {'seconds':>11} {'cases/s':>15} {'peak RSS MB':>12}")
    for name in commands:
        size = small if name.endswith(f"{small:,} cases") else n
        rates = [size / w for w in walls(name)]
        rss = [r for _, r in got[name]]
        print(
            f"{name:<40} {span(walls(name), '.2f'):>11} {span([r / 1000 for r in rates], '.0f') + 'k':>15} "
            f"{span(rss, 'd'):>12}"
        )
    print()
    jsonl1, jsonl2 = "batch JSONL --jobs 1", "batch JSONL --jobs 2"
    csv1, csv2 = "batch CSV --jobs 1", "batch CSV --jobs 2"
    jfloor, cfloor = "floor: msgspec line by line (JSONL)", "floor: stdlib csv reader + writer"
    rows = [
        ("JSONL --jobs 1 / msgspec floor", ratios(jsonl1, jfloor), "at most 1.6x"),
        ("JSONL --jobs 2 / msgspec floor", ratios(jsonl2, jfloor), ""),
        ("JSONL --jobs 2 speed-up", ratios(jsonl1, jsonl2), "at least 1.7x"),
        ("CSV --jobs 1 / csv floor", ratios(csv1, cfloor), "at most 3x"),
        ("CSV --jobs 2 / csv floor", ratios(csv2, cfloor), ""),
        ("CSV --jobs 2 speed-up", ratios(csv1, csv2), "scales with --jobs"),
    ]
    print(f"{'ratio':<40} {'x':>11}   target")
    for name, values, target in rows:
        print(f"{name:<40} {span(values, '.2f'):>11}   {target}")
    best_csv = max(n / w for w in walls(csv1) + walls(csv2))
    print(f"{'CSV best cases/s':<40} {best_csv:>11,.0f}   at least 250,000")
    rss_small = max(r for _, r in got[f"batch JSONL --jobs 1, {small:,} cases"])
    rss_big = max(r for _, r in got[jsonl1])
    label = f"peak RSS --jobs 1, {small:,} / {n:,} cases"
    print(f"{label:<40} {f'{rss_small} / {rss_big} MB':>11}   same, under 100 MB")


if __name__ == "__main__":
    main()
