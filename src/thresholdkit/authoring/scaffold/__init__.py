"""``thresholdkit plugin new``: scaffold an authority plugin package like the bundled five."""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

from thresholdkit.model.errors import UsageError

HERE = Path(__file__).resolve().parent
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "init.py.tmpl": "src/thresholdkit_{package}/__init__.py",
    "data/authority.yaml.tmpl": "src/thresholdkit_{package}/data/authority.yaml",
    "data/indicators.yaml.tmpl": "src/thresholdkit_{package}/data/indicators.yaml",
    "data/pathway.yaml.tmpl": "src/thresholdkit_{package}/data/pathway.yaml",
    "data/contacts.yaml.tmpl": "src/thresholdkit_{package}/data/contacts.yaml",
    "data/consent.yaml.tmpl": "src/thresholdkit_{package}/data/consent.yaml",
    "test.py.tmpl": "tests/test_{package}.py",
}


def create(name: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Write a new plugin package for area ``name`` into ``path`` (default ./NAME); return its folder."""
    area = name.strip().lower()
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", area):
        raise UsageError(f"area name '{name}' must be lowercase letters, digits and hyphens, e.g. 'north-somerset'")
    target = Path(path) if path is not None else Path.cwd() / area
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"'{target}' already exists and is not empty; choose another --path")
    values = {"area": area, "package": area.replace("-", "_"), "title": area.replace("-", " ").title()}
    for template, rel in FILES.items():
        text = string.Template((HERE / template).read_text(encoding="utf-8")).substitute(values)
        out = target / rel.format(**values)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return target
