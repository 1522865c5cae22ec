"""Plugin loading: a broken plugin is reported and skipped; the allow-list; hooks overridable."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT

from thresholdkit.areas.hookspecs import hookimpl
from thresholdkit.areas.registry import Registry

COVENTRY_DATA = ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"


def test_plugin_that_fails_to_import_is_skipped(run, fake_plugins):
    fake_plugins("broken", "raise ImportError('no module named thing')\n")
    r = run("areas", "-f", "json")
    assert r.code == 0
    rows = {row["id"]: row for row in json.loads(r.out)}
    assert rows["broken"]["status"] == "failed"
    assert "no module named thing" in rows["broken"]["reason"]
    assert rows["coventry"]["status"] == "loaded"
    assert "plugin 'broken' was skipped" in r.err
    assert "Traceback" not in r.err
    # Coventry keeps working while the broken plugin is installed
    r = run("assess", "coventry", "-i", "private-fostering", "-f", "json")
    assert r.code == 0 and json.loads(r.out)["level"] == 4
    plugins = {p["name"]: p for p in json.loads(run("plugins", "-f", "json").out)}
    assert plugins["broken"]["status"] == "failed" and plugins["broken"]["error"]


def test_plugin_whose_data_fails_the_schema_is_skipped(run, fake_plugins, tmp_path):
    files = {f"data/{p.name}": p.read_text() for p in COVENTRY_DATA.glob("*.yaml")}
    files["data/authority.yaml"] = (
        files["data/authority.yaml"]
        .replace("id: coventry", "id: badland", 1)
        .replace('id: "coventry"', 'id: "badland"', 1)
    )
    files["data/contacts.yaml"] = files["data/contacts.yaml"].replace('number: "999"', "number: 999", 1)
    fake_plugins(
        "badland", "from thresholdkit.areas.dataplugin import DataPlugin\nplugin = DataPlugin(__file__)\n", files
    )
    rows = {row["id"]: row for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["badland"]["status"] == "failed"
    assert "not of type 'string'" in rows["badland"]["reason"]
    assert rows["coventry"]["status"] == "loaded"
    r = run("contacts", "badland")
    assert r.code == 1 and "unavailable" in r.err and "Traceback" not in r.err
    assert run("contacts", "coventry").code == 0
    r = run("validate", "badland")
    assert r.code == 1
    assert "contacts.yaml" in r.out and "quote it" in r.out


def test_plugin_with_unknown_hook_is_rejected(run, fake_plugins):
    fake_plugins(
        "oddity",
        """
        from thresholdkit.areas.hookspecs import hookimpl
        class P:
            @hookimpl
            def thresholdkit_no_such_hook(self):
                return 1
        plugin = P()
        """,
    )
    rows = {row["id"]: row for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["oddity"]["status"] == "failed"
    assert "thresholdkit_no_such_hook" in rows["oddity"]["reason"]
    assert rows["coventry"]["status"] == "loaded"


def test_plugin_that_raises_inside_a_hook(run, fake_plugins):
    fake_plugins(
        "raiser",
        """
        from thresholdkit.areas.hookspecs import hookimpl
        class P:
            @hookimpl
            def thresholdkit_authority(self):
                raise RuntimeError("boom")
        plugin = P()
        """,
    )
    rows = {row["id"]: row for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["raiser"]["status"] == "failed" and "boom" in rows["raiser"]["reason"]
    r = run("levels", "raiser")
    assert r.code == 1 and "boom" in r.err and "Traceback" not in r.err
    assert run("levels", "coventry").code == 0


def test_allow_list(run, monkeypatch, fake_plugins):
    fake_plugins("broken", "raise ImportError('x')\n")
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry")
    rows = {row["id"]: row["status"] for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["broken"] == "disabled" and rows["coventry"] == "loaded"
    assert [a for a, status in rows.items() if status != "disabled"] == ["coventry"]
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "")
    rows = {row["id"]: row["status"] for row in json.loads(run("areas", "-f", "json").out)}
    assert set(rows.values()) == {"disabled"}
    r = run("levels", "coventry")
    assert r.code == 1 and "not in THRESHOLDKIT_PLUGINS" in r.err


def test_python_plugin_can_override_one_hook():
    from thresholdkit.areas.dataplugin import DataPlugin

    data = DataPlugin(str(COVENTRY_DATA.parent / "__init__.py"))

    class Override:
        @hookimpl(tryfirst=True)
        def thresholdkit_contacts(self, area: str):
            return (
                [{"id": "x", "name": "Override line", "role": "front_door", "source": {"section": "test"}}]
                if area == "coventry"
                else None
            )

    reg = Registry.from_plugins({"coventry": data, "coventry-override": Override()})
    area = reg.area("coventry")
    assert [c["name"] for c in area.contacts()] == ["Override line"]
    assert area.indicators()  # the rest still comes from the YAML


def test_entry_point_discovery_reads_dist_info(tmp_path: Path):
    from thresholdkit.areas.discovery import discover

    dist = tmp_path / "thresholdkit_demo-1.2.3.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n\n[thresholdkit]\ndemo = demo_pkg:plugin\n")
    eps = discover(path=[str(tmp_path)])
    assert [(e.name, e.value, e.dist, e.version) for e in eps] == [
        ("demo", "demo_pkg:plugin", "thresholdkit_demo", "1.2.3")
    ]


def test_data_cache_is_used_and_invalidated(tmp_path, monkeypatch):
    import shutil

    from thresholdkit.data import loader as datafiles

    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(COVENTRY_DATA, folder)
    first = datafiles.load_checked(folder)
    assert list((tmp_path / "cache").glob("data-*.json"))
    calls = []
    monkeypatch.setattr("thresholdkit.data.checks.check_data", lambda *a, **k: calls.append(1) or [])
    assert datafiles.load_checked(folder) == first and calls == []  # served from the cache
    path = folder / "authority.yaml"
    path.write_text(path.read_text().replace("Coventry Safeguarding Children Partnership", "Renamed Partnership", 1))
    assert datafiles.load_checked(folder)["authority"]["partnership"] == "Renamed Partnership"
    assert calls == [1]  # a changed file is checked again
