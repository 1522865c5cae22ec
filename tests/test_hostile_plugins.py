"""Hostile, broken and misconfigured plugins (contract v2): each makes only its own area unavailable.

For every plugin in ``hostile.HOSTILES`` the other areas' output is byte-identical to a run
without it (per-area commands, cross-area commands and every file the site writes), its own area
shows its status and reason, per-area commands on it fail in one line, cross-area commands warn
about it once, and nothing ever prints a traceback or "internal error".
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Run, assert_one_line_error
from hostile import COVENTRY_PHONE, FORKED_PHONE, FORMULA, HOSTILES, SCRIPT, Hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thresholdkit.cli.main import cli

EPOCH = "1700000000"
BASE = "coventry,worcestershire"
OTHERS = ("coventry", "worcestershire")

# per-area commands on the areas that are not hostile: their stdout must not change
PER_AREA: list[tuple[str, ...]] = [
    ("contacts", "coventry"),
    ("assess", "coventry", "-i", "non-mobile-child-injury"),
    ("indicators", "coventry"),
    ("contacts", "worcestershire"),
    ("indicators", "worcestershire", "--level", "4"),
]
# cross-area commands: they leave a bad area out and say so once on stderr
CROSS: list[tuple[str, ...]] = [("compare", "contacts"), ("compare", "levels")]
# and in JSON, to compare a valid new area's output with the area filtered out
CROSS_JSON: list[tuple[str, ...]] = [("compare", "contacts", "-f", "json"), ("compare", "levels", "-f", "json")]
BATCH_RECORDS = [
    {"id": "r1", "area": "coventry", "indicators": ["non-mobile-child-injury"]},
    {"id": "r2", "area": "worcestershire", "level": 2},
]

OUTPUTS: list[Run] = []  # every run of a test, checked for tracebacks


def invoke(*args: str, input: str | None = None) -> Run:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    r = Run(result.exit_code, result.stdout, result.stderr)
    OUTPUTS.append(r)
    return r


def assert_clean(runs: list[Run]) -> None:
    for r in runs:
        for stream in (r.out, r.err):
            assert "Traceback" not in stream, stream[-2000:]
            assert "internal error" not in stream.lower(), stream[-2000:]


def read_site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def batch_input(extra_area: str | None) -> str:
    records = list(BATCH_RECORDS)
    if extra_area:
        records.append({"id": "r3", "area": extra_area, "level": 2})
    return "".join(json.dumps(r) + "\n" for r in records)


def outputs(folder: Path, extra_area: str | None = None) -> dict[object, object]:
    """stdout of every command, the site's files and the batch lines of the non-hostile records."""
    got: dict[object, object] = {}
    for args in PER_AREA + CROSS + CROSS_JSON:
        got[args] = invoke(*args)
    got["site"] = invoke("site", "-o", str(folder / "site"))
    got["site-files"] = read_site(folder / "site")
    got["batch"] = invoke("batch", "-", input=batch_input(extra_area))
    got["areas"] = {row["id"]: row for row in json.loads(invoke("areas", "-f", "json").out)}
    return got


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[object, object]]:
    """The outputs without any hostile plugin: with Coventry and Worcestershire, and with
    Worcestershire alone (what is left when Coventry is refused)."""
    result = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for name in ("THRESHOLDKIT_ALLOW_DRAFTS", "THRESHOLDKIT_DEBUG", "THRESHOLDKIT_TRACE"):
            mp.delenv(name, raising=False)
        for allow in (BASE, "worcestershire"):
            mp.setenv("THRESHOLDKIT_PLUGINS", allow)
            got = outputs(tmp_path_factory.mktemp("baseline"), "nowhere")
            for key, r in got.items():
                if isinstance(r, Run) and not (allow == "worcestershire" and "coventry" in key):
                    assert r.code == (4 if key == "batch" else 0), (key, r.err)
            result[allow] = got
    assert_clean(OUTPUTS)
    OUTPUTS.clear()
    return result


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Build hostile plugins into a folder on sys.path; forget their modules afterwards."""
    site = tmp_path / "hostile-site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("THRESHOLDKIT_ALLOW_DRAFTS", raising=False)
    monkeypatch.delenv("THRESHOLDKIT_TRACE", raising=False)
    OUTPUTS.clear()

    def _install(*hostiles: Hostile) -> Path:
        for h in hostiles:
            h.build(site)
        allow = ",".join([*OTHERS, *(h.area for h in hostiles if h.area not in OTHERS)])
        monkeypatch.setenv("THRESHOLDKIT_PLUGINS", allow)
        return site

    yield _install
    for name in [n for n, m in sys.modules.items() if str(site) in str(getattr(m, "__file__", None) or "")]:
        del sys.modules[name]
    assert_clean(OUTPUTS)
    OUTPUTS.clear()


def imported_from(site: Path) -> list[str]:
    return sorted(n for n, m in list(sys.modules.items()) if str(site) in str(getattr(m, "__file__", None) or ""))


def warnings_about(err: str, area: str) -> list[str]:
    return [line for line in err.splitlines() if f"'{area}'" in line]


def rows_not_of(text: str, area: str) -> object:
    """A compare command's JSON without the given area (rows of it, or its column)."""
    data = json.loads(text)
    out = []
    for row in data:
        if row.get("area") == area:
            continue
        if isinstance(row.get("areas"), dict):
            row = {**row, "areas": {k: v for k, v in row["areas"].items() if k != area}}
        out.append(row)
    return out


