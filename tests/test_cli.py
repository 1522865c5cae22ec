"""Every command's happy path and bad-input path, through the real CLI."""

from __future__ import annotations

import json

import pytest
from conftest import assert_one_line_error


def test_help_lists_every_command(run):
    r = run("--help")
    assert r.code == 0
    for name in (
        "areas",
        "plugins",
        "levels",
        "indicators",
        "assess",
        "pathway",
        "contacts",
        "consent",
        "validate",
        "about",
        "glossary",
    ):
        assert name in r.out


def test_unknown_command_suggests(run):
    r = run("asess")
    assert_one_line_error(r, 2)
    assert "did you mean 'assess'" in r.err


def test_areas_lists_coventry(run):
    r = run("areas", "--format", "json")
    assert r.code == 0
    rows = {row["id"]: row for row in json.loads(r.out)}
    assert rows["coventry"]["status"] == "loaded"
    assert rows["coventry"]["document"] == "Right help, right time"


def test_plugins_lists_hooks(run):
    r = run("plugins", "-f", "json")
    assert r.code == 0
    cov = next(p for p in json.loads(r.out) if p["name"] == "coventry")
    assert cov["status"] == "loaded"
    assert cov["hooks"] == ["thresholdkit_data_folder"]  # a data plugin: thresholdkit reads its folder
    assert cov["distribution"] == "thresholdkit_coventry"


def test_levels(run):
    r = run("levels", "coventry", "-f", "json")
    assert r.code == 0
    levels = json.loads(r.out)
    assert [lv["name"] for lv in levels] == [
        "Universal",
        "Early Help",
        "Multi-agency Early Help",
        "Statutory Intervention",
    ]
    assert "Statutory Intervention" in run("levels", "coventry").out


@pytest.mark.parametrize("fmt", ["table", "json", "yaml", "csv", "markdown"])
def test_indicators_every_format(run, fmt):
    r = run("indicators", "coventry", "--level", "4", "--format", fmt)
    assert r.code == 0, r.err
    assert "non-mobile-child-injury" in r.out


def test_indicators_json_contract(run):
    items = json.loads(run("indicators", "coventry", "-f", "json").out)
    for item in items:
        assert {"id", "level", "domain", "text", "source"} <= set(item)
        assert item["level"] in (1, 2, 3, 4)
        assert item["domain"] in ("developmental", "parenting", "family_environment")
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))


def test_indicators_filters(run):
    items = json.loads(run("indicators", "coventry", "-l", "4", "-d", "parenting", "-f", "json").out)
    assert items and all(i["level"] == 4 and i["domain"] == "parenting" for i in items)
    found = json.loads(run("indicators", "coventry", "--search", "GENITAL", "-f", "json").out)
    assert [i["id"] for i in found] == ["fgm-risk"] or all("genital" in i["text"].lower() for i in found)


@pytest.mark.parametrize(
    "args",
    [
        ("indicators", "nowhere"),
        ("indicators", "coventry", "--domain", "astrology"),
        ("indicators", "coventry", "--level", "5"),
        ("indicators", "coventry", "--set", "nope"),
        ("levels", "coventy"),
        ("pathway", "coventry", "--level", "0"),
        ("contacts", "coventry", "--at", "yesterday"),
        ("contacts", "coventry", "--role", "wizard"),
        ("consent", "coventry"),
        ("consent", "coventry", "--level", "4", "--consent", "maybe"),
        ("validate", "nowhere"),
    ],
)
def test_bad_input_is_one_line(run, args):
    assert_one_line_error(run(*args))


def test_unknown_area_suggests(run):
    r = run("levels", "coventy")
    assert_one_line_error(r, 2)
    assert "did you mean 'coventry'" in r.err


def test_pathway_level(run):
    r = run("pathway", "coventry", "--level", "3", "-f", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert [lp["level"] for lp in data["levels"]] == [3]
    assert "Early Help Assessment" in run("pathway", "coventry", "--level", "3").out


def test_consent_refusal_at_level_2(run):
    r = run("consent", "coventry", "--level", "2", "--purpose", "early-help", "--consent", "refused", "-f", "json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["rules"], "a refusal of early help is covered by Section 7"
    assert all(rule["text"] and rule["source"] for rule in data["rules"])
    assert "professional judgement" in data["disclaimer"]


def test_validate_coventry(run):
    r = run("validate", "coventry")
    assert r.code == 0, r.out + r.err
    assert "ok" in r.out


def test_version(run):
    r = run("--version")
    assert r.code == 0 and "thresholdkit" in r.out


def test_about_shows_document_and_errata(run):
    r = run("about", "coventry")
    assert r.code == 0
    assert "Right help, right time" in r.out and "Errata" in r.out
    data = json.loads(run("about", "coventry", "-f", "json").out)
    assert data["document"]["source_file"] == "coventry.txt"
    assert_one_line_error(run("about", "nowhere"))


def test_glossary_when_absent_says_so(run):
    r = run("glossary", "coventry")
    assert r.code == 0 and "has no glossary" in r.err
