"""The hooks an authority plugin implements (contract version 2).

One plugin serves one area. Its entry point in the ``thresholdkit`` group names the area::

    [project.entry-points.thresholdkit]
    north-somerset = "thresholdkit_north_somerset:plugin"

Each area has a pluggy plugin manager of its own that holds only the plugin that registered
it, so a hook is only ever called on that plugin, with ``area`` set to the id it registered.
A plugin never has to ask "is this call mine?", and it cannot answer for another area.

Every hook is ``firstresult``, prefixed ``thresholdkit_`` and optional:

- a **data plugin** implements only :func:`thresholdkit_data_folder`, and thresholdkit reads
  the folder's YAML files (``thresholdkit.areas.dataplugin.DataPlugin`` does this in two lines);
- a **Python plugin** implements the section hooks. Each section hook's result replaces that
  section of the folder's data (when there is a folder), so a plugin can compute one section and
  keep the rest in YAML.

Whatever the source, the assembled data passes the same JSON Schema
(``schemas/authority.schema.json``) and consistency checks before any command shows it, and the
result is remembered by content, so the checks run once per version of the data. A hook that
raises, returns the wrong shape or too much data makes only its own area unavailable.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "thresholdkit"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def thresholdkit_data_folder(area: str) -> str | None:  # type: ignore[empty-body]
    """The folder of the area's YAML data files.

    Called once when the area is first used in a command.

    :param area: the area id this plugin registered (its entry-point name).
    :return: an absolute path to a folder of ``*.yaml`` files whose top-level sections
        (``authority``, ``document``, ``levels``, ``indicator_sets``, ``pathway``, ``emergency``,
        ``contacts``, ``consent`` ...) together make the authority data schema; or ``None`` when the
        plugin gives every section through the other hooks.
    """


@hookspec(firstresult=True)
def thresholdkit_authority(area: str) -> dict[str, Any] | None:  # type: ignore[empty-body]
    """The area's identity, its source document and its four levels.

    Called once when the area is first used in a command.

    :param area: the area id this plugin registered (its entry-point name).
    :return: a mapping with the keys ``authority`` (``id``, which must equal ``area``, ``name``,
        ``partnership``), ``document`` (title, version, date, review-due date, source file ...),
        ``levels`` (the four levels with local names and verbatim definitions), and optionally
        ``guidance``, ``glossary``, ``errata`` and ``schema_version``, as in the authority data schema.
    """


@hookspec(firstresult=True)
def thresholdkit_indicator_sets(area: str) -> list[dict[str, Any]] | None:  # type: ignore[empty-body]
    """The area's named indicator sets (``main`` first), each with its indicator groups.

    Called once when the area is first used in a command.

    :param area: the area id this plugin registered (its entry-point name).
    :return: a list of indicator sets as in the schema's ``indicator_sets``; a set the document
        does not publish has ``published: false`` and quotes what the document says instead.
    """


@hookspec(firstresult=True)
def thresholdkit_pathway(area: str) -> dict[str, Any] | None:  # type: ignore[empty-body]
    """What to do at each level, the procedures (referral, step up, step down, escalation ...)
    and the emergency route.

    Called once when the area is first used in a command.

    :param area: the area id this plugin registered (its entry-point name).
    :return: ``{"levels": [...], "procedures": [...], "emergency": {...}}`` as in the schema's
        ``pathway`` and ``emergency``.
    """


@hookspec(firstresult=True)
def thresholdkit_contacts(area: str) -> list[dict[str, Any]] | None:  # type: ignore[empty-body]
    """The area's contacts: names, roles, phone numbers (strings, as printed), emails, web
    addresses and opening hours.

    Called once when the area is first used in a command.

    :param area: the area id this plugin registered (its entry-point name).
    :return: a list of contacts as in the schema's ``contacts``.
    """


@hookspec(firstresult=True)
def thresholdkit_consent_rules(area: str) -> dict[str, Any] | None:  # type: ignore[empty-body]
    """The area's consent and information-sharing rules, each a structured condition and
    outcome with its verbatim wording.

    Called once when the area is first used in a command.

    :param area: the area id this plugin registered (its entry-point name).
    :return: ``{"rules": [...], "notes": [...]}`` as in the schema's ``consent``.
    """


#: The section hooks, each with the top-level data sections its result fills.
SECTIONS: dict[str, tuple[str, ...]] = {
    "thresholdkit_authority": ("authority", "document", "levels", "guidance", "glossary", "errata", "schema_version"),
    "thresholdkit_indicator_sets": ("indicator_sets",),
    "thresholdkit_pathway": ("pathway", "emergency"),
    "thresholdkit_contacts": ("contacts",),
    "thresholdkit_consent_rules": ("consent",),
}


class MarkedDataFolder:
    """The marker :class:`~thresholdkit.areas.dataplugin.DataPlugin`'s hook would carry: the plugin
    manager reads its options from here, so that a data plugin's import needs no pluggy."""

    @hookimpl
    def thresholdkit_data_folder(self, area: str) -> str | None:  # pragma: no cover - never called
        raise NotImplementedError
