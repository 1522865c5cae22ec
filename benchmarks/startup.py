"""Start-up and rendering benchmark: median wall time of commands against Python's own floor.

    python benchmarks/startup.py [--runs 20] [--plugins 100]

Every command runs once per round, in one interleaved loop with ``python -c "import click"``, so
that a noisy machine affects every figure alike; each line gives the median and the ratio to
that floor (issue 19's table):

- warm lookups (``contacts``, ``assess -i``, ``levels``, ``indicators --search``): the data
  cache is warmed first, as any second run of the tool finds it;
- cold rows (``contacts coventry`` and ``areas`` on the first run after install or upgrade):
  ``THRESHOLDKIT_CACHE_DIR`` points at a fresh, empty folder for every sample;
- the start-up cost of each additional installed plugin: ``contacts coventry`` with ``--plugins``
  dummy plugins (``*.dist-info`` folders with a ``thresholdkit`` entry point, in a temporary
  folder on ``PYTHONPATH``) against the same command with an empty folder there; the difference
  divided by their number;
- ``site -o DIR`` for all installed areas and an HTML ``handout``, warm.

The last line says whether a warm lookup imported jsonschema, PyYAML, Jinja2, pluggy or json (it must
not).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FLOOR = "python -c 'import click'"


def write_dummies(folder: str, count: int) -> None:
    """``count`` installed-looking plugins whose modules do not exist (never imported)."""
    for i in range(count):
        info = os.path.join(folder, f"thresholdkit_dummy{i}-1.0.dist-info")
        os.makedirs(info)
        with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as fh:
            fh.write(f"Metadata-Version: 2.1\nName: thresholdkit_dummy{i}\nVersion: 1.0\n")
        with open(os.path.join(info, "entry_points.txt"), "w", encoding="utf-8") as fh:
            fh.write(f"[thresholdkit]\ndummy{i} = thresholdkit_dummy{i}:plugin\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plugins", type=int, default=100, help="dummy plugins for the per-plugin row")
    args = parser.parse_args()
    exe = shutil.which("thresholdkit")
    if exe is None:
        sys.exit("thresholdkit is not installed in this environment")
    env = dict(os.environ)
    # Measure as users run it: with byte-code caches (some shells set PYTHONDONTWRITEBYTECODE).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("THRESHOLDKIT_NO_CACHE", None)
    work = tempfile.mkdtemp(prefix="tk-startup-")
    try:
        run(args, exe, env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, exe: str, env: dict[str, str], work: str) -> None:
    tk = [sys.executable, exe]
    warm_dir = os.path.join(work, "cache")
    env = {**env, "THRESHOLDKIT_CACHE_DIR": warm_dir}
    empty, dummies = os.path.join(work, "empty"), os.path.join(work, "dummies")
    os.makedirs(empty)
    os.makedirs(dummies)
    write_dummies(dummies, args.plugins)
    site_out = os.path.join(work, "site")
    handout_out = os.path.join(work, "handout.html")
    # name -> (argv, extra environment, cold cache)
    cases: dict[str, tuple[list[str], dict[str, str], bool]] = {
        FLOOR: ([sys.executable, "-c", "import click"], {}, False),
        "thresholdkit --help": ([*tk, "--help"], {}, False),
        "contacts coventry": ([*tk, "contacts", "coventry"], {}, False),
        "assess coventry -i private-fostering": ([*tk, "assess", "coventry", "-i", "private-fostering"], {}, False),
        "levels coventry": ([*tk, "levels", "coventry"], {}, False),
        "indicators coventry --search neglect": ([*tk, "indicators", "coventry", "--search", "neglect"], {}, False),
        "cold: contacts coventry": ([*tk, "contacts", "coventry"], {}, True),
        "cold: areas": ([*tk, "areas"], {}, True),
        "contacts coventry, empty dir on path": ([*tk, "contacts", "coventry"], {"PYTHONPATH": empty}, False),
        f"contacts coventry, {args.plugins} more plugins": (
            [*tk, "contacts", "coventry"],
            {"PYTHONPATH": dummies},
            False,
        ),
        "site -o DIR (all areas)": ([*tk, "site", "-o", site_out], {}, False),
        "handout coventry (HTML)": ([*tk, "handout", "coventry", "-o", handout_out], {}, False),
    }
    for argv, extra, _ in cases.values():  # warm the data and template caches, and check each runs
        done = subprocess.run(argv, capture_output=True, env={**env, **extra}, check=False)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv[1:])} failed: {done.stderr.decode(errors='replace')[-300:]}")
    times: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(args.runs):
        for name, (argv, extra, cold) in cases.items():
            run_env = {**env, **extra}
            if cold:
                run_env["THRESHOLDKIT_CACHE_DIR"] = os.path.join(work, f"cold-{i}-{len(times[name])}-{name[6:9]}")
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=run_env, check=False)
            times[name].append((time.perf_counter() - start) * 1000)
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians[FLOOR]
    print(f"{'command':<48} {'median ms':>10} {'x click':>8}")
    for name, ms in medians.items():
        print(f"{name:<48} {ms:>10.1f} {ms / floor:>8.2f}")
    extra_ms = (
        medians[f"contacts coventry, {args.plugins} more plugins"] - medians["contacts coventry, empty dir on path"]
    )
    print(f"{'per additional plugin (single-area command)':<48} {extra_ms / args.plugins:>10.3f}")
    probe = (
        "import sys\nsys.argv=['thresholdkit','contacts','coventry']\nimport thresholdkit.cli.main as m\n"
        "try:\n m.cli.main(prog_name='thresholdkit')\nexcept SystemExit: pass\n"
        "heavy = ('jsonschema', 'yaml', 'jinja2', 'pluggy', 'json')\n"
        "print('warm lookup imported:', [n for n in heavy if n in sys.modules] or 'none', file=sys.stderr)"
    )
    probed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False)
    print(probed.stderr.strip().splitlines()[-1] if probed.stderr.strip() else "probe failed")


if __name__ == "__main__":
    main()
