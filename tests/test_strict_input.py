"""Strict input (issue 14): duplicated keys, YAML tags, dates and huge numbers are errors or plain
strings, never silently dropped, overridden or turned into an internal error."""

from __future__ import annotations

import json

import pytest
from conftest import assert_one_line_error

from thresholdkit.data import safeyaml
from thresholdkit.model.errors import DataError

DUPLICATES = [
    ("area: coventry\nindicators: [non-mobile-child-injury]\nindicators: [poor-supervision]\n", "indicators"),
    (
        '{"area": "coventry", "indicators": ["non-mobile-child-injury"], "indicators": ["poor-supervision"]}',
        "indicators",
    ),
    ("area: coventry\nlevel: 4\nlevel: 1\n", "level"),
    ('{"area": "coventry", "level": 4, "level": 1}', "level"),
    ("area: coventry\nlevel: 2\nfacts: {age: 3, age: 15}\n", "age"),
]


@pytest.mark.parametrize(("text", "key"), DUPLICATES)
def test_a_duplicated_key_is_an_error_never_last_wins(run, tmp_path, text, key):
    path = tmp_path / "case.yaml"
    path.write_text(text)
    r = run("assess", "coventry", str(path), "-f", "json")
    assert_one_line_error(r, 2)
    assert f"'{key}' is given twice" in r.err and "line" in r.err


@pytest.mark.parametrize(
    "text",
    [
        "level: !!int abc\n",
        "level: !!float abc\n",
        "level: !!bool maybe\n",
        "id: !!timestamp abc\nlevel: 2\n",
        "id: !!python/object:os.system abc\nlevel: 2\n",
        "level: !custom 2\n",
    ],
)
def test_yaml_tags_are_refused_in_one_line(run, tmp_path, text):
    path = tmp_path / "case.yaml"
    path.write_text(text)
    r = run("assess", "coventry", str(path))
    assert_one_line_error(r, 2)
    assert "tags" in r.err


@pytest.mark.parametrize("day", ["2024-13-45", "2024-02-30", "0000-01-01", "2024-01-01", "2024-01-01 10:00:00"])
def test_dates_stay_strings(run, tmp_path, day):
    path = tmp_path / "case.yaml"
    path.write_text(f"id: {day}\nlevel: 2\n")
    r = run("assess", "coventry", str(path), "-f", "json")
    assert r.code == 0, r.err
    assert safeyaml.parse(f"id: {day}\n", name="x") == {"id": day}


def test_a_5000_digit_number_is_a_usage_error(run, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("level: 2\nfacts: {age: " + "9" * 5000 + "}\n")
    r = run("assess", "coventry", str(path))
    assert_one_line_error(r, 2)
    assert "4300 digits" in r.err


def test_plugin_data_gets_the_same_checks():
    with pytest.raises(DataError, match="'name' is given twice"):
        safeyaml.parse("contacts:\n  - id: a\n    name: One\n    name: Two\n", name="contacts.yaml")
    assert safeyaml.parse('number: "01905 822666"\ntime: "09:00"\nok: "no"\n', name="x") == {
        "number": "01905 822666",
        "time": "09:00",
        "ok": "no",
    }


def test_same_key_in_different_mappings_is_fine():
    text = "a: {id: 1}\nb: {id: 2}\nlist:\n  - {id: 3}\n  - {id: 4}\n"
    assert safeyaml.parse(text, name="x") == json.loads(
        '{"a": {"id": 1}, "b": {"id": 2}, "list": [{"id": 3}, {"id": 4}]}'
    )
