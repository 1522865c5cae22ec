"""CLI conventions (issue 18): an example in every command's help, help on every option, one
meaning per short flag, '-' for standard output, on/off variables read properly, environment
variables listed, and output safe under any encoding.

Commands are found by walking the CLI itself, so a new command is checked as soon as it exists.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from conftest import assert_one_line_error

from thresholdkit.cli.examples import EXAMPLES
from thresholdkit.cli.main import cli
from thresholdkit.model.environment import VARIABLES

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(cli)

    def walk(cmd: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, f"{path} {name}".strip())
        else:
            yield path, cmd

    yield from walk(cli, "")


COMMANDS = dict(_commands())


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_shows_an_example(run, path):
    r = run(*path.split(), "--help")
    assert r.code == 0
    assert "Examples:" in r.out and "  thresholdkit " in r.out.split("Examples:")[1], path


def test_every_example_names_a_real_command_and_options():
    assert set(EXAMPLES) == set(COMMANDS)
    for path, lines in EXAMPLES.items():
        for line in lines:
            words = [w for w in shlex.split(line) if "=" not in w or w.startswith("-")]
            assert words[0] == "thresholdkit"
            cmd = COMMANDS[path]
            args = words[1 + len(path.split()) :]
            with click.Context(cmd, info_name=path, resilient_parsing=False) as ctx:
                cmd.parse_args(ctx, list(args))  # unknown options or a bad value raise here


#: Examples that run quickly and write no files: they must succeed as printed.
QUICK = [
    line
    for path, lines in EXAMPLES.items()
    for line in lines
    if not any(x in line for x in (" -o ", "case.yaml", "old-data", "cases.", "export", "plugin ", "TRACE", "pdf"))
    and path not in {"validate", "site", "quiz", "handout"}
]


@pytest.mark.parametrize("line", QUICK)
def test_quick_examples_run(run, line):
    r = run(*shlex.split(line)[1:])
    assert r.code == 0, (line, r.err)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_has_help(path):
    missing = [
        p.opts[0]
        for p in COMMANDS[path].params
        if isinstance(p, click.Option) and not p.help and "--help" not in p.opts
    ]
    assert not missing, f"{path}: {missing}"


def test_a_short_flag_means_one_thing_everywhere():
    meaning: dict[str, tuple[str, str]] = {}
    for path, cmd in COMMANDS.items():
        for p in cmd.params:
            if not isinstance(p, click.Option):
                continue
            longs = [o for o in p.opts if o.startswith("--")]
            for short in (o for o in p.opts if not o.startswith("--")):
                long = longs[0] if longs else short
                if short in meaning:
                    assert meaning[short][0] == long, (
                        f"{short} is {meaning[short][0]} in {meaning[short][1]}, {long} in {path}"
                    )
                else:
                    meaning[short] = (long, path)


def test_dash_is_standard_output_for_compare_matrix(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("compare", "matrix", "-f", "csv", "-o", "-")
    assert r.code == 0 and r.out.startswith("concept,cin_code,")
    assert not (tmp_path / "-").exists() and "Wrote" not in r.err


@pytest.mark.parametrize(("value", "cached"), [("0", True), ("false", True), ("", True), ("1", False), ("yes", False)])
def test_no_cache_is_read_as_on_or_off(monkeypatch, tmp_path, value, cached):
    from thresholdkit.data import cache

    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("THRESHOLDKIT_NO_CACHE", value)
    assert (cache.cache_dir() is not None) is cached


def test_an_odd_on_off_value_is_a_one_line_error(run, monkeypatch):
    monkeypatch.setenv("THRESHOLDKIT_NO_CACHE", "maybe")
    r = run("levels", "coventry")
    assert_one_line_error(r, 2)
    assert "THRESHOLDKIT_NO_CACHE='maybe' is not on or off" in r.err


def test_environment_variables_are_in_help_and_readme(run):
    help_text = " ".join(run("--help").out.split())
    readme = (ROOT / "README.md").read_text()
    for name in VARIABLES:
        assert name in help_text and f"`{name}`" in readme, name


def test_every_variable_the_code_reads_is_listed():
    import re

    read = set()
    for path in (ROOT / "src" / "thresholdkit").rglob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r"environ\.get\(\s*\"([A-Z_]+)\"", text))
        read |= set(re.findall(r"flag\(\s*\"([A-Z_]+)\"", text))
        for const in re.findall(r"ENV_[A-Z_]+ = \"([A-Z_]+)\"", text):
            read.add(const)
    # XDG_CACHE_HOME is named in THRESHOLDKIT_CACHE_DIR's text; COMP_WORDS is click's completion protocol
    assert read - set(VARIABLES) <= {"XDG_CACHE_HOME", "COMP_WORDS"}, read - set(VARIABLES)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_output_is_safe_under_any_encoding(encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    for args in (
        ["contacts", "worcestershire"],
        ["indicators", "telford", "--search", "drugs"],
        ["assess", "herefordshire", "-l", "2"],
    ):
        p = subprocess.run([sys.executable, "-m", "thresholdkit", *args], capture_output=True, env=env, timeout=60)
        assert p.returncode == 0 and p.stdout and b"Traceback" not in p.stderr, (args, p.stderr)
    p = subprocess.run(
        [sys.executable, "-m", "thresholdkit", "contacts", "worcestershire", "-f", "json"], capture_output=True, env=env
    )
    exact = subprocess.run(
        [sys.executable, "-m", "thresholdkit", "contacts", "worcestershire", "-f", "json"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert json.loads(p.stdout.decode(encoding)) == json.loads(exact.stdout.decode("utf-8"))  # JSON stays exact


def test_a_pdf_is_refused_on_a_terminal_and_piped_otherwise(tmp_path):
    import pty
    import shutil

    main, secondary = pty.openpty()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "thresholdkit", "handout", "coventry", "--level", "4", "-f", "pdf", "-o", "-"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=60,
            cwd=tmp_path,
        )
    finally:
        os.close(secondary)
        os.close(main)
    assert p.returncode == 2 and b"not written to a terminal" in p.stderr
    assert not (tmp_path / "-").exists()
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("no PDF engine here (CI installs chromium)")
    piped = subprocess.run(
        [sys.executable, "-m", "thresholdkit", "quiz", "telford", "-n", "3", "-f", "pdf", "-o", "-"],
        capture_output=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF"), piped.stderr
    assert list(tmp_path.iterdir()) == []  # nothing left behind, no file named '-'
