"""The data plugin: an area served from a folder of YAML files, with no code of its own.

A plugin package needs two lines::

    from thresholdkit.areas.dataplugin import DataPlugin
    plugin = DataPlugin(__file__)

and the entry point ``AREA = "package_name:plugin"`` in the ``thresholdkit`` group. It implements
one hook, :func:`~thresholdkit.areas.hookspecs.thresholdkit_data_folder`; thresholdkit reads and
checks the folder (``data`` beside the module) when the area is first used, never at import.
"""

from __future__ import annotations

import os

from thresholdkit.areas.hookspecs import hookimpl


class DataPlugin:
    """Serves the area it is registered for from a folder of YAML files."""

    def __init__(self, module_file: str, folder: str = "data") -> None:
        self.folder = os.path.join(os.path.dirname(os.path.abspath(module_file)), folder)

    def __repr__(self) -> str:
        return f"DataPlugin({self.folder!r})"

    @hookimpl
    def thresholdkit_data_folder(self, area: str) -> str:
        return self.folder
