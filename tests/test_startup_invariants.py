"""What keeps start-up fast, held as invariants (issue 19); the timings are in benchmarks/startup.py.

- a lookup on a warm cache imports neither jsonschema, the compiled validator, PyYAML nor Jinja2;
- the concepts vocabulary is checked once and remembered by content: a changed vocabulary is
  checked again, and a tampered entry is not trusted;
- compiled templates are remembered, recompiled when a template changes, and a tampered or
  foreign entry is not trusted;
- an extra installed plugin is not imported by a single-area command, and the remembered list of
  entry points sees a second plugin installed for an area (still a conflict);
- the compiled schema validator accepts nothing that jsonschema refuses.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thresholdkit.data import cache, schemas, vocabulary
from thresholdkit.model.errors import DataError

PROBE = textwrap.dedent(
    """
    import sys
    sys.argv = ["thresholdkit", *sys.argv[1:]]
    import thresholdkit.cli.main as m
    try:
        m.cli.main(prog_name="thresholdkit")  # not m.main(): it may end the process at once
    except SystemExit as exc:
        code = exc.code
    heavy = ("jsonschema", "jsonschema_rs", "yaml", "jinja2", "pluggy", "json", "snowballstemmer.english_stemmer")
    print("IMPORTED=" + ",".join(n for n in heavy if n in sys.modules), file=sys.stderr)
    """
)


def _run(args: list[str], cache_dir: Path, extra_path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THRESHOLDKIT_")}
    env["THRESHOLDKIT_CACHE_DIR"] = str(cache_dir)
    if extra_path is not None:
        env["PYTHONPATH"] = extra_path + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False)


def _imported(done: subprocess.CompletedProcess[str]) -> set[str]:
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("IMPORTED=")][-1]
    return set(filter(None, line[len("IMPORTED=") :].split(",")))


@pytest.mark.parametrize(
    "args",
    [
        ["contacts", "coventry"],
        ["assess", "coventry", "-i", "private-fostering"],
        ["levels", "coventry"],
        ["indicators", "coventry", "--search", "neglect"],
    ],
)
def test_a_warm_lookup_imports_no_checker_parser_or_templates(tmp_path: Path, args: list[str]) -> None:
    first = _run(args, tmp_path)
    assert "IMPORTED=" in first.stderr, first.stderr
    second = _run(args, tmp_path)
    assert _imported(second) == set(), second.stderr


def test_the_vocabulary_check_is_remembered(tmp_path: Path) -> None:
    """``compare matrix`` and ``site`` used to check the vocabulary with jsonschema every run."""
    probe = (
        "import sys\nfrom thresholdkit.data import vocabulary\nvocabulary.load()\n"
        "print(','.join(n for n in ('jsonschema', 'jsonschema_rs', 'yaml') if n in sys.modules))"
    )
    env = {**os.environ, "THRESHOLDKIT_CACHE_DIR": str(tmp_path)}
    env.pop("THRESHOLDKIT_NO_CACHE", None)
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert "yaml" in first.stdout  # checked the first time
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert second.stdout.strip() == ""


@pytest.fixture
def own_vocabulary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the vocabulary in a folder of its own, and an empty cache."""
    folder = tmp_path / "vocabulary"
    folder.mkdir()
    (folder / "concepts.yaml").write_bytes((Path(vocabulary.HERE) / "concepts.yaml").read_bytes())
    monkeypatch.setattr(vocabulary, "HERE", str(folder))
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    vocabulary.load.cache_clear()
    yield folder / "concepts.yaml"
    vocabulary.load.cache_clear()


def test_a_changed_vocabulary_is_checked_again(own_vocabulary: Path) -> None:
    good = vocabulary.load()
    assert good["concepts"]
    vocabulary.load.cache_clear()
    # still valid YAML, but a concept id that is not a slug: the schema refuses it
    text = own_vocabulary.read_text(encoding="utf-8")
    broken = text.replace("{id: unborn-child,", "{id: Unborn Child,", 1)
    assert broken != text
    own_vocabulary.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError, match=r"concepts\.yaml"):
        vocabulary.load()


def test_a_tampered_vocabulary_entry_is_not_trusted(own_vocabulary: Path) -> None:
    vocabulary.load()
    vocabulary.load.cache_clear()
    entries = list((own_vocabulary.parent.parent / "cache").glob("checked-*.bin"))
    assert len(entries) == 1
    header, _, payload = entries[0].read_bytes().partition(b"\n")
    planted = marshal.loads(payload)
    planted["concepts"].insert(0, {"id": "planted"})
    entries[0].write_bytes(header + b"\n" + marshal.dumps(planted))  # the payload changed, its header not
    data = vocabulary.load()  # checked again, not read from the tampered entry
    assert "planted" not in {c["id"] for c in data["concepts"]}


