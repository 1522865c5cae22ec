"""assess: the level rule, the emergency route, case files and the output contract."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, assert_one_line_error
from hypothesis import given, settings
from hypothesis import strategies as st

from thresholdkit.areas.registry import Registry
from thresholdkit.model.errors import UsageError
from thresholdkit.rules.assess import assess

COVENTRY = Registry.load().area("coventry")
ALL = COVENTRY.indicators()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(ALL), min_size=1, max_size=8, unique_by=lambda i: i.id),
    st.one_of(st.none(), st.integers(1, 4)),
)
def test_level_is_never_below_the_highest_indicator(chosen, practitioner):
    result = assess(COVENTRY, [i.id for i in chosen], level=practitioner)
    top = max(i.level for i in chosen)
    assert result.level == max(top, practitioner or 0)
    assert (result.emergency is not None) == (result.level == 4)
    assert {i.id for i in result.indicators} == {i.id for i in chosen}
    # naming an indicator twice is an error, never silently merged
    with pytest.raises(UsageError, match="more than once"):
        assess(COVENTRY, [i.id for i in chosen] + [chosen[0].id], level=practitioner)


def test_level_4_leads_with_999_then_referral_line(run):
    r = run("assess", "coventry", "-i", "non-mobile-child-injury", "-i", "poor-supervision")
    assert r.code == 0, r.err
    lines = [line for line in r.out.splitlines() if line.strip()]
    assert "Level 4" in lines[0]
    emergency_at = r.out.index("EMERGENCY ROUTE")
    assert emergency_at < r.out.index("Matched indicators")
    block = r.out[emergency_at : r.out.index("Matched indicators")]
    assert block.index("999") < block.index("024 7678 8555")


def test_assess_json_conforms_to_schema(run):
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "assessment.schema.json").read_text())
    for args in (["-i", "non-mobile-child-injury"], ["-i", "missed-health-checks"], ["--level", "3"]):
        r = run("assess", "coventry", *args, "-f", "json")
        assert r.code == 0, r.err
        data = json.loads(r.out)
        Draft202012Validator(schema).validate(data)
        assert data["versions"]["thresholdkit"]
        assert data["versions"]["plugin"] == "0.1.0"
        assert data["document"]["title"] == "Right help, right time"
        assert "professional judgement" in data["disclaimer"]


def test_level_2_has_no_emergency_and_gives_the_pathway(run):
    data = json.loads(run("assess", "coventry", "-i", "missed-health-checks", "-f", "json").out)
    assert data["level"] == 2 and data["level_name"] == "Early Help"
    assert data["emergency"] is None
    assert data["pathway"]["level"] == 2 and data["pathway"]["response"]


def test_level_4_json_emergency(run):
    data = json.loads(run("assess", "coventry", "-i", "private-fostering", "-f", "json").out)
    assert data["emergency"]["call"] == "999"
    assert data["emergency"]["referral"][0]["phone"][0]["number"] == "024 7678 8555"


def test_practitioner_level_cannot_lower_the_result(run):
    data = json.loads(run("assess", "coventry", "-i", "private-fostering", "--level", "2", "-f", "json").out)
    assert data["level"] == 4
    assert any("below the highest matched indicator" in w for w in data["warnings"])


def test_unknown_indicator_is_an_error_with_suggestion(run):
    r = run("assess", "coventry", "-i", "private-fosterin")
    assert_one_line_error(r, 2)
    assert "did you mean 'private-fostering'" in r.err


def test_case_file_yaml_and_json(run):
    r = run("assess", "coventry", str(ROOT / "examples" / "cases" / "coventry-level4.yaml"), "-f", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["level"] == 4
    r = run("assess", "coventry", str(ROOT / "examples" / "cases" / "coventry-level2.json"), "-f", "json")
    assert json.loads(r.out)["level"] == 2


def test_case_from_stdin(run):
    r = run("assess", "coventry", "-", "-f", "json", input='{"indicators": ["young-carers"]}')
    assert r.code == 0, r.err
    assert json.loads(r.out)["level"] == 2


def test_bad_case_files(run, tmp_path):
    cases = {
        "unknown-field.yaml": "indicators: [young-carers]\nname: Jo\n",
        "wrong-type.yaml": "indicators: young-carers\n",
        "bad-level.yaml": "level: 7\n",
        "empty.yaml": "",
        "other-area.yaml": "area: telford\nindicators: [young-carers]\n",
        "alias.yaml": "a: &x [young-carers]\nindicators: *x\n",
        "merge.yaml": "<<: {indicators: [non-mobile-child-injury]}\nindicators: [poor-supervision]\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert_one_line_error(run("assess", "coventry", str(path)))
    (tmp_path / "latin1.yaml").write_bytes("indicators: [caf\xe9]".encode("latin-1"))
    assert_one_line_error(run("assess", "coventry", str(tmp_path / "latin1.yaml")))
    assert_one_line_error(run("assess", "coventry", str(tmp_path / "missing.yaml")))


def test_case_checker_agrees_with_case_schema():
    from jsonschema import Draft202012Validator

    from thresholdkit.model.errors import UsageError
    from thresholdkit.rules.cases import check_case

    schema = Draft202012Validator(json.loads((ROOT / "schemas" / "case.schema.json").read_text()))
    samples = [
        {"indicators": ["a"]},
        {"level": 3},
        {"facts": {"age": 13}},
        {"facts": {"sexually_active": True, "homeless": False}},
        {"facts": {"sexually_active": "yes"}},
        {"facts": {"age": 13, "school_phase": "secondary", "attendance_percent": 93.5}},
        {"indicators": []},
        {"level": 0},
        {"level": True},
        {"facts": {"age": "13"}},
        {"facts": {"shoe_size": 3}},
        {"facts": {"school_phase": "college"}},
        {"indicators": ["a"], "name": "x"},
        {"id": 7, "area": "coventry", "indicators": ["a"]},
        {},
        [],
    ]
    for sample in samples:
        schema_ok = schema.is_valid(sample)
        try:
            check_case(sample)
            checker_ok = True
        except UsageError:
            checker_ok = False
        assert schema_ok == checker_ok, sample
