"""Plugin loading: a broken plugin is reported and skipped; the allow-list; hooks overridable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from thresholdkit.areas.hookspecs import hookimpl
from thresholdkit.areas.registry import Registry
from thresholdkit.model.errors import DataError

COVENTRY_DATA = ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"


def test_plugin_that_fails_to_import_is_skipped(run, fake_plugins):
    fake_plugins("broken", "raise ImportError('no module named thing')\n")
    r = run("areas", "-f", "json")
    assert r.code == 0
    rows = {row["id"]: row for row in json.loads(r.out)}
    assert rows["broken"]["status"] == "failed"
    assert "no module named thing" in rows["broken"]["reason"]
    assert rows["coventry"]["status"] == "loaded"
    assert r.err.count("area 'broken' is unavailable") == 1  # one warning, on stderr
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


def test_python_plugin_can_compute_one_section_and_keep_the_rest_in_yaml():
    import yaml

    from thresholdkit.areas.dataplugin import DataPlugin

    contacts = yaml.safe_load((COVENTRY_DATA / "contacts.yaml").read_text())["contacts"]
    contacts[0]["name"] = "Computed line"

    class Computed(DataPlugin):
        @hookimpl
        def thresholdkit_contacts(self, area: str):
            return contacts

    reg = Registry.from_plugins({"coventry": Computed(str(COVENTRY_DATA.parent / "__init__.py"))})
    area = reg.area("coventry")
    assert area.contacts()[0]["name"] == "Computed line"
    assert area.indicators()  # the rest still comes from the YAML
    contacts[0]["name"] = "Changed after the checks"
    assert area.contacts()[0]["name"] == "Computed line"  # the checked copy is the area's own


def test_a_subclass_that_answers_the_folder_hook_itself_is_asked(tmp_path: Path):
    """A plain DataPlugin is read without a plugin manager (issue 19); a subclass is not plain,
    and its own answer to the folder hook stands, and so does an unmarked helper of that name."""
    import shutil

    from thresholdkit.areas.dataplugin import DataPlugin

    other = tmp_path / "data"
    shutil.copytree(COVENTRY_DATA, other)
    path = other / "authority.yaml"
    path.write_text(path.read_text().replace("Coventry Safeguarding Children Partnership", "Moved Partnership", 1))

    class Elsewhere(DataPlugin):
        @hookimpl
        def thresholdkit_data_folder(self, area: str) -> str:
            return str(other)

    class Unmarked(DataPlugin):
        def thresholdkit_data_folder(self, area: str) -> str:  # no marker: not a hook
            return str(other)

    monkey_init = str(COVENTRY_DATA.parent / "__init__.py")
    moved = Registry.from_plugins({"coventry": Elsewhere(monkey_init)}).area("coventry")
    assert moved.authority["authority"]["partnership"] == "Moved Partnership"
    plain = Registry.from_plugins({"coventry": DataPlugin(monkey_init)}).area("coventry")
    assert plain.authority["authority"]["partnership"] == "Coventry Safeguarding Children Partnership"
    with pytest.raises(DataError, match="gives no data"):
        Registry.from_plugins({"coventry": Unmarked(monkey_init)}).area("coventry")


def test_a_computed_section_is_checked_like_yaml():
    from thresholdkit.areas.dataplugin import DataPlugin
    from thresholdkit.model.errors import DataError

    class Sloppy(DataPlugin):
        @hookimpl
        def thresholdkit_contacts(self, area: str):
            return [{"id": "x", "name": "X", "role": "front_door", "phone": [{"number": 1905822666}]}]

    reg = Registry.from_plugins({"coventry": Sloppy(str(COVENTRY_DATA.parent / "__init__.py"))})
    try:
        reg.area("coventry")
    except DataError as exc:
        assert "unavailable" in str(exc)
    else:
        raise AssertionError("malformed contacts were accepted")


def test_entry_point_discovery_reads_dist_info(tmp_path: Path):
    from thresholdkit.areas.discovery import discover

    dist = tmp_path / "thresholdkit_demo-1.2.3.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n\n[thresholdkit]\ndemo = demo_pkg:plugin\n")
    eps = discover(path=[str(tmp_path)])
    assert [(e.name, e.value, e.dist, e.version) for e in eps] == [
        ("demo", "demo_pkg:plugin", "thresholdkit_demo", "1.2.3")
    ]


def _cached_copy(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    # without its shipped checked form: these tests are about checking and the cache
    shutil.copytree(COVENTRY_DATA, folder, ignore=shutil.ignore_patterns("checked.json"))
    return folder


def _count_checks(monkeypatch) -> list[int]:
    from thresholdkit.data import checks

    calls: list[int] = []
    real = checks.check_data
    monkeypatch.setattr(checks, "check_data", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_data_cache_is_used_and_invalidated(tmp_path, monkeypatch):
    from thresholdkit.data import loader

    folder = _cached_copy(tmp_path, monkeypatch)
    first = loader.load_checked(folder).data
    assert list((tmp_path / "cache").glob("checked-*.bin"))
    calls = _count_checks(monkeypatch)
    assert loader.load_checked(folder).data == first and calls == []  # served from the cache
    path = folder / "authority.yaml"
    path.write_text(path.read_text().replace("Coventry Safeguarding Children Partnership", "Renamed Partnership", 1))
    assert loader.load_checked(folder).data["authority"]["partnership"] == "Renamed Partnership"
    assert calls == [1]  # a changed file is checked again


def test_data_cache_sees_an_edit_that_keeps_size_and_mtime(tmp_path, monkeypatch):
    import os

    from thresholdkit.data import loader

    folder = _cached_copy(tmp_path, monkeypatch)
    path = folder / "contacts.yaml"
    loader.load_checked(folder)
    st = os.stat(path)
    text = path.read_text()
    # the same size, still valid data (the police contact keeps its 999)
    edited = text.replace('number: "024 7683 2222"', 'number: "024 7683 2223"', 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    numbers = [p["number"] for c in loader.load_checked(folder).data["contacts"] for p in c.get("phone", [])]
    assert "024 7683 2223" in numbers and "024 7683 2222" not in numbers


def test_corrupt_or_foreign_cache_entries_are_discarded_and_rebuilt(tmp_path, monkeypatch):
    from thresholdkit.data import loader

    folder = _cached_copy(tmp_path, monkeypatch)
    good = loader.load_checked(folder).data
    (entry,) = (tmp_path / "cache").glob("checked-*.bin")
    raw = entry.read_bytes()
    calls = _count_checks(monkeypatch)
    # a payload changed behind the cache's back (its hash no longer matches)
    entry.write_bytes(raw.replace(b"Coventry", b"Covfefe", 1))
    assert loader.load_checked(folder).data == good and calls == [1]
    assert entry.read_bytes() == raw  # rebuilt
    # truncated
    entry.write_bytes(raw[: len(raw) // 2])
    assert loader.load_checked(folder).data == good and calls == [1, 1]
    # another entry's content under this name (a foreign key)
    header, _, payload = raw.partition(b"\n")
    entry.write_bytes(header.replace(entry.stem[-8:].encode(), b"00000000") + b"\n" + payload)
    assert loader.load_checked(folder).data == good and calls == [1, 1, 1]
    # not even an entry
    entry.write_bytes(b"\x00\xff garbage")
    assert loader.load_checked(folder).data == good and len(calls) == 4


def test_cache_can_be_turned_off_only_by_a_true_value(tmp_path, monkeypatch):
    from thresholdkit.data import cache

    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path))
    for value in ("0", "false", "no", ""):
        monkeypatch.setenv("THRESHOLDKIT_NO_CACHE", value)
        assert cache.cache_dir() == str(tmp_path), value
    for value in ("1", "true", "YES"):
        monkeypatch.setenv("THRESHOLDKIT_NO_CACHE", value)
        assert cache.cache_dir() is None, value


def test_every_hookspec_documents_its_parameters_and_result():
    import inspect

    from thresholdkit.areas import hookspecs

    specs = [f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("thresholdkit_")]
    assert len(specs) >= 6
    for spec in specs:
        doc = inspect.getdoc(spec) or ""
        for param in inspect.signature(spec).parameters:
            assert f":param {param}:" in doc, f"{spec.__name__}: no ':param {param}:'"
        assert ":return:" in doc, spec.__name__
        assert spec.__name__ in hookspecs.SECTIONS or spec.__name__ == "thresholdkit_data_folder"


def test_a_command_about_one_area_imports_only_that_plugin(run, fake_plugins, tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    fake_plugins("elsewhere", f"open({str(marker)!r}, 'w').close()\nraise ImportError('never needed')\n")
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,elsewhere")
    r = run("contacts", "coventry", "-f", "json")
    assert r.code == 0 and r.err == ""
    assert not marker.exists()
    run("areas")
    assert marker.exists()  # listing the areas does import it, and reports it


def test_trace_shows_hook_calls_but_no_data(run, monkeypatch):
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry")
    monkeypatch.setenv("THRESHOLDKIT_TRACE", "1")
    r = run("contacts", "coventry", "-f", "json")
    assert r.code == 0
    lines = r.err.splitlines()
    assert lines and all(line.startswith("trace: ") for line in lines)
    assert any("thresholdkit_data_folder(area='coventry') -> coventry: str" in line for line in lines)
    assert "024 7678" not in r.err and "/data" not in r.err


def test_two_plugins_for_one_id_are_refused_until_one_is_chosen(run, tmp_path, monkeypatch):
    import shutil

    site = tmp_path / "site"
    for dist, pkg in (("thresholdkit_coventry_fork", "fork_pkg"),):
        shutil.copytree(COVENTRY_DATA, site / pkg / "data")
        (site / pkg / "__init__.py").write_text(
            "from thresholdkit.areas.dataplugin import DataPlugin\nplugin = DataPlugin(__file__)\n"
        )
        (site / f"{dist}-2.0.dist-info").mkdir(parents=True)
        (site / f"{dist}-2.0.dist-info" / "entry_points.txt").write_text(f"[thresholdkit]\ncoventry = {pkg}:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,worcestershire")
    r = run("contacts", "coventry")
    assert r.code == 1 and r.out == ""
    assert "thresholdkit_coventry_fork 2.0" in r.err and "thresholdkit_coventry 0.1.0" in r.err
    assert "THRESHOLDKIT_PLUGINS=coventry=" in r.err
    statuses = {(p["name"], p["distribution"]): p["status"] for p in json.loads(run("plugins", "-f", "json").out)}
    assert statuses[("coventry", "thresholdkit_coventry_fork")] == "conflict"
    assert statuses[("coventry", "thresholdkit_coventry")] == "conflict"
    assert run("contacts", "worcestershire").code == 0
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry=thresholdkit-coventry,worcestershire")
    r = run("contacts", "coventry", "-f", "json")
    assert r.code == 0 and "024 7678 8555" in r.out


def test_any_slug_is_an_area_id_and_anything_else_is_refused():
    from thresholdkit.areas.discovery import PluginRecord, is_slug, resolve

    assert is_slug("north-somerset") and is_slug("bath-and-north-east-somerset") and is_slug("area51")
    for bad in ("North", "a--b", "-a", "a-", "a_b", "a b", "", "é"):
        assert not is_slug(bad), bad
    records = [PluginRecord("Bad_Name", "d", "1", "m:p"), PluginRecord("good-one", "e", "1", "m:p")]
    served = resolve(records)
    assert list(served) == ["good-one"]
    assert records[0].status == "failed" and "not a valid area id" in (records[0].error or "")


def test_what_a_plugin_prints_never_reaches_stdout(run, fake_plugins, monkeypatch):
    fake_plugins(
        "chatty",
        """
        print("hello from chatty at import")
        from thresholdkit.areas.hookspecs import hookimpl
        class P:
            @hookimpl
            def thresholdkit_data_folder(self, area):
                print("hello from a hook")
                return None
        plugin = P()
        """,
    )
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,chatty")
    for args in (("areas", "-f", "json"), ("compare", "contacts", "-f", "json"), ("plugins", "-f", "json")):
        r = run(*args)
        assert r.code == 0 and "hello" not in r.out
        json.loads(r.out)  # still one clean JSON document


def test_a_draft_is_refused_then_marked_draft_when_allowed(run, tmp_path, monkeypatch):
    import shutil

    import yaml

    site = tmp_path / "site"
    shutil.copytree(COVENTRY_DATA, site / "draft_pkg" / "data")
    authority = site / "draft_pkg" / "data" / "authority.yaml"
    data = yaml.safe_load(authority.read_text())
    data["authority"]["id"] = "draftshire"
    data["levels"][3]["name"] = "TODO: local name of level 4"
    authority.write_text(yaml.safe_dump(data, allow_unicode=True))
    (site / "draft_pkg" / "__init__.py").write_text(
        "from thresholdkit.areas.dataplugin import DataPlugin\nplugin = DataPlugin(__file__)\n"
    )
    (site / "draft-1.0.dist-info").mkdir()
    (site / "draft-1.0.dist-info" / "entry_points.txt").write_text("[thresholdkit]\ndraftshire = draft_pkg:plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,draftshire")
    rows = {row["id"]: row for row in json.loads(run("areas", "-f", "json").out)}
    assert rows["draftshire"]["status"] == "draft" and "TODO" in rows["draftshire"]["reason"]
    r = run("assess", "draftshire", "-l", "4", "-f", "json")
    assert r.code == 1 and "is a draft" in r.err and "THRESHOLDKIT_ALLOW_DRAFTS=1" in r.err and r.out == ""
    r = run("compare", "levels", "-f", "json")
    assert r.code == 0 and "draftshire" not in r.out and "is a draft" in r.err
    monkeypatch.setenv("THRESHOLDKIT_ALLOW_DRAFTS", "1")
    r = run("assess", "draftshire", "-l", "4", "-f", "json")
    assert r.code == 0 and json.loads(r.out)["warnings"][0].startswith("DRAFT:")
    assert "DRAFT" in r.err


def test_the_package_ships_py_typed():
    from pathlib import Path as _Path

    import thresholdkit

    assert (_Path(thresholdkit.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize(
    ("allow", "warning"),
    [
        (
            "coventry,telfrod",
            "Warning: THRESHOLDKIT_PLUGINS names 'telfrod', but no installed plugin provides it "
            "(did you mean 'telford'?)",
        ),
        (
            "coventry;telford",
            "Warning: THRESHOLDKIT_PLUGINS item 'coventry;telford' is not an area id; separate area ids with commas",
        ),
        ("", "Warning: THRESHOLDKIT_PLUGINS is set but names no area, so none is loaded"),
    ],
)
def test_an_allow_list_mistake_is_reported(run, monkeypatch, allow: str, warning: str) -> None:
    """A typo in the allow-list left an area out of 'compare' and 'site' without a word."""
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", allow)
    for args in (["compare", "contacts"], ["areas"]):
        r = run(*args)
        assert warning in r.err, (args, r.err)
