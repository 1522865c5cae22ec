"""The model: one definition of a case, held together with the batch structs and the JSON
Schema; the level rule in one place; the typed public objects and what they cost at start-up."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import typing
from typing import Any

import msgspec
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from thresholdkit.areas.registry import Registry
from thresholdkit.batch import engine
from thresholdkit.model import case as model
from thresholdkit.model import objects, shapes
from thresholdkit.model.errors import UsageError
from thresholdkit.rules import assess as assess_mod
from thresholdkit.rules import level as level_mod

REG = Registry.load()
TELFORD = REG.area("telford")
CASE_SCHEMA = json.loads((ROOT / "schemas" / "case.schema.json").read_text())
AUTHORITY_SCHEMA = json.loads((ROOT / "schemas" / "authority.schema.json").read_text())


# --- three descriptions of a case, in one comparable form ---------------------------------

_MSGSPEC_KINDS = {
    msgspec.inspect.IntType: "integer",
    msgspec.inspect.FloatType: "number",
    msgspec.inspect.BoolType: "boolean",
    msgspec.inspect.StrType: "string",
    msgspec.inspect.LiteralType: "string",
    msgspec.inspect.ListType: "array",
    msgspec.inspect.StructType: "object",
}


def _blank(types: list[str], nullable: bool) -> dict[str, Any]:
    return {
        "types": sorted(types),
        "nullable": nullable,
        "minimum": None,
        "maximum": None,
        "enum": None,
        "min_length": None,
        "items": None,
        "unique": False,
    }


def describe_schema_field(prop: dict[str, Any], nullable_default: bool = False) -> dict[str, Any]:
    """A property of the JSON Schema in the form of ``Field.describe()``."""
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    enum = prop.get("enum")
    if enum is not None and not types:
        types = sorted({"string" for v in enum if isinstance(v, str)} | {"null" for v in enum if v is None})
    out = _blank([t for t in types if t != "null"], "null" in types or nullable_default)
    out["minimum"], out["maximum"] = prop.get("minimum"), prop.get("maximum")
    if enum is not None:
        out["enum"] = [v for v in enum if v is not None]
        if None not in enum:
            out["nullable"] = False  # an enum without null refuses null whatever the type says
    out["min_length"] = prop.get("minLength")
    if "items" in prop:
        out["items"] = describe_schema_field(prop["items"])
    out["unique"] = bool(prop.get("uniqueItems", False))
    return out


def describe_schema(schema: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    props = schema["properties"]
    return {
        "fields": {name: describe_schema_field(p) for name, p in props.items()},
        "facts": {name: describe_schema_field(p) for name, p in props["facts"]["properties"].items()},
    }


def describe_struct_type(t: msgspec.inspect.Type) -> dict[str, Any]:
    """A msgspec type (as ``msgspec.inspect`` gives it) in the form of ``Field.describe()``.
    msgspec cannot say "unique items": the engine checks that itself (tested below)."""
    members = list(t.types) if isinstance(t, msgspec.inspect.UnionType) else [t]
    nullable = any(isinstance(m, msgspec.inspect.NoneType) for m in members)
    members = [m for m in members if not isinstance(m, msgspec.inspect.NoneType)]
    out = _blank([_MSGSPEC_KINDS[type(m)] for m in members], nullable)
    for m in members:
        if isinstance(m, (msgspec.inspect.IntType, msgspec.inspect.FloatType)):
            out["minimum"], out["maximum"] = m.ge, m.le
        elif isinstance(m, msgspec.inspect.StrType):
            out["min_length"] = m.min_length
        elif isinstance(m, msgspec.inspect.LiteralType):
            out["enum"] = list(m.values)
        elif isinstance(m, msgspec.inspect.ListType):
            out["items"] = describe_struct_type(m.item_type)
            out["unique"] = None
    return out


def describe_struct(record: type) -> dict[str, dict[str, dict[str, Any]]]:
    info = msgspec.inspect.type_info(record)
    fields = {f.name: describe_struct_type(f.type) for f in info.fields}
    facts_type = next(f.type for f in info.fields if f.name == "facts")
    facts_struct = next(m for m in facts_type.types if isinstance(m, msgspec.inspect.StructType))
    assert facts_struct.forbid_unknown_fields and info.forbid_unknown_fields, "unknown fields must be errors"
    for f in info.fields:
        assert not f.required and f.default is None, f"{f.name}: every field optional, null when absent"
    return {"fields": fields, "facts": {f.name: describe_struct_type(f.type) for f in facts_struct.fields}}


def _json_types(annotation: Any) -> tuple[list[str], list[str] | None]:
    """A TypedDict annotation as JSON types (and an enum for a Literal)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, __import__("types").UnionType):
        parts = [_json_types(a) for a in typing.get_args(annotation)]
        return sorted(t for p in parts for t in p[0]), None
    if origin is typing.Literal:
        return ["string"], list(typing.get_args(annotation))
    if origin is list:
        return ["array"], None
    simple = {int: "integer", float: "number", bool: "boolean", str: "string"}
    if annotation in simple:
        return [simple[annotation]], None
    if typing.is_typeddict(annotation):
        return ["object"], None
    raise AssertionError(f"unexpected annotation {annotation!r}")