# --- compiled templates ---------------------------------------------------------------------


def _template_env(folder: Path) -> Any:
    import jinja2

    from thresholdkit.render.handout import bytecode_cache

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=bytecode_cache())


def _compiles(env: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = env.compile

    def counting(source: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(source)
        return original(source, *args, **kwargs)

    monkeypatch.setattr(env, "compile", counting)
    return calls


def test_compiled_templates_are_remembered_and_a_changed_template_recompiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("one {{ x }}")
    env = _template_env(templates)
    calls = _compiles(env, monkeypatch)
    assert env.get_template("t.j2").render(x=1) == "one 1"
    assert len(calls) == 1
    assert list((tmp_path / "cache").glob("template-*.bin"))

    env = _template_env(templates)  # a new run: loaded compiled
    calls = _compiles(env, monkeypatch)
    assert env.get_template("t.j2").render(x=2) == "one 2"
    assert calls == []

    (templates / "t.j2").write_text("two {{ x }}")
    env = _template_env(templates)
    calls = _compiles(env, monkeypatch)
    assert env.get_template("t.j2").render(x=3) == "two 3"
    assert len(calls) == 1


def test_a_tampered_template_entry_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("hello {{ x }}")
    _template_env(templates).get_template("t.j2").render(x=1)
    (entry,) = (tmp_path / "cache").glob("template-*.bin")
    raw = entry.read_bytes()
    entry.write_bytes(raw[:-8] + b"\x00" * 8)  # the payload no longer matches its hash
    env = _template_env(templates)
    calls = _compiles(env, monkeypatch)
    assert env.get_template("t.j2").render(x=2) == "hello 2"
    assert len(calls) == 1


def test_checked_data_is_only_read_from_a_private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever can write an entry could change a threshold: a folder others may write to is not read."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(folder))
    cache.put("k", {"partnership": "as checked"})
    assert cache.get("k") == {"partnership": "as checked"}
    folder.chmod(0o777)
    try:
        assert cache.get("k") is None
    finally:
        folder.chmod(0o700)
    assert cache.get("k") == {"partnership": "as checked"}


def test_compiled_templates_are_only_read_from_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(folder))
    cache.put_bytes("template", "k", b"code")
    assert cache.get_bytes("template", "k") == b"code"
    folder.chmod(0o777)
    try:
        assert cache.get_bytes("template", "k") is None
    finally:
        folder.chmod(0o700)


def test_no_template_cache_when_caching_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from thresholdkit.render.handout import bytecode_cache, jinja_env

    monkeypatch.setenv("THRESHOLDKIT_NO_CACHE", "1")
    assert bytecode_cache() is None
    assert jinja_env().bytecode_cache is None


def test_a_remembered_page_is_made_again_when_a_template_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from thresholdkit.areas.registry import Registry
    from thresholdkit.render import handout

    here = Path(handout.__file__).parent
    shutil.copytree(here / "templates", tmp_path / "render" / "templates")
    shutil.copy(here / "handout.py", tmp_path / "render" / "handout.py")
    monkeypatch.setattr(handout, "__file__", str(tmp_path / "render" / "handout.py"))
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    model = handout.glance_model(Registry.load().area("coventry"))
    first = handout.render_html(model, "glance.html.j2")
    assert list((tmp_path / "cache").glob("page-*.bin"))
    assert handout.render_html(model, "glance.html.j2") == first
    css = tmp_path / "render" / "templates" / "base.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    assert "/* changed */" in handout.render_html(model, "glance.html.j2")


def test_a_handout_asked_for_again_does_not_import_jinja(tmp_path: Path) -> None:
    args = ["handout", "coventry", "-o", str(tmp_path / "h.html")]
    assert "jinja2" in _imported(_run(args, tmp_path / "cache"))
    assert "jinja2" not in _imported(_run(args, tmp_path / "cache"))


# --- plugins ----------------------------------------------------------------------------------


def _write_plugin(site: Path, dist: str, area: str, package: str, marker: Path) -> None:
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[thresholdkit]\n{area} = {package}:plugin\n")
    (site / package).mkdir()
    (site / package / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\nplugin = object()\n")


def test_an_extra_plugin_is_not_imported_by_a_single_area_command(tmp_path: Path) -> None:
    site = tmp_path / "site"
    marker = tmp_path / "imported"
    _write_plugin(site, "thresholdkit_extra", "extrashire", "extra_plugin_pkg", marker)
    for _ in range(2):  # the first run scans and remembers the entry points, the second reads them
        done = _run(["contacts", "coventry"], tmp_path / "cache", extra_path=str(site))
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
    listing = _run(["areas", "--format", "json"], tmp_path / "cache", extra_path=str(site))
    assert "extrashire" in listing.stdout  # it is installed, and found


def test_remembered_entry_points_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from thresholdkit.areas import discovery

    site = tmp_path / "site"
    _write_plugin(site, "thresholdkit_one", "oneshire", "one_pkg", tmp_path / "m1")
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(site))
    first = discovery.discover_installed()

    def no_scan(*args: Any) -> Any:
        raise AssertionError("entry points read again")

    monkeypatch.setattr(discovery, "_scan", no_scan)
    again = discovery.discover_installed()
    assert [(e.name, e.value, e.dist) for e in again] == [(e.name, e.value, e.dist) for e in first]
    assert "oneshire" in {e.name for e in again}


def test_a_second_plugin_for_an_area_is_still_a_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from thresholdkit.areas.registry import Registry

    site = tmp_path / "site"
    _write_plugin(site, "thresholdkit_one", "oneshire", "one_pkg", tmp_path / "m1")
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(site))
    assert "oneshire" in Registry.load().area_ids()
    _write_plugin(site, "thresholdkit_two", "oneshire", "two_pkg", tmp_path / "m2")
    reg = Registry.load()
    assert "oneshire" not in reg.area_ids()
    with pytest.raises(DataError, match="claimed by 2 plugins"):
        reg.area("oneshire")


