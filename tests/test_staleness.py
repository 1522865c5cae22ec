"""Staleness: past a printed review date, or older than a configurable age when none is printed."""

from __future__ import annotations

import datetime as dt
import json

from thresholdkit.areas.registry import review_status


def test_age_rule_and_override(run, monkeypatch):
    rows = {r["id"]: r for r in json.loads(run("areas", "-f", "json").out)}
    assert rows["worcestershire"]["status"] == "stale" and "May 2019" in rows["worcestershire"]["reason"]
    assert rows["coventry"]["status"] == "loaded"  # no date printed: nothing to judge by
    monkeypatch.setenv("THRESHOLDKIT_MAX_AGE_YEARS", "20")
    rows = {r["id"]: r for r in json.loads(run("areas", "-f", "json").out)}
    assert rows["worcestershire"]["status"] == "loaded"
    assert rows["herefordshire"]["status"] == "past review date"  # a printed review date wins


def test_flagged_in_assessments_and_handouts(run):
    data = json.loads(run("assess", "worcestershire", "--level", "2", "-f", "json").out)
    assert any("over 3 years ago" in w for w in data["warnings"])
    assert "over 3 years ago" in run("handout", "worcestershire", "-l", "1").out


def test_rule_dates():
    doc = {"date": "May 2019", "date_iso": "2019-05"}
    assert review_status(doc, dt.date(2022, 5, 31)) is None
    assert review_status(doc, dt.date(2022, 6, 2)) is not None
    assert review_status({"date_iso": None}, dt.date(2030, 1, 1)) is None