def describe_typeddicts() -> dict[str, dict[str, tuple[list[str], list[str] | None]]]:
    return {
        "fields": {k: _json_types(v) for k, v in typing.get_type_hints(model.Case).items()},
        "facts": {k: _json_types(v) for k, v in typing.get_type_hints(model.Facts).items()},
    }


def disagreements(
    python: dict[str, dict[str, dict[str, Any]]],
    struct: dict[str, dict[str, dict[str, Any]]],
    schema: dict[str, dict[str, dict[str, Any]]],
) -> list[str]:
    """Every difference between the three descriptions: a field or fact missing from one, or a
    type, null, range, enum, length or item rule that differs."""
    problems = []
    for part in ("fields", "facts"):
        names = [*python[part], *(n for n in struct[part] if n not in python[part])]
        names += [n for n in schema[part] if n not in names]
        for name in names:
            where = {
                "python": python[part].get(name),
                "struct": struct[part].get(name),
                "schema": schema[part].get(name),
            }
            missing = [k for k, v in where.items() if v is None]
            if missing:
                problems.append(f"{part} '{name}' is missing from {', '.join(missing)}")
                continue
            for key, want in where["python"].items():
                for other in ("struct", "schema"):
                    got = where[other][key]
                    if key == "unique" and got is None:
                        continue  # msgspec cannot say it; the engine checks (test below)
                    if key == "items" and want is not None and got is not None:
                        got = {k: v for k, v in got.items() if not (k == "unique" and v is None)}
                    if got != want:
                        problems.append(f"{part} '{name}': {key} is {want!r} in python, {got!r} in the {other}")
    return problems


def test_python_struct_and_schema_define_the_same_case():
    assert disagreements(model.describe(), describe_struct(engine.CaseRecord), describe_schema(CASE_SCHEMA)) == []


def test_the_schema_describes_each_field_in_the_definition_s_words():
    props = CASE_SCHEMA["properties"]
    for name, field in model.CASE_FIELDS.items():
        assert props[name]["description"] == field.description, name
    for name, field in model.FACTS.items():
        assert props["facts"]["properties"][name]["description"] == field.description, name


def test_the_typed_case_and_facts_match_the_definition():
    typed = describe_typeddicts()
    assert list(typed["fields"]) == list(model.CASE_FIELDS)
    assert list(typed["facts"]) == list(model.FACTS)
    for part, table in (("fields", model.CASE_FIELDS), ("facts", model.FACTS)):
        for name, field in table.items():
            types, enum = typed[part][name]
            assert types == sorted(field.types), (part, name)
            assert enum == (list(field.enum) if field.enum else None), (part, name)
    assert model.Case.__required_keys__ == frozenset()  # every field of a case is optional
    assert model.Facts.__required_keys__ == frozenset()


def test_every_list_of_facts_names_the_same_facts():
    """Conditions in plugin data test facts: the authority schema and FactName list the same ones."""
    condition_facts = AUTHORITY_SCHEMA["$defs"]["simpleCondition"]["properties"]["fact"]["enum"]
    assert condition_facts == list(model.FACTS)
    assert list(typing.get_args(shapes.FactName)) == list(model.FACTS)
    assert tuple(model.FACTS) == engine.FACT_NAMES
    assert ("id", "area", "set", "indicators", "level", *model.FACTS) == engine.CSV_INPUT


