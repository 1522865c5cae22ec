"""Consent guidance: which of the area's rules apply to a situation, each with its wording."""

from __future__ import annotations

from typing import Any

PURPOSES = ("early_help", "referral", "information_sharing", "assessment")
CONSENT_STATES = ("given", "refused", "withdrawn", "not_sought")


def _matches(
    when: dict[str, Any], level: int | None, purpose: str | None, consent: str | None, risk: bool | None
) -> int | None:
    """None if the rule does not apply; else how many of its conditions the situation met."""
    score = 0
    for key, value in (("levels", level), ("purpose", purpose), ("consent", consent)):
        if key in when:
            if value is None:
                continue  # not stated: the rule may apply; shown, not scored
            if value not in when[key]:
                return None
            score += 1
    if "risk_if_sought" in when and risk is not None:
        if when["risk_if_sought"] != risk:
            return None
        score += 1
    return score


def evaluate(
    consent_data: dict[str, Any],
    level: int | None = None,
    purpose: str | None = None,
    consent: str | None = None,
    risk_if_sought: bool | None = None,
) -> dict[str, Any]:
    """The rules that apply, most specific first; ``decision`` is the most specific rule's."""
    scored = []
    for order, rule in enumerate(consent_data.get("rules", [])):
        score = _matches(rule.get("when", {}), level, purpose, consent, risk_if_sought)
        if score is not None:
            scored.append((-score, order, rule))
    scored.sort(key=lambda t: (t[0], t[1]))
    rules = [
        {
            "id": r["id"],
            "decision": r["decision"],
            "when": r.get("when", {}),
            "text": r["text"],
            "source": r["source"],
            "inform": r.get("inform", []),
            "record": r.get("record", []),
        }
        for _, _, r in scored
    ]
    return {
        "level": level,
        "purpose": purpose,
        "consent": consent,
        "risk_if_sought": risk_if_sought,
        "decision": rules[0]["decision"] if rules else None,
        "rules": rules,
        "notes": consent_data.get("notes", []),
    }
