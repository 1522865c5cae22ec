"""Where the JSON Schemas are: inside the installed package, or the repository's schemas/.

``schemas/`` at the repository root is the single source of truth; the wheel carries a copy
in ``thresholdkit/schemas`` (see pyproject.toml). os.path only: this runs at start-up.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any


def schema_dir() -> str:
    """The folder holding ``*.schema.json`` (wheel: thresholdkit/schemas; checkout: schemas/)."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "schemas")
    if os.path.isfile(os.path.join(packaged, "authority.schema.json")):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(here)), "schemas")


def schema_path(name: str) -> str:
    return os.path.join(schema_dir(), f"{name}.schema.json")


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data
