"""Safe YAML loading with limits: no aliases (no alias bombs), bounded size and depth.

Plugin data and case files never need anchors or aliases, so they are refused outright.
"""

from __future__ import annotations

from typing import Any

from thresholdkit.model.errors import DataError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40


def parse(text: str, *, name: str) -> Any:
    """Parse YAML text safely; raise DataError with a one-line message naming ``name``."""
    import yaml

    if len(text) > MAX_BYTES:
        raise DataError(f"{name}: file is larger than {MAX_BYTES // 1024} KiB; refusing to parse it")
    loader_cls: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        depth = 0
        # Walk the event stream first: refuse aliases and excessive nesting before building.
        for event in yaml.parse(text, Loader=loader_cls):
            if isinstance(event, yaml.AliasEvent):
                raise DataError(f"{name}: YAML aliases (*name) are not allowed in thresholdkit files")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise DataError(f"{name}: YAML nested deeper than {MAX_DEPTH} levels")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {_one_line(exc)}") from None
    try:
        return yaml.load(text, Loader=loader_cls)  # loader_cls is CSafeLoader or SafeLoader
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {_one_line(exc)}") from None


def _one_line(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return " ".join(str(problem).split()) + where
