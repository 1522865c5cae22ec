"""Consent guidance: which of the area's rules apply to a situation, each with its wording."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from thresholdkit.model.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    from thresholdkit.model.objects import (
        ConsentAdvice,
        ConsentRule,
        ConsentRules,
        ConsentState,
        ConsentWhen,
        Decision,
        Purpose,
    )

#: The purposes a consent rule can name (``typing.get_args(Purpose)``, tested).
PURPOSES = ("early_help", "referral", "information_sharing", "assessment")
#: Where consent can stand (``typing.get_args(ConsentState)``, tested).
CONSENT_STATES = ("given", "refused", "withdrawn", "not_sought")


def _matches(
    when: ConsentWhen, level: int | None, purpose: str | None, consent: str | None, risk: bool | None
) -> tuple[int, int] | None:
    """None if the rule does not apply; else how many of its conditions the situation met: first
    those on where consent stands and on risk, then those on the level and purpose."""
    on_consent = on_other = 0
    for key, value in (("levels", level), ("purpose", purpose), ("consent", consent)):
        if key in when:
            if value is None:
                continue  # not stated: the rule may apply; shown, not scored
            if value not in when[key]:  # type: ignore[literal-required]  # key is one of the three
                return None
            if key == "consent":
                on_consent += 1
            else:
                on_other += 1
    if "risk_if_sought" in when and risk is not None:
        if when["risk_if_sought"] != risk:
            return None
        on_consent += 1
    return on_consent, on_other


#: How strongly a rule's decision answers "what do I do about consent?" (thresholdkit's own
#: reading): going ahead, seeking consent or not going ahead first; then professional judgement
#: (take advice, decide); then "inform" and "record", which say what to do alongside.
_PRECEDENCE: dict[str, int] = {
    "seek_consent": 0,
    "proceed": 0,
    "proceed_without_consent": 0,
    "do_not_proceed": 0,
    "professional_judgement": 1,
    "inform": 2,
    "record": 2,
}

#: Decisions that a stated consent state contradicts, unless the rule itself names that state
#: (thresholdkit's own reading): consent given, refused or withdrawn has been sought already,
#: and consent given is not "without consent".
_SPENT_BY: dict[str, frozenset[str]] = {
    "seek_consent": frozenset({"given", "refused", "withdrawn"}),
    "proceed": frozenset({"refused", "withdrawn"}),
    "proceed_without_consent": frozenset({"given"}),
}

#: The decision line when no rule of the document applies at all.
NO_RULE = "No rule in the document covers this situation."


def _can_decide(rule: ConsentRule, consent: str | None) -> bool:
    """The rule's decision may stand for the situation: it does not contradict the stated
    consent state (a rule that names the state speaks to it, whatever its decision)."""
    if consent is None or consent in rule.get("when", {}).get("consent", ()):
        return True
    return consent not in _SPENT_BY.get(rule["decision"], frozenset())


def _decide(tier: list[ConsentRule], consent: str | None) -> tuple[Decision | None, list[str], str | None]:
    """The decision of the most specific rules (``tier``, all equally specific), the ids of the
    rules it comes from, and, where the document does not settle it, why (thresholdkit's words)."""
    if not tier:
        return None, [], NO_RULE
    able = [r for r in tier if _can_decide(r, consent)]
    if not able:
        said = "; ".join(f"{r['decision'].replace('_', ' ')} ({r['id']})" for r in tier)
        state = (consent or "").replace("_", " ")
        return (
            None,
            [],
            _unsettled(
                f"its most specific rules here say {said}, which does not fit consent {state}, and none of them "
                f"speaks to consent {state}",
                "a decision for it",
            ),
        )
    first = min(_PRECEDENCE[r["decision"]] for r in able)
    leading = [r for r in able if _PRECEDENCE[r["decision"]] == first]
    decisions = list(dict.fromkeys(r["decision"] for r in leading))
    if len(decisions) > 1:
        said = "; ".join(
            f"{d.replace('_', ' ')} ({', '.join(r['id'] for r in leading if r['decision'] == d)})" for d in decisions
        )
        if first == _PRECEDENCE["inform"]:
            return (
                None,
                [],
                _unsettled(
                    f"its most specific rules here say only what to do alongside: {said}; none of them says whether "
                    "to seek consent or to go ahead",
                    "a decision for it",
                ),
            )
        return None, [], _unsettled(f"its most specific rules here say different things: {said}", "between them")
    return decisions[0], [r["id"] for r in leading], None


def _unsettled(why: str, choice: str) -> str:
    """The decision note where the document does not settle the situation (thresholdkit's words)."""
    return (
        f"The document does not settle this situation: {why}. thresholdkit does not choose {choice}; "
        "read the rules below and use professional judgement."
    )


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
    """The rules that apply to a situation, most specific first, and the ``decision``.

    The most specific rules are those that meet the most of the situation's stated keys on
    consent and risk, and then the most of its level and purpose. The
    decision is theirs, never a less specific rule's, and never chosen by document order
    (thresholdkit's reading, in this order): a rule whose decision the stated consent state
    contradicts cannot give it (seeking consent that is given, refused or withdrawn; going
    ahead "without consent" when it is given), unless the rule names that state; a decision to
    seek consent, go ahead or not comes before professional judgement, and that before
    "inform" and "record", which say what to do alongside. Where what is left still differs,
    or nothing is left, the document does not settle the situation: ``decision`` is None and
    ``decision_note`` says so plainly. ``decision_from`` names the rules the decision comes
    from.

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
            scored.append((score, order, rule))
    top = max((s for s, _, _ in scored), default=(0, 0))
    decision, decided_by, note = _decide([r for s, _, r in scored if s == top], consent_key)
    scored.sort(key=lambda t: (-t[0][0], -t[0][1], t[1]))  # most specific first, then in document order
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
        "decision": decision,
        "decision_from": decided_by,
        "decision_note": note,
        "rules": rules,
        "notes": consent_data.get("notes", []),
    }
