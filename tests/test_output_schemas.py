"""Every command's JSON output conforms to its schema in schemas/, for every installed area (issue 18).

- Each top-level command (and each ``compare`` subcommand) is mapped to the schema of its
  ``-f json`` output, or to None with the reason it has no JSON output. A new command without an
  entry fails :func:`test_every_command_has_a_schema_or_says_why_not`.
- Each output is validated twice: against the schema as published (objects open, so that a
  consumer holding the schema of an earlier minor version still accepts new optional keys), and
  against a closed copy (every object with ``properties`` gets ``unevaluatedProperties: false``),
  so that every key thresholdkit emits is documented in its schema.
- The output schemas are self-contained (no ``$ref`` across files): the definitions they share
  are copied, and :func:`test_shared_definitions_are_identical` keeps the copies equal.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
ID_BASE = "https://thresholdkit.invalid/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: command -> the schema (schemas/<name>.schema.json) of its `-f json` output; a group maps each
#: subcommand; None: the command has no JSON output (NO_JSON says why).
COMMAND_SCHEMAS: dict[str, Any] = {
    "about": "about",
    "areas": "areas",
    "assess": "assessment",
    "batch": "batch-record",  # one JSON Lines record per input record (--to jsonl)
    "compare": {
        "concept": "compare-concept",
        "contacts": "compare-contacts",
        "indicator": "compare-indicator",
        "levels": "compare-levels",
        "matrix": "compare-matrix",
        "pathway": "compare-pathway",
    },
    "concepts": "concept-list",
    "consent": "consent",
    "contacts": "contacts",
    "diff": "diff",
    "export": {"csv": None, "oruk": None, "sqlite": None},
    "glossary": "glossary",
    "handout": None,
    "indicators": "indicators",
    "levels": "levels",
    "pathway": "pathway",
    "plugin": {"new": None, "freeze": None},
    "plugins": "plugins",
    "quiz": None,
    "site": None,
    "validate": "validate",
}
NO_JSON = {
    "handout": "a printable handout: html, markdown or pdf",
    "quiz": "a training worksheet: html, markdown or pdf",
    "site": "an offline website written to a folder",
    "plugin new": "scaffolds a plugin package; messages on stderr",
    "plugin freeze": "writes each data folder's checked.json; messages on stderr",
    "export sqlite": "an SQLite database of the dataset",
    "export oruk": "Open Referral UK / HSDS JSON files written to a folder",
    "export csv": "CSV files of the dataset written to a folder",
}
#: Schemas that are not the output of a command: plugin data, case input, the vocabulary's data.
NOT_OUTPUT = {"authority", "case", "concepts"}

CHRISTMAS = "2026-12-25 14:00"
MOMENTS = [CHRISTMAS, "2026-12-05 23:30", "2026-07-03T15:45Z", "2026-03-02 10:30"]


# --- schemas -------------------------------------------------------------------------------------


def _schema_files() -> dict[str, dict[str, Any]]:
    return {
        p.name[: -len(".schema.json")]: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(SCHEMAS.glob("*.schema.json"))
    }


def _mapped(mapping: dict[str, Any] = COMMAND_SCHEMAS, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for name, value in mapping.items():
        if isinstance(value, dict):
            yield from _mapped(value, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", value


def closed(node: Any) -> Any:
    """A copy of a schema in which every object with ``properties`` (and no rule of its own for
    other keys) admits no other key: what the tests hold the output to."""
    if isinstance(node, dict):
        out = {k: closed(v) for k, v in node.items()}
        if (
            out.get("type") == "object"
            and "properties" in out
            and "additionalProperties" not in out
            and "unevaluatedProperties" not in out
        ):
            out["unevaluatedProperties"] = False
        return out
    if isinstance(node, list):
        return [closed(v) for v in node]
    return node


@cache
def _validators(name: str) -> tuple[Draft202012Validator, Draft202012Validator]:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema), Draft202012Validator(closed(schema))


def conforms(name: str, data: Any, where: str) -> None:
    """``data`` conforms to schemas/<name>.schema.json, and uses no key the schema leaves out."""
    published, strict = _validators(name)
    for label, validator in (("the schema", published), ("the schema (no undocumented keys)", strict)):
        errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
        if errors:
            lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}" for e in errors[:8]]
            pytest.fail(f"{where}: {len(errors)} errors against {label} {name}.schema.json\n" + "\n".join(lines))


# --- the CLI -------------------------------------------------------------------------------------


def _invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def json_of(name: str, *args: str, code: int | tuple[int, ...] = 0, input: str | None = None, fmt: str = "json") -> Any:
    """Run ``thresholdkit ARGS -f json``: the exit status is ``code`` (or one of them), stdout is
    JSON alone, and it conforms to schemas/<name>.schema.json."""
    r = _invoke(*args, "-f", fmt, input=input)
    where = f"thresholdkit {' '.join(args)} -f {fmt}"
    codes = code if isinstance(code, tuple) else (code,)
    assert r.exit_code in codes, f"{where}: exit {r.exit_code}\nstderr: {r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    try:
        data = json.loads(r.stdout) if fmt == "json" else yaml.safe_load(r.stdout)
    except ValueError as exc:
        pytest.fail(f"{where}: stdout is not {fmt} alone ({exc}): {r.stdout[:300]!r}")
    conforms(name, data, where)
    return data


@cache
def _registry() -> Registry:
    return Registry.load()


def _area_ids() -> list[str]:
    return Registry.load().area_ids()


@pytest.fixture
def area(request: pytest.FixtureRequest) -> Area:
    """One installed area (every one the registry finds: never assumed to be five); an area that
    cannot be used (a draft, a broken plugin) is skipped with the reason."""
    area_id = request.param
    usable = {a.id: a for a in _registry().usable([area_id])}
    if area_id not in usable:
        pytest.skip(f"{area_id} is not usable: {_registry().left_out.get(area_id)}")
    return usable[area_id]


def _published(a: Area) -> bool:
    from thresholdkit.rules.compare import all_indicators

    return all_indicators(a) is not None


per_area = pytest.mark.parametrize("area", _area_ids(), indirect=True)


# --- the schema files ----------------------------------------------------------------------------


def test_schema_files_are_valid_draft_2020_12_with_stable_unique_ids() -> None:
    files = _schema_files()
    ids: dict[str, str] = {}
    for name, schema in files.items():
        Draft202012Validator.check_schema(schema)
        assert schema.get("$schema") == DRAFT, name
        assert schema.get("$id") == f"{ID_BASE}{name}.schema.json", f"{name}: $id {schema.get('$id')!r}"
        assert schema["$id"] not in ids, f"{name} and {ids.get(schema['$id'])} share an $id"
        ids[schema["$id"]] = name
        assert schema.get("title") and schema.get("description"), f"{name}: give it a title and a description"
        refs = re.findall(r'"\$ref":\s*"([^"]*)"', json.dumps(schema))
        outside = [r for r in refs if not r.startswith("#/$defs/")]
        assert not outside, f"{name}: refs outside the file ({outside}); the output schemas are self-contained"
        missing = {r[len("#/$defs/") :] for r in refs} - set(schema.get("$defs", {}))
        assert not missing, f"{name}: $ref to missing $defs {missing}"


def test_every_command_has_a_schema_or_says_why_not() -> None:
    """Every command and subcommand of the CLI, found by walking the click group: one with a JSON
    output maps to an existing schema; one without maps to None with the reason."""
    ctx = click.Context(cli)
    found: dict[str, bool] = {}

    def walk(group: click.Group, prefix: str, gctx: click.Context) -> None:
        for name in group.list_commands(gctx):
            command = group.get_command(gctx, name)
            assert command is not None, name
            if isinstance(command, click.Group):
                walk(command, f"{prefix}{name} ", click.Context(command, parent=gctx))
                continue
            choices: set[str] = set()
            for param in command.params:
                is_format = isinstance(param, click.Option) and {"--format", "--to"} & set(param.opts)
                if is_format and isinstance(param.type, click.Choice):
                    choices |= {str(c) for c in param.type.choices}
            found[f"{prefix}{name}"] = bool({"json", "jsonl"} & choices)

    walk(cli, "", ctx)
    mapped = dict(_mapped())
    assert set(found) - set(mapped) == set(), "commands with no entry in COMMAND_SCHEMAS (give one a schema)"
    assert set(mapped) - set(found) == set(), "COMMAND_SCHEMAS names commands the CLI does not have"
    files = _schema_files()
    for command, has_json in found.items():
        if has_json:
            assert mapped[command] in files, f"'{command}' has a JSON output but no schema"
        else:
            assert mapped[command] is None and command in NO_JSON, f"'{command}': no JSON output; say why in NO_JSON"
    unused = set(files) - {v for v in mapped.values() if v} - NOT_OUTPUT
    assert not unused, f"schemas that no command's output uses: {unused}"


def test_shared_definitions_are_identical() -> None:
    """The output schemas are self-contained; a definition two of them share is the same copy."""
    output = {name: s for name, s in _schema_files().items() if name not in NOT_OUTPUT}
    first: dict[str, tuple[str, Any]] = {}
    for name, schema in output.items():
        for key, definition in schema.get("$defs", {}).items():
            if key in first:
                assert definition == first[key][1], f"$defs/{key} differs between {first[key][0]} and {name}"
            else:
                first[key] = (name, definition)


def test_the_schemas_are_strict() -> None:
    """Wrong types, levels outside 1-4, missing keys and undocumented keys are refused."""
    indicator = {
        "id": "x", "ref": "x", "level": 2, "domain": "parenting", "domain_label": "P", "subdomain": None,
        "text": "t", "source": {"page": "1"}, "set": "main", "domain_uncertain": False, "note": None,
        "conditions": [], "condition_use": None, "concepts": [], "dimensions": [], "see_set": None, "escalation": None,
    }  # fmt: skip
    conforms("indicators", [indicator], "a good indicator")
    published, strict = _validators("indicators")
    bad: dict[str, Any]
    for bad in ({"level": 5}, {"level": "2"}, {"domain": "health"}, {"source": {}}, {"ref": "a b"}):
        assert not published.is_valid([{**indicator, **bad}]), bad
    assert not published.is_valid([{k: v for k, v in indicator.items() if k != "escalation"}])
    assert published.is_valid([{**indicator, "new_key": 1}]) and not strict.is_valid([{**indicator, "new_key": 1}])
    record = {
        "id": 1, "area": "a", "level": 2, "level_name": "L", "indicators": [], "emergency": False,
        "warnings": [], "error": None, "record": 1,
    }  # fmt: skip
    batch, _ = _validators("batch-record")
    assert batch.is_valid(record)
    assert not batch.is_valid({**record, "error": "unknown area"}), "an error record carries no level"
    assert not batch.is_valid({**record, "record": 0})
    assert not batch.is_valid({**record, "level": None})


# --- cross-area commands -------------------------------------------------------------------------


def test_areas_and_plugins() -> None:
    areas = json_of("areas", "areas")
    assert [a["id"] for a in areas] == sorted(a["id"] for a in areas)
    assert {a["id"] for a in areas} >= {a.id for a in _registry().usable()}
    json_of("plugins", "plugins")


def test_areas_and_plugins_with_unusable_plugins(fake_plugins: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed, a disabled and a conflicting plugin: statuses and null fields still conform."""
    fake_plugins("broken", "raise ImportError('no module named thing')\n")
    first = _registry().usable()[0].id
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", f"broken,{first}")
    statuses = {a["id"]: a["status"] for a in json_of("areas", "areas")}
    assert statuses["broken"] == "failed" and statuses[first] in ("loaded", "stale", "past review date")
    assert "disabled" in statuses.values() or len(statuses) == 2
    plugins = {p["name"]: p for p in json_of("plugins", "plugins")}
    assert plugins["broken"]["status"] == "failed" and plugins["broken"]["error"]


