"""Authoring: the plugin scaffold, the validator, the conformance kit and its pytest plugin,
and the diff between two versions of an area's data.

Imports any layer below the CLI.
"""
