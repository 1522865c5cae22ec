"""The generic, YAML-backed implementation of every hook, for data-only plugins.

A plugin package needs two lines::

    from thresholdkit.areas.dataplugin import DataPlugin
    plugin = DataPlugin(__file__)

and the entry point ``AREA = "package_name:plugin"`` in the ``thresholdkit`` group. Data is read
from the ``data`` folder beside the module on first use, never at import time.
"""

from __future__ import annotations

import os
from typing import Any

from thresholdkit.areas.hookspecs import hookimpl

AUTHORITY_KEYS = ("authority", "document", "levels", "guidance", "glossary", "errata")


class DataPlugin:
    """Implements the thresholdkit hooks from a folder of YAML files."""

    def __init__(self, module_file: str, folder: str = "data") -> None:
        package_dir = os.path.dirname(os.path.abspath(module_file))
        self.data_dir = os.path.join(package_dir, folder)
        self._data: dict[str, Any] | None = None
        # A package named thresholdkit_<area> answers only for <area> without reading its data,
        # so that asking one area never loads every plugin's data.
        name = os.path.basename(package_dir)
        self._area_hint = name[len("thresholdkit_") :] if name.startswith("thresholdkit_") else None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            from thresholdkit.data.loader import load_checked

            self._data = load_checked(self.data_dir)
        return self._data

    @property
    def area(self) -> str:
        return str(self.data["authority"]["id"])

    def _mine(self, area: str) -> bool:
        if self._data is None and self._area_hint is not None and area != self._area_hint:
            return False
        return area == self.area

    @hookimpl
    def thresholdkit_authority(self) -> dict[str, Any]:
        return {k: self.data.get(k, []) for k in AUTHORITY_KEYS}

    @hookimpl
    def thresholdkit_indicator_sets(self, area: str) -> list[dict[str, Any]] | None:
        return self.data["indicator_sets"] if self._mine(area) else None

    @hookimpl
    def thresholdkit_pathway(self, area: str) -> dict[str, Any] | None:
        if not self._mine(area):
            return None
        return {
            "levels": self.data["pathway"]["levels"],
            "procedures": self.data["pathway"].get("procedures", []),
            "emergency": self.data["emergency"],
        }

    @hookimpl
    def thresholdkit_contacts(self, area: str) -> list[dict[str, Any]] | None:
        return self.data["contacts"] if self._mine(area) else None

    @hookimpl
    def thresholdkit_consent_rules(self, area: str) -> dict[str, Any] | None:
        return self.data["consent"] if self._mine(area) else None
