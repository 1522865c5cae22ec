"""Data loading and checking: safe YAML, the JSON Schemas, the shared vocabulary, the checks
every authority's data must pass, and the content-keyed cache of checked data.

Imports only :mod:`thresholdkit.model`.
"""
