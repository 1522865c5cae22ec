"""The authoring kit: plugin new, the conformance kit, hook docs."""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line_error

from thresholdkit.areas import hookspecs

FIXTURE = ROOT / "tests" / "fixtures" / "exampleshire"


def _install_on_path(pkg_root: Path, area: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a scaffolded package importable and discoverable, as an editable install would."""
    site = pkg_root / "site"
    site.mkdir()
    dist = site / f"thresholdkit_{area}-0.1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text(f"[thresholdkit]\n{area} = thresholdkit_{area}:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(pkg_root / "src"))
    # another test's scaffold of the same name may still be imported: start from this one
    for name in [m for m in sys.modules if m.startswith(f"thresholdkit_{area}")]:
        monkeypatch.delitem(sys.modules, name)


def test_scaffold_shows_up_at_once_and_fails_validate_only_for_content(run, tmp_path, monkeypatch):
    r = run("plugin", "new", "exampleshire", "--path", str(tmp_path / "pkg"))
    assert r.code == 0, r.err
    pkg = tmp_path / "pkg"
    for rel in (
        "pyproject.toml",
        "README.md",
        "src/thresholdkit_exampleshire/__init__.py",
        "src/thresholdkit_exampleshire/data/authority.yaml",
        "tests/test_exampleshire.py",
    ):
        assert (pkg / rel).is_file(), rel
    assert 'exampleshire = "thresholdkit_exampleshire:plugin"' in (pkg / "pyproject.toml").read_text()
    _install_on_path(pkg, "exampleshire", monkeypatch)
    rows = {row["id"]: row for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["exampleshire"]["status"] == "loaded"
    (tmp_path / "sources").mkdir()  # a folder of source texts that lacks this area's text
    report = json.loads(run("validate", "exampleshire", "--sources", str(tmp_path / "sources"), "-f", "json").out)
    problems = report[0]["problems"]
    assert problems and all("still to write" in p for p in problems), [p for p in problems if "still to write" not in p]


def test_scaffold_filled_with_a_sample_conforms_and_assesses(run, tmp_path, monkeypatch, thresholdkit_conformance):
    sys.path.insert(0, str(FIXTURE))
    try:
        from data import FILES
    finally:
        sys.path.pop(0)
    assert run("plugin", "new", "exampleshire", "--path", str(tmp_path / "pkg")).code == 0
    data_dir = tmp_path / "pkg" / "src" / "thresholdkit_exampleshire" / "data"
    for name, text in FILES.items():
        (data_dir / name).write_text(text)
    _install_on_path(tmp_path / "pkg", "exampleshire", monkeypatch)
    summary = thresholdkit_conformance("exampleshire", FIXTURE)
    assert summary["counts"] == {"main": 4}
    out = json.loads(run("assess", "exampleshire", "-i", "suspected-nai", "-i", "good-attendance", "-f", "json").out)
    assert out["level"] == 4 and out["emergency"]["referral"][0]["phone"][0]["number"] == "0113 496 0000"
    r = run("contacts", "exampleshire", "--at", "2026-11-27 18:00", "-f", "json")
    assert [c["name"] for c in json.loads(r.out) if c["call"]] == ["Emergency Duty Team"]


def test_conformance_reports_a_bad_phone_number(tmp_path, monkeypatch, thresholdkit_conformance):
    from thresholdkit.authoring.conformance import ConformanceError

    sys.path.insert(0, str(FIXTURE))
    try:
        from data import FILES
    finally:
        sys.path.pop(0)
    from thresholdkit.authoring.scaffold import create

    create("exampleshire", tmp_path / "pkg")
    data_dir = tmp_path / "pkg" / "src" / "thresholdkit_exampleshire" / "data"
    for name, text in FILES.items():
        (data_dir / name).write_text(text.replace("0113 496 0001", "0113 496"))
    _install_on_path(tmp_path / "pkg", "exampleshire", monkeypatch)
    with pytest.raises(ConformanceError, match="not a valid UK number"):
        thresholdkit_conformance("exampleshire", FIXTURE)


def test_plugin_new_refuses_bad_names_and_existing_folders(run, tmp_path):
    assert_one_line_error(run("plugin", "new", "North Somerset", "--path", str(tmp_path / "x")))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file").write_text("x")
    assert_one_line_error(run("plugin", "new", "somewhere", "--path", str(tmp_path / "full")))


def test_every_hook_is_documented():
    docs = (ROOT / "docs" / "hooks.md").read_text()
    hooks = [
        name for name, obj in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("thresholdkit_")
    ]
    assert len(hooks) >= 5
    for name in hooks:
        section = re.search(rf"^## `{name}\(.*?\)`\n(.*?)(?=^## |\Z)", docs, re.S | re.M)
        assert section, f"docs/hooks.md has no section for {name}"
        body = section.group(1)
        for part in ("Arguments", "Returns", "Example"):
            assert part in body, f"{name}: no {part} in docs/hooks.md"
        params = [p for p in inspect.signature(getattr(hookspecs, name)).parameters]
        for p in params:
            assert f"`{p}`" in body, f"{name}: parameter {p} undocumented"


def test_hookspecs_have_param_docstrings():
    for name, obj in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("thresholdkit_"):
            doc = inspect.getdoc(obj) or ""
            assert ":return:" in doc, name
            for p in inspect.signature(obj).parameters:
                assert f":param {p}:" in doc, (name, p)
