"""The documents of the lookup commands, as the library gives them: what ``thresholdkit pathway``,
``consent`` and ``about`` print with ``--format json`` (the command line only renders them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from thresholdkit.areas.registry import Area
from thresholdkit.model.objects import CONSENT_DISCLAIMER, TOP_LEVEL
from thresholdkit.rules.assess import emergency_route
from thresholdkit.rules.consent import evaluate
from thresholdkit.rules.contacts import (
    DIRECT_LINE_OF_POST,
    direct_line_note,
    is_direct_line_of_post,
    service_lines_first,
)

if TYPE_CHECKING:
    from thresholdkit.model.objects import AboutDocument, ConsentDocument, PathwayDocument

C = TypeVar("C", bound=Mapping[str, Any])

__all__ = [
    "DIRECT_LINE_OF_POST",
    "about_document",
    "consent_document",
    "direct_line_note",
    "is_direct_line_of_post",
    "pathway_document",
    "service_lines_first",
]


def pathway_document(area: Area, level: int | None = None) -> PathwayDocument:
    """What to do at each level (or at ``level`` only): every level's pathway (response, lead,
    steps, forms, timescales, contact ids), the procedures that apply (all, or those for
    ``level``), and the emergency route. A level outside 1-4 is an error.

    Where the top level (4) is shown (``level`` 4 or None), ``emergency_route`` comes first (None
    for levels 1-3): the same resolved route that ``assess`` gives at level 4 (999 first, once, then the referral
    lines; see :func:`thresholdkit.rules.assess.emergency_route`). ``emergency`` is the route as
    the data holds it (contact ids)."""
    if level is not None:
        area.level(level)  # UsageError for a level that is not 1-4
    pw = area.pathway()
    route = emergency_route(area) if level is None or level == TOP_LEVEL else None
    return cast(
        "PathwayDocument",
        {
            "area": area.id,
            "emergency_route": route,
            "levels": [lp for lp in pw["levels"] if level is None or lp["level"] == level],
            "procedures": area.procedures(level),
            "emergency": pw["emergency"],
        },
    )


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
