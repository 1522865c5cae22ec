"""The public Python API: everything the CLI does, with the same shapes.

    >>> from thresholdkit import api
    >>> tk = api.load()
    >>> area = tk.area("coventry")
    >>> api.assess(area, ["private-fostering"]).level
    4

Objects: :class:`Registry` (the loaded plugins), :class:`Area` (one authority's data),
:class:`Indicator` and :class:`Assessment` (each with ``to_dict()`` matching the JSON Schemas),
:class:`Case` (a checked case), and :class:`BatchResult` for :func:`assess_records`. Levels,
contacts, pathways, procedures and consent rules are plain mappings typed as
``typing.TypedDict`` classes (:class:`Level`, :class:`Contact`, :class:`LevelPathway`,
:class:`Procedure`, :class:`ConsentRules`, :class:`ConsentRule`, :class:`EmergencyRoute` ...),
in the shapes of ``schemas/authority.schema.json``. :func:`pathway_document`,
:func:`consent_document` and :func:`about_document` give exactly what ``thresholdkit pathway``,
``consent`` and ``about`` print with ``--format json``; :func:`merge_case` applies the rules
``thresholdkit assess`` uses to combine a case file with options. See docs/api.md.
"""

from __future__ import annotations

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.batch.engine import BatchResult, assess_records
from thresholdkit.model.case import Case, Facts, check_case
from thresholdkit.model.errors import NotPublishedError, ThresholdkitError, UsageError
from thresholdkit.model.objects import (
    AboutDocument,
    Assessment,
    ConsentAdvice,
    ConsentDocument,
    ConsentRule,
    ConsentRules,
    Contact,
    EmergencyRoute,
    Indicator,
    IndicatorSet,
    Level,
    LevelPathway,
    PathwayDocument,
    Procedure,
    Source,
)
from thresholdkit.rules.assess import assess, assess_case
from thresholdkit.rules.caseinput import merge_case
from thresholdkit.rules.cases import read_case_file
from thresholdkit.rules.compare import compare_concept, compare_levels, matrix, nearest
from thresholdkit.rules.consent import evaluate as consent
from thresholdkit.rules.contacts import contacts_at
from thresholdkit.rules.documents import about_document, consent_document, pathway_document
from thresholdkit.rules.level import final_level


def load() -> Registry:
    """Discover and load the installed authority plugins (honours ``THRESHOLDKIT_PLUGINS``)."""
    return Registry.load()


__all__ = [
    "AboutDocument",
    "Area",
    "Assessment",
    "BatchResult",
    "Case",
    "ConsentAdvice",
    "ConsentDocument",
    "ConsentRule",
    "ConsentRules",
    "Contact",
    "EmergencyRoute",
    "Facts",
    "Indicator",
    "IndicatorSet",
    "Level",
    "LevelPathway",
    "NotPublishedError",
    "PathwayDocument",
    "Procedure",
    "Registry",
    "Source",
    "ThresholdkitError",
    "UsageError",
    "about_document",
    "assess",
    "assess_case",
    "assess_records",
    "check_case",
    "compare_concept",
    "compare_levels",
    "consent",
    "consent_document",
    "contacts_at",
    "final_level",
    "load",
    "matrix",
    "merge_case",
    "nearest",
    "pathway_document",
    "read_case_file",
]