def test_concepts() -> None:
    everything = json_of("concept-list", "concepts")
    assert everything
    json_of("concept-list", "concepts", "--search", "abuse")
    assert json_of("concept-list", "concepts", "--search", "no-such-concept-at-all") == []


def test_compare_levels_pathway_matrix(tmp_path: Path) -> None:
    ids = [a.id for a in _registry().usable()]
    rows = json_of("compare-levels", "compare", "levels")
    assert [r["level"] for r in rows] == [1, 2, 3, 4] and all(set(r["areas"]) == set(ids) for r in rows)
    json_of("compare-levels", "compare", "levels", "--areas", ",".join(ids[:2]))
    for level in ("1", "2", "3", "4"):
        rows = json_of("compare-pathway", "compare", "pathway", "--level", level)
        assert sorted(r["area"] for r in rows) == sorted(ids)
    m = json_of("compare-matrix", "compare", "matrix")
    assert [a["id"] for a in m["areas"]] == ids
    json_of("compare-matrix", "compare", "matrix", "--areas", ids[-1])
    out = tmp_path / "matrix.json"
    r = _invoke("compare", "matrix", "-f", "json", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == "", r.stderr
    conforms("compare-matrix", json.loads(out.read_text(encoding="utf-8")), "compare matrix -f json -o FILE")


def test_compare_concept() -> None:
    from thresholdkit.data import vocabulary

    concepts = list(vocabulary.concepts())
    chosen = {"sexual-activity", "private-fostering", "school-attendance", *concepts[:3], concepts[-1]}
    for concept in sorted(chosen & set(concepts)):
        json_of("compare-concept", "compare", "concept", concept)
    json_of("compare-concept", "compare", "concept", concepts[0], "--areas", _registry().usable()[0].id)


def test_compare_contacts() -> None:
    json_of("compare-contacts", "compare", "contacts")
    for role in ("out-of-hours", "mash", "police", "early-help"):
        json_of("compare-contacts", "compare", "contacts", "--role", role)
    for at in MOMENTS:
        json_of("compare-contacts", "compare", "contacts", "--role", "out-of-hours", "--at", at)
    json_of("compare-contacts", "compare", "contacts", "--now")


@per_area
def test_compare_indicator(area: Area) -> None:
    if not _published(area):
        r = _invoke("compare", "indicator", f"{area.id}:anything", "-f", "json")
        assert r.exit_code == 3 and r.stdout == "" and "publishes no indicators" in r.stderr
        return
    from thresholdkit.rules.compare import all_indicators

    items = all_indicators(area) or []
    for ind in [items[0], items[-1]]:
        data = json_of("compare-indicator", "compare", "indicator", f"{area.id}:{ind.ref}")
        assert data["indicator"]["area"] == area.id
    json_of("compare-indicator", "compare", "indicator", f"{area.id}:{items[0].ref}", "--top", "1")


# --- per-area commands ---------------------------------------------------------------------------


@per_area
def test_levels_about_glossary(area: Area) -> None:
    levels = json_of("levels", "levels", area.id)
    assert [lv["level"] for lv in levels] == [1, 2, 3, 4]
    about = json_of("about", "about", area.id)
    assert about["area"] == area.id
    json_of("glossary", "glossary", area.id)
    json_of("glossary", "glossary", area.id, "--search", "the")


@per_area
def test_indicators(area: Area) -> None:
    if not _published(area):
        r = _invoke("indicators", area.id, "-f", "json")
        assert r.exit_code == 3, r.stderr
        assert r.stdout == "" and r.stderr.startswith("Error: ") and "publishes no indicators" in r.stderr
        return
    everything = json_of("indicators", "indicators", area.id)
    assert everything and {i["ref"] for i in everything} == {i.ref for i in area.indicators()}
    for level in ("1", "4"):
        json_of("indicators", "indicators", area.id, "--level", level)
    json_of("indicators", "indicators", area.id, "--domain", "family")
    json_of("indicators", "indicators", area.id, "--search", "drugs")
    json_of("indicators", "indicators", area.id, "--search", "running away CSE")
    nothing = _invoke("indicators", area.id, "--search", "zzqxv", "-f", "json")
    assert nothing.exit_code == 0 and json.loads(nothing.stdout) == [] and "Note:" in nothing.stderr
    concept = next((c for i in everything for c in i["concepts"]), None)
    if concept:
        json_of("indicators", "indicators", area.id, "--concept", concept)
    for s in area.indicator_sets():
        if s["published"]:
            in_set = json_of("indicators", "indicators", area.id, "--set", s["id"])
            assert {i["set"] for i in in_set} <= {s["id"]}


@per_area
def test_pathway(area: Area) -> None:
    whole = json_of("pathway", "pathway", area.id)
    assert whole["emergency_route"] is not None and whole["emergency_route"]["call"] == "999"
    for level in ("1", "2", "3", "4"):
        one = json_of("pathway", "pathway", area.id, "--level", level)
        assert [lp["level"] for lp in one["levels"]] in ([int(level)], [])
        assert (one["emergency_route"] is None) == (level != "4")


@per_area
def test_contacts(area: Area) -> None:
    plain = json_of("contacts", "contacts", area.id)
    assert isinstance(plain, list) and plain
    roles = sorted({c["role"] for c in plain})
    for role in roles[:3]:
        json_of("contacts", "contacts", area.id, "--role", role)
    for at in MOMENTS:
        advised = json_of("contacts", "contacts", area.id, "--at", at)
        assert isinstance(advised, dict) and advised["advice"]["call"]
        assert all("open" in c and "call" in c for c in advised["contacts"])
    json_of("contacts", "contacts", area.id, "--now")
    json_of("contacts", "contacts", area.id, "--role", roles[0], "--at", CHRISTMAS)
    json_of("contacts", "contacts", area.id, "--at", CHRISTMAS, fmt="yaml")


@per_area
def test_consent(area: Area) -> None:
    for level in ("1", "2", "3", "4"):
        data = json_of("consent", "consent", area.id, "--level", level)
        assert data["level"] == int(level)
    data = json_of("consent", "consent", area.id, "--level", "3", "--purpose", "referral")
    assert data["purpose"] == "referral"
    json_of("consent", "consent", area.id, "--level", "2", "--purpose", "early-help", "--consent", "refused")
    json_of("consent", "consent", area.id, "--level", "4", "--purpose", "information-sharing", "--risk")
    json_of("consent", "consent", area.id, "--level", "3", "--consent", "withdrawn", "--no-risk")
    json_of("consent", "consent", area.id, "--level", "1", "--purpose", "assessment", "--consent", "not-sought")


def _facts_for(conditions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Facts that meet simple conditions, or None (alternatives are left to other tests)."""
    facts: dict[str, Any] = {}
    for c in conditions:
        if "any" in c:
            return None
        op, v = c["op"], c.get("value", 0)
        if op == "lt":
            v = v - 1
        elif op == "gt":
            v = v + 1
        elif op == "between":
            v = c["min"]
        elif op == "in":
            v = c["values"][0]
        facts[c["fact"]] = v
    return facts


@per_area
def test_assess(area: Area, tmp_path: Path) -> None:
    for level, at in zip(("1", "2", "3", "4"), MOMENTS, strict=True):
        data = json_of("assessment", "assess", area.id, "--level", level)
        assert data["level"] == int(level) and (data["emergency"] is None) == (level != "4")
        assert data["basis"] == "practitioner_level" and data["indicators"] == [] and data["call_now"] is None
        timed = json_of("assessment", "assess", area.id, "--level", level, "--at", at)
        assert timed["call_now"] is not None and timed["pathway"]["level"] == int(level)
    with_time = json_of("assessment", "assess", area.id, "--level", "4", "--at", CHRISTMAS)
    assert with_time["call_now"] is not None
    json_of("assessment", "assess", area.id, "--level", "2", "--now")
    json_of("assessment", "assess", area.id, "--level", "3", fmt="yaml")
    json_of("assessment", "assess", area.id, "--level", "4", "--at", CHRISTMAS, fmt="yaml")
    if not _published(area):
        r = _invoke("assess", area.id, "--indicator", "anything", "-f", "json")
        assert r.exit_code == 3 and r.stdout == ""
        return
    from thresholdkit.rules.compare import all_indicators

    items = all_indicators(area) or []
    top = max(items, key=lambda i: i.level)
    low = min(items, key=lambda i: i.level)
    json_of("assessment", "assess", area.id, "-i", top.ref)
    json_of("assessment", "assess", area.id, "-i", low.ref, "--level", "3")
    json_of("assessment", "assess", area.id, "-i", low.ref, "-i", top.ref, "--at", CHRISTMAS)
    # the first indicator at each level of each set, alone: every level reached through indicators
    first_at = {(i.set, i.level): i for i in reversed(items)}
    for ind in first_at.values():
        data = json_of("assessment", "assess", area.id, "-i", ind.ref)
        assert [i["ref"] for i in data["indicators"]] == [ind.ref]
        assert data["level"] == ind.level and data["basis"] == "indicators"
    # indicators whose output carries the optional parts of an indicator
    kinds = (
        lambda i: i.escalation,
        lambda i: any("any" in c for c in i.conditions),
        lambda i: i.condition_use == "qualifies",
        lambda i: i.note,
        lambda i: i.domain_uncertain,
        lambda i: i.subdomain,
    )
    for kind in kinds:
        example = next((i for i in items if kind(i)), None)
        if example:
            json_of("assessment", "assess", area.id, "-i", example.ref, "--at", MOMENTS[2])
    for s in area.indicator_sets():
        in_set = [i for i in items if i.set == s["id"]]
        if in_set:
            json_of("assessment", "assess", area.id, "-i", in_set[0].ref)
            json_of("assessment", "assess", area.id, "--set", s["id"], "-i", in_set[-1].id)
            limited = json_of("assessment", "assess", area.id, "--set", s["id"], "--level", "2")
            assert limited["set"] == s["id"]
    pointing = next((i for i in items if i.see_set), None)
    if pointing:
        assert json_of("assessment", "assess", area.id, "-i", pointing.ref)["see"]
    with_facts = next(
        (
            i
            for i in items
            if i.conditions and i.condition_use == "sufficient" and _facts_for([dict(c) for c in i.conditions])
        ),
        None,
    )
    if with_facts:
        case = {"id": "schema-test", "area": area.id, "facts": _facts_for([dict(c) for c in with_facts.conditions])}
        (tmp_path / "case.json").write_text(json.dumps(case))
        by_facts = json_of("assessment", "assess", area.id, str(tmp_path / "case.json"))
        assert with_facts.ref in [i["ref"] for i in by_facts["indicators"]]
        json_of("assessment", "assess", area.id, str(tmp_path / "case.json"), "--level", "4", "--at", MOMENTS[1])
    # a named indicator whose printed escalation the case's facts meet: the level rises to it
    for ind in items:
        facts = _facts_for([dict(c) for c in ind.escalation["conditions"]]) if ind.escalation else None
        if ind.escalation and facts:
            escalation_case = {"area": area.id, "indicators": [ind.ref], "facts": facts}
            (tmp_path / "escalation.json").write_text(json.dumps(escalation_case))
            raised = json_of("assessment", "assess", area.id, str(tmp_path / "escalation.json"))
            assert raised["level"] == ind.escalation["level"] > ind.level and raised["basis"] == "indicators"
            break
    case_yaml = yaml.safe_dump({"area": area.id, "indicators": [low.ref], "level": 2})
    json_of("assessment", "assess", area.id, "-", input=case_yaml)


@per_area
def test_assess_every_object_is_closed(area: Area) -> None:
    """Every object in an assessment (top level with --at: the emergency route, the pathway and its
    procedures, contacts, consent rules, guidance, call_now ...) is held to the keys its schema
    lists: one undocumented key anywhere fails the closed schema, and still passes the published
    one (objects stay open for consumers of an earlier minor version)."""
    args = ["--level", "4", "--at", CHRISTMAS]
    if _published(area):
        from thresholdkit.rules.compare import all_indicators

        items = all_indicators(area) or []
        args += ["-i", min(items, key=lambda i: i.level).ref, "-i", max(items, key=lambda i: i.level).ref]
    data = json_of("assessment", "assess", area.id, *args)
    published, strict = _validators("assessment")
    maps = {"source", "open", "why"}  # objects keyed by the data (a source's parts, contact ids)

    def objects(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
        if isinstance(node, dict):
            if not (path and path[-1] in maps):
                yield path, node
            for key, value in node.items():
                yield from objects(value, (*path, key))
        elif isinstance(node, list):
            for n, value in enumerate(node):
                yield from objects(value, (*path, str(n)))

    # one object of each kind: the first at each path, list positions aside
    kinds: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, Any]]] = {}
    for path, obj in objects(data, ()):
        kinds.setdefault(tuple("*" if p.isdigit() else p for p in path), (path, obj))
    tops = {p[0] for p in kinds if p}
    assert {"emergency", "pathway", "contacts", "consent", "call_now", "document", "versions"} <= tops, tops
    for path, obj in kinds.values():
        obj["undocumented_key"] = "x"
        where = "/".join(path) or "(top)"
        assert published.is_valid(data), f"{where}: a new key fails the published (open) schema"
        assert not strict.is_valid(data), f"{where}: an undocumented key passes the closed schema"
        del obj["undocumented_key"]


@per_area
def test_validate(area: Area, tmp_path: Path) -> None:
    # exit 1 when the data has problems: the report conforms either way (other tests judge the data)
    report = json_of("validate", "validate", area.id, code=(0, 1))
    assert [r["area"] for r in report] == [area.id]
    if area.data_folder is None:
        return
    broken = tmp_path / "data"
    shutil.copytree(area.data_folder, broken)
    contacts = broken / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    bad = re.sub(r"""(number:\s*)(["'])[^"'\n]+\2""", r"\g<1>12345", text, count=1)
    if bad == text:
        pytest.skip(f"no quoted phone number in {contacts} to break")
    contacts.write_text(bad, encoding="utf-8")
    report = json_of("validate", "validate", str(broken), code=1)
    assert report[0]["problems"] and report[0]["verbatim"]["checked"] is False


def test_validate_every_area() -> None:
    report = json_of("validate", "validate", code=(0, 1))
    assert {r["area"] for r in report} >= {a.id for a in _registry().usable()}


@per_area
def test_diff(area: Area, tmp_path: Path) -> None:
    from thresholdkit.authoring.diff import current_data

    same = tmp_path / "same.json"
    same.write_text(json.dumps(current_data(area)))
    assert json_of("diff", "diff", area.id, str(same)) == []
    old = copy.deepcopy(current_data(area))
    old["contacts"][0]["phone"] = [{"number": "01000 000000"}]
    old["contacts"].append({**old["contacts"][0], "id": "a-contact-since-removed"})
    old["levels"][0]["name"] = "An older name"
    old["document"]["date"] = "An older date"
    for s in old["indicator_sets"]:
        for group in s.get("groups", []):
            if group["indicators"]:
                group["indicators"][0]["text"] += " (earlier wording)"
                group["indicators"].append({**group["indicators"][0], "id": "an-indicator-since-removed"})
                break
    rules = old["consent"]["rules"]
    if rules:
        rules[0]["decision"] = "proceed" if rules[0]["decision"] == "do_not_proceed" else "do_not_proceed"
    (tmp_path / "old.json").write_text(json.dumps(old))
    changes = json_of("diff", "diff", area.id, str(tmp_path / "old.json"))
    kinds = {c["kind"] for c in changes}
    assert {"contact changed", "contact removed", "level renamed", "document"} <= kinds


# --- batch ---------------------------------------------------------------------------------------


def _batch_lines(usable: list[Area]) -> list[str]:
    from thresholdkit.rules.compare import all_indicators

    lines = []
    for n, a in enumerate(usable):
        lines.append(json.dumps({"id": f"{a.id}-level", "area": a.id, "level": 1 + n % 4}))
        items = all_indicators(a)
        if items:
            top = max(items, key=lambda i: i.level)
            lines.append(json.dumps({"id": n, "area": a.id, "indicators": [top.ref, items[0].ref]}))
            lines.append(json.dumps({"id": f"{a.id}-low", "area": a.id, "level": 1, "indicators": [top.ref]}))
            lines.append(json.dumps({"id": f"{a.id}-unknown", "area": a.id, "indicators": ["no-such-indicator"]}))
        else:
            lines.append(json.dumps({"id": f"{a.id}-none", "area": a.id, "indicators": ["anything"]}))
    return [
        *lines,
        "",  # an empty line is a record whose error says so
        json.dumps({"id": "x", "area": "no-such-area", "level": 2}),
        json.dumps({"id": "y", "area": usable[0].id, "name": "A Child"}),  # an unknown field
        '{"id": "z", "area": "' + usable[0].id + '", "level": 2, "level": 3}',  # a key given twice
        json.dumps({"id": 1.5, "area": usable[0].id, "level": 2}),
        json.dumps({"id": "w", "area": usable[0].id, "level": 9}),
        "[1, 2]",
        "not json",
        '{"id": 1}{"id": 2}',  # two records glued on one line
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_records(tmp_path: Path, jobs: str) -> None:
    usable = _registry().usable()
    lines = _batch_lines(usable)
    src = tmp_path / "cases.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    r = _invoke("batch", str(src), "-o", str(out), "--jobs", jobs)
    assert r.exit_code == 4, r.stderr  # some records carry an error
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [rec["record"] for rec in records] == list(range(1, len(lines) + 1))
    for rec in records:
        conforms("batch-record", rec, f"batch record {rec['record']} ({lines[rec['record'] - 1][:60]!r})")
    assert any(rec["error"] is None for rec in records) and any(rec["error"] for rec in records)
    # stdout as the output, and CSV input
    std = _invoke("batch", str(src), "--jobs", jobs)
    assert std.exit_code == 4 and [json.loads(x) for x in std.stdout.splitlines()] == records
    csv_src = tmp_path / "cases.csv"
    csv_src.write_text(f"id,area,indicators,level\n1,{usable[0].id},,2\n2,no-such-area,,3\n", encoding="utf-8")
    from_csv = _invoke("batch", str(csv_src), "--to", "jsonl")
    assert from_csv.exit_code == 4, from_csv.stderr
    for line in from_csv.stdout.splitlines():
        conforms("batch-record", json.loads(line), f"batch record from CSV: {line[:60]}")


# --- helpers used above, checked ----------------------------------------------------------------


def test_closed_only_adds_unevaluated_properties() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "properties": {}}}, "additionalProperties": True}
    assert closed(schema) == {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {}, "unevaluatedProperties": False}},
        "additionalProperties": True,
    }
