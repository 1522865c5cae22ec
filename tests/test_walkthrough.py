"""docs/plugin-authoring.md, followed step by step with a hyphenated id (north-somerset).

Every command in the guide's ``bash`` and ``console`` blocks is run here, in the guide's order,
in the form the guide prints it (``<indicator-id>`` filled in); the few that cannot run in a
test (installing with pip, publishing) are done the way their effect shows (the package is put
on ``sys.path`` as an editable install would) or listed in NOT_RUN. The test fails when the guide
gains a command the walk does not run.

The data is the fictional exampleshire fixture under the id north-somerset, labelled as a test
fixture: it is not North Somerset's guidance.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Run
from sixth_plugin import FIXTURE_TEXT, fill, install_on_path, package_dir

GUIDE = ROOT / "docs" / "plugin-authoring.md"
AREA = "north-somerset"
NAME = "North Somerset (test fixture)"
INDICATOR = "suspected-nai"
PLACEHOLDERS = {"<indicator-id>": INDICATOR}
#: Commands of the guide that a test cannot run: publishing to PyPI, upgrading from it.
NOT_RUN = {"python -m build && twine upload dist/*"}


def guide_blocks() -> list[tuple[str, str]]:
    """(language, body) of every fenced block of the guide."""
    return re.findall(r"^```(\w*)\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.S | re.M)


def guide_commands() -> list[str]:
    """Every command of the guide's bash blocks and every ``$ `` line of its console blocks."""
    out = []
    for lang, body in guide_blocks():
        for line in body.splitlines():
            if lang == "bash" and line.strip():
                out.append(re.sub(r"\s+#.*$", "", line).strip())
            elif lang == "console" and line.startswith("$ "):
                out.append(line[2:].strip())
    return out


def console_examples() -> dict[str, str]:
    """Command -> the output the guide shows for it (``...`` stands for anything)."""
    out: dict[str, str] = {}
    for lang, body in guide_blocks():
        if lang != "console":
            continue
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, _, printed = chunk.partition("\n")
            out[command.strip()] = printed.strip()
    return out


def shows(printed: str, actual: str) -> bool:
    """Whether ``actual`` holds the guide's ``printed`` output, ``...`` matching anything."""
    pattern = ".*?".join(re.escape(" ".join(part.split())) for part in printed.split("..."))
    return re.search(pattern, " ".join(actual.split()), re.S) is not None


