"""The long fuzz run (not part of the default suite): at least 100,000 generated inputs.

    python tests/fuzz_long.py [--inputs 100000] [--seed N]

Batch files (blank and glued lines, mixed line ends, BOMs, keys given twice, CR and LF inside
values, huge fields, deep nesting) are checked for lost, shifted or misattributed records, with
--jobs 1 and now and then --jobs 2; case files (the same, plus YAML tags and dates) for tracebacks
and internal errors. Prints the counts; exits non-zero on the first failure, with its seed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fuzzgen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    os.environ.setdefault("THRESHOLDKIT_PLUGINS", "coventry,telford,gloucestershire")
    rng = random.Random(args.seed)
    records = cases = files = parallel = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        while records + cases < args.inputs:
            seed = rng.randrange(2**32)
            local = random.Random(seed)
            try:
                if local.random() < 0.97:  # about a quarter of the inputs are case files
                    fuzzgen.check_case_file(fuzzgen.case_file(local), tmp)
                    cases += 1
                else:
                    data, ids = fuzzgen.batch_file(local, local.randint(1, 300))
                    jobs = 2 if files % 25 == 0 else 1
                    records += fuzzgen.check_batch(data, ids, jobs, path=f"{tmp}/in.jsonl")
                    files += 1
                    parallel += jobs == 2
            except AssertionError as exc:
                print(f"FAILED (seed {seed}): {exc}", file=sys.stderr)
                return 1
    took = time.monotonic() - start
    print(
        f"fuzz_long: {records + cases} inputs tried ({records} batch records in {files} files, {parallel} "
        f"with --jobs 2; {cases} case files) in {took:.0f} s, seed {args.seed}; "
        "0 tracebacks, 0 internal errors, 0 lost or misattributed records"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
