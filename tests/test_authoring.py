"""The authoring kit: plugin new, the conformance kit, hook docs."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line_error
from sixth_plugin import FIXTURE_TEXT, fixture_files, install_on_path, package_dir

from thresholdkit.areas import hookspecs

FIXTURE = ROOT / "tests" / "fixtures" / "exampleshire"
PARAPHRASE = ("Suspected non-accidental injury.", "Possible non-accidental injury.")


def _install_on_path(pkg_root: Path, area: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a scaffolded package importable and discoverable, as an editable install would."""
    install_on_path(pkg_root, area, monkeypatch)


def _exampleshire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, source: bool, paraphrase: bool = False) -> Path:
    """The exampleshire fixture in a scaffolded package, installed; no source text anywhere the kit
    looks unless ``source`` (then in the package's own source/ folder)."""
    from thresholdkit.authoring.scaffold import create

    monkeypatch.delenv("THRESHOLDKIT_SOURCES", raising=False)
    monkeypatch.chdir(tmp_path)
    pkg = create("exampleshire", tmp_path / "pkg")
    data_dir = package_dir(pkg, "exampleshire") / "data"
    for name, text in fixture_files().items():
        (data_dir / name).write_text(text.replace(*PARAPHRASE) if paraphrase else text)
    if source:
        shutil.copyfile(FIXTURE / "exampleshire.txt", package_dir(pkg, "exampleshire") / "source" / "exampleshire.txt")
    install_on_path(pkg, "exampleshire", monkeypatch)
    return pkg