def test_a_tampered_entry_point_index_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from thresholdkit.areas import discovery

    site = tmp_path / "site"
    _write_plugin(site, "thresholdkit_one", "oneshire", "one_pkg", tmp_path / "m1")
    monkeypatch.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(site))
    before = {e.name: e.value for e in discovery.discover_installed()}
    tampered = 0
    for entry in (tmp_path / "cache").glob("checked-*.bin"):
        raw = entry.read_bytes()
        entry.write_bytes(raw.replace(b"one_pkg:plugin", b"os:system"))
        tampered += entry.read_bytes() != raw
    assert tampered == 1
    after = {e.name: e.value for e in discovery.discover_installed()}
    assert after == before


# --- the compiled schema validator --------------------------------------------------------------


def test_python_whitespace_is_written_out_exactly() -> None:
    spaces = {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    matched = {c for c in range(sys.maxunicode + 1) if re.fullmatch(f"[{schemas.PY_SPACE}]", chr(c))}
    assert matched == spaces


@pytest.mark.parametrize("pattern", ["^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", "^a\\sb$", "^[0-9 ()+]+$"])
def test_the_compiled_validator_is_never_looser_than_python_re(pattern: str) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    rewritten = schemas._ecma_pattern(pattern)
    assert rewritten is not None
    fast = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": rewritten})
    rx = re.compile(pattern)
    for c in [*range(0x3100), 0xFEFF, 0xFFFE, 0x1F600, 0xE0020]:
        for text in (f"a{chr(c)}@b.c", f"a{chr(c)}b", f"1{chr(c)}2"):
            if fast.is_valid(text):
                assert rx.search(text), (pattern, hex(c))


def test_escapes_with_another_meaning_get_no_compiled_validator() -> None:
    assert schemas._ecma_pattern("^\\w+$") is None
    assert schemas._ecma_pattern("^\\S+$") is None
    with pytest.raises(ValueError):
        schemas._ecma_schema({"properties": {"x": {"pattern": "\\d"}}})


def test_every_bundled_area_passes_the_compiled_validator() -> None:
    from thresholdkit.areas.registry import Registry

    for area in Registry.load().usable():
        assert schemas.passes(area.data), area.id
    assert schemas.passes(vocabulary.load(), "concepts")


def test_what_the_compiled_validator_refuses_is_reported_by_jsonschema() -> None:
    from thresholdkit.areas.registry import Registry

    data = json.loads(json.dumps(Registry.load().area("coventry").data))
    data["contacts"][0]["phone"] = [{"number": 1234}]
    assert not schemas.passes(data)
    problems = schemas.check_schema(data)
    assert problems and "phone" in problems[0] and "quote it" in problems[0]


def test_a_value_the_compiled_validator_cannot_take_goes_to_jsonschema() -> None:
    assert schemas.passes({1: "x"}) is False
    assert schemas.check_schema({1: "x"})  # refused, by jsonschema's verdict
