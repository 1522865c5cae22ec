"""Consent rules that end in a list: the list is part of the rule (issue 16).

A rule whose wording ends "... unless to do so may:" must carry the document's list as
structured ``exceptions`` (a verbatim ``lead``, the end of the rule's text, and verbatim
``items``), and every view must show that list right after the rule.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from thresholdkit.areas.registry import Registry

ROOT = Path(__file__).resolve().parents[1]

TELFORD_LEAD = "unless to do so may:"
TELFORD_EXCEPTIONS = [
    "place the child at increased significant harm; or",
    "place any other person at risk of injury; or",
    "obstruct or interfere with any potential Police investigation; or",
    "lead to unjustified delay in making enquiries about allegations of significant harm.",
]
WORCESTERSHIRE_EXCEPTIONS = [
    "place the child at risk of significant harm",
    "lead to the risk of loss of evidential material",
]

#: Wording that promises a list: a trailing colon, or a dangling "unless".
_STOPS_MID_SENTENCE = re.compile(r"(:|\bunless)\s*$", re.IGNORECASE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _quotes_with_owner(consent: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(where, owner mapping, text) for every text of an area's consent section."""
    out: list[tuple[str, dict[str, Any], str]] = []
    for rule in consent.get("rules", []):
        out.append((f"rule {rule['id']}", rule, rule["text"]))
        for key in ("inform", "record"):
            for i, q in enumerate(rule.get(key, [])):
                out.append((f"rule {rule['id']} {key}[{i}]", q, q["text"]))
    for i, q in enumerate(consent.get("notes", [])):
        out.append((f"notes[{i}]", q, q["text"]))
    more = []
    for where, owner, _text in out:
        for j, item in enumerate((owner.get("exceptions") or {}).get("items", [])):
            more.append((f"{where} exceptions[{j}]", item, item["text"]))
    return out + more


def _areas() -> list[Any]:
    areas = Registry.load().usable()
    assert areas, "no usable area installed"
    return areas


def test_no_consent_text_stops_mid_sentence() -> None:
    """Every installed area: a consent text ending ':' or 'unless' has its list as exceptions."""
    problems = []
    for area in _areas():
        for where, owner, text in _quotes_with_owner(area.consent_rules()):
            exceptions = owner.get("exceptions")
            if _STOPS_MID_SENTENCE.search(text) and not (exceptions and exceptions.get("items")):
                problems.append(f"{area.id} {where}: {text[-70:]!r}")
            if exceptions:
                assert _flat(text).endswith(_flat(exceptions["lead"])), (area.id, where)
                for item in exceptions["items"]:
                    assert item["text"].strip() and item["source"], (area.id, where)
    assert not problems, "consent wording that stops mid-sentence:\n  " + "\n  ".join(problems)


def test_exceptions_are_verbatim_in_the_source(seeds: Path) -> None:
    from thresholdkit.data.checks import normalise

    for area in _areas():
        path = seeds / area.document["source_file"]
        if not path.is_file():
            continue
        source = normalise(path.read_text(encoding="utf-8"))
        for where, owner, _text in _quotes_with_owner(area.consent_rules()):
            exceptions = owner.get("exceptions")
            if not exceptions:
                continue
            assert normalise(exceptions["lead"]) in source, (area.id, where)
            # the lead and its list stand together in the document
            joined = normalise(" ".join([exceptions["lead"], *(f"- {i['text']}" for i in exceptions["items"])]))
            joined_plain = normalise(" ".join([exceptions["lead"], *(i["text"] for i in exceptions["items"])]))
            assert joined in source or joined_plain in source or _bulleted_in(source, exceptions), (area.id, where)


def _bulleted_in(source: str, exceptions: dict[str, Any]) -> bool:
    at = source.find(normalise_lead := " ".join(exceptions["lead"].split()))
    if at < 0:
        return False
    rest = source[at + len(normalise_lead) :]
    pos = 0
    for item in exceptions["items"]:
        found = rest.find(" ".join(item["text"].split()), pos)
        if found < 0 or found - pos > 12:  # only a bullet marker between them
            return False
        pos = found + len(" ".join(item["text"].split()))
    return True