def test_scaffold_shows_up_at_once_as_a_draft_and_fails_validate_only_for_content(run, tmp_path, monkeypatch):
    r = run("plugin", "new", "exampleshire", "--path", str(tmp_path / "pkg"))
    assert r.code == 0, r.err
    pkg = tmp_path / "pkg"
    for rel in (
        "pyproject.toml",
        "README.md",
        "src/thresholdkit_exampleshire/__init__.py",
        "src/thresholdkit_exampleshire/data/authority.yaml",
        "src/thresholdkit_exampleshire/source/README.md",
        "tests/test_exampleshire.py",
    ):
        assert (pkg / rel).is_file(), rel
    assert 'exampleshire = "thresholdkit_exampleshire:plugin"' in (pkg / "pyproject.toml").read_text()
    assert 'source_file: "exampleshire.txt"' in (pkg / "src/thresholdkit_exampleshire/data/authority.yaml").read_text()
    assert "exampleshire.txt" in (pkg / "src/thresholdkit_exampleshire/source/README.md").read_text()
    _install_on_path(pkg, "exampleshire", monkeypatch)
    rows = {row["id"]: row for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["exampleshire"]["status"] == "draft"
    (tmp_path / "sources").mkdir()  # a folder of source texts that lacks this area's text
    report = json.loads(run("validate", "exampleshire", "--sources", str(tmp_path / "sources"), "-f", "json").out)
    problems = report[0]["problems"]
    assert problems and all("still to write" in p for p in problems), [p for p in problems if "still to write" not in p]


def test_scaffold_filled_with_a_sample_conforms_and_assesses(run, tmp_path, monkeypatch, thresholdkit_conformance):
    assert run("plugin", "new", "exampleshire", "--path", str(tmp_path / "pkg")).code == 0
    data_dir = tmp_path / "pkg" / "src" / "thresholdkit_exampleshire" / "data"
    for name, text in fixture_files().items():
        (data_dir / name).write_text(text)
    _install_on_path(tmp_path / "pkg", "exampleshire", monkeypatch)
    summary = thresholdkit_conformance("exampleshire", FIXTURE)
    assert summary["counts"] == {"main": 4}
    assert summary["verbatim"] == {"checked": True, "reason": None, "source": str(FIXTURE / "exampleshire.txt")}
    out = json.loads(run("assess", "exampleshire", "-i", "suspected-nai", "-i", "good-attendance", "-f", "json").out)
    assert out["level"] == 4 and out["emergency"]["referral"][0]["phone"][0]["number"] == "0113 496 0000"
    r = run("contacts", "exampleshire", "--at", "2026-11-27 18:00", "-f", "json")
    assert [c["name"] for c in json.loads(r.out)["contacts"] if c["call"]] == ["Emergency Duty Team"]


def test_conformance_reports_a_bad_phone_number(tmp_path, monkeypatch, thresholdkit_conformance):
    from thresholdkit.authoring.conformance import ConformanceError
    from thresholdkit.authoring.scaffold import create

    create("exampleshire", tmp_path / "pkg")
    data_dir = tmp_path / "pkg" / "src" / "thresholdkit_exampleshire" / "data"
    for name, text in fixture_files().items():
        (data_dir / name).write_text(text.replace("0113 496 0001", "0113 496"))
    _install_on_path(tmp_path / "pkg", "exampleshire", monkeypatch)
    with pytest.raises(ConformanceError, match="not a valid UK number"):
        thresholdkit_conformance("exampleshire", FIXTURE)


def test_conformance_never_passes_a_paraphrase_it_could_not_check(tmp_path, monkeypatch, thresholdkit_conformance):
    """No source text anywhere: the fixture skips with the reason; run_conformance says so."""
    from thresholdkit.authoring.conformance import run_conformance

    pkg = _exampleshire(tmp_path, monkeypatch, source=False, paraphrase=True)
    with pytest.raises(pytest.skip.Exception) as skipped:
        thresholdkit_conformance("exampleshire")
    reason = str(skipped.value)
    own = package_dir(pkg, "exampleshire") / "source" / "exampleshire.txt"
    assert "exampleshire.txt not found" in reason and str(own) in reason, reason
    summary = run_conformance("exampleshire")
    assert summary["verbatim"]["checked"] is False and "exampleshire.txt not found" in summary["verbatim"]["reason"]
    # a folder given explicitly is the only place looked in
    (tmp_path / "empty").mkdir()
    with pytest.raises(pytest.skip.Exception, match=r"the folder given \(--sources\)"):
        thresholdkit_conformance("exampleshire", tmp_path / "empty")


def test_conformance_fails_a_paraphrase_naming_it_when_the_source_text_is_at_hand(
    tmp_path, monkeypatch, thresholdkit_conformance
):
    from thresholdkit.authoring.conformance import ConformanceError

    _exampleshire(tmp_path, monkeypatch, source=True, paraphrase=True)  # found in the plugin's own source/
    with pytest.raises(
        ConformanceError, match=r"text not found verbatim in exampleshire\.txt: 'Possible non-accidental"
    ):
        thresholdkit_conformance("exampleshire")
    with pytest.raises(ConformanceError, match="Possible non-accidental"):
        thresholdkit_conformance("exampleshire", FIXTURE)


TINY_TEST = """
def test_conformance(thresholdkit_conformance):
    thresholdkit_conformance("exampleshire")
"""


@pytest.mark.parametrize("source", [False, True], ids=["no-source-text", "source-text"])
def test_a_plugin_package_test_run_reports_skipped_or_failed_never_passed(tmp_path, monkeypatch, source):
    """The plugin package's own test run, as its maintainers see it (pytest in a subprocess)."""
    pkg = _exampleshire(tmp_path, monkeypatch, source=source, paraphrase=True)
    (pkg / "tests" / "test_exampleshire.py").write_text(TINY_TEST)
    env = {k: v for k, v in os.environ.items() if k not in ("THRESHOLDKIT_SOURCES", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join([str(pkg / "site"), str(pkg / "src"), env.get("PYTHONPATH", "")])
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q", "tests"],
        cwd=pkg,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = r.stdout + r.stderr
    assert not re.search(r"\d+ passed", out), out
    if source:
        assert r.returncode == 1 and "1 failed" in out and "Possible non-accidental injury." in out, out
    else:
        assert r.returncode == 0 and "1 skipped" in out, out
        assert "quotes were not checked verbatim" in out and "exampleshire.txt not found" in out, out


def test_conformance_finds_the_plugins_own_source_text(tmp_path, monkeypatch, thresholdkit_conformance):
    pkg = _exampleshire(tmp_path, monkeypatch, source=True)
    summary = thresholdkit_conformance("exampleshire")
    own = package_dir(pkg, "exampleshire") / "source" / "exampleshire.txt"
    assert summary["verbatim"] == {"checked": True, "reason": None, "source": str(own)}


def test_source_texts_are_looked_for_in_order(tmp_path, monkeypatch, run):
    """--sources (only there), then $THRESHOLDKIT_SOURCES, then the plugin's own source/ folder."""
    from thresholdkit.authoring.sources import source_folder

    pkg = _exampleshire(tmp_path, monkeypatch, source=True)
    data = package_dir(pkg, "exampleshire") / "data"
    own = data.parent / "source"
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    assert source_folder(data, None, "exampleshire.txt") == own
    monkeypatch.setenv("THRESHOLDKIT_SOURCES", str(env_dir))
    assert source_folder(data, None, "exampleshire.txt") == own  # falls through: the env folder lacks it
    (env_dir / "exampleshire.txt").write_text(FIXTURE_TEXT.read_text().replace(*PARAPHRASE))
    assert source_folder(data, None, "exampleshire.txt") == env_dir
    assert source_folder(data, tmp_path, "exampleshire.txt") is None
    # validate uses the same order: the env folder's text (which has the paraphrase, not the fixture's wording)
    report = json.loads(run("validate", "exampleshire", "-f", "json").out)[0]
    assert report["verbatim"]["source"] == str(env_dir / "exampleshire.txt")
    assert any("Suspected non-accidental injury." in p for p in report["problems"]), report
    monkeypatch.delenv("THRESHOLDKIT_SOURCES")
    report = json.loads(run("validate", "exampleshire", "-f", "json").out)[0]
    assert report["problems"] == [] and report["verbatim"]["source"] == str(own / "exampleshire.txt")


def test_scaffold_wheel_would_ship_the_source_folder(tmp_path):
    """hatch puts every file of the package folder in the wheel: source/ lies inside it."""
    import tomllib

    from thresholdkit.authoring.scaffold import create

    pkg = create("exampleshire", tmp_path / "pkg")
    config = tomllib.loads((pkg / "pyproject.toml").read_text())
    packages = config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    source = package_dir(pkg, "exampleshire") / "source"
    assert source.is_dir() and any(source.is_relative_to(pkg / p) for p in packages)
    assert "exclude" not in config["tool"]["hatch"]["build"]["targets"]["wheel"]


def test_plugin_new_refuses_bad_names_and_existing_folders(run, tmp_path):
    assert_one_line_error(run("plugin", "new", "North Somerset", "--path", str(tmp_path / "x")))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file").write_text("x")
    assert_one_line_error(run("plugin", "new", "somewhere", "--path", str(tmp_path / "full")))


def test_plugin_new_refuses_an_id_an_installed_plugin_serves(run, tmp_path, monkeypatch):
    r = run("plugin", "new", "coventry", "--path", str(tmp_path / "x"))
    assert_one_line_error(r)
    assert r.err.strip() == (
        "Error: area 'coventry' is already served by the installed plugin thresholdkit-coventry 0.1.0; "
        "choose another id"
    )
    assert not (tmp_path / "x").exists()
    # a hyphenated id, installed from a scaffold
    assert run("plugin", "new", "north-somerset", "--path", str(tmp_path / "ns")).code == 0
    install_on_path(tmp_path / "ns", "north-somerset", monkeypatch)
    r = run("plugin", "new", "North-Somerset", "--path", str(tmp_path / "again"))
    assert_one_line_error(r)
    assert "already served by the installed plugin thresholdkit-north-somerset 0.1.0" in r.err
    assert not (tmp_path / "again").exists()


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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["a" * 300], "characters long"),
        (["y", "--path", "/dev/null"], "is not a folder"),
        (["y", "--path", "/proc/version/sub"], "could not write the plugin package"),
    ],
)
def test_plugin_new_refuses_what_it_cannot_write_in_one_line(run, args, said):
    """Red team (attacker, F8): a 300-character name and --path /dev/null gave "internal error"."""
    r = run("plugin", "new", *args)
    assert_one_line_error(r)
    assert said in r.err


