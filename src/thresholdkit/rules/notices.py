"""The warnings an assessment carries, worded and ordered in one place.

``assess`` (:mod:`thresholdkit.rules.assess`) and ``batch`` (:mod:`thresholdkit.batch.engine`)
both build their warnings here, so a batch record carries exactly the warnings ``assess``
prints for the same case (``tests/test_batch_warnings.py`` holds them together).

Order: the area's notices (a draft plugin, a document past its review date), then a level
raised by an indicator's own words for a narrower case (its escalation), then named
indicators the case's facts contradict, then a practitioner's level below the highest
indicator, then indicators whose domain the document's layout leaves uncertain, then the
indicators above the result about a fact the case gives that print no figure for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from thresholdkit.model.case import FIGURE_CONCEPTS
from thresholdkit.model.errors import NotPublishedError
from thresholdkit.rules.cases import condition_facts, condition_holds

if TYPE_CHECKING:
    from thresholdkit.areas.registry import Area
    from thresholdkit.model.objects import Indicator

__all__ = [
    "area_notices",
    "case_warnings",
    "contradicted",
    "escalated",
    "highest",
    "may_warn",
    "unprinted_figures",
]


def escalated(ind: Indicator, facts: Mapping[str, Any] | None) -> bool:
    """Whether the case's facts meet the narrower case that the indicator's own words put at a
    higher level ("if the child is under 13, this would be Level 4")."""
    esc = ind.escalation
    return bool(esc and facts and all(condition_holds(c, facts) for c in esc["conditions"]))


def highest(matched: Iterable[Indicator], facts: Mapping[str, Any] | None) -> int:
    """The highest level among the matched indicators, each at its escalated level where the
    facts meet its escalation (0 when none matched)."""
    top = 0
    for ind in matched:
        lv = ind.escalation["level"] if ind.escalation and escalated(ind, facts) else ind.level
        top = max(top, lv)
    return top


def unprinted_figures(area: Area) -> dict[str, list[Indicator]]:
    """For each measured fact (:data:`~thresholdkit.model.case.FIGURE_CONCEPTS`), the area's
    indicators about it that print no figure for it, lowest level first."""
    try:
        items = area.indicators()
    except NotPublishedError:  # a document that publishes no indicators has none
        return {}
    out: dict[str, list[Indicator]] = {}
    for fact, concept in FIGURE_CONCEPTS.items():
        found = [
            i
            for i in items
            if concept in i.concepts and not any(fact in condition_facts(c) for c in i.conditions)
        ]
        if found:
            out[fact] = sorted(found, key=lambda i: i.level)
    return out


def area_notices(area: Area) -> list[str]:
    """What every result from the area must say first: a draft plugin, a stale document."""
    return [n for n in (area.draft_notice(), area.review_warning()) if n]


def contradicted(ind: Indicator, facts: Mapping[str, Any]) -> bool:
    """A named indicator whose conditions the case's own facts (all given) do not meet."""
    if not ind.conditions or not facts:
        return False
    needed = set().union(*(condition_facts(c) for c in ind.conditions))
    return needed <= set(facts) and not all(condition_holds(c, facts) for c in ind.conditions)


def may_warn(ind: Indicator) -> bool:
    """Whether naming or matching ``ind`` can ever add a warning (batch's fast path skips the rest)."""
    return bool(ind.domain_uncertain or ind.conditions or ind.escalation)


def case_warnings(
    notices: list[str],
    matched: Iterable[Indicator],
    named: Iterable[Indicator],
    facts: Mapping[str, Any] | None,
    level: int | None,
    top: int,
    final: int = 0,
    unprinted: Mapping[str, list[Indicator]] | None = None,
) -> list[str]:
    """Every warning for one case, in order.

    :param notices: the area's notices (:func:`area_notices`).
    :param matched: the matched indicators, named or found by facts, in the order found.
    :param named: those the case named.
    :param facts: the case's facts (checked), or None.
    :param level: the practitioner's own level, or None.
    :param top: the highest matched level (:func:`highest`: 0 when none matched).
    :param final: the case's level.
    :param unprinted: the area's :func:`unprinted_figures`.
    """
    matched = list(matched)
    named_set = {id(i) for i in named}
    out = list(notices)
    for ind in matched:
        if ind.escalation and escalated(ind, facts):
            esc = ind.escalation
            out.append(
                f"Level {esc['level']}: the document prints '{ind.ref}' at level {ind.level} and says "
                f"\"{esc['text']}\"; the case's facts meet that, so the case is at level {esc['level']}."
            )
    for ind in matched:
        if id(ind) in named_set and facts and contradicted(ind, facts):
            out.append(
                f"'{ind.ref}' was named, but the case's facts do not meet its printed conditions; "
                "it is kept (an assessment never drops a named indicator): check the facts."
            )
    if level is not None and level < top:
        out.append(
            f"The level you gave ({level}) is below the highest matched indicator ({top}); "
            f"level {top} is shown, because an assessment is never below its highest indicator."
        )
    for ind in matched:
        if ind.domain_uncertain:
            out.append(
                f"The document's layout does not show the domain of '{ind.ref}' for certain: {ind.note or ''}".strip()
            )
    if facts and unprinted:
        for fact, items in unprinted.items():
            above = [i for i in items if i.level > final and i not in matched]
            if fact in facts and above:
                out.append(
                    f"The case gives {fact}, but the document prints no figure for these indicators about it "
                    f"above level {final}: " + ", ".join(f"L{i.level} {i.ref}" for i in above) + ". "
                    "thresholdkit cannot tell from a figure whether they apply: read them, and name any that "
                    "does (--indicator)."
                )
    return out
