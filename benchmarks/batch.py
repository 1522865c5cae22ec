"""Batch benchmark: throughput, memory and --jobs speed-up, next to floors measured in the same run.

    python benchmarks/batch.py [--sizes 100000 1000000] [--skip-startup]

Prints, for each size: cases per second of `thresholdkit batch` (wall time of the whole
command, start-up included) next to the floor: the same file merely parsed and re-serialised
line by line by each JSON library (stdlib json, orjson when installed, msgspec), each in its own
process; peak memory (max RSS) of the batch process; and the `--jobs 2` speed-up. Then the
start-up figures of benchmarks/startup.py. Targets (issue 7): at least 150,000 cases/s on one
core, within 2x of the floor of the library used (msgspec); flat memory under 100 MB; --jobs 2
at least 1.6x.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

FLOOR = {
    "json": "import json,sys\nw=open(sys.argv[2],'w')\n"
    "for l in open(sys.argv[1]):\n w.write(json.dumps(json.loads(l))+'\\n')",
    "orjson": "import orjson,sys\nw=open(sys.argv[2],'wb')\n"
    "for l in open(sys.argv[1],'rb'):\n w.write(orjson.dumps(orjson.loads(l))+b'\\n')",
    "msgspec": "import msgspec,sys\nd=msgspec.json.Decoder();e=msgspec.json.Encoder()\nw=open(sys.argv[2],'wb')\n"
    "for l in open(sys.argv[1],'rb'):\n w.write(e.encode(d.decode(l))+b'\\n')",
}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, max RSS in MB, exit status) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    tk = [py, "-m", "thresholdkit"]
    subprocess.run([*tk, "areas"], capture_output=True, env=env, check=False)  # warm the data cache
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'measure':<44} {'size':>9} {'seconds':>8} {'cases/s':>11} {'max RSS MB':>10}")
        for size in args.sizes:
            src = os.path.join(tmp, f"cases-{size}.jsonl")
            out = os.path.join(tmp, "out.jsonl")
            subprocess.run([py, os.path.join(HERE, "gen_cases.py"), str(size), src], check=True, env=env)
            rows = []
            for lib, code in FLOOR.items():
                if not has(lib):
                    continue
                wall, rss, _ = timed([py, "-c", code, src, out], env)
                rows.append((f"floor: parse + re-serialise ({lib})", wall, rss))
            wall1, rss1, code1 = timed([*tk, "batch", src, "-o", out], env)
            rows.append(("thresholdkit batch --jobs 1 (msgspec)", wall1, rss1))
            wall2, rss2, _ = timed([*tk, "batch", src, "-o", out, "--jobs", "2"], env)
            rows.append(("thresholdkit batch --jobs 2", wall2, rss2))
            for name, wall, rss in rows:
                print(f"{name:<44} {size:>9,} {wall:>8.2f} {size / wall:>11,.0f} {rss:>10}")
            floor = next(w for n, w, _ in rows if "(msgspec)" in n and n.startswith("floor"))
            print(f"{'  batch / msgspec floor':<44} {size:>9,} {wall1 / floor:>8.2f}x")
            print(f"{'  --jobs 2 speed-up':<44} {size:>9,} {wall1 / wall2:>8.2f}x   (exit status {code1})")
    if not args.skip_startup:
        print()
        subprocess.run([py, os.path.join(HERE, "startup.py"), "--runs", "20"], env=env, check=False)


if __name__ == "__main__":
    main()
