"""Coventry: the data is complete, faithful to the source and behaves."""

from __future__ import annotations

import json
from collections import Counter

from thresholdkit.authoring.conformance import area, check_verbatim


def test_conformance(thresholdkit_conformance):
    # skipped, with the reason, when the source text is not at hand: the count is checked below
    thresholdkit_conformance("coventry")


def test_indicator_count():
    assert len(area("coventry").indicators()) == 113


def test_every_text_is_verbatim_in_the_source():
    assert check_verbatim("coventry") > 113


def test_table_shape():
    counts = Counter((i.domain, i.level) for i in area("coventry").indicators())
    assert {d for d, _ in counts} == {"developmental", "parenting", "family_environment"}
    assert all(counts[(d, lv)] > 0 for d in ("developmental", "parenting", "family_environment") for lv in (1, 2, 3, 4))


def test_known_placements():
    by_id = {i.id: i for i in area("coventry").indicators()}
    assert by_id["non-mobile-child-injury"].level == 4
    assert by_id["non-mobile-child-injury"].domain == "developmental"
    assert by_id["private-fostering"].level == 4 and by_id["private-fostering"].domain == "parenting"
    assert by_id["young-carers"].level == 2 and by_id["young-carers"].domain == "family_environment"


def test_edt_hours_and_central_options(run):
    rows = {c["id"]: c for c in json.loads(run("contacts", "coventry", "-f", "json").out)}
    assert rows["edt"]["phone"][0]["number"] == "024 7683 2222"
    assert rows["edt"]["hours"]["text"].startswith("between 5pm and 8.30am Monday to Thursday")
    assert len(rows["childrens-social-care"]["options"]) == 4


def test_early_help_review_six_weeks():
    times = [t for lp in area("coventry").pathway()["levels"] for t in lp.get("timescales", [])]
    assert any(t["quantity"] == 6 and t["unit"] == "weeks" for t in times)
