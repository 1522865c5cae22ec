"""Make a sixth, fictional plugin package, to run the whole suite with more than the bundled five.

    python tests/sixth_plugin.py DEST     # then: pip install -e DEST

It runs ``thresholdkit plugin new testshire --path DEST``, fills the data with the exampleshire
test fixture's data (id ``testshire``, name "Testshire (test fixture)"), and puts the fixture's
source text into the package's ``source/`` folder, so the plugin conforms. Testshire is not a
real area: every text comes from ``tests/fixtures/exampleshire``, a fictional document.

The tests import the helpers (``fill``, ``install_on_path``) to do the same for other ids.
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exampleshire"
FIXTURE_TEXT = FIXTURE / "exampleshire.txt"


def fixture_files() -> dict[str, str]:
    """The exampleshire fixture's YAML files (file name -> text)."""
    files: dict[str, str] = runpy.run_path(str(FIXTURE / "data.py"))["FILES"]
    return dict(files)


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the exampleshire fixture changed: {old!r} not found once"
    return text.replace(old, new)


def fixture_files_for(area: str, name: str) -> dict[str, str]:
    """The fixture's files with the id, name and source file of ``area``, labelled as a test fixture."""
    files = fixture_files()
    auth = files["authority.yaml"]
    old_id = "authority: {id: exampleshire, name: Exampleshire,"
    auth = _replace_once(auth, old_id, f'authority: {{id: {area}, name: "{name}",')
    auth = _replace_once(
        auth,
        '  source_file: "exampleshire.txt"\n',
        f'  source_file: "{area}.txt"\n'
        '  notes: [{about: "test fixture", text: "Fictional test data copied from thresholdkit\'s '
        "tests/fixtures/exampleshire; it is not any authority's guidance.\"}]\n",
    )
    files["authority.yaml"] = auth
    return files


def package_dir(pkg_root: Path, area: str) -> Path:
    """``src/thresholdkit_<package>`` of a scaffolded package."""
    return pkg_root / "src" / f"thresholdkit_{area.replace('-', '_')}"


def fill(pkg_root: Path, area: str, name: str, *, source: bool = True) -> None:
    """Fill a scaffolded package's data from the fixture; with ``source``, also its source/ text."""
    pkg = package_dir(pkg_root, area)
    for file_name, text in fixture_files_for(area, name).items():
        (pkg / "data" / file_name).write_text(text, encoding="utf-8")
    if source:
        shutil.copyfile(FIXTURE_TEXT, pkg / "source" / f"{area}.txt")


def install_on_path(pkg_root: Path, area: str, monkeypatch: Any, dist: str | None = None) -> None:
    """Make a scaffolded package importable and discoverable, as an editable install would
    (``monkeypatch``: pytest's, so it is undone after the test)."""
    package = area.replace("-", "_")
    dist = dist or f"thresholdkit_{package}"
    site = pkg_root / "site"
    site.mkdir(exist_ok=True)
    info = site / f"{dist}-0.1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(f"[thresholdkit]\n{area} = thresholdkit_{package}:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(pkg_root / "src"))
    # another test's scaffold of the same name may still be imported: start from this one
    for mod in [m for m in sys.modules if m == f"thresholdkit_{package}" or m.startswith(f"thresholdkit_{package}.")]:
        monkeypatch.delitem(sys.modules, mod)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python tests/sixth_plugin.py DEST", file=sys.stderr)
        return 2
    dest = Path(args[0])
    new = [sys.executable, "-m", "thresholdkit", "plugin", "new", "testshire", "--path", str(dest)]
    if subprocess.run(new).returncode != 0:
        return 1  # thresholdkit said why, on stderr
    fill(dest, "testshire", "Testshire (test fixture)")
    print(f"testshire (a fictional test plugin) is ready in {dest}; install it with: pip install -e {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
