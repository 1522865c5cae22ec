"""Packaging (issue 18): the LICENSE travels in the sdist and the wheel, the version is written
once, the sdist holds no plugin sources, and `pipx` and `uv tool` install thresholdkit with a
plugin as the README shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

import thresholdkit

SKIP = pytest.mark.skipif(
    os.environ.get("THRESHOLDKIT_SKIP_INSTALL_TEST") == "1", reason="THRESHOLDKIT_SKIP_INSTALL_TEST=1"
)


def _venv(tmp_path: Path, *packages: str) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *packages],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return venv


def test_the_version_is_written_once():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r'^version\s*=', pyproject.split("[project]")[1].split("\n[")[0], re.M)
    assert re.fullmatch(r"\d+\.\d+\.\d+", thresholdkit.__version__)


@SKIP
def test_sdist_and_wheel_carry_the_license_and_no_plugin_sources(tmp_path):
    venv = _venv(tmp_path, "build")
    out = tmp_path / "dist"
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    with tarfile.open(sdist) as tf:
        names = tf.getnames()
    root = names[0].split("/")[0]
    assert f"{root}/LICENSE" in names
    assert not [n for n in names if n.startswith(f"{root}/plugins/")], "plugin sources leaked into the sdist"
    assert f"{root}/src/thresholdkit/py.typed" in names
    with zipfile.ZipFile(wheel) as zf:
        wnames = zf.namelist()
        meta = zf.read(next(n for n in wnames if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in wnames)
    assert "thresholdkit/py.typed" in wnames and "thresholdkit/schemas/assessment.schema.json" in wnames
    assert f"Version: {thresholdkit.__version__}" in meta
    assert "License-Expression: MIT" in meta and "Classifier: Typing :: Typed" in meta


def _works(bin_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "THRESHOLDKIT_CACHE_DIR": str(tmp_path / "cache"), "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    r = subprocess.run(
        [str(bin_dir / "thresholdkit"), "assess", "coventry", "-i", "non-mobile-child-injury", "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert '"call": "999"' in r.stdout


@SKIP
def test_pipx_install_with_a_plugin(tmp_path):
    venv = _venv(tmp_path, "pipx")
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")}
    pipx = str(venv / "bin" / "pipx")
    for cmd in (
        [pipx, "install", str(ROOT)],
        [pipx, "inject", "thresholdkit", str(ROOT / "plugins" / "coventry")],
    ):
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        assert r.returncode == 0, r.stdout + r.stderr
    _works(tmp_path / "bin", tmp_path)


@SKIP
def test_uv_tool_install_with_a_plugin(tmp_path):
    venv = _venv(tmp_path, "uv")
    env = {
        **os.environ,
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON": sys.executable,
    }
    r = subprocess.run(
        [str(venv / "bin" / "uv"), "tool", "install", str(ROOT), "--with", str(ROOT / "plugins" / "coventry")],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    _works(tmp_path / "bin", tmp_path)
