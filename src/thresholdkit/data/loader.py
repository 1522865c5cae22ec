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
from typing import TYPE_CHECKING, Any

from thresholdkit import __version__
from thresholdkit.model.errors import DataError

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".yaml", ".yml")


def cache_dir() -> str | None:
    if os.environ.get("THRESHOLDKIT_NO_CACHE"):
        return None
    explicit = os.environ.get("THRESHOLDKIT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "thresholdkit")


def data_files(folder: str | os.PathLike[str]) -> list[str]:
    """The folder's YAML files, sorted (plain strings: pathlib costs start-up time)."""
    folder = os.fspath(folder)
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise DataError(f"{folder}: cannot read data folder ({exc.strerror})") from None
    files = [os.path.join(folder, n) for n in names if n.endswith(SUFFIXES) and not n.startswith(".")]
    if not files:
        raise DataError(f"{folder}: no YAML data files found")
    return files


def read_merged(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Path]]:
    """Parse and merge the folder's YAML files. Returns (data, top-level key -> file)."""
    from pathlib import Path

    from thresholdkit.data import safeyaml

    merged: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for path in map(Path, data_files(folder)):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{path}: not UTF-8 text") from None
        doc = safeyaml.parse(text, name=str(path))
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


def _cache_key(folder: str | os.PathLike[str]) -> str:
    from thresholdkit.data.schemas import schema_path

    parts = [__version__]
    for path in [*data_files(folder), schema_path("authority")]:
        st = os.stat(path)
        parts.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return "\n".join(parts)


def _cache_file(folder: str | os.PathLike[str]) -> str | None:
    base = cache_dir()
    if base is None:
        return None
    import zlib

    tag = zlib.crc32(os.path.realpath(folder).encode("utf-8"))
    return os.path.join(base, f"data-{tag:08x}.json")


def load_checked(folder: str | os.PathLike[str]) -> dict[str, Any]:
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
    from thresholdkit.data.checks import check_data

    data, origin = read_merged(folder)
    problems = check_data(data, origin, source_dir=None)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'thresholdkit validate')" if len(problems) > 1 else ""
        raise DataError(problems[0] + more)
    if cached is not None:
        _write_cache(cached, {"key": key, "data": data})
    return data


def _write_cache(path: str, blob: dict[str, Any]) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(blob, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home is fine: we simply check again next time
