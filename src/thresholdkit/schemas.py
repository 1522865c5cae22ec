"""Where the JSON Schemas are: inside the installed package, or the repository's schemas/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

NAMES = ("authority", "case", "assessment")


def schema_dir() -> Path:
    """The folder holding ``*.schema.json`` (wheel: thresholdkit/schemas; checkout: schemas/)."""
    here = Path(__file__).resolve().parent
    packaged = here / "schemas"
    if (packaged / "authority.schema.json").is_file():
        return packaged
    return here.parent.parent / "schemas"


def schema_path(name: str) -> Path:
    return schema_dir() / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data