def test_telford_cp_referral_rule_carries_the_four_exceptions() -> None:
    area = Registry.load().area("telford")
    consent = area.consent_rules()
    rules = {r["id"]: r for r in consent["rules"]}
    rule = rules["cp-referral-inform-parents"]
    assert rule["text"].endswith(TELFORD_LEAD)
    assert rule["exceptions"]["lead"] == TELFORD_LEAD
    assert [i["text"] for i in rule["exceptions"]["items"]] == TELFORD_EXCEPTIONS
    # the "inform" quote is the whole sentence with its list, under the rule that applies where
    # informing puts no one at risk; the rule that applies whatever the risk tells no one to inform
    inform = rule["inform"][0]
    assert inform["text"] == "The referring practitioner, would need to inform parents or carers of the child " + (
        "protection referral, " + TELFORD_LEAD
    )
    assert [i["text"] for i in inform["exceptions"]["items"]] == TELFORD_EXCEPTIONS
    assert not rules["cp-referral-consent-not-required"].get("inform")
    # no longer loose fragments under the notes
    notes = [n["text"] for n in consent.get("notes", [])]
    assert not set(TELFORD_EXCEPTIONS) & set(notes)


def test_worcestershire_referral_rule_carries_its_exceptions() -> None:
    rules = {r["id"]: r for r in Registry.load().area("worcestershire").consent_rules()["rules"]}
    rule = rules["discuss-and-seek-agreement-before-referral"]
    assert rule["exceptions"]["lead"] == "unless seeking agreement is likely to:"
    assert [i["text"] for i in rule["exceptions"]["items"]] == WORCESTERSHIRE_EXCEPTIONS


def test_data_checks_reject_a_lead_that_is_not_the_end_of_the_text() -> None:
    from thresholdkit.data.checks import check_data

    area = Registry.load().area("telford")
    data = copy.deepcopy(area.data)
    rule = next(r for r in data["consent"]["rules"] if r["id"] == "cp-referral-inform-parents")
    assert not [p for p in check_data(data) if "exceptions" in p]
    rule["exceptions"]["lead"] = "unless it would:"
    assert any("exceptions" in p and "lead" in p for p in check_data(data))
    rule["exceptions"]["items"][0] = {"text": "no source"}
    assert check_data(data)  # the schema wants a source


def test_data_checks_reject_a_rule_that_stops_mid_sentence() -> None:
    from thresholdkit.data.checks import check_data

    area = Registry.load().area("telford")
    data = copy.deepcopy(area.data)
    rule = next(r for r in data["consent"]["rules"] if r["id"] == "cp-referral-inform-parents")
    del rule["exceptions"]
    problems = check_data(data)
    assert any("cp-referral-inform-parents" in p or "consent" in p for p in problems), problems
    assert any("exceptions" in p for p in problems), problems


# --- every view shows the exceptions right after the rule -------------------------------


def _in_order_after(text: str, lead: str, items: list[str], gap: int = 80) -> None:
    """``items`` follow the first ``lead`` in ``text`` in order, with at most ``gap``
    characters (a source, a bullet) between one and the next."""
    flat = _flat(text)
    at = flat.find(lead)
    assert at >= 0, f"{lead!r} not in output"
    pos = at + len(lead)
    for item in items:
        found = flat.find(item, pos)
        assert found >= 0, f"{item!r} does not follow {lead!r}"
        assert found - pos <= gap, f"{item!r} is not right after the rule: {flat[pos:found]!r}"
        pos = found + len(item)


def test_assess_table_shows_the_exceptions_after_the_rule(run: Any) -> None:
    r = run("assess", "telford", "-i", "bruising-non-mobile-baby")
    assert r.code == 0, r.err
    consent = r.out[r.out.index("\nConsent\n") :]
    _in_order_after(consent, TELFORD_LEAD, TELFORD_EXCEPTIONS)
    # each exception on its own line, as a list under the rule
    for item in TELFORD_EXCEPTIONS:
        assert any(
            line.strip() in (f"- {item}", f"- {item}  [A PARTNERSHIP WITH FAMILIES – INFORMATION SHARING]")
            for line in consent.splitlines()
        ), item
    assert "professional judgement" in r.out


def test_assess_markdown_shows_the_exceptions_as_a_nested_list(run: Any) -> None:
    r = run("assess", "telford", "-i", "bruising-non-mobile-baby", "-f", "markdown")
    assert r.code == 0, r.err
    consent = r.out[r.out.index("## Consent") :]
    _in_order_after(consent, TELFORD_LEAD, TELFORD_EXCEPTIONS)
    lines = consent.splitlines()
    for item in TELFORD_EXCEPTIONS:
        assert f"  - {item}" in lines, item


