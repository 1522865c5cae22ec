"""Consent guidance: which of the area's rules apply to a situation, each with its wording."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from thresholdkit.model.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    from thresholdkit.model.objects import ConsentAdvice, ConsentRule, ConsentRules, ConsentState, ConsentWhen, Purpose

#: The purposes a consent rule can name (``typing.get_args(Purpose)``, tested).
PURPOSES = ("early_help", "referral", "information_sharing", "assessment")
#: Where consent can stand (``typing.get_args(ConsentState)``, tested).
CONSENT_STATES = ("given", "refused", "withdrawn", "not_sought")


def _matches(
    when: ConsentWhen, level: int | None, purpose: str | None, consent: str | None, risk: bool | None
) -> int | None:
    """None if the rule does not apply; else how many of its conditions the situation met."""
    score = 0
    for key, value in (("levels", level), ("purpose", purpose), ("consent", consent)):
        if key in when:
            if value is None:
                continue  # not stated: the rule may apply; shown, not scored
            if value not in when[key]:  # type: ignore[literal-required]  # key is one of the three
                return None
            score += 1
    if "risk_if_sought" in when and risk is not None:
        if when["risk_if_sought"] != risk:
            return None
        score += 1
    return score


def _choice(kind: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """``value`` in its canonical spelling (``early-help`` is ``early_help``); an unknown one is an error."""
    if value is None:
        return None
    key = value.strip().lower().replace("-", "_")
    if key not in allowed:
        spelt = ", ".join(a.replace("_", "-") for a in allowed)
        raise UsageError(f"unknown {kind} '{value}'{did_you_mean(key, allowed)}; use one of {spelt}")
    return key


def evaluate(
    consent_data: ConsentRules,
    level: int | None = None,
    purpose: str | None = None,
    consent: str | None = None,
    risk_if_sought: bool | None = None,
) -> ConsentAdvice:
    """The rules that apply to a situation, most specific first; ``decision`` is the most
    specific rule's (None when no rule covers the situation).

    ``purpose`` is one of :data:`PURPOSES` and ``consent`` one of :data:`CONSENT_STATES`
    (``early-help`` and ``early_help`` are the same); an unknown one, or a level outside 1-4,
    is an error. A situation key left as None is not stated: rules that name it still apply.
    """
    from thresholdkit.model.objects import LEVEL_MAX, LEVEL_MIN  # here: `contacts` imports this module

    if level is not None and (isinstance(level, bool) or not LEVEL_MIN <= level <= LEVEL_MAX):
        raise UsageError(f"level must be 1, 2, 3 or 4 (got {level})")
    purpose_key = cast("Purpose | None", _choice("purpose", purpose, PURPOSES))
    consent_key = cast("ConsentState | None", _choice("consent state", consent, CONSENT_STATES))
    scored = []
    rule: ConsentRule
    for order, rule in enumerate(consent_data.get("rules", [])):
        score = _matches(rule.get("when", {}), level, purpose_key, consent_key, risk_if_sought)
        if score is not None:
            scored.append((-score, order, rule))
    scored.sort(key=lambda t: (t[0], t[1]))
    rules: list[ConsentRule] = []
    for _, _, r in scored:
        out: ConsentRule = {
            "id": r["id"],
            "decision": r["decision"],
            "when": r.get("when", {}),
            "text": r["text"],
            "source": r["source"],
            "inform": r.get("inform", []),
            "record": r.get("record", []),
        }
        if "exceptions" in r:  # the list the text ends by introducing: part of the rule
            out["exceptions"] = r["exceptions"]
        rules.append(out)
    return {
        "level": level,
        "purpose": purpose_key,
        "consent": consent_key,
        "risk_if_sought": risk_if_sought,
        "decision": rules[0]["decision"] if rules else None,
        "rules": rules,
        "notes": consent_data.get("notes", []),
    }