@pytest.mark.parametrize("hostile", HOSTILES, ids=str)
def test_a_hostile_plugin_harms_only_its_own_area(hostile: Hostile, baseline, install, tmp_path):
    site = install(hostile)
    area = hostile.area
    steals_coventry = area == "coventry"
    loaded = hostile.expect == "loaded"
    base = baseline[BASE]

    # 1. per-area commands on the other areas: same bytes, and the hostile plugin is never imported
    for args in PER_AREA:
        started = time.perf_counter()
        r = invoke(*args)
        took = time.perf_counter() - started
        if steals_coventry and "coventry" in args:
            assert_one_line_error(r, 1)
            assert r.out == ""
            assert r.err.startswith("Error: area 'coventry' is unavailable: "), r.err
            assert "thresholdkit_coventry_fork 2.0" in r.err and "thresholdkit_coventry 0.1.0" in r.err, r.err
            assert "THRESHOLDKIT_PLUGINS=coventry=" in r.err
            assert COVENTRY_PHONE not in r.err and FORKED_PHONE not in r.err
        else:
            assert r.code == 0, (args, r.err)
            assert r.out == base[args].out, args
            assert r.err == base[args].err, args
        if hostile.name == "slow-import" and args == ("contacts", "coventry"):
            assert took < 1.0, f"'contacts coventry' waited {took:.2f} s for another area's plugin"
        assert imported_from(site) == [], f"{' '.join(args)} imported another area's plugin"

    # 2. the hostile area's own status and reason
    rows = json.loads(invoke("areas", "-f", "json").out)
    by_id = {row["id"]: row for row in rows}
    assert by_id[area]["status"] == hostile.expect, by_id[area]
    if not loaded:
        assert by_id[area]["reason"] and hostile.reason.lower() in by_id[area]["reason"].lower(), by_id[area]
        assert "\n" not in by_id[area]["reason"] and len(by_id[area]["reason"]) < 2000
    for other in OTHERS:
        if not (steals_coventry and other == "coventry"):
            assert by_id[other] == base["areas"][other]
    plugins = [p for p in json.loads(invoke("plugins", "-f", "json").out) if p["name"] == area]
    assert plugins, "the hostile plugin is not listed by 'plugins'"
    for p in plugins:
        assert p["status"] == hostile.expect, p
        assert loaded or p["error"], p
    if steals_coventry:
        assert {p["distribution"] for p in plugins} == {"thresholdkit_coventry", "thresholdkit_coventry_fork"}
        assert "thresholdkit_coventry_fork 2.0" in by_id[area]["reason"]
        assert "thresholdkit_coventry 0.1.0" in by_id[area]["reason"]
        assert "THRESHOLDKIT_PLUGINS=coventry=" in by_id[area]["reason"]

    # 3. a per-area command on the hostile area: one line, exit 1
    if hostile.per_area:
        r = invoke("contacts", area)
        if loaded:
            assert r.code == 0, r.err
        elif hostile.expect == "draft":
            assert_one_line_error(r, 1)
            assert "draft" in r.err and "THRESHOLDKIT_ALLOW_DRAFTS=1" in r.err
        else:
            assert_one_line_error(r, 1)
            assert r.out == ""
            assert r.err.startswith(f"Error: area '{area}' is unavailable: "), r.err
            assert hostile.reason.lower() in r.err.lower(), r.err

    # 4. cross-area commands: the others' output is unchanged; one warning line about the bad area.
    # A valid plugin is a new area: the full output gains it (and the site's cross-references to it),
    # so it is compared with the new area filtered out, and with the others chosen by --areas.
    ref = baseline["worcestershire"] if steals_coventry else base
    for args in CROSS + (CROSS_JSON if loaded else []):
        r = invoke(*args)
        assert r.code == 0, (args, r.err)
        if loaded:
            if "json" in args:
                assert rows_not_of(r.out, area) == rows_not_of(base[args].out, area), args
            r = invoke(*args, "--areas", BASE)
            assert r.code == 0 and r.out == base[args].out, args
        else:
            assert r.out == ref[args].out, args
            assert len(warnings_about(r.err, area)) == 1, (args, r.err)
        assert FORKED_PHONE not in r.out
    r = invoke("site", "-o", str(tmp_path / "site"))
    assert r.code == 0, r.err
    files = read_site(tmp_path / "site")
    want = ref["site-files"]
    if loaded:
        assert f"{area}/index.html" in files
        assert {k: v for k, v in files.items() if k.startswith("assets/")} == {
            k: v for k, v in want.items() if k.startswith("assets/")
        }
        r = invoke("site", "-o", str(tmp_path / "site-others"), "--areas", BASE)
        assert r.code == 0, r.err
        files = read_site(tmp_path / "site-others")
    assert sorted(files) == sorted(want)
    for name in want:
        assert files[name] == want[name], f"site file {name} changed"
    if not loaded:
        assert len(warnings_about(r.err, area)) == 1, r.err
    assert not any(FORKED_PHONE.encode() in b for b in files.values())

    # 5. batch: the other records' results are unchanged, the hostile area's record carries an error
    r = invoke("batch", "-", input=batch_input(area if not steals_coventry else "nowhere"))
    lines, want_lines = r.out.splitlines(), ref["batch"].out.splitlines()
    if steals_coventry:
        assert json.loads(lines[0])["error"].startswith("area 'coventry' is unavailable"), lines[0]
        assert lines[1:] == want_lines[1:]
    else:
        assert lines[:2] == base["batch"].out.splitlines()[:2]
        last = json.loads(lines[2])
        if loaded:
            assert last["error"] is None, last
        elif hostile.expect == "draft":
            assert "draft" in last["error"], last
        else:
            assert last["error"].startswith(f"area '{area}' is unavailable"), last
        assert r.code == (0 if loaded else 4)

    # 6. validate AREA reports the fault without crashing ('validate' of every area: see the next test)
    r = invoke("validate", area)
    if not loaded:  # (a loaded area may still fail validate: e.g. text not found verbatim in its source)
        assert r.code == 1, r.out
        assert area in r.out + r.err

    # 7. a Python plugin's hooks were only ever called for its own area
    log = site / "calls.log"
    if log.exists():
        assert set(log.read_text().split()) <= {area}, set(log.read_text().split())


