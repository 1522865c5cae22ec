"""compare and the shared vocabulary, across the five bundled areas."""

from __future__ import annotations

import json

import pytest
from conftest import assert_one_line_error

from thresholdkit.areas.registry import Registry
from thresholdkit.data import vocabulary
from thresholdkit.rules.compare import all_indicators

REG = Registry.load()
AREAS = {a: REG.area(a) for a in REG.area_ids()}


def test_concepts_command_lists_census_codes(run):
    items = json.loads(run("concepts", "-f", "json").out)
    by_id = {c["id"]: c for c in items}
    assert by_id["female-genital-mutilation"]["cin_code"] == ["22A"]
    assert by_id["school-attendance"]["cin_code"] is None
    assert {"id", "label", "cin_code"} <= set(items[0])


def test_every_indicator_of_every_area_carries_known_concepts():
    known = vocabulary.concepts()
    for area in AREAS.values():
        for ind in all_indicators(area) or []:
            assert ind.concepts, (area.id, ind.id)
            assert set(ind.concepts) <= set(known), (area.id, ind.id)


def test_other_is_rare():
    total = other = 0
    for area in AREAS.values():
        for ind in all_indicators(area) or []:
            total += 1
            other += "other" in ind.concepts
    assert other / total < 0.05


@pytest.mark.parametrize(
    ("words", "concept", "code"),
    [
        ("genital mutilation", "female-genital-mutilation", ["22A"]),
        ("privately fostered", "private-fostering", ["8B", "8C", "8D", "8E", "8F"]),
        ("private fostering", "private-fostering", ["8B", "8C", "8D", "8E", "8F"]),
        ("unaccompanied", "unaccompanied-asylum-seeking", ["9A"]),
        ("trafficked", "trafficking", ["12A"]),
        ("sexual exploitation", "child-sexual-exploitation", ["11A"]),
    ],
)
def test_named_harms_resolve_to_census_codes(words, concept, code):
    assert vocabulary.concepts()[concept]["cin_code"] == code
    found = 0
    for area in AREAS.values():
        for ind in all_indicators(area) or []:
            if words in ind.text.lower():
                found += 1
                assert concept in ind.concepts, (area.id, ind.id, ind.text)
    assert found, f"no area names {words!r}"


def test_compare_concept_calls_out_sexual_activity_under_13(run):
    r = run("compare", "concept", "sexual-activity", "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    diffs = [d for d in data["differences"] if d.get("facts") == ["age", "sexually_active"]]
    # Each area's level for the same case, from all its indicators together: at 12 Telford says
    # 3 and Worcestershire 4 (under 13); at 13 Telford says 3 and Worcestershire 2 (under 16).
    # Telford's 13-14 bullet does not overlap Worcestershire's under 13.
    found = {
        d["example"]["age"]: {(i["area"], i["id"]): i["level"] for i in d["indicators"]}
        for d in diffs
        if d["example"]["sexually_active"] is True
    }
    assert len(diffs) == 2 and found == {
        12: {("telford", "sexually-active-13-and-under"): 3, ("worcestershire", "sexual-activity-under-13"): 4},
        13: {("telford", "sexually-active-13-and-under"): 3, ("worcestershire", "starting-sex-under-16"): 2},
    }
    assert "Areas differ on the same situation" in r.err
    glos = next(a for a in data["areas"] if a["area"] == "gloucestershire")
    assert glos["published"] is False and glos["note"] == "not published in this document"


def test_compare_indicator_from_coventry_level_4(run):
    data = json.loads(run("compare", "indicator", "coventry:private-fostering", "-f", "json").out)
    matches = {a["area"]: a["matches"] for a in data["areas"]}
    for other in ("telford", "herefordshire", "worcestershire"):
        assert matches[other], other
        assert "private-fostering" in matches[other][0]["shared_concepts"]
    assert any(a["note"] == "not published in this document" for a in data["areas"] if a["area"] == "gloucestershire")


def test_compare_indicator_bad_refs(run):
    assert_one_line_error(run("compare", "indicator", "coventry"))
    r = run("compare", "indicator", "coventry:private-fosterin")
    assert_one_line_error(r)
    assert "did you mean 'private-fostering'" in r.err


def test_compare_levels_pathway_contacts(run):
    data = json.loads(run("compare", "levels", "-f", "json").out)
    assert data[3]["areas"]["telford"]["name"] == "Acute"
    data = json.loads(run("compare", "pathway", "--level", "4", "-f", "json").out)
    assert {row["area"] for row in data} == set(AREAS)
    data = json.loads(
        run("compare", "contacts", "--role", "out-of-hours", "--at", "2026-11-24 22:00", "-f", "json").out
    )
    assert data and all("open" in c for c in data)


def test_matrix_formats(run, tmp_path):
    data = json.loads(run("compare", "matrix", "-f", "json").out)
    fgm = next(r for r in data["rows"] if r["concept"] == "female-genital-mutilation")
    assert fgm["areas"]["gloucestershire"] == "not published in this document"
    assert 4 in fgm["areas"]["coventry"]
    out = tmp_path / "matrix.html"
    r = run("compare", "matrix", "-f", "html", "-o", str(out))
    assert r.code == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "L4" in html and "not published in this document" in html
    csv_text = run("compare", "matrix", "-f", "csv").out
    assert csv_text.splitlines()[0].startswith("concept,cin_code,")


def test_unknown_concept_suggests(run):
    r = run("compare", "concept", "fgm")
    assert_one_line_error(r, 2)
    assert "did you mean 'female-genital-mutilation'" in r.err
    assert run("compare", "concept", "female-genital-mutiliation").err.count("did you mean") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "levels", "--areas", "coventry,coventry"], "--areas names 'coventry' twice; name each area once"),
        (["compare", "levels", "--areas", ""], "--areas names no area"),
        (["compare", "levels", "--areas", " , "], "--areas names no area"),
        (["export", "csv", "OUT", "--areas", "coventry,Coventry"], "--areas names 'coventry' twice"),
        (["export", "csv", "OUT", "--areas", ""], "--areas names no area"),
        (["site", "-o", "OUT", "--areas", "coventry,coventry"], "--areas names 'coventry' twice"),
        (["handout", "coventry", "coventry", "--compare"], "names 'coventry' twice"),
    ],
)
def test_an_area_named_twice_or_none_named_is_an_error(run, tmp_path, args, message):
    """Duplicated input is an error, never silently merged; an empty --areas meant 'every area'."""
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    r = run(*args)
    assert r.code == 2, r.err
    assert message in r.err and r.err.count("\n") == 1, r.err
    assert not (tmp_path / "out").exists()
