"""The public Python API: everything the CLI does, as plain data objects.

    >>> from thresholdkit import api
    >>> tk = api.load()
    >>> area = tk.area("coventry")
    >>> api.assess(area, ["private-fostering"]).level
    4

Objects: :class:`Registry` (the loaded plugins), :class:`Area` (one authority's data),
:class:`Indicator` and :class:`Assessment` (each with ``to_dict()`` matching the JSON Schemas),
and :class:`BatchResult` for :func:`assess_records`. Pathways, contacts and consent rules are
plain mappings in the shapes of ``schemas/authority.schema.json``. See docs/api.md.
"""

from __future__ import annotations

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.batch.engine import BatchResult, assess_records
from thresholdkit.model.errors import NotPublishedError, ThresholdkitError, UsageError
from thresholdkit.model.objects import Assessment, Indicator
from thresholdkit.rules.assess import assess
from thresholdkit.rules.compare import compare_concept, compare_levels, matrix, nearest
from thresholdkit.rules.consent import evaluate as consent


def load() -> Registry:
    """Discover and load the installed authority plugins (honours ``THRESHOLDKIT_PLUGINS``)."""
    return Registry.load()


__all__ = [
    "Area",
    "Assessment",
    "BatchResult",
    "Indicator",
    "NotPublishedError",
    "Registry",
    "ThresholdkitError",
    "UsageError",
    "assess",
    "assess_records",
    "compare_concept",
    "compare_levels",
    "consent",
    "load",
    "matrix",
    "nearest",
]
