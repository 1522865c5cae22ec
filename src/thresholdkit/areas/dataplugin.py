"""The data plugin: an area served from a folder of YAML files, with no code of its own.

A plugin package needs two lines::

    from thresholdkit.areas.dataplugin import DataPlugin
    plugin = DataPlugin(__file__)

and the entry point ``AREA = "package_name:plugin"`` in the ``thresholdkit`` group. It implements
one hook, :func:`~thresholdkit.areas.hookspecs.thresholdkit_data_folder`; thresholdkit reads and
checks the folder (``data`` beside the module) when the area is first used, never at import.

Its one hook needs no marker: thresholdkit's plugin manager recognises this class's own
``thresholdkit_data_folder`` (:func:`thresholdkit.areas.discovery.new_manager`). So importing a
data plugin does not import pluggy, and an area served by exactly this class (not a subclass,
which may add hooks) is read without building a plugin manager at all: the hook's answer is the
folder this object holds. ``THRESHOLDKIT_TRACE`` still shows the call, through pluggy.
"""

from __future__ import annotations

import os
from typing import Any


class DataPlugin:
    """Serves the area it is registered for from a folder of YAML files."""

    def __init__(self, module_file: str, folder: str = "data") -> None:
        self.folder = os.path.join(os.path.dirname(os.path.abspath(module_file)), folder)

    def __repr__(self) -> str:
        return f"DataPlugin({self.folder!r})"

    def thresholdkit_data_folder(self, area: str) -> str:
        return self.folder


def builtin_hook(plugin: Any) -> bool:
    """Whether ``plugin``'s ``thresholdkit_data_folder`` is :class:`DataPlugin`'s own (an instance,
    or a subclass's that does not replace that method): the plugin manager registers it as a hook."""
    return isinstance(plugin, DataPlugin) and getattr(type(plugin), "thresholdkit_data_folder", None) is (
        DataPlugin.thresholdkit_data_folder
    )


def known_folder(plugin: Any) -> str | None:
    """The data folder of a plugin that is exactly a :class:`DataPlugin` (its one hook is known, so
    no plugin manager is needed to ask it); None for any other plugin, which goes through pluggy."""
    return plugin.folder if type(plugin) is DataPlugin else None
