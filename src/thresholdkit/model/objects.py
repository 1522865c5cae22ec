"""The library's public objects.

- :class:`Indicator` and :class:`Assessment`: slotted plain classes, each with ``to_dict()``
  matching the JSON Schemas (no dataclass compile at start-up).
- The mappings the library returns, as ``typing.TypedDict`` classes: :class:`Level`,
  :class:`Contact` (with :class:`Phone`, :class:`Hours`), :class:`LevelPathway`,
  :class:`Procedure` (with :class:`Step`, :class:`Timescale`), :class:`EmergencyRoute`,
  :class:`ConsentRules` and :class:`ConsentRule`, :class:`IndicatorSet`, :class:`Source`, and
  the documents of the lookup commands, and a case's :class:`Case` and :class:`Facts` (whose
  fields are defined in :mod:`thresholdkit.model.case`).

The TypedDict classes are defined in :mod:`thresholdkit.model.shapes` and exported here. That
module is imported only when one of its names is used at run time: annotations name them under
``TYPE_CHECKING`` (with ``from __future__ import annotations``), so that importing this module,
which every command does, creates none of them. ``from thresholdkit.model.objects import Level``
works as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thresholdkit.model.shapes import (
        AboutDocument,
        AssessedPathway,
        AssessmentDocument,
        Authority,
        Basis,
        CallLine,
        Case,
        Condition,
        ConsentAdvice,
        ConsentDocument,
        ConsentExceptions,
        ConsentQuote,
        ConsentRule,
        ConsentRules,
        ConsentState,
        ConsentWhen,
        Contact,
        ContactSelection,
        ContactStatus,
        Day,
        Decision,
        Document,
        Domain,
        Emergency,
        EmergencyRoute,
        Erratum,
        Escalation,
        FactName,
        Facts,
        Form,
        Guidance,
        GuidanceKind,
        Hours,
        IndicatorEntry,
        IndicatorGroup,
        IndicatorSet,
        Level,
        LevelDetail,
        LevelPathway,
        Note,
        Op,
        OpeningAdvice,
        Pathway,
        PathwayDocument,
        Phone,
        PhoneOption,
        PluginInfo,
        Procedure,
        ProcedureKind,
        Purpose,
        Quote,
        Role,
        Source,
        Step,
        Timescale,
        Unit,
        Window,
    )

__all__ = [
    "CONSENT_DISCLAIMER",
    "DISCLAIMER",
    "DOMAINS",
    "LEVEL_COLOURS",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "SHAPES",
    "TOP_LEVEL",
    "AboutDocument",
    "AssessedPathway",
    "Assessment",
    "AssessmentDocument",
    "Authority",
    "Basis",
    "CallLine",
    "Case",
    "Condition",
    "ConsentAdvice",
    "ConsentDocument",
    "ConsentExceptions",
    "ConsentQuote",
    "ConsentRule",
    "ConsentRules",
    "ConsentState",
    "ConsentWhen",
    "Contact",
    "ContactSelection",
    "ContactStatus",
    "Day",
    "Decision",
    "Document",
    "Domain",
    "Emergency",
    "EmergencyRoute",
    "Erratum",
    "Escalation",
    "FactName",
    "Facts",
    "Form",
    "Guidance",
    "GuidanceKind",
    "Hours",
    "Indicator",
    "IndicatorEntry",
    "IndicatorGroup",
    "IndicatorSet",
    "Level",
    "LevelDetail",
    "LevelPathway",
    "Note",
    "Op",
    "OpeningAdvice",
    "Pathway",
    "PathwayDocument",
    "Phone",
    "PhoneOption",
    "PluginInfo",
    "Procedure",
    "ProcedureKind",
    "Purpose",
    "Quote",
    "Role",
    "Source",
    "Step",
    "Timescale",
    "Unit",
    "Window",
    "source_text",
]

#: The names this module exports from :mod:`thresholdkit.model.shapes` (loaded on first use).
SHAPES = frozenset(__all__) - {
    "CONSENT_DISCLAIMER",
    "DISCLAIMER",
    "DOMAINS",
    "LEVEL_COLOURS",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "SHAPES",
    "TOP_LEVEL",
    "Assessment",
    "Indicator",
    "source_text",
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """The TypedDict classes, imported from :mod:`thresholdkit.model.shapes` on first use."""
        if name in SHAPES:
            from thresholdkit.model import shapes

            value = getattr(shapes, name)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DOMAINS = {
    "developmental": "Child's developmental needs",
    "parenting": "Parenting capacity",
    "family_environment": "Family and environmental factors",
}

#: Level colours for HTML output; dark text (#1a1a1a) passes WCAG AA on each, and levels are
#: always written as text too.
LEVEL_COLOURS = {1: "#d9f0d3", 2: "#fff2b3", 3: "#ffd8a8", 4: "#f8c4c4"}

DISCLAIMER = (
    "thresholdkit supports, and never replaces, professional judgement. It shows what the "
    "area's published guidance says; discuss concerns with your manager or safeguarding lead, "
    "and if a child is in immediate danger call 999."
)

#: The disclaimer of a consent document (``thresholdkit consent``).
CONSENT_DISCLAIMER = "This supports, and does not replace, professional judgement."

#: The lowest and the highest level of need.
LEVEL_MIN, LEVEL_MAX = 1, 4
#: The top level of need (4): where an assessment leads with the emergency route.
TOP_LEVEL = LEVEL_MAX


def source_text(source: Source | None) -> str:
    """A source reference as one line: 'Section 9, Identifying Need table, ...'."""
    if not source:
        return ""
    parts = (source.get("section"), source.get("table"), source.get("heading"), source.get("page"))
    return ", ".join(p for p in parts if p)


class Indicator:
    """One indicator of need, from the document's table of indicators (``Area.indicators()``).

    - ``id``: stable slug, unique in the area; it does not encode the level.
    - ``level``: the level (1-4) the document places it at.
    - ``domain``: the Assessment Framework domain (``developmental``, ``parenting``,
      ``family_environment``); ``domain_label`` and ``subdomain``: the document's own headings.
    - ``text``: verbatim; ``source``: where it stands (a :class:`Source`).
    - ``set``: the indicator set (``main``, or a named tool such as Telford's ``exploitation``).
    - ``domain_uncertain`` and ``note``: the layout does not settle the domain, and why.
    - ``conditions`` and ``condition_use``: printed thresholds as checkable conditions on a
      case's facts (``sufficient``: facts alone match it; ``qualifies``: only when named).
    - ``concepts`` and ``dimensions``: tags from the shared vocabulary.
    - ``see_set``: the set the document's text points to ("refer to CE section"), or None.
    - ``escalation``: a higher level its own words print for a narrower case, with the
      conditions on a case's facts (:class:`Escalation`), or None.
    - ``ref`` (a property): ``id`` in the main set, ``set/id`` in any other; how output and
      case files name it. A bare id names an indicator only while it is in one set alone.

    A plain slotted class: no dataclass compile at start-up.
    """

    __slots__ = (
        "concepts",
        "condition_use",
        "conditions",
        "dimensions",
        "domain",
        "domain_label",
        "domain_uncertain",
        "escalation",
        "id",
        "level",
        "note",
        "see_set",
        "set",
        "source",
        "subdomain",
        "text",
    )

    def __init__(
        self,
        id: str,
        level: int,
        domain: str,
        domain_label: str,
        text: str,
        source: Source,
        set: str = "main",
        subdomain: str | None = None,
        domain_uncertain: bool = False,
        note: str | None = None,
        conditions: tuple[Condition, ...] = (),
        concepts: tuple[str, ...] = (),
        condition_use: str = "sufficient",
        dimensions: tuple[str, ...] = (),
        see_set: str | None = None,
        escalation: Escalation | None = None,
    ) -> None:
        self.id, self.level, self.domain, self.domain_label = id, level, domain, domain_label
        self.text, self.source, self.set, self.subdomain = text, source, set, subdomain
        self.domain_uncertain, self.note, self.conditions, self.concepts = domain_uncertain, note, conditions, concepts
        self.condition_use = condition_use
        self.dimensions = dimensions
        self.see_set = see_set
        self.escalation = escalation

    def __repr__(self) -> str:
        return f"Indicator({self.id!r}, level={self.level})"

    @property
    def ref(self) -> str:
        """How output names the indicator: its id in the main set, ``set/id`` in any other."""
        return self.id if self.set == "main" else f"{self.set}/{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ref": self.ref,
            "level": self.level,
            "domain": self.domain,
            "domain_label": self.domain_label,
            "subdomain": self.subdomain,
            "text": self.text,
            "source": dict(self.source),
            "set": self.set,
            "domain_uncertain": self.domain_uncertain,
            "note": self.note,
            "conditions": [dict(c) for c in self.conditions],
            "condition_use": self.condition_use if self.conditions else None,
            "concepts": list(self.concepts),
            "dimensions": list(self.dimensions),
            "see_set": self.see_set,
            "escalation": dict(self.escalation) if self.escalation else None,
        }


class Assessment:
    """The result of assessing one case (:func:`thresholdkit.rules.assess.assess`).

    - ``area``, ``area_name``: what was assessed against; ``set``: the one indicator set the
      case was limited to, or None for every published set (each indicator names its own).
    - ``level`` (1-4), ``level_name`` (the local name), ``level_label`` (the heading as
      printed): the highest level among the matched indicators, or the practitioner's own
      level when that is higher; ``basis`` says which (``indicators`` or
      ``practitioner_level``), ``practitioner_level`` what the practitioner gave.
    - ``indicators``: the matched :class:`Indicator` objects, highest level first.
    - ``emergency``: at the top level, the :class:`Emergency` route (999 first, then the
      referral line); None below it.
    - ``pathway``: the level's :class:`AssessedPathway` (with its procedures); ``contacts``:
      the :class:`Contact` entries to use; ``consent``: the :class:`ConsentRule` entries that
      apply at the level; ``guidance``: the document's words on deciding.
    - ``see``: where a matched indicator's text points to another set ("refer to CE
      section"): ``{"from", "set", "title", "command"}`` for each, once per set.
    - ``warnings``: sentences to show; ``disclaimer``; ``document`` and ``versions``: what the
      result is based on.

    A plain class: no dataclass compile at start-up. ``to_dict()`` matches
    ``schemas/assessment.schema.json``.
    """

    def __init__(
        self,
        *,
        area: str,
        area_name: str,
        set: str | None,
        level: int,
        level_name: str,
        level_label: str,
        basis: Basis,
        indicators: list[Indicator],
        emergency: Emergency | None,
        pathway: AssessedPathway,
        contacts: list[Contact],
        consent: list[ConsentRule],
        guidance: list[Guidance],
        document: AssessmentDocument,
        versions: dict[str, str | None],
        warnings: list[str] | None = None,
        practitioner_level: int | None = None,
        disclaimer: str = DISCLAIMER,
        see: list[dict[str, str]] | None = None,
    ) -> None:
        self.area, self.area_name, self.set, self.level = area, area_name, set, level
        self.level_name, self.level_label, self.basis, self.indicators = level_name, level_label, basis, indicators
        self.emergency, self.pathway, self.contacts, self.consent = emergency, pathway, contacts, consent
        self.guidance, self.document, self.versions = guidance, document, versions
        self.warnings = warnings if warnings is not None else []
        self.practitioner_level, self.disclaimer = practitioner_level, disclaimer
        self.see = see if see is not None else []
        #: Which line to call at a moment (``assess --at/--now``), else None.
        self.call_now: OpeningAdvice | None = None

    def __repr__(self) -> str:
        return f"Assessment({self.area!r}, level={self.level})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "area_name": self.area_name,
            "set": self.set,
            "level": self.level,
            "level_name": self.level_name,
            "level_label": self.level_label,
            "basis": self.basis,
            "practitioner_level": self.practitioner_level,
            "emergency": self.emergency,
            "indicators": [i.to_dict() for i in self.indicators],
            "pathway": self.pathway,
            "contacts": self.contacts,
            "consent": self.consent,
            "guidance": self.guidance,
            "warnings": self.warnings,
            "see": self.see,
            "disclaimer": self.disclaimer,
            "document": self.document,
            "versions": self.versions,
            "call_now": self.call_now,
        }