def test_a_fact_added_to_one_definition_only_is_caught():
    python, struct, schema = model.describe(), describe_struct(engine.CaseRecord), describe_schema(CASE_SCHEMA)

    # the schema alone gains a fact
    wider = copy.deepcopy(CASE_SCHEMA)
    wider["properties"]["facts"]["properties"]["shoe_size"] = {"type": ["integer", "null"], "minimum": 0}
    assert disagreements(python, struct, describe_schema(wider)) == [
        "facts 'shoe_size' is missing from python, struct"
    ]

    # the batch structs alone gain a fact
    extra = msgspec.defstruct(
        "Facts",
        [(f.name, f.type, None) for f in msgspec.structs.fields(engine.Facts)] + [("shoe_size", int | None, None)],
        forbid_unknown_fields=True,
    )
    fields = msgspec.structs.fields(engine.CaseRecord)
    record = msgspec.defstruct(
        "CaseRecord",
        [(f.name, extra | None if f.name == "facts" else f.type, None) for f in fields],
        forbid_unknown_fields=True,
    )
    assert disagreements(python, describe_struct(record), schema) == [
        "facts 'shoe_size' is missing from python, schema"
    ]

    # the Python definition alone gains a fact: the schema disagrees, and the batch struct,
    # being built from the definition, follows it
    more = dict(model.FACTS, shoe_size=model.Field("shoe_size", ("integer",), "Shoe size.", minimum=0, maximum=20))
    described = {**python, "facts": {n: f.describe() for n, f in more.items()}}
    assert disagreements(described, struct, schema) == ["facts 'shoe_size' is missing from struct, schema"]
    original = engine.FACTS
    try:
        engine.FACTS = more
        assert "shoe_size" in msgspec.structs.fields(engine.facts_struct())[-1].name
    finally:
        engine.FACTS = original


def test_a_range_or_enum_changed_in_one_definition_only_is_caught():
    python, struct = model.describe(), describe_struct(engine.CaseRecord)
    narrower = copy.deepcopy(CASE_SCHEMA)
    narrower["properties"]["facts"]["properties"]["age"]["maximum"] = 18
    narrower["properties"]["facts"]["properties"]["school_phase"]["enum"] = ["primary", "secondary", "college", None]
    narrower["properties"]["level"]["type"] = "integer"  # null no longer allowed
    assert disagreements(python, struct, describe_schema(narrower)) == [
        "fields 'level': nullable is True in python, False in the schema",
        "facts 'age': maximum is 25 in python, 18 in the schema",
        "facts 'school_phase': enum is ['primary', 'secondary'] in python, "
        "['primary', 'secondary', 'college'] in the schema",
    ]
    no_unique = copy.deepcopy(CASE_SCHEMA)
    del no_unique["properties"]["indicators"]["uniqueItems"]
    assert disagreements(python, struct, describe_schema(no_unique)) == [
        "fields 'indicators': unique is True in python, False in the schema"
    ]


# --- the checker, the batch decoder and the schema accept the same cases ------------------

_IDS = [*(i.id for i in TELFORD.indicators()[:6]), "sexually-active-13-and-under", "attendance-below-threshold"]
_ANY_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 120),
    st.floats(-5, 120, allow_nan=False),
    st.sampled_from(["", "13", "primary", "secondary", "main", "x"]),
)


