"""Filtering indicators by level, domain and text."""

from __future__ import annotations

from collections.abc import Iterable

from thresholdkit.model.errors import UsageError, did_you_mean
from thresholdkit.model.objects import DOMAINS, Indicator

_ALIASES = {
    "child": "developmental",
    "developmental-needs": "developmental",
    "parent": "parenting",
    "parental-capacity": "parenting",
    "family": "family_environment",
    "family-environment": "family_environment",
    "environment": "family_environment",
}


def filter_indicators(
    items: Iterable[Indicator],
    level: int | None = None,
    domain: str | None = None,
    search: str | None = None,
    concept: str | None = None,
) -> list[Indicator]:
    """The indicators at ``level``, in ``domain``, tagged with ``concept``, and matching ``search``
    (in practitioners' words, ranked: :mod:`thresholdkit.rules.search`)."""
    out = list(items)
    if concept:
        from thresholdkit.data import vocabulary

        key = concept.strip().lower()
        if key not in vocabulary.concepts():
            raise UsageError(f"unknown concept '{concept}'{vocabulary.suggest(key)}; see 'thresholdkit concepts'")
        out = [i for i in out if key in i.concepts]
    if level is not None:
        out = [i for i in out if i.level == level]
    if domain:
        key = domain.strip().lower().replace(" ", "_")
        key = _ALIASES.get(key.replace("_", "-"), key)
        if key in DOMAINS:
            out = [i for i in out if i.domain == key]
        else:
            wanted = domain.strip().lower()
            labels = {i.domain_label for i in out} | {i.subdomain for i in out if i.subdomain}
            picked = [i for i in out if wanted in i.domain_label.lower() or wanted in (i.subdomain or "").lower()]
            if not picked:
                raise UsageError(
                    f"unknown domain '{domain}'{did_you_mean(domain, [*DOMAINS, *labels])}; "
                    f"use one of {', '.join(DOMAINS)} or a label the document uses"
                )
            out = picked
    if search:
        from thresholdkit.rules.search import search_indicators

        out = search_indicators(out, search)
    return out
