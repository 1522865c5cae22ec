"""thresholdkit behaves as click itself does, with whatever click version is installed.

Each check runs the same situation twice in one run: through thresholdkit, and through a plain
click group made here with the same settings (``-h/--help``, a subcommand group). Where click
versions differ (click 8.1 prints a bare group's help to stdout and exits 0; 8.2 and later
print it to stderr and exit 2), the two still agree. ``.ci/run`` runs this file again with the
oldest click that ``pyproject.toml`` allows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest

PLAIN = textwrap.dedent(
    """
    import click

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    def cli():
        "A plain click group."

    @cli.group()
    def compare():
        "A subgroup."

    @compare.command()
    def levels():
        "A command."

    @cli.command()
    @click.argument("area")
    @click.option("--level", "-l", type=click.IntRange(1, 4))
    def assess(area, level):
        "A command with an argument."

    cli(prog_name="thresholdkit")
    """
)


def _run(argv: list[str], script: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"}
    cmd = [sys.executable, str(script)] if script else [sys.executable, "-m", "thresholdkit"]
    return subprocess.run([*cmd, *argv], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "plain.py"
    path.write_text(PLAIN)
    return path


def _shape(p: subprocess.CompletedProcess[str]) -> tuple[int, bool, bool, bool]:
    """Exit status, and where the usage went: stdout, stderr, and whether an 'Error:' line came."""
    return (p.returncode, p.stdout.startswith("Usage: "), p.stderr.startswith("Usage: "), "Error:" in p.stderr)


@pytest.mark.parametrize("argv", [[], ["compare"]])
def test_a_bare_group_shows_its_help_as_click_does(plain: Path, argv: list[str]) -> None:
    ours, theirs = _run(argv), _run(argv, plain)
    assert _shape(ours) == _shape(theirs), (click.__version__, ours, theirs)
    shown = ours.stdout or ours.stderr
    assert "Commands:" in shown and "\n" in shown.strip()  # the help itself, laid out, not one squashed line
    assert not shown.startswith("Error: Usage")


@pytest.mark.parametrize(
    "argv", [["assess"], ["assess", "coventry", "--level", "9"], ["assess", "coventry", "--bogus"]]
)
def test_usage_errors_keep_clicks_usage_and_try_lines(plain: Path, argv: list[str]) -> None:
    ours, theirs = _run(argv), _run(argv, plain)
    assert ours.returncode == theirs.returncode == 2
    mine = [line for line in ours.stderr.splitlines() if line.strip()]
    ref = [line for line in theirs.stderr.splitlines() if line.strip()]
    assert [line.split(" ")[0] for line in mine] == [line.split(" ")[0] for line in ref], (ours.stderr, theirs.stderr)
    assert mine[0].startswith("Usage: thresholdkit assess")
    assert mine[1] == ref[1]  # click 8.1 names -h here, later versions --help: whichever click says
    assert mine[-1].startswith("Error: ") and ours.stdout == ""


def test_help_and_version_exit_zero_on_stdout() -> None:
    for argv in (["--help"], ["-h"], ["--version"], ["compare", "--help"]):
        p = _run(argv)
        assert p.returncode == 0 and p.stdout and p.stderr == "", (argv, p)