def test_assess_json_carries_the_exceptions_and_fits_the_schema(run: Any) -> None:
    from jsonschema import Draft202012Validator

    r = run("assess", "telford", "-i", "bruising-non-mobile-baby", "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    schema = json.loads((ROOT / "schemas" / "assessment.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(data)
    rules = {c["id"]: c for c in data["consent"]}
    rule = rules["cp-referral-inform-parents"]
    assert rule["text"].endswith(TELFORD_LEAD)
    assert rule["exceptions"]["lead"] == TELFORD_LEAD
    assert [i["text"] for i in rule["exceptions"]["items"]] == TELFORD_EXCEPTIONS
    assert all(i["source"] for i in rule["exceptions"]["items"])
    inform = rule["inform"][0]
    assert [i["text"] for i in inform["exceptions"]["items"]] == TELFORD_EXCEPTIONS
    # the schema describes exceptions: an item without its source does not validate
    broken = copy.deepcopy(data)
    del next(c for c in broken["consent"] if c.get("exceptions"))["exceptions"]["items"][0]["source"]
    assert list(Draft202012Validator(schema).iter_errors(broken))


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_consent_command_shows_the_exceptions_after_the_rule(run: Any, fmt: str) -> None:
    r = run("consent", "telford", "-l", "4", "-f", fmt)
    assert r.code == 0, r.err
    # under the rule itself, and under its "Inform:" line
    rule_at = r.out.index("cp-referral-inform-parents")
    _in_order_after(r.out[rule_at:], TELFORD_LEAD, TELFORD_EXCEPTIONS)
    block = r.out[rule_at:]
    block = block[block.index("Inform:") :]
    _in_order_after(block, TELFORD_LEAD, TELFORD_EXCEPTIONS)
    notes = r.out[r.out.index("Notes") :]
    for item in TELFORD_EXCEPTIONS:
        assert item not in notes
    assert "professional judgement" in r.out


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_consent_command_data_carries_the_exceptions(run: Any, fmt: str) -> None:
    r = run("consent", "telford", "-l", "4", "-f", fmt)
    assert r.code == 0, r.err
    data = json.loads(r.out) if fmt == "json" else yaml.safe_load(r.out)
    rule = next(x for x in data["rules"] if x["id"] == "cp-referral-inform-parents")
    assert rule["exceptions"]["lead"] == TELFORD_LEAD
    assert [i["text"] for i in rule["exceptions"]["items"]] == TELFORD_EXCEPTIONS
    assert not set(TELFORD_EXCEPTIONS) & {n["text"] for n in data["notes"]}


def test_consent_command_csv_has_the_exceptions_with_the_rule(run: Any) -> None:
    import csv
    import io

    r = run("consent", "telford", "-l", "4", "-f", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    row = next(x for x in rows if x["id"] == "cp-referral-inform-parents")
    assert "exceptions" in row
    _in_order_after(row["text"] + " " + row["exceptions"], TELFORD_LEAD, TELFORD_EXCEPTIONS)


def test_handout_level_4_shows_the_exceptions_under_the_rule(run: Any) -> None:
    page = htmllib.unescape(run("handout", "telford", "--level", "4").out)
    consent = page[page.index(TELFORD_LEAD) :]
    _in_order_after(re.sub(r"<[^>]+>", " ", consent), TELFORD_LEAD, TELFORD_EXCEPTIONS)
    # a list nested in the rule's item
    assert re.search(r"unless to do so may:\s*(<span[^>]*>[^<]*</span>\s*)?<ul[^>]*>\s*<li>", consent), consent[:400]
    md = run("handout", "telford", "--level", "4", "--format", "markdown").out
    _in_order_after(md[md.index("**Consent:**") :], TELFORD_LEAD, TELFORD_EXCEPTIONS)
    assert f"  - {TELFORD_EXCEPTIONS[2]}" in md.splitlines()


def test_site_area_page_shows_the_exceptions_under_the_rule(tmp_path: Path) -> None:
    from thresholdkit.render.site import build

    reg = Registry.load()
    build([reg.area("telford")], tmp_path)
    page = htmllib.unescape((tmp_path / "telford" / "index.html").read_text(encoding="utf-8"))
    consent = page[page.index('id="consent"') :]
    _in_order_after(re.sub(r"<[^>]+>", " ", consent), TELFORD_LEAD, TELFORD_EXCEPTIONS)
    assert re.search(r"unless to do so may:\s*(<span[^>]*>[^<]*</span>\s*)?<ul[^>]*>\s*<li>", consent)


# --- an exception inside the sentence stays with it (Herefordshire's "UNLESS ...") ---------------

HEREFORDSHIRE_UNLESS = (
    "UNLESS doing so would place the child at risk of significant harm or may lead to the loss of evidence."
)
_UNLESS_NEXT = re.compile(r"\s*,?\s*unless\b", re.IGNORECASE)


def test_no_consent_text_is_cut_off_before_its_unless(seeds: Path) -> None:
    """Every installed area: no consent text (rule, inform, record, note, exception) starts with
    "unless", and none stops where the document goes on ", unless ...": the exception is quoted
    with the words it qualifies, never split off into a rule or quote of its own."""
    from thresholdkit.data.checks import normalise

    problems = []
    for area in _areas():
        path = seeds / area.document["source_file"]
        if not path.is_file():
            continue
        source = normalise(path.read_text(encoding="utf-8"))
        for where, _owner, text in _quotes_with_owner(area.consent_rules()):
            flat = normalise(text)
            if re.match(r"unless\b", flat, re.IGNORECASE):
                problems.append(f"{area.id} {where}: starts with 'unless': {text[:60]!r}")
            at = source.find(flat)
            while at >= 0:
                if _UNLESS_NEXT.match(source, at + len(flat)):
                    problems.append(f"{area.id} {where}: stops before {source[at + len(flat) : at + len(flat) + 40]!r}")
                    break
                at = source.find(flat, at + 1)
    assert not problems, "\n  ".join(["consent wording cut off from its 'unless':", *problems])


def test_herefordshire_referral_rule_keeps_its_unless() -> None:
    rules = {r["id"]: r for r in Registry.load().area("herefordshire").consent_rules()["rules"]}
    whole = rules["significant-harm-referral-no-consent-needed"]
    assert whole["text"].startswith("If a practitioner believes a child is at risk of significant harm")
    assert _flat(whole["text"]).endswith(HEREFORDSHIRE_UNLESS)
    assert not whole.get("inform"), "the rule applies whatever the risk: it tells no one to inform"
    inform = rules["inform-parent-of-referral"]
    assert inform["when"]["risk_if_sought"] is False
    assert _flat(inform["inform"][0]["text"]).endswith(HEREFORDSHIRE_UNLESS)
    assert _flat(rules["do-not-inform-if-risk"]["text"]).endswith(HEREFORDSHIRE_UNLESS)
    assert not any(_flat(r["text"]).upper().startswith("UNLESS") for r in rules.values())


@pytest.mark.parametrize("state", ["refused", "not-sought", "given"])
def test_risk_case_never_tells_the_user_to_inform(run: Any, state: str) -> None:
    """Level 4 referral where informing the family would put the child at risk: no area's output
    has an unqualified "Inform:"; each inform quote shown carries the exception that applies."""
    for area in _areas():
        r = run("consent", area.id, "-l", "4", "--purpose", "referral", "--consent", state, "--risk", "-f", "json")
        assert r.code == 0, r.err
        for rule in json.loads(r.out)["rules"]:
            for q in rule["inform"]:
                assert "unless" in q["text"].lower() or q.get("exceptions"), (area.id, state, rule["id"], q["text"])


def test_herefordshire_tester_command(run: Any) -> None:
    """thresholdkit consent herefordshire -l 4 --purpose referral --consent refused --risk"""
    r = run("consent", "herefordshire", "-l", "4", "--purpose", "referral", "--consent", "refused", "--risk")
    assert r.code == 0, r.err
    assert "Inform:" not in r.out
    assert "do-not-inform-if-risk" in r.out
    for line in _flat(r.out).split("Rule ")[1:]:
        if "good practice to inform" in line:
            assert HEREFORDSHIRE_UNLESS in line, line[:200]
    # where informing is safe, the Inform line is there, whole with its UNLESS
    r = run("consent", "herefordshire", "-l", "4", "--purpose", "referral", "--consent", "refused", "--no-risk")
    inform = [line for line in r.out.splitlines() if line.startswith("Inform:")]
    assert inform, r.out
    assert HEREFORDSHIRE_UNLESS in _flat(r.out[r.out.index(inform[0]) :])
