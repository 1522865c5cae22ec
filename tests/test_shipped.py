"""The checked form a data plugin ships (``checked.json``, issue 19): read on a cold cache only
while it is exactly current, never when damaged, stale or from another thresholdkit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, assert_one_line_error

from thresholdkit.data import cache, loader, safeyaml, shipped
from thresholdkit.model.errors import DataError

BUNDLED = sorted((ROOT / "plugins").glob("*/src/thresholdkit_*/data"))
COVENTRY = ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A frozen copy of Coventry's data, and an empty cache."""
    copy = tmp_path / "data"
    shutil.copytree(COVENTRY, copy, ignore=shutil.ignore_patterns(shipped.NAME))
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("THRESHOLDKIT_NO_CACHE", raising=False)
    loader.freeze(copy)
    return copy


def _fresh(folder: Path) -> tuple[dict[str, Any], list[str]]:
    checked = loader.check_yaml(folder)
    return checked.data, checked.drafts


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = safeyaml.parse

    def spy(text: str, *, name: str) -> Any:
        parsed.append(name)
        return real(text, name=name)

    monkeypatch.setattr(safeyaml, "parse", spy)
    return parsed


@pytest.mark.parametrize("data", BUNDLED, ids=lambda p: p.parent.name)
def test_every_bundled_plugin_ships_its_current_checked_form(data: Path) -> None:
    """Edit a plugin's YAML (or the checking code) and this fails until
    ``thresholdkit plugin freeze plugins/*/src/*/data`` is run again."""
    files = loader.raw_files(data)
    assert shipped.status(str(data), files) == "current", f"run: thresholdkit plugin freeze {data}"
    assert shipped.read(str(data), files) == _fresh(data)


def test_a_cold_start_reads_the_shipped_form_not_the_yaml(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _no_yaml(monkeypatch)
    checked = loader.load_checked(folder)
    assert parsed == []
    assert (checked.data, checked.drafts) == _fresh(folder)
    assert list((folder.parent / "cache").glob("checked-*.bin"))  # and remembered like checked YAML


def test_one_edited_yaml_byte_makes_it_unused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / "authority.yaml"
    path.write_text(path.read_text().replace("Coventry Safeguarding Children Partnership", "Edited Partnership", 1))
    parsed = _no_yaml(monkeypatch)
    assert shipped.status(str(folder), loader.raw_files(folder)) == "stale"
    assert loader.load_checked(folder).data["authority"]["partnership"] == "Edited Partnership"
    assert parsed  # the YAML was read and checked


def test_a_damaged_one_is_never_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / shipped.NAME
    raw = path.read_bytes()
    damaged = raw.replace(b"Coventry Safeguarding Children Partnership", b"Planted Partnership", 1)
    assert damaged != raw
    path.write_bytes(damaged)
    assert shipped.status(str(folder), loader.raw_files(folder)) == "damaged"
    assert loader.load_checked(folder).data["authority"]["partnership"] == "Coventry Safeguarding Children Partnership"
    from thresholdkit.authoring.validate import validate_folder

    report = validate_folder(folder, None, "coventry")
    assert report["shipped"] == "damaged"
    assert any("checked.json: damaged" in p for p in report["problems"])


def test_one_written_by_another_thresholdkit_is_unused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "portable_code_chunks", lambda: (b"9.9.9", b"other checks"))
    files = loader.raw_files(folder)
    assert shipped.status(str(folder), files) == "stale"
    assert shipped.read(str(folder), files) is None


def test_freeze_writes_nothing_for_data_that_fails(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(COVENTRY, copy, ignore=shutil.ignore_patterns(shipped.NAME))
    path = copy / "authority.yaml"
    path.write_text(path.read_text().replace("id: coventry", "id: Not A Slug", 1))
    with pytest.raises(DataError):
        loader.freeze(copy)
    assert not (copy / shipped.NAME).exists()


def test_the_command_freezes_and_validate_reports_it(run: Any, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(COVENTRY, copy, ignore=shutil.ignore_patterns(shipped.NAME))
    r = run("plugin", "freeze", str(copy))
    assert r.code == 0 and f"wrote {copy / shipped.NAME}" in r.err
    report = json.loads(run("validate", str(copy), "-f", "json").out)
    assert report[0]["shipped"] == "current"
    path = copy / "contacts.yaml"
    path.write_text(path.read_text() + "\n# a comment changes the bytes\n")
    report = json.loads(run("validate", str(copy), "-f", "json").out)
    assert report[0]["shipped"] == "stale"
    assert any("out of date" in n for n in report[0]["notes"])


def test_the_command_refuses_a_missing_folder(run: Any, tmp_path: Path) -> None:
    assert_one_line_error(run("plugin", "freeze", str(tmp_path / "nowhere")), code=2)


def test_the_plugin_wheel_carries_it(tmp_path: Path) -> None:
    import zipfile

    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(COVENTRY.parents[2])],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("*.whl")
    assert "thresholdkit_coventry/data/checked.json" in zipfile.ZipFile(wheel).namelist()


def test_a_temporary_file_left_by_a_killed_run_is_cleared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path))
    old, fresh = tmp_path / "checked-a.bin.tmp-1-00", tmp_path / "checked-b.bin.tmp-2-00"
    for leftover in (old, fresh):
        leftover.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    cache.put("k", {"x": 1})
    assert cache.get("k") == {"x": 1}
    assert not old.exists()
    assert fresh.exists()  # perhaps another run's, still being written


@pytest.mark.parametrize("kind", ["link to a file outside", "link to /dev/null", "a folder"])
def test_freeze_never_writes_through_a_link_or_onto_a_non_file(run: Any, tmp_path: Path, kind: str) -> None:
    """Red team (attacker, F5): a checkout whose data/checked.json was a symbolic link had the
    file it pointed at replaced (outside the plugin's folder), and freeze said 'wrote'."""
    copy = tmp_path / "data"
    shutil.copytree(COVENTRY, copy, ignore=shutil.ignore_patterns(shipped.NAME))
    victim = tmp_path / "precious.txt"
    victim.write_text("precious\n")
    target = copy / shipped.NAME
    if kind == "a folder":
        target.mkdir()
    else:
        target.symlink_to(victim if "outside" in kind else Path("/dev/null"))
    r = run("plugin", "freeze", str(copy))
    assert_one_line_error(r)
    assert "symbolic link or not a regular file" in r.err and "wrote" not in r.err
    assert victim.read_text() == "precious\n"
    assert target.is_symlink() or target.is_dir()
