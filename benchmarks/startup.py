"""Start-up benchmark: median wall time of single lookups against Python's own floor.

    python benchmarks/startup.py [--runs 30]

Prints one line per command: median and the ratio to `python -c "import click"` measured in
the same run. Targets (issue 2 and 7): `contacts coventry` under 100 ms and within 1.5x of the
click floor (1.25x stretch); a single `assess` within 1.4x. It warms the data cache first, as
any second run of the tool would.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def median_ms(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    exe = shutil.which("thresholdkit")
    if exe is None:
        sys.exit("thresholdkit is not installed in this environment")
    env = dict(os.environ)
    # Measure as users run it: with byte-code caches (some shells set PYTHONDONTWRITEBYTECODE).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    tk = [sys.executable, exe]
    subprocess.run([*tk, "areas"], capture_output=True, env=env, check=False)  # warm the data cache
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import click'", [sys.executable, "-c", "import click"]),
        ("thresholdkit --help", [*tk, "--help"]),
        ("thresholdkit contacts coventry", [*tk, "contacts", "coventry"]),
        ("thresholdkit assess coventry -i private-fostering", [*tk, "assess", "coventry", "-i", "private-fostering"]),
        ("thresholdkit indicators coventry", [*tk, "indicators", "coventry"]),
    ]
    results = {name: median_ms(cmd, args.runs, env) for name, cmd in cases}
    floor = results["python -c 'import click'"]
    print(f"{'command':<55} {'median ms':>10} {'x click':>8}")
    for name, ms in results.items():
        print(f"{name:<55} {ms:>10.1f} {ms / floor:>8.2f}")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runpy; sys.argv=['thresholdkit','contacts','coventry'];"
            "import thresholdkit.cli.main as m\ntry:\n m.main()\nexcept SystemExit: pass\n"
            "print('jsonschema imported:', 'jsonschema' in sys.modules, file=sys.stderr)",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    print(probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "probe failed")


if __name__ == "__main__":
    main()