def test_there_are_enough_distinct_hostile_plugins():
    assert len(HOSTILES) >= 20
    assert len({h.kind for h in HOSTILES}) == len(HOSTILES)


def test_all_the_broken_plugins_at_once_leave_the_rest_alone(install, baseline, tmp_path):
    # one of each kind of fault (the slow and huge ones only cost time here: they are tested on their own)
    picked = (
        "import-error",
        "import-exit",
        "raise-contacts",
        "hook-exit",
        "wrong-str",
        "wrong-folder",
        "non-json-set",
        "hijack",
        "greedy",
        "oddname",
        "unknown-hook",
        "not-a-plugin",
        "missing-attr",
        "bad-id",
        "returns-none",
        "draft",
    )
    broken = [h for h in HOSTILES if h.name in picked]
    assert len(broken) == len(picked)
    install(*broken)
    base = baseline[BASE]
    for args in CROSS:
        r = invoke(*args)
        assert r.code == 0 and r.out == base[args].out, args
        for h in broken:
            assert len(warnings_about(r.err, h.area)) == 1, (h.name, r.err)
    r = invoke("site", "-o", str(tmp_path / "site"))
    assert r.code == 0 and read_site(tmp_path / "site") == base["site-files"]
    rows = {row["id"]: row for row in json.loads(invoke("areas", "-f", "json").out)}
    assert {h.area: rows[h.area]["status"] for h in broken} == {h.area: h.expect for h in broken}
    assert {k: rows[k] for k in OTHERS} == {k: base["areas"][k] for k in OTHERS}
    # validate of every area: it reports each bad area and keeps going
    r = invoke("validate")
    assert r.code == 1, r.err
    for h in broken:
        assert h.area in r.out + r.err, h.name
    for other in OTHERS:
        assert other in r.out


