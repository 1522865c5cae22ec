"""Shell completion through click's own protocol (issue 18): the shell sets
``_THRESHOLDKIT_COMPLETE`` and ``COMP_WORDS``/``COMP_CWORD`` and reads ``type,value`` lines.

The expected values come from the installed areas, never from a fixed list of five.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from thresholdkit.areas.registry import Registry
from thresholdkit.data import vocabulary

REG = Registry.load()


def _complete(words: str, shell: str = "bash") -> list[tuple[str, str]]:
    parts = words.split(" ")
    env = {
        **os.environ,
        "_THRESHOLDKIT_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    p = subprocess.run(
        [sys.executable, "-m", "thresholdkit"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    if shell == "bash":
        return [tuple(line.split(",", 1)) for line in p.stdout.splitlines() if line]  # type: ignore[misc]
    lines = p.stdout.splitlines()  # zsh: type, value, help, in turn
    return [(lines[i], lines[i + 1]) for i in range(0, len(lines) - 2, 3)]


def test_area_ids():
    got = {v for _, v in _complete("thresholdkit contacts ")}
    assert got == set(REG.area_ids())


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_indicator_ids_of_the_area_typed(shell):
    telford = REG.area("telford")
    got = {v for _, v in _complete("thresholdkit assess telford -i exploitation/", shell)}
    assert got == {i.ref for i in telford.indicators("exploitation")}
    got = {v for _, v in _complete("thresholdkit assess telford --format json -i persistently-r", shell)}
    assert "persistently-running-away-mfh" in got  # a bare id, unique across sets, is offered too


def test_concepts_and_roles():
    got = {v for _, v in _complete("thresholdkit indicators coventry --concept sexual-")}
    assert got == {c for c in vocabulary.concepts() if c.startswith("sexual-")}
    roles = {c["role"] for c in REG.area("coventry").contacts()}
    got = {v for _, v in _complete("thresholdkit contacts coventry --role ")}
    assert got == roles


def test_paths_are_left_to_the_shell():
    assert ("file", "ca") in _complete("thresholdkit assess coventry ca")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_script(shell):
    env = {**os.environ, "_THRESHOLDKIT_COMPLETE": f"{shell}_source"}
    p = subprocess.run([sys.executable, "-m", "thresholdkit"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and "_THRESHOLDKIT_COMPLETE" in p.stdout