class Walk:
    """Runs the guide's commands, recording each one as the guide prints it."""

    def __init__(self, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        self.run, self.monkeypatch, self.tmp = run, monkeypatch, tmp_path
        self.done: list[str] = []
        self.shown: list[str] = []
        self.pkg: Path | None = None

    def console(self, command: str, *, code: int | None = None) -> Run:
        """Run a command of one of the guide's console blocks; check it prints what the guide shows."""
        printed = console_examples()[command]
        self.shown.append(command)
        result = self.sh(command, code=code)
        assert shows(printed, result.out + result.err), f"{command} printed:\n{result.out}{result.err}"
        return result

    def sh(self, command: str, *, code: int | None = 0) -> Run:
        """Run one command of the guide (as printed there); check its exit status."""
        assert command in guide_commands(), f"not a command of the guide: {command}"
        self.done.append(command)
        line = command
        for placeholder, value in PLACEHOLDERS.items():
            line = line.replace(placeholder, value)
        words = shlex.split(line)
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        result = self._dispatch(words, env)
        if code is not None:
            assert result.code == code, f"{command}: exit {result.code}\n{result.out}\n{result.err}"
        return result

    def _dispatch(self, words: list[str], env: dict[str, str]) -> Run:
        if words[0] == "thresholdkit":
            with self.monkeypatch.context() as m:
                for key, value in env.items():
                    m.setenv(key, value)
                return self.run(*words[1:])
        assert not env, words
        ok = Run(0, "", "")
        if words[:2] == ["cd", f"thresholdkit-{AREA}"]:
            self.pkg = Path.cwd() / words[1]
            self.monkeypatch.chdir(self.pkg)
            return ok
        if words == ["pip", "install", "thresholdkit"]:
            return ok  # the test runs inside an environment that has it
        if words == ["pip", "install", "-e", ".[test]"]:
            install_on_path(Path.cwd(), AREA, self.monkeypatch)  # what an editable install does
            return ok
        if words[:2] == ["pdftotext", "-layout"]:
            # the fictional fixture's text stands in for a converted PDF
            target = Path(words[3])
            assert target.parent.is_dir(), f"{target.parent}: the scaffold has no such folder"
            shutil.copyfile(FIXTURE_TEXT, target)
            return ok
        if words[:2] == ["cp", "-r"]:
            shutil.copytree(words[2], words[3])
            return ok
        if words == ["pytest"]:
            return self._pytest()
        raise AssertionError(f"the walk does not know how to run: {' '.join(words)}")

    def _pytest(self) -> Run:
        """The package's own tests, in a subprocess that sees the package as installed."""
        assert self.pkg is not None
        env = {k: v for k, v in os.environ.items() if k not in ("THRESHOLDKIT_SOURCES", "PYTEST_ADDOPTS")}
        paths = [str(self.pkg / "site"), str(self.pkg / "src"), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        r = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q"],
            cwd=self.pkg,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return Run(r.returncode, r.stdout, r.stderr)

    def json(self, *args: str, code: int = 0) -> Any:
        r = self.run(*args, "-f", "json")
        assert r.code == code, r.err
        return json.loads(r.out)


def statuses(walk: Walk) -> dict[str, str]:
    return {row["id"]: row["status"] for row in walk.json("areas")}


def test_the_guide_runs_as_written(run, tmp_path, monkeypatch):
    monkeypatch.delenv("THRESHOLDKIT_SOURCES", raising=False)
    monkeypatch.delenv("THRESHOLDKIT_ALLOW_DRAFTS", raising=False)
    monkeypatch.chdir(tmp_path)
    walk = Walk(run, monkeypatch, tmp_path)

    # 1. Scaffold
    walk.sh("pip install thresholdkit")
    walk.sh(f"thresholdkit plugin new {AREA} --path thresholdkit-{AREA}")
    walk.sh(f"cd thresholdkit-{AREA}")
    pkg = Path.cwd()
    own = package_dir(pkg, AREA)
    assert f'{AREA} = "thresholdkit_north_somerset:plugin"' in (pkg / "pyproject.toml").read_text()
    for rel in ("__init__.py", "data/authority.yaml", "source/README.md"):
        assert (own / rel).is_file(), rel
    assert (pkg / "tests" / "test_north_somerset.py").is_file()
    walk.sh("pip install -e '.[test]'")
    walk.sh("thresholdkit areas")
    assert statuses(walk)[AREA] == "draft"
    r = walk.sh(f"thresholdkit validate {AREA}", code=1)
    report = walk.json("validate", AREA, code=1)[0]
    assert report["problems"] and all("still to write" in p for p in report["problems"]), report["problems"]
    assert report["verbatim"]["checked"] is False and f"{AREA}.txt not found" in report["verbatim"]["reason"]
    r = walk.console("thresholdkit plugin new coventry")
    assert r.code == 2 and not Path("coventry").exists()
    walk.console(f"thresholdkit levels {AREA}", code=1)
    r = walk.sh(f"THRESHOLDKIT_ALLOW_DRAFTS=1 thresholdkit assess {AREA} --level 4")
    assert "DRAFT" in r.out + r.err

    # 2. The source text, in the package's own source/ folder
    walk.sh(f"pdftotext -layout {AREA}.pdf src/thresholdkit_north_somerset/source/{AREA}.txt")

    # 3. Fill the data (the fictional fixture, as a test fixture under this id)
    fill(pkg, AREA, NAME, source=False)

    # 4. Check
    walk.sh(f"thresholdkit validate {AREA}")
    report = walk.json("validate", AREA)[0]
    assert report["problems"] == []
    assert report["verbatim"] == {
        "checked": True,
        "source": str(own / "source" / f"{AREA}.txt"),
        "reason": None,
    }
    r = walk.sh("pytest")
    assert "1 passed" in r.out and "skipped" not in r.out, r.out
    walk.sh("thresholdkit areas")
    assert statuses(walk)[AREA] == "loaded"
    r = walk.sh(f"thresholdkit levels {AREA}")
    assert "Level 4 Specialist" in r.out
    r = walk.sh(f"thresholdkit contacts {AREA}")
    assert "0113 496 0000" in r.out
    r = walk.sh(f"thresholdkit assess {AREA} -i <indicator-id> -f json")
    data = json.loads(r.out)
    assert data["area"] == AREA and data["level"] == 4 and data["emergency"] is not None
    r = walk.sh(f"thresholdkit assess {AREA} --level 4")
    assert r.out.index("999") < r.out.index("0113 496 0000")
    walk.sh(f"thresholdkit compare indicator {AREA}:<indicator-id>")

    # Two plugins for one area: both refused until one is chosen
    legacy = tmp_path / "legacy-site"
    info = legacy / "thresholdkit_north_somerset_legacy-0.0.9.dist-info"
    info.mkdir(parents=True)
    (info / "entry_points.txt").write_text(f"[thresholdkit]\n{AREA} = thresholdkit_north_somerset:plugin\n")
    monkeypatch.syspath_prepend(str(legacy))
    r = walk.sh("thresholdkit plugins")
    rows = [p for p in walk.json("plugins") if p["name"] == AREA]
    assert len(rows) == 2 and {p["status"] for p in rows} == {"conflict"}
    assert all("thresholdkit_north_somerset_legacy" in p["error"] for p in rows)
    r = walk.sh(f"THRESHOLDKIT_PLUGINS={AREA}=thresholdkit-{AREA},coventry thresholdkit areas")
    assert AREA in r.out and "coventry" in r.out
    with monkeypatch.context() as m:
        m.setenv("THRESHOLDKIT_PLUGINS", f"{AREA}=thresholdkit-{AREA},coventry")
        chosen = [(row["id"], row["plugin_version"], row["status"]) for row in walk.json("areas")]
    # the chosen distribution serves the area; the other, and every area not named, are disabled
    assert (AREA, "0.1.0", "loaded") in chosen and (AREA, "0.0.9", "disabled") in chosen, chosen
    assert ("coventry", "0.1.0", "loaded") in chosen and ("telford", "0.1.0", "disabled") in chosen, chosen
    sys.path.remove(str(legacy))
    assert statuses(walk)[AREA] == "loaded"

    # 5. A new version: keep the old data, change the YAML, see the difference
    walk.sh("cp -r src/thresholdkit_north_somerset/data old-data")
    revised = ("Missed health appointments.", "Missed health or dental appointments.")
    for path in (own / "data" / "indicators.yaml", own / "source" / f"{AREA}.txt"):
        path.write_text(path.read_text().replace(*revised))
    r = walk.sh(f"thresholdkit diff {AREA} old-data/")
    assert "missed-appointments" in r.out and "reworded" in r.out, r.out
    walk.sh(f"thresholdkit validate {AREA}")
    assert walk.json("validate", AREA)[0]["shipped"] == "absent"
    walk.sh("thresholdkit plugin freeze src/thresholdkit_north_somerset/data")
    assert (own / "data" / "checked.json").is_file()
    assert walk.json("validate", AREA)[0]["shipped"] == "current"
    r = walk.sh("pytest")
    assert "1 passed" in r.out, r.out

    left = [c for c in guide_commands() if c not in walk.done and c not in NOT_RUN]
    assert left == [], f"commands of the guide the walk does not run: {left}"
    assert set(guide_commands()) >= NOT_RUN, "NOT_RUN lists a command the guide no longer has"
    unchecked = [c for c in console_examples() if c not in walk.shown]
    assert unchecked == [], f"console examples of the guide whose output the walk does not check: {unchecked}"
