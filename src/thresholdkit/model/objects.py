"""Plain data objects returned by the library; ``to_dict()`` matches the JSON Schemas."""

from __future__ import annotations

from typing import Any

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


def source_text(source: dict[str, str] | None) -> str:
    """A source reference as one line: 'Section 9, Identifying Need table, ...'."""
    if not source:
        return ""
    return ", ".join(source[k] for k in ("section", "table", "heading", "page") if source.get(k))


class Indicator:
    """One indicator of need. A plain slotted class (no dataclass compile at start-up)."""

    __slots__ = (
        "concepts",
        "condition_use",
        "conditions",
        "dimensions",
        "domain",
        "domain_label",
        "domain_uncertain",
        "id",
        "level",
        "note",
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
        source: dict[str, str],
        set: str = "main",
        subdomain: str | None = None,
        domain_uncertain: bool = False,
        note: str | None = None,
        conditions: tuple[dict[str, Any], ...] = (),
        concepts: tuple[str, ...] = (),
        condition_use: str = "sufficient",
        dimensions: tuple[str, ...] = (),
    ) -> None:
        self.id, self.level, self.domain, self.domain_label = id, level, domain, domain_label
        self.text, self.source, self.set, self.subdomain = text, source, set, subdomain
        self.domain_uncertain, self.note, self.conditions, self.concepts = domain_uncertain, note, conditions, concepts
        self.condition_use = condition_use
        self.dimensions = dimensions

    def __repr__(self) -> str:
        return f"Indicator({self.id!r}, level={self.level})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
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
        }


class Assessment:
    """The result of assessing one case (a plain class: no dataclass compile at start-up)."""

    def __init__(
        self,
        *,
        area: str,
        area_name: str,
        set: str,
        level: int,
        level_name: str,
        level_label: str,
        basis: str,
        indicators: list[Indicator],
        emergency: dict[str, Any] | None,
        pathway: dict[str, Any],
        contacts: list[dict[str, Any]],
        consent: list[dict[str, Any]],
        guidance: list[dict[str, Any]],
        document: dict[str, Any],
        versions: dict[str, str | None],
        warnings: list[str] | None = None,
        practitioner_level: int | None = None,
        disclaimer: str = DISCLAIMER,
    ) -> None:
        self.area, self.area_name, self.set, self.level = area, area_name, set, level
        self.level_name, self.level_label, self.basis, self.indicators = level_name, level_label, basis, indicators
        self.emergency, self.pathway, self.contacts, self.consent = emergency, pathway, contacts, consent
        self.guidance, self.document, self.versions = guidance, document, versions
        self.warnings = warnings if warnings is not None else []
        self.practitioner_level, self.disclaimer = practitioner_level, disclaimer

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
            "disclaimer": self.disclaimer,
            "document": self.document,
            "versions": self.versions,
        }
