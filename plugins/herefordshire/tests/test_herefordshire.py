"""Herefordshire: complete, faithful, past its review date, and correct answers."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from thresholdkit.areas.registry import review_status
from thresholdkit.authoring.conformance import area, check_verbatim


def test_conformance(thresholdkit_conformance):
    # skipped, with the reason, when the source text is not at hand: the count is checked below
    thresholdkit_conformance("herefordshire")


def test_indicator_count():
    assert len(area("herefordshire").indicators()) == 173


def test_every_text_is_verbatim_in_the_source():
    assert check_verbatim("herefordshire") > 173


def test_counts_per_level_and_domain():
    counts = Counter((i.level, i.domain) for i in area("herefordshire").indicators())
    assert sum(v for (lv, _), v in counts.items() if lv == 4) == 48
    assert counts[(2, "developmental")] == 29


def test_stress_positions_at_level_4_and_change_log_kept():
    by_text = {i.text: i for i in area("herefordshire").indicators()}
    stress = [i for t, i in by_text.items() if "stress" in t and "positions" in t]
    assert [i.level for i in stress] == [4]
    changes = " ".join(q["text"] for q in area("herefordshire").document["changes"])
    assert "stress positions" in changes and "moved to Level 4" in changes


def test_review_date_warning_in_areas_and_assessments(run):
    rows = {r["id"]: r for r in json.loads(run("areas", "-f", "json").out)}
    assert rows["herefordshire"]["status"] == "past review date"
    assert "before December 2024" in rows["herefordshire"]["reason"]
    data = json.loads(run("assess", "herefordshire", "--level", "2", "-f", "json").out)
    assert "newer version" in data["warnings"][0]
    assert data["document"]["review_warning"]


def test_review_rule_by_date():
    doc = area("herefordshire").document
    assert review_status(doc, dt.date(2024, 11, 30)) is None
    assert review_status(doc, dt.date(2024, 12, 1)) is not None


def test_level_4_assessment_leads_with_999_then_mash(run):
    level4 = next(i.id for i in area("herefordshire").indicators() if i.level == 4)
    r = run("assess", "herefordshire", "-i", level4)
    block = r.out[r.out.index("EMERGENCY ROUTE") : r.out.index("Matched indicators")]
    assert block.index("999") < block.index("MASH")


def test_office_hours_without_times_read_by_thresholdkit_and_labelled(run):
    """The MASH takes calls 'during office hours', the EDT 'out of hours', and no times are
    printed: a weekday night is out of office hours on any reading; 09:15 is where readings differ."""
    r = run("contacts", "herefordshire", "--at", "2026-11-24 22:00", "-f", "json")
    advice = json.loads(r.out)["advice"]
    assert advice["call"] == ["emergency-duty-team"]
    assert any("thresholdkit's reading of 'office hours', not the document's" in x for x in advice["reasons"])
    r = run("contacts", "herefordshire", "--at", "2026-11-24 09:15", "-f", "json")
    rows = {c["id"]: c for c in json.loads(r.out)["contacts"]}
    called = {c["id"] for c in rows.values() if c.get("call")}
    assert called == {"mash", "emergency-duty-team"}
    assert all(rows[c]["open"] is None for c in called)


def test_mash_email_erratum():
    errata = json.dumps(area("herefordshire").authority["errata"])
    assert "ReferralsCYPD@" in errata and "CYPDReferrals@" in errata


def test_after_referral_timescales():
    procs = area("herefordshire").pathway()["procedures"]
    times = {(t["quantity"], t["unit"]) for p in procs for t in p.get("timescales", [])}
    for expected in [
        (24, "hours"),
        (72, "hours"),
        (4, "hours"),
        (1, "working_days"),
        (45, "working_days"),
        (15, "working_days"),
    ]:
        assert expected in times, expected


def test_consent_referral_refused_at_level_4(run):
    data = json.loads(run("consent", "herefordshire", "-l", "4", "-p", "referral", "-c", "refused", "-f", "json").out)
    assert data["decision"] == "proceed_without_consent"
    golden = [g for g in area("herefordshire").guidance() if g["kind"] == "information_sharing"]
    assert golden
