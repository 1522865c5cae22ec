"""``thresholdkit plugin new``: scaffold an authority plugin package like the bundled five."""

from __future__ import annotations

import os
import string
from pathlib import Path

from thresholdkit.areas.discovery import discover, dist_key, is_slug
from thresholdkit.model.errors import ThresholdkitError, UsageError

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
    "source/README.md.tmpl": "src/thresholdkit_{package}/source/README.md",
    "test.py.tmpl": "tests/test_{package}.py",
}


#: The longest area id ``plugin new`` takes (it names a folder, a package and its files).
MAX_NAME = 64


def create(name: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Write a new plugin package for area ``name`` into ``path`` (default ./NAME); return its folder.

    Refuses (UsageError) a name that is not a valid area id, an id that an installed plugin
    already serves, and a folder that exists and is not empty.
    """
    area = name.strip().lower()
    if not is_slug(area):
        raise UsageError(f"area name '{name}' must be lowercase letters, digits and hyphens, e.g. 'north-somerset'")
    if len(area) > MAX_NAME:  # it names a folder, a package and files: keep it to what any file system takes
        raise UsageError(f"area name '{area[:20]}...' is {len(area)} characters long; keep it to {MAX_NAME} at most")
    served = [ep for ep in discover() if ep.name == area]
    if served:
        names = " and ".join(f"{dist_key(ep.dist)} {ep.version}" if ep.version else dist_key(ep.dist) for ep in served)
        plugins = "plugin" if len(served) == 1 else "plugins"
        raise UsageError(f"area '{area}' is already served by the installed {plugins} {names}; choose another id")
    target = Path(path) if path is not None else Path.cwd() / area
    if target.exists() and not target.is_dir():
        raise UsageError(f"'{target}' is not a folder; give --path a new or empty folder")
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"'{target}' already exists and is not empty; choose another --path")
    values = {"area": area, "package": area.replace("-", "_"), "title": area.replace("-", " ").title()}
    try:
        for template, rel in FILES.items():
            text = string.Template((HERE / template).read_text(encoding="utf-8")).substitute(values)
            out = target / rel.format(**values)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    except OSError as exc:
        where = exc.filename or target
        raise ThresholdkitError(f"could not write the plugin package at '{where}' ({exc.strerror or exc})") from None
    return target
