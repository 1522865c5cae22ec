"""Load an authority's data: a folder of ``*.yaml`` files merged by top-level section, or the
sections a Python plugin returns, checked the same way and remembered by content
(:mod:`thresholdkit.data.cache`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from thresholdkit.model.errors import DataError

if TYPE_CHECKING:
    from pathlib import Path

SUFFIXES = (".yaml", ".yml")


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
            text = read_data_file(str(path)).decode("utf-8")
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


#: The most a Python plugin's results may weigh, encoded as JSON (the largest bundled area is
#: under 1 MiB).
MAX_DATA_BYTES = 16 * 1024 * 1024


class Checked:
    """Data that passed the checks, and the reasons it is still a draft (empty when finished)."""

    __slots__ = ("data", "drafts")

    def __init__(self, data: dict[str, Any], drafts: list[str]) -> None:
        self.data, self.drafts = data, drafts


def _check(data: dict[str, Any], origin: dict[str, Path] | None) -> list[str]:
    """Raise DataError for data that fails; return what still marks it as a draft."""
    from thresholdkit.data.checks import check_data, check_tags, check_todos

    problems = check_data(data, origin, source_dir=None)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'thresholdkit validate')" if len(problems) > 1 else ""
        raise DataError(problems[0] + more)
    untagged = [p for p in check_tags(data, origin, require_tags=True) if p not in problems]
    return check_todos(data, origin) + untagged


def raw_files(folder: str | os.PathLike[str]) -> list[tuple[str, bytes]]:
    """Each YAML file's name and bytes: regular files only, none over the size limit."""
    return [(os.path.basename(path), read_data_file(path)) for path in data_files(folder)]


def read_data_file(path: str) -> bytes:
    """One data file's bytes; DataError naming it when it is not a regular file (a device, a
    named pipe), is over the size limit or cannot be read."""
    from thresholdkit.data.files import NotRegular, TooLarge, read_regular

    try:
        return read_regular(path, MAX_DATA_BYTES)
    except (NotRegular, TooLarge) as exc:
        raise DataError(f"{path}: {exc}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None


def load_checked(folder: str | os.PathLike[str]) -> Checked:
    """The folder's merged data, checked against the schema and for consistency.

    Remembered in the cache under a hash of the files' names and bytes and of the checking code.
    On a cold cache, the plugin's shipped checked form (:mod:`thresholdkit.data.shipped`) is
    used when it is exactly current; otherwise the YAML is parsed and checked.
    Raises DataError (one line, naming file and item) when the data fails.
    """
    from thresholdkit.data import cache

    files = raw_files(folder)
    key = cache.digest([b"folder", *cache.code_chunks(), *cache.file_chunks(files)])
    hit = cache.get(key)
    if isinstance(hit, dict) and isinstance(hit.get("data"), dict) and isinstance(hit.get("drafts"), list):
        return Checked(hit["data"], hit["drafts"])
    from thresholdkit.data import shipped

    found = shipped.read(os.fspath(folder), files)
    if found is not None:
        data, drafts = found
    else:
        data, origin = read_merged(folder)
        drafts = _check(data, origin)
    cache.put(key, {"data": data, "drafts": drafts})
    return Checked(data, drafts)


def freeze(folder: str | os.PathLike[str]) -> tuple[str, Checked]:
    """Check the folder's data from its YAML (never from a cache or a shipped form) and write
    its shipped checked form beside it; returns (its path, the checked data). DataError when the
    data fails, and then nothing is written."""
    from thresholdkit.data import shipped

    files = raw_files(folder)
    checked = check_yaml(folder)
    return shipped.write(os.fspath(folder), files, checked.data, checked.drafts), checked


def check_yaml(folder: str | os.PathLike[str]) -> Checked:
    """The folder's data parsed from its YAML and checked, with no cache and no shipped form."""
    data, origin = read_merged(folder)
    return Checked(data, _check(data, origin))


def check_assembled(data: dict[str, Any], encoded: bytes) -> list[str]:
    """Check data assembled from a Python plugin's hooks (``encoded`` is its canonical JSON);
    remembered by content. Returns the draft reasons; raises DataError when it fails."""
    from thresholdkit.data import cache

    key = cache.digest([b"assembled", *cache.code_chunks(), encoded])
    hit = cache.get(key)
    if isinstance(hit, dict) and isinstance(hit.get("drafts"), list):
        return list(hit["drafts"])
    drafts = _check(data, None)
    cache.put(key, {"drafts": drafts})
    return drafts
