"""Start-up of two installations of thresholdkit, interleaved in one run (before and after).

    python benchmarks/startup_ab.py OLD/bin/thresholdkit NEW/bin/thresholdkit [--runs 20]

Prints the median wall time of single lookups for each, and the ratio to
`python -c "import click"` measured in the same run, in the same interleaved loop, so that a noisy
machine affects every figure alike. Each installation warms its own data cache first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = (("contacts coventry", ["contacts", "coventry"]), ("areas", ["areas"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cases = {"python -c 'import click'": [sys.executable, "-c", "import click"]}
    for label, argv in COMMANDS:
        cases[f"old {label}"] = [args.old, *argv]
        cases[f"new {label}"] = [args.new, *argv]
    for cmd in cases.values():  # warm caches
        subprocess.run(cmd, capture_output=True, env=env, check=False)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, env=env, check=False)
            times[name].append((time.perf_counter() - start) * 1000)
    floor = statistics.median(times["python -c 'import click'"])
    print(f"{'command':<32} {'median ms':>10} {'x click':>8}")
    for name, values in times.items():
        ms = statistics.median(values)
        print(f"{name:<32} {ms:>10.1f} {ms / floor:>8.2f}")


if __name__ == "__main__":
    main()
