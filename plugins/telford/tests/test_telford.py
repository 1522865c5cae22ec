"""Telford & Wrekin: both indicator sets, structured conditions, and correct answers."""

from __future__ import annotations

import json
from collections import Counter

from thresholdkit.authoring.conformance import area, check_verbatim
from thresholdkit.rules.assess import assess


def test_conformance(thresholdkit_conformance):
    # skipped, with the reason, when the source text is not at hand: the counts are checked below
    thresholdkit_conformance("telford")


def test_indicator_counts_of_both_sets():
    a = area("telford")
    assert {s["id"]: len(a.indicators(s["id"])) for s in a.indicator_sets()} == {"main": 315, "exploitation": 30}


def test_every_text_is_verbatim_in_the_source():
    assert check_verbatim("telford") > 344


def test_local_level_names():
    assert [lv["name"] for lv in area("telford").levels()] == ["Universal", "Vulnerable", "Complex", "Acute"]


def test_main_set_subdomains_gathered():
    items = area("telford").indicators("main")
    groups = Counter((i.domain, i.subdomain) for i in items)
    assert len(groups) == 11  # every printed sub-domain once, continued tables gathered
    assert Counter(i.level for i in items) == {1: 51, 2: 81, 3: 86, 4: 97}


def test_exploitation_set_ten_categories_by_three_levels(run):
    items = json.loads(run("indicators", "telford", "--set", "exploitation", "-f", "json").out)
    assert Counter(i["level"] for i in items) == {2: 10, 3: 10, 4: 10}
    assert len({i["domain_label"] for i in items}) == 10


def test_assess_with_exploitation_set(run):
    acute = next(i.id for i in area("telford").indicators("exploitation") if i.level == 4)
    data = json.loads(run("assess", "telford", "--set", "exploitation", "-i", acute, "-f", "json").out)
    assert data["level"] == 4 and data["level_name"] == "Acute" and data["set"] == "exploitation"
    assert data["emergency"]["referral"][0]["phone"][0]["number"] == "01952 385385"
    # every set is first-class: the id resolves across sets, and output names its set
    both = json.loads(run("assess", "telford", "-i", acute, "-f", "json").out)
    assert both["set"] is None and [i["ref"] for i in both["indicators"]] == [f"exploitation/{acute}"]
    r = run("assess", "telford", "--set", "main", "-i", acute)  # limited to main: says where it is
    assert r.code == 2 and "is in set 'exploitation', not in set 'main'" in r.err


def _ids(data):
    return {i["id"] for i in data["indicators"]}


def test_age_13_sexually_active_matches_complex(run):
    case = {"facts": {"age": 13, "sexually_active": True}}
    data = json.loads(run("assess", "telford", "-", "-f", "json", input=json.dumps(case)).out)
    assert "sexually-active-13-and-under" in _ids(data)
    assert data["level"] == 3
    case = {"indicators": ["early-sexual-activity"], "facts": {"age": 13, "sexually_active": True}}
    data = json.loads(run("assess", "telford", "-", "-f", "json", input=json.dumps(case)).out)
    assert data["level"] == 3  # the structured condition finds the Complex indicator too
    case = {"facts": {"age": 15, "sexually_active": True}}
    data = json.loads(run("assess", "telford", "-", "-f", "json", input=json.dumps(case)).out)
    assert _ids(data) == {"early-sexual-activity"} and data["level"] == 2


def test_age_alone_matches_nothing(run):
    r = run("assess", "telford", "-", input=json.dumps({"facts": {"age": 13}}))
    assert r.code == 2 and "match no indicator" in r.err


def test_attendance_by_school_phase():
    telford = area("telford")
    secondary_93 = assess(telford, facts={"school_phase": "secondary", "attendance_percent": 93})
    assert {i.id for i in secondary_93.indicators} == {"attendance-below-threshold"}
    secondary_955 = assess(telford, facts={"school_phase": "secondary", "attendance_percent": 95.5})
    assert {i.id for i in secondary_955.indicators} == {"good-attendance"}
    primary_955 = assess(telford, facts={"school_phase": "primary", "attendance_percent": 95.5})
    assert {i.id for i in primary_955.indicators} == {"attendance-below-threshold"}


def test_homeless_16_year_old_is_acute():
    result = assess(area("telford"), facts={"age": 16, "homeless": True})
    assert "homeless-child-accommodation" in {i.id for i in result.indicators} and result.level == 4


def test_unborn_condition_qualifies_only_a_named_concern():
    telford = area("telford")
    result = assess(telford, ["unborn-child-exposed-to-harm"], facts={"gestation_weeks": 8})
    assert result.level == 3 and any("do not meet its printed conditions" in w for w in result.warnings)
    result = assess(telford, level=1, facts={"gestation_weeks": 20})
    assert result.indicators == []


def test_family_connect_days_not_printed(run):
    r = run("contacts", "telford", "--at", "2026-11-24 10:00", "-f", "json")
    rows = {c["id"]: c for c in json.loads(r.out)["contacts"]}
    called = [c for c in rows.values() if c.get("call")]
    assert {c["phone"][0]["number"] for c in called} == {"01952 385385", "01952 676500"}
    assert any("not the days" in x for x in json.loads(r.out)["advice"]["reasons"])
    r = run("contacts", "telford", "--at", "2026-11-24 22:00", "-f", "json")
    called = [c for c in json.loads(r.out)["contacts"] if c.get("call")]
    assert [c["phone"][0]["number"] for c in called] == ["01952 676500"]


def test_consent_not_required_for_child_protection_referral(run):
    data = json.loads(run("consent", "telford", "-l", "4", "-p", "referral", "-c", "refused", "-f", "json").out)
    assert data["decision"] == "proceed_without_consent"
    assert any("not required for child protection referrals" in r["text"] for r in data["rules"])


def test_glossary_competent_person(run):
    data = json.loads(run("glossary", "telford", "--search", "competent", "-f", "json").out)
    assert "12 years or over" in data[0]["definition"]


def test_warning_signs_and_protective_factors_shown_with_assessments():
    kinds = {g["kind"] for g in assess(area("telford"), level=3).guidance}
    assert {"warning_signs", "protective_factors"} <= kinds


def test_step_up_step_down_variants_and_form_timescale():
    procs = area("telford").pathway()["procedures"]
    kinds = Counter(p["kind"] for p in procs)
    assert kinds["step_up"] >= 2 and kinds["step_down"] >= 2
    times = {(t["quantity"], t["unit"]) for p in procs for t in p.get("timescales", [])}
    assert (2, "working_days") in times
