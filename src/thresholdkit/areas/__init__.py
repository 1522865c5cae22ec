"""Areas and plugins: the hook specifications, plugin discovery, the registry that dispatches
each area to the one plugin that registered it, and the YAML data plugin.

Imports :mod:`thresholdkit.model` and :mod:`thresholdkit.data`.
"""
