"""No network, provably (issue 14): every command that can start a browser, and a sample of the
others, run under strace; none may reach the network.

Chromium is started in a network namespace of its own (``unshare -rn``), where no address is
reachable, so even a probe it makes for itself fails inside the namespace. The test fails on any
inet connect or send that succeeded, and, for commands that start no browser, on any inet
socket at all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(STRACE is None and not os.environ.get("CI"), reason="strace not installed")

_CALL = re.compile(r"^\d+\s+(connect|sendto|sendmsg|socket)\((.*)\)\s+=\s+(-?\d+)", re.M)


def _traced(args: list[str], tmp_path: Path) -> list[tuple[str, str, int]]:
    assert STRACE is not None, "CI installs strace (.ci/run): it is missing"
    log = tmp_path / "strace.txt"
    env = {**os.environ, "THRESHOLDKIT_PLUGINS": "coventry,telford,worcestershire"}
    done = subprocess.run(
        [STRACE, "-f", "-qq", "-e", "trace=socket,connect,sendto,sendmsg", "-o", str(log),
         sys.executable, "-m", "thresholdkit", *args],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 4), done.stderr
    calls = [(m[1], m[2], int(m[3])) for m in _CALL.finditer(log.read_text(errors="replace"))]
    return [c for c in calls if "AF_INET" in c[1]]


def test_pdf_printing_through_chromium_reaches_no_network(tmp_path):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run): it is missing")
        pytest.skip("chromium not installed")
    inet = _traced(["handout", "telford", "--level", "3", "-f", "pdf", "-o", "h.pdf"], tmp_path)
    reached = [c for c in inet if c[0] in ("connect", "sendto", "sendmsg") and c[2] >= 0]
    assert reached == [], reached
    assert (tmp_path / "h.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args",
    [
        ["contacts", "coventry", "--at", "2026-12-04 16:45"],
        ["assess", "coventry", "-i", "non-mobile-child-injury", "-f", "json"],
        ["compare", "matrix", "-f", "html", "-o", "m.html"],
        ["handout", "coventry", "--level", "4", "-o", "h.html"],
        ["site", "-o", "site"],
        ["validate", "coventry"],
    ],
)
def test_other_commands_open_no_inet_socket(tmp_path, args):
    assert _traced(args, tmp_path) == []
