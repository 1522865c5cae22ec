"""A fresh, non-editable install ships its data and schemas inside the wheels."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.skipif(os.environ.get("THRESHOLDKIT_SKIP_INSTALL_TEST") == "1", reason="THRESHOLDKIT_SKIP_INSTALL_TEST=1")
def test_wheel_install_in_a_new_venv(tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(ROOT), str(ROOT / "plugins" / "coventry")],
        check=True,
        capture_output=True,
        timeout=600,
    )
    env = {
        **os.environ,
        "THRESHOLDKIT_CACHE_DIR": str(tmp_path / "cache"),
        "THRESHOLDKIT_SOURCES": str(tmp_path / "none"),
    }
    out = subprocess.run(
        [str(venv / "bin" / "thresholdkit"), "assess", "coventry", "-i", "private-fostering", "-f", "json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    data = json.loads(out.stdout)
    assert data["level"] == 4 and data["emergency"]["call"] == "999"
    # the schemas travel inside the wheel: validation works away from the checkout
    check = subprocess.run(
        [str(py), "-c", "from thresholdkit.data.schemas import schema_dir; print(schema_dir())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert "site-packages" in check.stdout
    val = subprocess.run(
        [str(venv / "bin" / "thresholdkit"), "validate", "coventry"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert val.returncode == 0, val.stdout + val.stderr

    # An authority's scaffold installs into the same environment and shows up at once.
    tk = str(venv / "bin" / "thresholdkit")
    subprocess.run(
        [tk, "plugin", "new", "exampleshire", "--path", str(tmp_path / "scaffold")],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(tmp_path / "scaffold")], check=True, capture_output=True
    )
    areas = subprocess.run([tk, "areas", "-f", "json"], check=True, capture_output=True, text=True, env=env)
    rows = {row["id"]: row for row in json.loads(areas.stdout)}
    # an unfilled scaffold is a draft, never served as real guidance
    assert rows["exampleshire"]["status"] == "draft" and rows["coventry"]["status"] == "loaded"