_VALID_FACTS = {
    "age": st.integers(0, 25),
    "attendance_percent": st.floats(0, 100, allow_nan=False) | st.integers(0, 100),
    "school_phase": st.sampled_from(["primary", "secondary"]),
    "gestation_weeks": st.integers(0, 45),
    "homeless": st.booleans(),
    "sexually_active": st.booleans(),
}
_VALID = {
    "id": st.text(max_size=3) | st.integers() | st.none(),
    "set": st.sampled_from([None, "main"]),
    "indicators": st.lists(st.sampled_from(_IDS), max_size=4, unique=True) | st.none(),
    "level": st.integers(1, 4) | st.none(),
    "facts": st.fixed_dictionaries({}, optional={k: v | st.none() for k, v in _VALID_FACTS.items()}) | st.none(),
}
#: One fault each: a wrong type, a value out of range, an unknown field or fact, a repeat.
_FAULTS = st.one_of(
    # (a set the area does not have is not a fault of form: left out)
    st.tuples(st.sampled_from([k for k in _VALID if k != "set"]), _ANY_SCALAR),
    st.tuples(st.just("name"), st.just("Jo")),
    st.tuples(st.just("level"), st.integers(-2, 7) | st.floats(0, 5, allow_nan=False)),
    st.tuples(st.just("set"), st.sampled_from(["", 5, True, 2.5, ["main"]])),
    st.tuples(st.just("indicators"), st.lists(st.sampled_from([*_IDS[:2], ""]), min_size=2, max_size=3)),
    st.tuples(
        st.just("facts"),
        st.fixed_dictionaries(
            {},
            optional={
                "age": st.integers(-1, 30) | _ANY_SCALAR,
                "attendance_percent": st.floats(-1, 101, allow_nan=False) | _ANY_SCALAR,
                "school_phase": st.just("college") | _ANY_SCALAR,
                "gestation_weeks": st.integers(44, 50) | _ANY_SCALAR,
                "homeless": _ANY_SCALAR,
                "shoe_size": st.integers(0, 12),
            },
        ),
    ),
)
_valid_cases = st.fixed_dictionaries({}, optional=_VALID)
_cases = st.one_of(_valid_cases, st.tuples(_valid_cases, _FAULTS).map(lambda t: {**t[0], t[1][0]: t[1][1]}))


def _integral_float_in_integer_field(sample: dict[str, Any]) -> bool:
    """JSON Schema counts 13.0 as an integer; the checker and batch refuse it (documented)."""
    facts = sample.get("facts") if isinstance(sample.get("facts"), dict) else {}
    values = [sample.get("level"), sample.get("id"), facts.get("age"), facts.get("gestation_weeks")]
    return any(isinstance(v, float) and v.is_integer() for v in values)


@settings(max_examples=400, deadline=None)
@given(_cases)
def test_checker_batch_and_schema_accept_the_same_cases(sample):
    from jsonschema import Draft202012Validator

    try:
        model.check_case(sample)
        checker_ok = True
    except UsageError:
        checker_ok = False
    [result] = engine.assess_records([{"area": "telford", **sample}], REG)
    # well formed for batch: assessed, or refused only because the facts match nothing
    batch_ok = result.error is None or result.error == "the record's facts match no indicator"
    assert checker_ok == batch_ok, (sample, result.error)
    if _integral_float_in_integer_field(sample):
        assert not checker_ok
    else:
        assert Draft202012Validator(CASE_SCHEMA).is_valid(sample) == checker_ok, sample


def test_check_case_returns_the_typed_case_without_nulls():
    case = model.check_case(
        {"id": 7, "area": None, "indicators": ["a", "b"], "level": None, "facts": {"age": 13, "homeless": None}}
    )
    assert case == {"id": 7, "indicators": ["a", "b"], "facts": {"age": 13}}
    with pytest.raises(UsageError, match="'indicators' names 'a' more than once"):
        model.check_case({"indicators": ["a", "b", "a"]})
    with pytest.raises(UsageError, match="fact 'age' must be a whole number from 0 to 25"):
        model.check_case({"facts": {"age": 13.0}})
    with pytest.raises(UsageError, match="'set' must be a non-empty string"):
        model.check_case({"set": "", "level": 2})


def test_batch_refuses_a_repeated_indicator_as_assess_does():
    [result] = engine.assess_records([{"area": "telford", "indicators": [_IDS[0], _IDS[1], _IDS[0]]}], REG)
    assert result.error == f"indicator '{_IDS[0]}' is named more than once; name each indicator once"
    with pytest.raises(UsageError, match="more than once"):
        assess_mod.assess(TELFORD, [_IDS[0], _IDS[1], _IDS[0]])


# --- the level rule: one function, used by assess and batch ------------------------------


def test_final_level_rule():
    f = level_mod.final_level
    assert f(3) == (3, "indicators")
    assert f(3, 3) == (3, "indicators")
    assert f(3, 2) == (3, "indicators")  # never lowered
    assert f(2, 4) == (4, "practitioner_level")  # raised
    assert f(0, 2) == (2, "practitioner_level")  # no indicator: the practitioner's level
    with pytest.raises(ValueError):
        f(0, None)


