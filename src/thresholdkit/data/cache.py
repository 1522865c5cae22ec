"""A content-addressed cache of checked plugin data.

Parsing YAML and running the JSON Schema checks cost tens of milliseconds (over 100 ms with the
jsonschema import), so data that has passed the checks is remembered. An entry is named by a
hash of everything its result depends on: the data itself (every file's name and bytes, or the
Python plugin's results), the JSON Schemas, the shared vocabulary and the checking code. An
edit that keeps a file's size and modification time still changes the hash.

An entry carries the hash of its own payload; an entry that is corrupt, truncated, written for
another key or in another format is deleted and rebuilt, never trusted. The cache holds plugin
data only, never case content.

Besides checked data (``checked-KEY.json``, :func:`get` and :func:`put`) it holds the checked
vocabulary and the installed entry points the same way, and bytes (:func:`get_bytes` and
:func:`put_bytes`): compiled templates and rendered handout pages, in the same format, read
only from a folder that no one else may write to (compiled templates are code). Each kind keeps
its newest :data:`MAX_ENTRIES` entries.

``THRESHOLDKIT_CACHE_DIR`` moves it (default ``$XDG_CACHE_HOME/thresholdkit``);
``THRESHOLDKIT_NO_CACHE=1`` (or ``true``, ``yes``) turns it off.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from functools import cache
from typing import Any

FORMAT = "thresholdkit-cache-2"
#: Entries kept; the oldest beyond this are removed when a new one is written.
MAX_ENTRIES = 64

_HERE = os.path.dirname(os.path.abspath(__file__))
_PACKAGE = os.path.dirname(_HERE)


def _hasher() -> Any:
    # hashlib's first import costs about 15 ms (it loads OpenSSL); the built-in BLAKE2 about 0.3 ms.
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - other Python implementations
        from hashlib import blake2b
    return blake2b(digest_size=20)


def digest(chunks: Iterable[bytes]) -> str:
    """A hex digest of the chunks, each length-prefixed so that no two sequences collide."""
    h = _hasher()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "little"))
        h.update(chunk)
    return str(h.hexdigest())


def code_files() -> list[str]:
    """The files whose content decides whether data passes: checking code, schemas, vocabulary."""
    from thresholdkit.data.schemas import schema_path

    names = ("checks.py", "schemas.py", "loader.py", "cache.py", "safeyaml.py")
    return [
        *(os.path.join(_HERE, n) for n in names),
        os.path.join(_HERE, "vocabulary", "__init__.py"),
        os.path.join(_HERE, "vocabulary", "concepts.yaml"),
        schema_path("authority"),
        schema_path("concepts"),
    ]


@cache
def code_chunks() -> tuple[bytes, ...]:
    """What every key includes: the format, the version, and a digest of :func:`code_files`
    (read once per process)."""
    from thresholdkit import __version__

    parts = []
    for path in code_files():
        with open(path, "rb") as fh:
            parts.append(fh.read())
    return (FORMAT.encode(), __version__.encode(), digest(parts).encode())


def cache_dir() -> str | None:
    """The cache folder, or None when caching is off."""
    from thresholdkit.model.environment import flag

    if flag("THRESHOLDKIT_NO_CACHE"):
        return None
    explicit = os.environ.get("THRESHOLDKIT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "thresholdkit")


def entry_path(key: str) -> str | None:
    base = cache_dir()
    return None if base is None else os.path.join(base, f"checked-{key}.json")


def get(key: str) -> Any:
    """The value stored under ``key``, or None. A bad entry is removed."""
    path = entry_path(key)
    payload = None if path is None else _load(path, key)
    if payload is None:
        return None
    try:
        return json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        _remove(path)  # type: ignore[arg-type]
        return None


def put(key: str, value: Any) -> None:
    """Store ``value`` (JSON-like) under ``key``; a cache that cannot be written is no error.

    Encoded to one string first (``json.dumps``), not streamed through ``json.dump``'s pure-Python
    iterator."""
    path = entry_path(key)
    if path is None:
        return
    _store(path, key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def get_bytes(kind: str, key: str) -> bytes | None:
    """Bytes stored under ``kind`` and ``key`` (compiled templates, say), or None. Only from a
    cache folder of the current user's that nobody else can write to: such bytes may be code."""
    base = cache_dir()
    if base is None or not private_folder(base):
        return None
    return _load(os.path.join(base, f"{kind}-{key}.bin"), key)


def put_bytes(kind: str, key: str, payload: bytes) -> None:
    """Store bytes under ``kind`` and ``key``, as :func:`put` stores values."""
    base = cache_dir()
    if base is not None:
        _store(os.path.join(base, f"{kind}-{key}.bin"), key, payload)


def private_folder(folder: str) -> bool:
    """Whether ``folder`` belongs to the current user and no one else may write to it."""
    try:
        st = os.stat(folder)
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022


def _load(path: str, key: str) -> bytes | None:
    """An entry's payload, checked against its header (format, key, hash of the payload); a bad
    entry is removed."""
    try:
        with open(path, "rb") as fh:
            header = fh.readline()
            payload = fh.read()
    except OSError:
        return None
    try:
        meta = json.loads(header)
        if meta.get("format") != FORMAT or meta.get("key") != key or meta.get("payload") != digest([payload]):
            raise ValueError("foreign or corrupt entry")
    except (ValueError, AttributeError, UnicodeDecodeError):
        _remove(path)
        return None
    return payload


def _store(path: str, key: str, payload: bytes) -> None:
    """Write an entry atomically (a temporary file renamed into place); errors are ignored."""
    import tempfile

    header = json.dumps({"format": FORMAT, "key": key, "payload": digest([payload])}).encode() + b"\n"
    folder = os.path.dirname(path)
    tmp = None
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(header + payload)
        os.replace(tmp, path)
        tmp = None
        _prune(folder)
    except OSError:
        pass  # a read-only or full disk: we simply check again next time
    finally:
        if tmp is not None:
            _remove(tmp)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _prune(folder: str) -> None:
    """Keep the newest :data:`MAX_ENTRIES` entries of each kind (checked data, templates, pages)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for name in os.listdir(folder):
        is_data = name.startswith("checked-") and name.endswith(".json")
        if is_data or (name.endswith(".bin") and not name.startswith(".")):
            full = os.path.join(folder, name)
            try:
                groups.setdefault(name.partition("-")[0], []).append((os.stat(full).st_mtime_ns, full))
            except OSError:
                continue
    for entries in groups.values():
        for _, full in sorted(entries)[:-MAX_ENTRIES]:
            _remove(full)