# --- the valid ones: a hyphenated id, and text that must be escaped --------------------------------


def test_a_hyphenated_area_id_works(install):
    install(*[h for h in HOSTILES if h.name == "north-somerset"])
    for args in (("levels", "north-somerset"), ("contacts", "north-somerset")):
        r = invoke(*args)
        assert r.code == 0 and r.err == "", r.err
    r = invoke("assess", "north-somerset", "-i", "private-fostering", "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["area"] == "north-somerset" and data["level"] == 4
    assert json.loads(invoke("contacts", "north-somerset", "-f", "json").out) == json.loads(
        invoke("contacts", "coventry", "-f", "json").out
    )


def test_html_and_formulas_in_plugin_text_never_execute(install, tmp_path):
    install(*[h for h in HOSTILES if h.name == "script-text"])
    r = invoke("site", "-o", str(tmp_path / "site"))
    assert r.code == 0, r.err
    files = read_site(tmp_path / "site")
    escaped = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    for name, raw in files.items():
        # neither in the page's text nor inside an inline <script> (where '</script>' would end it)
        assert SCRIPT.encode() not in raw and b"<script>alert(1)</script>" not in raw, f"{name} runs the script"
    assert escaped.encode() in files["script-text/index.html"]
    for args, payload in (
        (("levels", "script-text"), SCRIPT),
        (("compare", "levels"), SCRIPT),
        (("contacts", "script-text"), "'" + FORMULA),
        (("compare", "contacts"), "'" + FORMULA),
        (("assess", "script-text", "-i", "non-mobile-child-injury"), ""),
    ):
        r = invoke(*args, "-f", "csv")
        assert r.code == 0, r.err
        cells = [cell for row in csv.reader(io.StringIO(r.out)) for cell in row]
        assert [c for c in cells if c.startswith(("=", "@"))] == [], args  # a spreadsheet would run them
        assert any(payload in c for c in cells), args
    r = invoke("levels", "script-text", "-f", "json")
    assert SCRIPT in [lv["name"] for lv in json.loads(r.out)]  # JSON keeps the text as it is


# --- data, once checked, is the area's own ---------------------------------------------------------


def test_a_plugin_cannot_change_its_data_after_the_checks(install):
    from thresholdkit.areas.registry import Registry

    install(*[h for h in HOSTILES if h.name == "mutant"])
    first = Registry.load().area("mutant")
    before = json.dumps(first.contacts(), sort_keys=True)
    second = Registry.load().area("mutant")  # calling the hook again changes the list it returned first
    assert json.dumps(first.contacts(), sort_keys=True) == before
    assert json.dumps(second.contacts(), sort_keys=True) == before
    assert "Changed after the checks" not in before


def test_batch_sees_the_plugins_of_this_run(baseline, tmp_path, monkeypatch):
    """Two batch runs in one process (as a library user or a test makes them): the second sees the
    plugins and the allow-list as they are now, not as the first run found them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site = tmp_path / "later"
    site.mkdir()
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry")
    first = invoke("batch", "-", input=batch_input("north-somerset"))
    assert [bool(json.loads(line)["error"]) for line in first.out.splitlines()] == [False, True, True]
    next(h for h in HOSTILES if h.name == "north-somerset").build(site)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,worcestershire,north-somerset")
    try:
        second = invoke("batch", "-", input=batch_input("north-somerset"))
    finally:
        for name in [n for n in sys.modules if n.startswith("hostile_")]:
            del sys.modules[name]
    errors = [json.loads(line)["error"] for line in second.out.splitlines()]
    assert errors == [None, None, None], f"the second batch run used the plugins the first one found: {errors}"
    assert second.code == 0


def test_a_draft_is_used_only_when_drafts_are_allowed(install, monkeypatch):
    install(*[h for h in HOSTILES if h.name == "draft"])
    assert_one_line_error(invoke("levels", "draft-area"), 1)
    monkeypatch.setenv("THRESHOLDKIT_ALLOW_DRAFTS", "1")
    r = invoke("levels", "draft-area")
    assert r.code == 0 and "DRAFT" in r.out + r.err


# --- the level rule, for every installed area and indicator set ------------------------------------


def _indicator_sets() -> list[tuple[object, str, list[tuple[str, int]]]]:
    from thresholdkit.areas.registry import Registry
    from thresholdkit.model.errors import NotPublishedError

    reg = Registry.load()
    out = []
    for area_id in reg.area_ids():
        area = reg.area(area_id)
        for s in area.indicator_sets():
            try:
                indicators = area.indicators(s["id"])
            except NotPublishedError:
                continue
            if indicators:
                out.append((area, s["id"], [(i.id, i.level) for i in indicators]))
    return out


@pytest.fixture(scope="module")
def indicator_sets():
    sets = _indicator_sets()
    assert {a.id for a, _, _ in sets} >= {"coventry"}
    return sets


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_level_is_the_highest_of_the_indicators_and_the_practitioner(indicator_sets, data):
    from thresholdkit.rules.assess import assess

    area, set_id, indicators = data.draw(st.sampled_from(indicator_sets))
    chosen = data.draw(st.lists(st.sampled_from(indicators), min_size=1, max_size=8, unique_by=lambda i: i[0]))
    practitioner = data.draw(st.one_of(st.none(), st.integers(1, 4)))
    result = assess(area, [i for i, _ in chosen], set_id=set_id, level=practitioner)
    assert result.level == max(max(level for _, level in chosen), practitioner or 0)


def _fact_values(field) -> st.SearchStrategy:
    if field.enum is not None:
        return st.sampled_from(list(field.enum))
    if "boolean" in field.types:
        return st.booleans()
    if "integer" in field.types:
        return st.integers(int(field.minimum or 0), int(field.maximum if field.maximum is not None else 100))
    return st.floats(float(field.minimum or 0), float(field.maximum if field.maximum is not None else 100))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_level_rule_with_facts_in_every_area_and_set(indicator_sets, data):
    """With facts too: the level is the highest of every indicator matched (named or met by the
    facts; at its printed escalation's level where the facts meet that) and the practitioner's
    level, and never below a named indicator."""
    from thresholdkit.model.case import FACTS
    from thresholdkit.rules.assess import assess

    area, set_id, indicators = data.draw(st.sampled_from(indicator_sets))
    chosen = data.draw(st.lists(st.sampled_from(indicators), max_size=4, unique_by=lambda i: i[0]))
    names = data.draw(st.lists(st.sampled_from(sorted(FACTS)), max_size=4, unique=True))
    facts = {n: data.draw(_fact_values(FACTS[n])) for n in names}
    practitioner = data.draw(st.one_of(st.none(), st.integers(1, 4)))
    if not chosen and not facts and practitioner is None:
        practitioner = 1
    try:
        result = assess(area, [i for i, _ in chosen], set_id=set_id, level=practitioner, facts=facts)
    except Exception as exc:  # facts that match nothing, with nothing else given, are refused
        assert not chosen and practitioner is None, exc
        return
    from thresholdkit.rules.cases import condition_holds

    matched = [
        i.escalation["level"]
        if i.escalation and all(condition_holds(c, facts) for c in i.escalation["conditions"])
        else i.level
        for i in result.indicators
    ]
    assert result.level == max([*matched, practitioner or 0])
    assert result.level >= max([level for _, level in chosen], default=0)


def test_an_area_that_takes_another_areas_name_is_pointed_out(install, monkeypatch):
    """Red team (attacker, F4): a plugin copying Coventry's name (its data under another id)
    validated clean, and the site listed two "Coventry" links. Cross-area commands now warn once,
    naming both ids, and validate notes it; Coventry's own output is unchanged."""
    from hostile import coventry_files, plugin

    before = invoke("contacts", "coventry").out
    site = install()
    plugin("copycat", "plugin = DataPlugin(__file__)\n", coventry_files("copycat"))(site)
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,worcestershire,copycat")
    r = invoke("compare", "levels")
    assert r.code == 0, r.err
    said = [line for line in r.err.splitlines() if "call themselves" in line]
    assert said == [
        "Warning: areas 'copycat' and 'coventry' both call themselves 'Coventry'; check which plugin "
        "provides each ('thresholdkit plugins') before relying on either"
    ]
    assert invoke("contacts", "coventry").out == before
    report = json.loads(invoke("validate", "copycat", "-f", "json").out)
    assert any("call themselves 'Coventry'" in n for n in report[0]["notes"])


def test_one_distribution_listing_an_area_twice_gets_advice_that_works(install, monkeypatch):
    """Red team (attacker, F10): an entry point listed twice in one entry_points.txt was a
    conflict whose advice (choose the distribution with THRESHOLDKIT_PLUGINS) gave the same error."""
    from hostile import DATA_PLUGIN, PRELUDE, coventry_files, write_dist, write_package

    site = install()
    write_package(
        site,
        "hostile_twice",
        PRELUDE.replace("@LOG@", repr(str(site / "calls.log"))) + DATA_PLUGIN,
        coventry_files("twice"),
    )
    write_dist(site, "thresholdkit_twice", {"twice": "hostile_twice:plugin"})
    info = site / "thresholdkit_twice-1.0.dist-info" / "entry_points.txt"
    info.write_text(info.read_text() + "twice = hostile_twice:plugin\n")
    for allow in ("coventry,twice", "coventry,twice=thresholdkit_twice"):
        monkeypatch.setenv("THRESHOLDKIT_PLUGINS", allow)
        r = invoke("contacts", "twice")
        assert_one_line_error(r)
        assert "listed 2 times in the entry points of one distribution" in r.err, r.err
        assert "THRESHOLDKIT_PLUGINS=" not in r.err  # no advice that cannot help
    assert invoke("contacts", "coventry").code == 0
