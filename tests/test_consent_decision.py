"""The headline consent decision follows the most specific rules for the situation, the consent
state and the risk included; it is never a generic rule's that wins a tie by document order,
and where the document does not settle a situation the output says so instead of choosing.

Each row below was read against the source document (``../shared/seeds``); the rule named is
the rule the decision comes from (the first of ``decision_from``).
A row for an area that is not installed is skipped: the test depends on no set of plugins.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from thresholdkit.areas.registry import Registry
from thresholdkit.rules.consent import evaluate

REG = Registry.load()

#: The statement where no rule applies at all (the wording the consent view has always shown).
NO_RULE = "No rule in the document covers this situation."
#: Where the document does not settle a situation, decision_note says which way it falls short.
SPENT = "which does not fit consent"  # the most specific rules are about seeking consent / going ahead without it
DIFFER = "say different things"  # the most specific rules disagree
ALONGSIDE = "say only what to do alongside"  # inform / record only: nothing on whether to go ahead

G, R, N = "given", "refused", "not_sought"

# (area, level, purpose, consent, risk, decision or the kind of "not settled", rule the decision comes from)
REFERRAL_LEVEL_4: list[tuple[str, str | None, bool, str, str | None]] = [
    # Coventry, Section 7 (p. 9): "The family should be made aware of the referral ..., unless to do
    # so would place the child at increased risk of significant harm, prior to referral." / "In the
    # event that the parent, carer or child cannot be made aware of the referral, professionals
    # should determine ..." / "Where a professional decides not to seek parental permission ...
    # the decision must be recorded". Coventry says nothing of a referral with consent refused.
    ("coventry", G, True, "professional_judgement", "referral-without-informing"),
    ("coventry", G, False, "inform", "referral-inform-family"),
    ("coventry", R, True, "professional_judgement", "referral-without-informing"),
    ("coventry", R, False, "inform", "referral-inform-family"),
    ("coventry", N, True, "professional_judgement", "referral-without-informing"),
    ("coventry", N, False, ALONGSIDE, None),
    # Gloucestershire, Level Four - Specialist: "Practitioners should always seek consent ... prior
    # to making contact with MASH unless where seeking consent would place the child at increased
    # risk of significant harm. If consent is not sought or provided, the rationale for this should
    # be recorded on the MARF." Nothing for consent already given.
    ("gloucestershire", G, True, SPENT, None),
    ("gloucestershire", G, False, SPENT, None),
    ("gloucestershire", R, True, "proceed_without_consent", "mash-consent-would-increase-risk"),
    ("gloucestershire", R, False, "record", "mash-consent-not-sought-or-provided"),
    ("gloucestershire", N, True, "proceed_without_consent", "mash-consent-would-increase-risk"),
    ("gloucestershire", N, False, "seek_consent", "mash-seek-consent"),
    # Herefordshire, Consent and information sharing: "These referrals do not require consent but it
    # is good practice to inform an adult with parental responsibility that the referral is being
    # made, UNLESS doing so would place the child at risk of significant harm or may lead to the
    # loss of evidence." / "If at any time ... a referral should be made immediately".
    ("herefordshire", G, True, SPENT, None),
    ("herefordshire", G, False, "inform", "inform-parent-of-referral"),
    ("herefordshire", R, True, "proceed_without_consent", "refused-but-child-in-need-or-harm"),
    ("herefordshire", R, False, "proceed_without_consent", "refused-but-child-in-need-or-harm"),
    ("herefordshire", N, True, "proceed_without_consent", "significant-harm-referral-no-consent-needed"),
    ("herefordshire", N, False, "proceed_without_consent", "significant-harm-referral-no-consent-needed"),
    # Telford, A PARTNERSHIP WITH FAMILIES – INFORMATION SHARING: "Consent for information sharing is
    # not required for child protection referrals ..." / "Barriers to gaining consent should also
    # not delay a child protection referral ..." / "would need to inform parents or carers ...,
    # unless to do so may: ...".
    ("telford", G, True, SPENT, None),
    ("telford", G, False, "inform", "cp-referral-inform-parents"),
    ("telford", R, True, "proceed_without_consent", "cp-referral-do-not-inform-if-risk"),
    ("telford", R, False, "proceed_without_consent", "cp-referral-no-delay"),
    ("telford", N, True, "proceed_without_consent", "cp-referral-do-not-inform-if-risk"),
    ("telford", N, False, "proceed_without_consent", "cp-referral-no-delay"),
    # Worcestershire, 4. Information Sharing: "The information must still be shared despite consent
    # being refused." / "Also in rare circumstances, the seeking of consent might pose a risk to the
    # child." / "... agreement sought for ... referring to another agency ... unless seeking
    # agreement is likely to: ...". Nothing for consent already given.
    ("worcestershire", G, True, SPENT, None),
    ("worcestershire", G, False, SPENT, None),
    ("worcestershire", R, True, "proceed_without_consent", "seeking-agreement-risks-harm-or-evidence"),
    ("worcestershire", R, False, "proceed_without_consent", "child-protection-referral-consent-refused"),
    ("worcestershire", N, True, "proceed_without_consent", "seeking-consent-might-pose-risk"),
    ("worcestershire", N, False, "seek_consent", "discuss-and-seek-agreement-before-referral"),
]

# (area, level, purpose, consent, risk, decision or kind, rule)
OTHER: list[tuple[str, int, str, str, bool | None, str, str | None]] = [
    # Coventry Section 7: "Practitioners should be tenacious in their attempts to persuade
    # parents/carers to give consent to Early Help." (the README's example)
    ("coventry", 2, "early_help", R, None, "seek_consent", "early-help-persuade"),
    ("coventry", 3, "early_help", G, None, "proceed", "early-help-consent-given"),
    # Gloucestershire: "... or withdraws consent for early help, you will continue to support the
    # needs ... through ordinarily available provision"
    ("gloucestershire", 2, "early_help", R, False, "do_not_proceed", "early-help-consent-refused-or-withdrawn"),
    # Herefordshire: "the service is provided ONLY with the consent of the parents/carers"
    ("herefordshire", 3, "early_help", R, False, "do_not_proceed", "early-help-only-with-consent"),
    ("herefordshire", 3, "early_help", G, False, "proceed", "chat-eha-with-consent"),
    # Herefordshire: "This includes allowing practitioners to share information without consent: ...
    # If to gain consent would place a child at risk ..."
    ("herefordshire", 4, "information_sharing", R, True, "proceed_without_consent", "share-without-consent-if-risk"),
    # Telford says nothing of early help with consent given or refused at level 2
    ("telford", 2, "early_help", G, False, SPENT, None),
]

CASES = [(a, 4, "referral", c, r, d, rule) for a, c, r, d, rule in REFERRAL_LEVEL_4] + OTHER


def _area(area_id: str) -> Any:
    if area_id not in REG.area_ids():
        pytest.skip(f"the {area_id} plugin is not installed")
    return REG.area(area_id)


@pytest.mark.parametrize(("area_id", "level", "purpose", "consent", "risk", "expected", "rule"), CASES)
def test_decision_follows_the_most_specific_rule(
    area_id: str, level: int, purpose: str, consent: str, risk: bool | None, expected: str, rule: str | None
) -> None:
    advice = evaluate(
        _area(area_id).consent_rules(), level=level, purpose=purpose, consent=consent, risk_if_sought=risk
    )
    if rule is None:  # the document does not settle it: no decision, and a plain statement why
        assert advice["decision"] is None, (advice["decision"], advice.get("decision_from"))
        assert advice["decision_from"] == []
        note = advice["decision_note"]
        assert note and note.startswith("The document does not settle this situation") and expected in note, note
        assert advice["rules"], "a situation the document does not settle still lists the rules that apply"
        return
    assert advice["decision"] == expected, (
        advice["decision"],
        advice.get("decision_from"),
        advice.get("decision_note"),
    )
    assert advice["decision_from"][0] == rule, advice["decision_from"]
    assert advice["decision_note"] is None
    # the rules the decision comes from apply, each gives that decision, and none is less
    # specific than a rule listed before it
    ids = [r["id"] for r in advice["rules"]]
    assert set(advice["decision_from"]) <= set(ids)
    assert {r["decision"] for r in advice["rules"] if r["id"] in advice["decision_from"]} == {expected}


def test_no_generic_rule_decides_by_document_order() -> None:
    """Whatever the order of the rules in the data, the decision is the same: ties are never
    broken by position (every area; reversing the rules must not change the decision)."""
    for area_id in REG.area_ids():
        area = REG.area(area_id)
        data = area.consent_rules()
        reversed_data = {**data, "rules": list(reversed(data["rules"]))}
        for purpose in ("referral", "early_help", "information_sharing", "assessment"):
            for level in (1, 2, 3, 4):
                for consent in ("given", "refused", "withdrawn", "not_sought", None):
                    for risk in (True, False, None):
                        args = {"level": level, "purpose": purpose, "consent": consent, "risk_if_sought": risk}
                        a = evaluate(data, **args)  # type: ignore[arg-type]
                        b = evaluate(reversed_data, **args)  # type: ignore[arg-type]
                        where = (area_id, args)
                        assert a["decision"] == b["decision"], where
                        assert sorted(a["decision_from"]) == sorted(b["decision_from"]), where
                        assert (a["decision"] is None) == bool(a["decision_note"]), where


def test_a_stated_consent_state_is_never_contradicted_by_the_decision() -> None:
    """Consent given is never met with "proceed without consent", and consent given, refused or
    withdrawn never with "seek consent", unless a rule that names that state says so."""
    for area_id in REG.area_ids():
        data = REG.area(area_id).consent_rules()
        for purpose in ("referral", "early_help", "information_sharing", "assessment"):
            for level in (1, 2, 3, 4):
                for consent in ("given", "refused", "withdrawn"):
                    for risk in (True, False, None):
                        advice = evaluate(data, level=level, purpose=purpose, consent=consent, risk_if_sought=risk)
                        spent = {"proceed_without_consent"} if consent == "given" else {"seek_consent"}
                        if advice["decision"] in spent:
                            deciding = [r for r in advice["rules"] if r["id"] in advice["decision_from"]]
                            assert all(consent in r["when"].get("consent", []) for r in deciding), (
                                area_id,
                                level,
                                purpose,
                                consent,
                                risk,
                                advice["decision_from"],
                            )


def test_no_rule_at_all_says_so() -> None:
    advice = evaluate({"rules": []}, level=4, purpose="referral")
    assert advice["decision"] is None and advice["decision_note"] == NO_RULE and advice["decision_from"] == []


# --- the tester's commands, through the CLI ----------------------------------------------------


@pytest.mark.parametrize(
    ("area_id", "args", "decision", "rule"),
    [
        (
            "worcestershire",
            ("--consent", "refused", "--no-risk"),
            "proceed_without_consent",
            "child-protection-referral-consent-refused",
        ),
        ("gloucestershire", ("--consent", "refused", "--no-risk"), "record", "mash-consent-not-sought-or-provided"),
        ("herefordshire", ("--consent", "given", "--risk"), None, None),
        ("worcestershire", ("--consent", "given", "--risk"), None, None),
        ("telford", ("--consent", "given", "--risk"), None, None),
        ("gloucestershire", ("--consent", "given", "--risk"), None, None),
    ],
)
def test_the_reported_commands(
    run: Any, area_id: str, args: tuple[str, ...], decision: str | None, rule: str | None
) -> None:
    _area(area_id)
    r = run("consent", area_id, "-l", "4", "--purpose", "referral", *args, "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["decision"] == decision, (data["decision"], data.get("decision_from"))
    if rule is None:
        assert data["decision_from"] == [] and "does not settle" in data["decision_note"]
    else:
        assert data["decision_from"][0] == rule
