"""Every row of the Performance table (issue 19) in one run: the start-up benchmark, then the
batch benchmark, each printing its rows next to the floor it measured in the same run.

    python benchmarks/all.py [--startup-runs 21] [--records 1000000] [--batch-runs 1]

About 3 minutes for start-up and 2.5 minutes for each batch run at 1M records. The two parts
are ``benchmarks/startup.py`` and ``benchmarks/batch.py``; each can be run alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--startup-runs", type=int, default=21, help="interleaved start-up rounds (default 21)")
    parser.add_argument("--records", type=int, default=1_000_000, help="batch cases (default 1,000,000)")
    parser.add_argument("--batch-runs", type=int, default=1, help="interleaved batch rounds (default 1)")
    args = parser.parse_args()
    parts = [
        ("start-up and rendering, against `import click`", "startup.py", ["--runs", str(args.startup_runs)]),
        (
            "batch, against the msgspec and csv floors",
            "batch.py",
            ["--records", str(args.records), "--runs", str(args.batch_runs)],
        ),
    ]
    for title, script, extra in parts:
        print(f"== {title} ({script})", flush=True)
        done = subprocess.run([sys.executable, os.path.join(HERE, script), *extra], check=False)
        if done.returncode != 0:
            sys.exit(f"benchmarks/{script} failed with exit status {done.returncode}")
        print(flush=True)


if __name__ == "__main__":
    main()
