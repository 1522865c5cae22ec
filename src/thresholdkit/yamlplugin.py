"""The generic, YAML-backed implementation of every hook, for data-only plugins.

A plugin package needs two lines::

    from thresholdkit.yamlplugin import DataPlugin
    plugin = DataPlugin(__file__)

and the entry point ``AREA = "package_name:plugin"`` in the ``thresholdkit`` group. Data is read
from the ``data`` folder beside the module on first use, never at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thresholdkit.hookspecs import hookimpl

AUTHORITY_KEYS = ("authority", "document", "levels", "guidance", "glossary", "errata")


class DataPlugin:
    """Implements the thresholdkit hooks from a folder of YAML files."""

    def __init__(self, module_file: str, folder: str = "data") -> None:
        self.data_dir = Path(module_file).resolve().parent / folder
        self._data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            from thresholdkit.datafiles import load_checked

            self._data = load_checked(self.data_dir)
        return self._data

    @property
    def area(self) -> str:
        return str(self.data["authority"]["id"])

    def _mine(self, area: str) -> bool:
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
