"""The CLI only renders: its JSON is what the library returns, and the rules that merge a case
file with options are the library's, refusing conflicts instead of silently overriding."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, assert_one_line_error

from thresholdkit import api
from thresholdkit.model.errors import UsageError

REG = api.load()
AREAS = REG.area_ids()
TELFORD = REG.area("telford")
COVENTRY = REG.area("coventry")


def _json(value: object) -> object:
    return json.loads(json.dumps(value))


def _cli_json(run, *args: str) -> object:
    r = run(*args, "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


@pytest.mark.parametrize("area_id", AREAS)
def test_pathway_json_is_the_library_document(run, area_id):
    area = REG.area(area_id)
    assert _cli_json(run, "pathway", area_id) == _json(api.pathway_document(area))
    assert _cli_json(run, "pathway", area_id, "--level", "3") == _json(api.pathway_document(area, 3))


@pytest.mark.parametrize("area_id", AREAS)
def test_consent_json_is_the_library_document(run, area_id):
    area = REG.area(area_id)
    got = _cli_json(run, "consent", area_id, "--level", "2", "--purpose", "early-help", "--consent", "refused")
    assert got == _json(api.consent_document(area, 2, purpose="early-help", consent="refused"))
    got = _cli_json(run, "consent", area_id, "--level", "4", "--purpose", "referral", "--risk")
    assert got == _json(api.consent_document(area, 4, purpose="referral", risk_if_sought=True))


@pytest.mark.parametrize("area_id", AREAS)
def test_about_json_is_the_library_document(run, area_id):
    assert _cli_json(run, "about", area_id) == _json(api.about_document(REG.area(area_id)))


def test_assess_json_is_the_library_assessment(run, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("area: telford\nfacts: {age: 13, sexually_active: true}\n")
    got = _cli_json(run, "assess", "telford", str(path), "--level", "4")
    case = api.merge_case(api.read_case_file(str(path)), level=4, area="telford", where=str(path))
    assert case == {"area": "telford", "facts": {"age": 13, "sexually_active": True}, "level": 4}
    assert got == _json(api.assess_case(TELFORD, case).to_dict())


def test_library_documents_refuse_unknown_input():
    with pytest.raises(UsageError, match=r"unknown purpose 'early-hlp'.*did you mean 'early_help'"):
        api.consent_document(COVENTRY, 2, purpose="early-hlp")
    with pytest.raises(UsageError, match="unknown consent state"):
        api.consent(COVENTRY.consent_rules(), level=2, consent="maybe")
    with pytest.raises(UsageError):
        api.consent_document(COVENTRY, 7)
    with pytest.raises(UsageError):
        api.pathway_document(COVENTRY, 5)
    with pytest.raises(UsageError, match="unknown fact 'shoe_size'"):
        api.assess(TELFORD, facts={"shoe_size": 3})


# --- merging a case file with options ---------------------------------------------------


def _case_file(tmp_path, text: str) -> str:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return str(path)


def test_file_set_and_a_different_set_option_is_an_error(run, tmp_path):
    path = _case_file(tmp_path, "set: exploitation\nlevel: 3\n")
    r = run("assess", "telford", path, "--set", "main")
    assert_one_line_error(r, 2)
    assert "indicator set 'exploitation'" in r.err and "--set gives 'main'" in r.err
    with pytest.raises(UsageError, match="give one set"):
        api.merge_case({"set": "exploitation", "level": 3}, set_id="main")
    # the same set both ways is no conflict
    assert _cli_json(run, "assess", "telford", path, "--set", "exploitation")["set"] == "exploitation"


def test_file_level_and_a_different_level_option_is_an_error(run, tmp_path):
    path = _case_file(tmp_path, "level: 2\n")
    r = run("assess", "coventry", path, "--level", "4")
    assert_one_line_error(r, 2)
    assert "gives level 2 and --level gives 4" in r.err
    with pytest.raises(UsageError, match="give one level"):
        api.merge_case({"level": 2}, level=4)
    assert _cli_json(run, "assess", "coventry", path, "--level", "2")["level"] == 2


def test_a_repeated_indicator_is_an_error(run, tmp_path):
    r = run("assess", "coventry", "-i", "young-carers", "-i", "young-carers")
    assert_one_line_error(r, 2)
    assert "'young-carers' is given twice with --indicator" in r.err
    path = _case_file(tmp_path, "indicators: [young-carers]\n")
    r = run("assess", "coventry", path, "-i", "young-carers")
    assert_one_line_error(r, 2)
    assert "'young-carers' is in " in r.err and "and given with --indicator" in r.err
    path = _case_file(tmp_path, "indicators: [young-carers, private-fostering, young-carers]\n")
    assert_one_line_error(run("assess", "coventry", path), 2)
    with pytest.raises(UsageError, match="more than once"):
        api.merge_case({"indicators": ["a", "a"]})
    with pytest.raises(UsageError, match="given twice"):
        api.merge_case(None, ["a", "b", "a"])


def test_other_conflicts_are_errors():
    with pytest.raises(UsageError, match="is for area 'telford', not 'coventry'"):
        api.merge_case({"area": "telford", "level": 2}, area="coventry")
    with pytest.raises(UsageError, match="fact 'age' as 13 and the options give 14"):
        api.merge_case({"facts": {"age": 13}}, facts={"age": 14})
    with pytest.raises(UsageError, match="unknown field 'name'"):
        api.merge_case({"name": "Jo", "level": 2})
    with pytest.raises(UsageError, match="nothing to assess"):
        api.merge_case(None)


def test_a_merged_case_is_itself_a_valid_case():
    from jsonschema import Draft202012Validator

    schema = Draft202012Validator(json.loads((ROOT / "schemas" / "case.schema.json").read_text()))
    case = api.merge_case(
        {"id": "c1", "indicators": ["young-carers"], "facts": {"age": 13}, "level": None},
        ["private-fostering"],
        level=3,
        set_id="main",
        facts={"age": 13, "homeless": True},
        area="Coventry",
    )
    assert case == {
        "id": "c1",
        "indicators": ["young-carers", "private-fostering"],
        "facts": {"age": 13, "homeless": True},
        "area": "coventry",
        "level": 3,
        "set": "main",
    }
    assert schema.is_valid(case)
    assert api.check_case(case) == case


def test_the_api_refuses_wrong_types_with_a_usage_error():
    """Red team (attacker, F7): a string of ids was read as its characters ('abc' -> a, b, c),
    None inside the ids, a string level, facts as a string, a dict as the records and None as an
    area gave TypeError or AttributeError; True was level 1 and final_level(3, 9) gave level 9.
    Each is an error naming what was wrong."""
    import pytest

    from thresholdkit import api
    from thresholdkit.model.errors import UsageError

    tk = api.load()
    area = next(a for a in tk.usable() if a.published_sets())
    wrong = [
        lambda: api.assess(area, "private-fostering"),
        lambda: api.merge_case(None, "abc"),
        lambda: api.assess(area, [None]),
        lambda: api.assess(area, [""]),
        lambda: api.assess(area, level="4"),
        lambda: api.assess(area, level=True),
        lambda: api.assess(area, facts="age"),
        lambda: tk.area(None),
        lambda: area.level(True),
        lambda: list(api.assess_records({"id": 1, "area": area.id, "level": 2}, tk)),
    ]
    for call in wrong:
        with pytest.raises(UsageError):
            call()
    for args in ((3, 9), (2, True), (4.5, None), (5, None), (-1, 2)):
        with pytest.raises(ValueError):
            api.final_level(*args)
    assert api.final_level(3, 4) == (4, "practitioner_level")
    assert api.assess(area, level=4.0).level == 4  # a whole-number float, as pandas gives it
