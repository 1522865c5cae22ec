"""The hooks an authority plugin implements.

Every hook is prefixed ``thresholdkit_`` and marked with the ``thresholdkit`` project name.
A plugin serves one area (its entry-point name in the ``thresholdkit`` group is the area id).
The per-area hooks take ``area`` and are ``firstresult``: a plugin answers for its own area and
returns ``None`` for any other, so a Python plugin can override one hook of a data plugin by
registering an implementation marked ``tryfirst=True``.

A data-only plugin implements none of these by hand: :class:`thresholdkit.areas.dataplugin.DataPlugin`
implements them all from the plugin's YAML data folder. Hook results are plain JSON-like data in
the shapes that ``schemas/authority.schema.json`` defines.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "thresholdkit"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def thresholdkit_authority() -> dict[str, Any]:  # type: ignore[empty-body]
    """Identify the plugin's area and its source document.

    Called once for each loaded plugin when the registry lists areas (``thresholdkit areas``,
    ``plugins``, ``compare``), and before any per-area hook of that plugin.

    :return: a mapping with the keys ``authority`` (``id``, ``name``, ``partnership``),
        ``document`` (title, version, date, review-due date, source file ...), ``levels``
        (the four levels with local names and verbatim definitions), ``guidance``,
        ``glossary`` and ``errata``, as in the authority data schema.
    """


@hookspec(firstresult=True)
def thresholdkit_indicator_sets(area: str) -> list[dict[str, Any]] | None:  # type: ignore[empty-body]
    """The area's named indicator sets (``main`` first), each with its indicator groups.

    Called when a command needs indicators (``indicators``, ``assess``, ``compare``).

    :param area: the area id asked for; return ``None`` when it is not this plugin's.
    :return: a list of indicator sets as in the schema's ``indicator_sets``; a set the document
        does not publish has ``published: false`` and says where it is published.
    """


@hookspec(firstresult=True)
def thresholdkit_pathway(area: str) -> dict[str, Any] | None:  # type: ignore[empty-body]
    """What to do at each level, the procedures (referral, step up, step down, escalation ...)
    and the emergency route.

    Called by ``pathway``, ``assess`` and ``compare pathway``.

    :param area: the area id asked for; return ``None`` when it is not this plugin's.
    :return: ``{"levels": [...], "procedures": [...], "emergency": {...}}`` as in the schema's
        ``pathway`` and ``emergency``.
    """


@hookspec(firstresult=True)
def thresholdkit_contacts(area: str) -> list[dict[str, Any]] | None:  # type: ignore[empty-body]
    """The area's contacts: names, roles, phone numbers (strings, as printed), emails, web
    addresses and opening hours.

    Called by ``contacts``, ``assess`` and ``pathway``.

    :param area: the area id asked for; return ``None`` when it is not this plugin's.
    :return: a list of contacts as in the schema's ``contacts``.
    """


@hookspec(firstresult=True)
def thresholdkit_consent_rules(area: str) -> dict[str, Any] | None:  # type: ignore[empty-body]
    """The area's consent and information-sharing rules, each a structured condition and
    outcome with its verbatim wording.

    Called by ``consent`` and ``assess``.

    :param area: the area id asked for; return ``None`` when it is not this plugin's.
    :return: ``{"rules": [...], "notes": [...]}`` as in the schema's ``consent``.
    """
