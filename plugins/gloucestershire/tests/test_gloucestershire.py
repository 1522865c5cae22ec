"""Gloucestershire: no indicators published, said plainly; everything else carried."""

from __future__ import annotations

import json

from conftest import assert_one_line_error

from thresholdkit.authoring.conformance import area, check_verbatim
from thresholdkit.model.errors import EXIT_NOT_PUBLISHED


def test_conformance(thresholdkit_conformance):
    # skipped, with the reason, when the source text is not at hand: the sets are checked below
    thresholdkit_conformance("gloucestershire")


def test_one_indicator_set_and_it_is_not_published():
    sets = area("gloucestershire").indicator_sets()
    assert [(s["id"], s["published"]) for s in sets] == [("main", False)]


def test_every_text_is_verbatim_in_the_source():
    assert check_verbatim("gloucestershire") > 50


def test_indicators_say_plainly_none_are_published(run):
    r = run("indicators", "gloucestershire")
    assert_one_line_error(r, EXIT_NOT_PUBLISHED)
    assert "publishes no indicators" in r.err and "Levels of Intervention Guidance" in r.err


def test_assess_by_indicator_is_not_published(run):
    r = run("assess", "gloucestershire", "-i", "anything")
    assert_one_line_error(r, EXIT_NOT_PUBLISHED)


def test_assess_by_practitioner_level(run):
    for level in (1, 2, 3, 4):
        data = json.loads(run("assess", "gloucestershire", "--level", str(level), "-f", "json").out)
        assert data["level"] == level and data["basis"] == "practitioner_level"
        assert data["indicators"] == []
        assert data["pathway"]["response"]
        assert (data["emergency"] is not None) == (level == 4)
    data = json.loads(run("assess", "gloucestershire", "--level", "4", "-f", "json").out)
    assert data["emergency"]["referral"][0]["phone"][0]["number"] == "01452 426565"


def test_levels_and_plans():
    names = [lv["name"] for lv in area("gloucestershire").levels()]
    assert names == ["Universal", "Additional", "Intensive", "Specialist"]
    text = json.dumps(area("gloucestershire").pathway())
    for plan in ("My Profile", "My Plan", "My Assessment"):
        assert plan in text


def test_contacts_localities_and_erratum():
    contacts = area("gloucestershire").contacts()
    assert len([c for c in contacts if c["role"] == "early_help" and c.get("district")]) == 6
    assert "stroudeearlyhelp@" in json.dumps(area("gloucestershire").authority["errata"])


def test_no_hours_and_no_out_of_hours_line(run):
    r = run("contacts", "gloucestershire", "--at", "2026-11-24 22:00", "-f", "json")
    rows = {c["id"]: c for c in json.loads(r.out)["contacts"]}
    assert rows["mash"]["open"] is None and rows["mash"]["call"] is True
    assert any("no separate out-of-hours line" in reason for reason in json.loads(r.out)["advice"]["reasons"])


def test_step_down_timescales():
    procs = area("gloucestershire").pathway()["procedures"]
    times = {(t["quantity"], t["unit"]) for p in procs for t in p.get("timescales", [])}
    assert {(1, "weeks"), (6, "weeks"), (6, "months")} <= times


def test_consent_not_sought_recorded_on_marf(run):
    data = json.loads(run("consent", "gloucestershire", "-l", "4", "-c", "not-sought", "-f", "json").out)
    assert any("MARF" in r["text"] or any("MARF" in q["text"] for q in r["record"]) for r in data["rules"])