COVENTRY_DATA = ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("rm authority.yaml", "no data file gives the 'authority' section: add 'authority:'"),
        (
            "empty consent.yaml",
            "no data file gives the 'consent' section: add 'consent:' at the top level of one (usually consent.yaml",
        ),
        ("add notes.yaml", "notes.yaml: 'foo' is not a section of plugin data"),
    ],
)
def test_validate_names_the_file_and_the_fix_for_a_missing_or_unknown_section(run, tmp_path, change, said):
    """Red team (attacker, F9): a missing authority.yaml, an empty consent.yaml and a stray
    notes.yaml were reported as '(top level): ...' with no file and no fix."""
    if not COVENTRY_DATA.is_dir():
        pytest.skip("the coventry plugin's data is not in this checkout")
    data = tmp_path / "data"
    shutil.copytree(COVENTRY_DATA, data, ignore=shutil.ignore_patterns("checked.json"))
    if change == "rm authority.yaml":
        (data / "authority.yaml").unlink()
    elif change == "empty consent.yaml":
        (data / "consent.yaml").write_text("# nothing yet\n")
    else:
        (data / "notes.yaml").write_text("foo: 1\n")
    report = json.loads(run("validate", str(data), "-f", "json").out)
    problems = report[0]["problems"]
    assert any(said in p for p in problems), problems
    assert not any(p.startswith("(top level)") for p in problems), problems


def test_validate_of_a_file_says_it_is_a_file(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    for target in (str(tmp_path / "afile"), "afile"):
        r = run("validate", target)
        assert_one_line_error(r, code=2)
        assert "is a file, not a data folder" in r.err
