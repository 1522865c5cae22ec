"""How the console script ends (issue 19): at once when nothing is left to do, and never at the
cost of output, an exit handler or a clear error.

``thresholdkit.cli.main.main`` skips Python's orderly shutdown (about 13 ms after importing click)
only when the output is flushed, no ``atexit`` handler is registered and no other thread runs.
These tests run the real console entry point in a subprocess, as a user does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from thresholdkit.cli.main import cli


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THRESHOLDKIT_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return {**env, **extra}


def _thresholdkit(
    *args: str, env: dict[str, str] | None = None, stdout: int | None = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "thresholdkit", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env or _env(),
        check=False,
        timeout=120,
    )


def test_a_long_output_through_a_pipe_arrives_whole() -> None:
    """Ending at once must not lose what is still buffered: every byte that the same command
    writes in-process arrives through the pipe (the largest lookup output there is)."""
    area = "telford"
    expected = CliRunner().invoke(cli, ["indicators", area, "-f", "json"]).stdout_bytes
    assert len(expected) > 200_000  # larger than any pipe or stdio buffer
    done = _thresholdkit("indicators", area, "-f", "json")
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_output_to_a_full_disk_is_a_one_line_error() -> None:
    """A full disk under the output used to end in 'internal error (OSError ...)'."""
    with open("/dev/full", "wb") as full:
        done = _thresholdkit("contacts", "coventry", stdout=full.fileno())
    err = done.stderr.decode()
    assert done.returncode == 1
    assert err.strip() == "Error: could not write the output (No space left on device)"


@pytest.mark.skipif(sys.platform == "win32", reason="closes file descriptor 1 in the child")
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["contacts", "coventry"], 1, "Error: could not write the output (standard output is closed)"),
        (["assess", "coventry", "-i", "no-such-indicator"], 2, "Error: unknown indicator"),
    ],
)
def test_a_closed_standard_output_is_a_one_line_error(args: list[str], code: int, message: str) -> None:
    """Started with standard output closed (``>&-``), Python has no sys.stdout: a lookup used to
    end in 'internal error (AttributeError ...)'. It is a one-line error now, and other errors
    keep their own message and status."""
    done = subprocess.run(
        [sys.executable, "-m", "thresholdkit", *args],
        stderr=subprocess.PIPE,
        env=_env(),
        check=False,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    err = done.stderr.decode()
    assert done.returncode == code, err
    assert err.count("\n") == 1 and err.startswith(message), err


def test_a_closed_standard_output_leaves_files_written(tmp_path: Path) -> None:
    """A command that writes a file, not standard output, still writes it whole; only its
    closing line to standard output cannot be printed, and the exit status says so."""
    out = tmp_path / "cov.html"
    done = subprocess.run(
        [sys.executable, "-m", "thresholdkit", "handout", "coventry", "-o", str(out)],
        stderr=subprocess.PIPE,
        env=_env(),
        check=False,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert out.read_bytes().startswith(b"<!DOCTYPE html>"), done.stderr
    assert "internal error" not in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="closes file descriptor 0 in the child")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["batch", "-"], "Error: standard input is closed; give a file name instead of '-'"),
        (["assess", "coventry", "-"], "Error: standard input is closed; give a file name instead of '-'"),
        (["assess", "coventry", "--interactive"], "Error: --interactive needs a terminal"),
        (["quiz", "coventry", "--interactive"], "Error: --interactive needs a terminal"),
    ],
)
def test_a_closed_standard_input_is_a_one_line_usage_error(args: list[str], message: str) -> None:
    """Started with standard input closed (``<&-``), Python has no sys.stdin: reading '-' used to
    end in 'internal error (AttributeError ...)'."""
    done = subprocess.run(
        [sys.executable, "-m", "thresholdkit", *args],
        capture_output=True,
        env=_env(),
        check=False,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.count("\n") == 1 and err.startswith(message), err


def _exit_plugin(site: Path, marker: Path, extra: str = "") -> None:
    """A plugin for Coventry's data that registers an exit handler (as a plugin may), and runs
    ``extra`` at import."""
    import thresholdkit_coventry

    info = site / "thresholdkit_exitcheck-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: thresholdkit_exitcheck\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[thresholdkit]\ncoventry = exitcheck_pkg:plugin\n")
    (site / "exitcheck_pkg").mkdir()
    (site / "exitcheck_pkg" / "__init__.py").write_text(
        "import atexit\n"
        "from thresholdkit.areas.dataplugin import DataPlugin\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').close())\n"
        f"plugin = DataPlugin({thresholdkit_coventry.__file__!r})\n" + extra
    )


def test_an_exit_handler_still_runs(tmp_path: Path) -> None:
    site, marker = tmp_path / "site", tmp_path / "handler-ran"
    _exit_plugin(site, marker)
    env = _env(
        PYTHONPATH=str(site),
        THRESHOLDKIT_PLUGINS="coventry=thresholdkit_exitcheck",
        THRESHOLDKIT_CACHE_DIR=str(tmp_path / "cache"),
    )
    done = _thresholdkit("levels", "coventry", env=env)
    assert done.returncode == 0, done.stderr
    assert b"Coventry" in done.stdout
    assert marker.exists()


def _plugin_env(site: Path, tmp_path: Path) -> dict[str, str]:
    return _env(
        PYTHONPATH=str(site),
        THRESHOLDKIT_PLUGINS="coventry=thresholdkit_exitcheck",
        THRESHOLDKIT_CACHE_DIR=str(tmp_path / "cache"),
    )


def test_an_exit_handler_cannot_add_to_the_output(tmp_path: Path) -> None:
    """A plugin's exit handler that prints ran after the output and made 'areas -f json' invalid
    JSON. Once the output is complete, standard output is closed to anything else; the handler
    still runs."""
    site, marker = tmp_path / "site", tmp_path / "handler-ran"
    _exit_plugin(site, marker, "atexit.register(lambda: print('ATEXIT JUNK'))\n")
    done = _thresholdkit("levels", "coventry", "-f", "json", env=_plugin_env(site, tmp_path))
    assert done.returncode == 0, done.stderr
    assert b"ATEXIT JUNK" not in done.stdout
    json.loads(done.stdout)
    assert marker.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_a_real_interrupt_during_a_plugins_import_still_stops_the_tool(tmp_path: Path) -> None:
    """thresholdkit tells a plugin that raises KeyboardInterrupt itself (its own area fails) from
    a real Ctrl-C arriving while a plugin is imported: that one still stops the run."""
    site, marker = tmp_path / "site", tmp_path / "handler-ran"
    _exit_plugin(site, marker, "import os, signal\nos.kill(os.getpid(), signal.SIGINT)\nimport time\ntime.sleep(5)\n")
    done = _thresholdkit("levels", "coventry", env=_plugin_env(site, tmp_path))
    assert done.returncode == 130, done.stderr
    assert done.stderr.decode().strip() == "Error: interrupted"


@pytest.mark.parametrize(("args", "code"), [(["levels", "coventry"], 0), (["levels", "nowhere"], 2), (["assess"], 2)])
def test_the_exit_status_is_kept(args: list[str], code: int) -> None:
    assert _thresholdkit(*args).returncode == code


def test_an_unforeseen_os_error_is_still_one_line() -> None:
    """Only a failure to write the output is 'could not write the output'; any other OSError
    escaping a command is the usual one-line internal error, never a traceback."""
    code = (
        "import sys\n"
        "import thresholdkit.cli.lookup as lookup\n"
        "def refuse(*args, **kwargs):\n"
        "    raise PermissionError(13, 'Permission denied', '/somewhere')\n"
        "lookup.get_area = refuse\n"
        "sys.argv = ['thresholdkit', 'levels', 'coventry']\n"
        "from thresholdkit.cli.main import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: internal error (PermissionError: ") and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
