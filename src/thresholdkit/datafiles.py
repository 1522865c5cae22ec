"""Load an authority's data folder: every ``*.yaml`` file, merged by top-level key.

Parsing YAML and checking it against the JSON Schema are slow (tens of milliseconds and over
100 ms for the jsonschema import), so the merged data of a data-file version that has passed
the checks is remembered as JSON in the user's cache folder, keyed by the files' paths, sizes
and modification times, the schema file and the thresholdkit version. The cache holds plugin
data only, never case content. ``THRESHOLDKIT_CACHE_DIR`` moves it; ``THRESHOLDKIT_NO_CACHE=1``
turns it off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from thresholdkit import __version__
from thresholdkit.errors import DataError

SUFFIXES = (".yaml", ".yml")


def cache_dir() -> Path | None:
    if os.environ.get("THRESHOLDKIT_NO_CACHE"):
        return None
    explicit = os.environ.get("THRESHOLDKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "thresholdkit"


def data_files(folder: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise DataError(f"{folder}: cannot read data folder ({exc.strerror})") from None
    files = [folder / n for n in names if n.endswith(SUFFIXES) and not n.startswith(".")]
    if not files:
        raise DataError(f"{folder}: no YAML data files found")
    return files


def read_merged(folder: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Parse and merge the folder's YAML files. Returns (data, top-level key -> file)."""
    from thresholdkit import safeyaml

    merged: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for path in data_files(folder):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{path}: not UTF-8 text") from None
        doc = safeyaml.load(text, name=str(path))
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise DataError(f"{path}: the top level must be a mapping of sections (authority:, levels: ...)")
        for key, value in doc.items():
            if key in merged:
                raise DataError(f"{path}: section '{key}' is already defined in {origin[key].name}")
            merged[str(key)] = value
            origin[str(key)] = path
    return merged, origin


def _cache_key(folder: Path) -> str:
    from thresholdkit.schemas import schema_path

    parts = [__version__]
    for path in [*data_files(folder), schema_path("authority")]:
        st = os.stat(path)
        parts.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return "\n".join(parts)


def _cache_file(folder: Path) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    import zlib

    tag = zlib.crc32(str(folder.resolve()).encode("utf-8"))
    return base / f"data-{tag:08x}.json"


def load_checked(folder: Path, source_dir: Path | None = None) -> dict[str, Any]:
    """The folder's merged data, checked against the schema and for consistency.

    Raises DataError (one line, naming file and item) when the data fails.
    """
    key = _cache_key(folder)
    cached = _cache_file(folder)
    if cached is not None:
        try:
            with open(cached, encoding="utf-8") as fh:
                blob = json.load(fh)
            if blob.get("key") == key:
                data: dict[str, Any] = blob["data"]
                return data
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    from thresholdkit.validation import check_data

    data, origin = read_merged(folder)
    problems = check_data(data, origin, source_dir=None)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'thresholdkit validate')" if len(problems) > 1 else ""
        raise DataError(problems[0] + more)
    if cached is not None:
        _write_cache(cached, {"key": key, "data": data})
    return data


def _write_cache(path: Path, blob: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(blob, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home is fine: we simply check again next time