def test_assess_and_batch_both_take_the_level_from_final_level(monkeypatch):
    """Replace the rule with a different one: both commands' results change with it."""
    calls = []

    def always_two(top, practitioner_level=None):
        calls.append((top, practitioner_level))
        return 2, "practitioner_level"

    monkeypatch.setattr(assess_mod, "final_level", always_two)
    monkeypatch.setattr(engine, "final_level", always_two)
    top = next(i for i in TELFORD.indicators() if i.level == 4)
    result = assess_mod.assess(TELFORD, [top.id])
    assert (result.level, result.basis) == (2, "practitioner_level")
    assert calls == [(4, None)]
    # batch asks the rule once for every (highest indicator, practitioner's level) pair, then
    # looks the answers up per record
    records = [{"area": "telford", "indicators": [top.id]}, {"area": "gloucestershire", "level": 4}]
    assert [(r.level, r.emergency) for r in engine.assess_records(records, REG)] == [(2, False), (2, False)]
    assert (4, None) in calls and (0, 4) in calls and (4, 3) in calls


# --- typed public objects ---------------------------------------------------------------


def test_shapes_are_exported_from_objects_with_docstrings():
    defined = {
        name
        for name, value in vars(shapes).items()
        if typing.is_typeddict(value) or typing.get_origin(value) is typing.Literal
    }
    assert defined == set(objects.SHAPES)
    for name in ("Level", "Contact", "LevelPathway", "Procedure", "ConsentRules", "ConsentRule"):
        assert getattr(objects, name) is getattr(shapes, name)
    for name in ("EmergencyRoute", "Source", "IndicatorSet", "Phone", "Hours", "Timescale"):
        assert typing.is_typeddict(getattr(objects, name))
    for name in defined:
        value = getattr(shapes, name)
        if typing.is_typeddict(value):
            assert value.__doc__ and len(value.__doc__) > 40, f"{name} needs a docstring"
    assert objects.Contact.__required_keys__ == {"id", "name", "role", "source"}  # real annotations
    from thresholdkit.rules.consent import CONSENT_STATES, PURPOSES

    assert typing.get_args(shapes.Purpose) == PURPOSES
    assert typing.get_args(shapes.ConsentState) == CONSENT_STATES


def test_area_data_fits_the_typed_shapes():
    """Each area's levels, contacts, pathway and consent rules have the TypedDicts' keys."""

    def keys_fit(value: dict, td: Any) -> None:
        hints = set(typing.get_type_hints(td))
        assert td.__required_keys__ <= set(value) <= hints, (td.__name__, sorted(set(value) ^ hints))

    for area_id in REG.area_ids():
        a = REG.area(area_id)
        for lv in a.levels():
            keys_fit(lv, objects.Level)
        for c in a.contacts():
            keys_fit(c, objects.Contact)
            for p in c.get("phone", []):
                keys_fit(p, objects.Phone)
            if "hours" in c:
                keys_fit(c["hours"], objects.Hours)
        pw = a.pathway()
        keys_fit(pw, shapes.Pathway)
        keys_fit(pw["emergency"], objects.EmergencyRoute)
        for n in (1, 2, 3, 4):
            keys_fit(a.level_pathway(n), objects.LevelPathway)
        for p in a.procedures():
            keys_fit(p, objects.Procedure)
            for t in p.get("timescales", []):
                keys_fit(t, objects.Timescale)
        keys_fit(a.consent_rules(), objects.ConsentRules)
        for r in a.consent_rules()["rules"]:
            keys_fit(r, objects.ConsentRule)
        for s in a.indicator_sets():
            keys_fit(s, objects.IndicatorSet)


def test_typed_objects_cost_nothing_at_start_up():
    """Importing the objects creates no TypedDict class, and assess imports no msgspec."""
    probe = (
        "import sys\n"
        "import thresholdkit.model.objects, thresholdkit.rules.assess, thresholdkit.rules.caseinput\n"
        "import thresholdkit.cli.assess, thresholdkit.cli.lookup\n"
        "print(sorted(m for m in ('thresholdkit.model.shapes', 'msgspec') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
