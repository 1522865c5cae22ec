"""Where the JSON Schemas are: inside the installed package, or the repository's schemas/.

``schemas/`` at the repository root is the single source of truth; the wheel carries a copy
in ``thresholdkit/schemas`` (see pyproject.toml). os.path only: this runs at start-up.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def schema_dir() -> str:
    """The folder holding ``*.schema.json`` (wheel: thresholdkit/schemas; checkout: schemas/)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../thresholdkit
    packaged = os.path.join(package, "schemas")
    if os.path.isfile(os.path.join(packaged, "authority.schema.json")):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "schemas")


def schema_path(name: str) -> str:
    return os.path.join(schema_dir(), f"{name}.schema.json")


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def where(origin: dict[str, Path] | None, path: list[Any]) -> str:
    """'file.yaml: dotted.path[3]' for a problem at ``path`` of merged data."""
    top = str(path[0]) if path else ""
    file = origin.get(top) if origin else None
    dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    prefix = f"{file.name}: " if file is not None else ""
    return f"{prefix}{dotted or '(top level)'}"


def _hint(error: Any) -> str:
    validator = error.validator
    if (validator == "type" and "string" in (error.validator_value or [])) or error.validator_value == "string":
        inst = error.instance
        if isinstance(inst, bool):
            return " (YAML read an unquoted yes/no/on/off as a boolean: quote it)"
        if isinstance(inst, int):
            return " (YAML read an unquoted phone number or time such as 09:00 as a number: quote it)"
        return " (quote it as a string)"
    if validator == "additionalProperties":
        return " (check the spelling against schemas/authority.schema.json)"
    return ""


def check_schema(data: Any, origin: dict[str, Path] | None = None, name: str = "authority") -> list[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema(name))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if error.context:
            # oneOf / anyOf: report the most specific sub-error
            best = min(error.context, key=lambda e: len(list(e.schema_path)))
            message = best.message
        else:
            message = error.message
        message = " ".join(message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        problems.append(f"{where(origin, list(error.absolute_path))}: {message}{_hint(error)}")
    return problems
