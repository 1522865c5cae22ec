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

from typing import Any

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.batch.engine import BatchResult, assess_records
from thresholdkit.model.case import Case, Facts, check_case
from thresholdkit.model.errors import DataError, NotPublishedError, ThresholdkitError, UsageError
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


# --- the rest of the CLI, for data people (each imports what it needs when called) -------


def handout(
    area: Area,
    levels: list[int] | None = None,
    *,
    domain: str | None = None,
    set_id: str | None = None,
    fmt: str = "html",
) -> str:
    """The handout ``thresholdkit handout AREA`` prints, as HTML (``fmt="html"``) or Markdown.

    ``levels`` limits it to some levels, ``domain`` to one domain, ``set_id`` to one indicator
    set. For a PDF, give the HTML to :func:`handout_pdf`.
    """
    from thresholdkit.render import handout as h

    model = h.area_model(area, levels, domain, set_id)
    if fmt == "markdown":
        return h.render_markdown(model)
    if fmt != "html":
        raise UsageError(f"handout format must be html or markdown (got '{fmt}'); for PDF use handout_pdf")
    return h.render_html(model)


def handout_pdf(html: str, path: str, engine: str = "auto") -> None:
    """Print handout HTML to an A4 PDF at ``path``, offline (Chromium or WeasyPrint: ``engine``)."""
    from thresholdkit.render.handout import to_pdf

    to_pdf(html, path, engine)


def build_site(areas: list[Area], out_dir: str) -> list[str]:
    """Write the offline site of ``areas`` into ``out_dir`` (as ``thresholdkit site``); the pages written."""
    from thresholdkit.render.site import build

    return [str(p) for p in build(areas, out_dir)]


def validate(target: str | None = None, sources: str | None = None) -> list[dict[str, Any]]:
    """The reports ``thresholdkit validate [TARGET]`` prints: an area id, a data folder, or
    every installed area; ``sources`` is the folder of the source texts for the verbatim check."""
    from pathlib import Path

    from thresholdkit.authoring.validate import validate_targets

    return validate_targets(target, Path(sources) if sources else None)


def diff(area: Area, old: str) -> list[dict[str, Any]]:
    """What changed from ``old`` (a data folder, or a merged YAML/JSON file) to ``area``'s data
    now, as ``thresholdkit diff`` reports it."""
    from thresholdkit.authoring.diff import current_data, load_old
    from thresholdkit.authoring.diff import diff as changes

    return changes(load_old(old), current_data(area))


def export_sqlite(areas: list[Area], path: str) -> dict[str, Any]:
    """Write the threshold dataset of ``areas`` to one SQLite database at ``path`` (atomically);
    a summary of what it holds (as ``thresholdkit export sqlite``)."""
    from thresholdkit.render.export_sqlite import export

    return export(areas, path)


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
    "DataError",
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
    "build_site",
    "check_case",
    "compare_concept",
    "compare_levels",
    "consent",
    "consent_document",
    "contacts_at",
    "diff",
    "export_sqlite",
    "final_level",
    "handout",
    "handout_pdf",
    "load",
    "matrix",
    "merge_case",
    "nearest",
    "pathway_document",
    "read_case_file",
    "validate",
]
