from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from thresholdkit.cli.main import cli

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("THRESHOLDKIT_PLUGINS", raising=False)
    monkeypatch.delenv("THRESHOLDKIT_DEBUG", raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str


def _runner() -> CliRunner:
    """A runner that keeps stderr apart: click 8.2 and later always do; 8.1 needs mix_stderr=False."""
    import inspect

    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


@pytest.fixture
def run() -> Callable[..., Run]:
    def _run(*args: str, input: str | None = None) -> Run:
        result = _runner().invoke(cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return _run


def assert_one_line_error(r: Run, code: int | None = None) -> None:
    assert r.code != 0
    if code is not None:
        assert r.code == code, r
    lines = [line for line in r.err.splitlines() if line.strip()]
    # A command-line usage error keeps click's own two lines before it (issue 18): the usage,
    # then "Try '... --help' for help."; the error itself is still one line.
    if len(lines) == 3 and lines[0].startswith("Usage: ") and lines[1].startswith("Try '"):
        assert lines[1].endswith(("--help' for help.", " -h' for help.")), r.err
        lines = lines[2:]
    assert len(lines) == 1, r.err
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in r.err + r.out


@pytest.fixture
def fake_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str, dict[str, str]], Path]:
    """Install a throwaway plugin distribution on sys.path: (area, module source, extra files)."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(area: str, module_source: str, files: dict[str, str] | None = None) -> Path:
        pkg = site / f"fake_{area}"
        pkg.mkdir()
        (pkg / "__init__.py").write_text(textwrap.dedent(module_source))
        for rel, text in (files or {}).items():
            target = pkg / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text))
        dist = site / f"fake_{area}-9.9.dist-info"
        dist.mkdir()
        (dist / "entry_points.txt").write_text(f"[thresholdkit]\n{area} = fake_{area}:plugin\n")
        return pkg

    return make


@pytest.fixture
def seeds() -> Iterator[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not found at {SEEDS}: verbatim checks need ../shared/seeds")
    old = os.environ.get("THRESHOLDKIT_SOURCES")
    os.environ["THRESHOLDKIT_SOURCES"] = str(SEEDS)
    yield SEEDS
    if old is None:
        del os.environ["THRESHOLDKIT_SOURCES"]
    else:
        os.environ["THRESHOLDKIT_SOURCES"] = old


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fuzzing figures (how many inputs were tried, and that none gave a traceback)."""
    try:
        from fuzzstats import TRACEBACKS, TRIED
    except ImportError:
        return
    if TRIED:
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(TRIED.items()))
        terminalreporter.write_line(
            f"fuzz: {sum(TRIED.values())} inputs tried ({parts}); "
            f"{sum(TRACEBACKS.values())} tracebacks or internal errors"
        )


def usable_areas(registry: Any) -> list[Any]:
    """Every installed area that loads (a broken or draft one is left out): for tests that run
    over whatever is installed, never over exactly the five bundled areas."""
    from thresholdkit.model.errors import ThresholdkitError

    out = []
    for area_id in registry.area_ids():
        try:
            out.append(registry.area(area_id))
        except ThresholdkitError:
            continue
    return out


def phone_lines(area: Any, roles: tuple[str, ...] | set[str]) -> list[str]:
    """The ids of the area's contacts in ``roles`` that print a phone number, direct lines of a
    post left out: the lines 'call now' chooses between."""
    return [
        c["id"]
        for c in area.contacts()
        if c["role"] in roles and c.get("phone") and c.get("kind") != "direct_line_of_post"
    ]


def batch_process(*args: str) -> Any:
    """``thresholdkit batch ARGS`` in a process of its own (``--jobs`` forks): the completed process, text."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "thresholdkit", "batch", *args], capture_output=True, text=True, check=False
    )
