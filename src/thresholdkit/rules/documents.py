"""The documents of the lookup commands, as the library gives them: what ``thresholdkit pathway``,
``consent`` and ``about`` print with ``--format json`` (the command line only renders them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from thresholdkit.areas.registry import Area
from thresholdkit.model.objects import CONSENT_DISCLAIMER
from thresholdkit.rules.consent import evaluate

if TYPE_CHECKING:
    from thresholdkit.model.objects import AboutDocument, ConsentDocument, PathwayDocument

__all__ = ["about_document", "consent_document", "pathway_document"]


def pathway_document(area: Area, level: int | None = None) -> PathwayDocument:
    """What to do at each level (or at ``level`` only): every level's pathway (response, lead,
    steps, forms, timescales, contact ids), the procedures that apply (all, or those for
    ``level``), and the emergency route. A level outside 1-4 is an error."""
    if level is not None:
        area.level(level)  # UsageError for a level that is not 1-4
    pw = area.pathway()
    return {
        "area": area.id,
        "levels": [lp for lp in pw["levels"] if level is None or lp["level"] == level],
        "procedures": area.procedures(level),
        "emergency": pw["emergency"],
    }


def consent_document(
    area: Area,
    level: int | None,
    purpose: str | None = None,
    consent: str | None = None,
    risk_if_sought: bool | None = None,
) -> ConsentDocument:
    """Consent guidance for a situation (:func:`thresholdkit.rules.consent.evaluate` on the
    area's rules), with the ``area`` id and the ``disclaimer``. ``purpose`` and ``consent``
    take either spelling (``early-help`` or ``early_help``); unknown ones are errors."""
    advice = evaluate(
        area.consent_rules(), level=level, purpose=purpose, consent=consent, risk_if_sought=risk_if_sought
    )
    return {"area": area.id, **advice, "disclaimer": CONSENT_DISCLAIMER}


def about_document(area: Area) -> AboutDocument:
    """The source document: the authority, title, version, dates, review status (``review_warning``,
    None when current), change log, errata and data notes, and the plugin that serves it."""
    auth = area.authority
    return {
        "area": area.id,
        "authority": auth["authority"],
        "document": area.document,
        "review_warning": area.review_warning(),
        "errata": auth.get("errata", []),
        "plugin": {"distribution": area.record.dist, "version": area.record.version},
    }
