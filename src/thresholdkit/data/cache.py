"""A content-addressed cache of checked plugin data.

Parsing YAML and running the JSON Schema checks cost tens of milliseconds (over 100 ms with the
jsonschema import), so data that has passed the checks is remembered. An entry is named by a
hash of everything its result depends on: the data itself (every file's name and bytes, or the
Python plugin's results), the JSON Schemas, the shared vocabulary and the checking code. An
edit that keeps a file's size and modification time still changes the hash.

An entry carries the hash of its own payload; an entry that is corrupt, truncated, written for
another key or in another format is deleted and rebuilt, never trusted. The cache holds plugin
data only, never case content.

Every entry is bytes: checked data (:func:`get` and :func:`put`, ``checked-KEY.bin``) is stored
with :mod:`marshal`, which reads back in a quarter of the time ``json`` takes and needs no import
(every lookup reads an entry); the checked vocabulary and the installed entry points are stored
the same way, and compiled templates and rendered handout pages as they are (:func:`get_bytes`
and :func:`put_bytes`). Entries are read only from a folder that belongs to the current user and
that no one else may write to: whoever can write an entry could change a threshold, and a
compiled template is code. Keys include the Python version, so two Pythons sharing one folder
keep entries of their own. Each kind keeps its newest :data:`MAX_ENTRIES` entries.

``THRESHOLDKIT_CACHE_DIR`` moves it (default ``$XDG_CACHE_HOME/thresholdkit``);
``THRESHOLDKIT_NO_CACHE=1`` (or ``true``, ``yes``) turns it off.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any

FORMAT = "thresholdkit-cache-3"
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
    """The files whose content decides whether data passes: parsing, merging and checking code,
    schemas, vocabulary (how the cache keeps entries is not among them: see :func:`code_chunks`)."""
    from thresholdkit.data.schemas import schema_path

    names = ("checks.py", "schemas.py", "loader.py", "safeyaml.py")
    return [
        *(os.path.join(_HERE, n) for n in names),
        os.path.join(os.path.dirname(_HERE), "model", "errors.py"),  # the characters the checks refuse
        os.path.join(_HERE, "vocabulary", "__init__.py"),
        os.path.join(_HERE, "vocabulary", "concepts.yaml"),
        schema_path("authority"),
        schema_path("concepts"),
    ]


@cache
def portable_code_chunks() -> tuple[bytes, ...]:
    """thresholdkit's version and a digest of :func:`code_files` (read once per process): what
    decides whether data passes, whichever Python runs it."""
    from thresholdkit import __version__

    parts = []
    for path in code_files():
        with open(path, "rb") as fh:
            parts.append(fh.read())
    return (__version__.encode(), digest(parts).encode())


def format_chunks() -> tuple[bytes, bytes, bytes]:
    """The cache's format, the Python that reads it (an entry is :mod:`marshal` data) and
    thresholdkit's version: what keys of entries that do not depend on the checking code include."""
    from thresholdkit import __version__

    python = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-marshal-{marshal.version}"
    return (FORMAT.encode(), python.encode(), __version__.encode())


def code_chunks() -> tuple[bytes, ...]:
    """What every key of checked data includes: :func:`format_chunks`, :func:`portable_code_chunks`
    and this module's own source."""
    return (*format_chunks()[:2], *portable_code_chunks(), _own_digest())


def file_chunks(files: Iterable[tuple[str, bytes]]) -> list[bytes]:
    """Each file's name and bytes, as chunks of a key."""
    chunks: list[bytes] = []
    for name, raw in files:
        chunks += [name.encode("utf-8", "surrogateescape"), raw]
    return chunks


@cache
def _own_digest() -> bytes:
    """A digest of this module's own source: a change to how entries are kept is a new cache."""
    with open(os.path.abspath(__file__), "rb") as fh:
        return digest([fh.read()]).encode()


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
    """Where checked data stored under ``key`` lives, or None when caching is off."""
    base = cache_dir()
    return None if base is None else os.path.join(base, f"checked-{key}.bin")


def get(key: str) -> Any:
    """The value stored under ``key``, or None. A bad entry is removed."""
    payload = get_bytes("checked", key)
    if payload is None:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        _remove(entry_path(key) or "")
        return None


def put(key: str, value: Any) -> None:
    """Store ``value`` (JSON-like: dicts, lists, strings, numbers, booleans, None) under ``key``;
    a cache that cannot be written is no error."""
    try:
        payload = marshal.dumps(value)
    except ValueError:  # not plain data: simply not remembered
        return
    put_bytes("checked", key, payload)


def get_bytes(kind: str, key: str) -> bytes | None:
    """Bytes stored under ``kind`` and ``key``, or None. Only from a cache folder of the current
    user's that nobody else can write to."""
    base = cache_dir()
    if base is None or not private_folder(base):
        return None
    return _load(os.path.join(base, f"{kind}-{key}.bin"), key)


def put_bytes(kind: str, key: str, payload: bytes) -> None:
    """Store bytes under ``kind`` and ``key``."""
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


def _header(key: str, payload: bytes) -> bytes:
    return f"{FORMAT} {key} {digest([payload])}\n".encode()


def _load(path: str, key: str) -> bytes | None:
    """An entry's payload, checked against its header (format, key, hash of the payload); a bad
    entry is removed."""
    try:
        with open(path, "rb") as fh:
            header = fh.readline()
            payload = fh.read()
    except OSError:
        return None
    if header != _header(key, payload):
        _remove(path)
        return None
    return payload


def _store(path: str, key: str, payload: bytes) -> None:
    """Write an entry atomically (a temporary file renamed into place); errors are ignored."""
    folder = os.path.dirname(path)
    tmp = None
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        # a name of this process's own, created exclusively (tempfile's import costs a first run
        # about 5 ms, for the same guarantee)
        candidate = f"{path}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        tmp = candidate
        with os.fdopen(fd, "wb") as fh:
            fh.write(_header(key, payload) + payload)
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
    import time

    groups: dict[str, list[tuple[int, str]]] = {}
    stale = time.time_ns() - 3600 * 10**9
    for name in os.listdir(folder):
        if name.startswith("checked-") and name.endswith(".json"):  # the JSON entries of format 2
            _remove(os.path.join(folder, name))
        elif ".tmp-" in name:  # left by a process killed while writing, an hour ago or more
            with contextlib.suppress(OSError):
                if os.stat(os.path.join(folder, name)).st_mtime_ns < stale:
                    _remove(os.path.join(folder, name))
        elif name.endswith(".bin") and not name.startswith("."):
            full = os.path.join(folder, name)
            try:
                groups.setdefault(name.partition("-")[0], []).append((os.stat(full).st_mtime_ns, full))
            except OSError:
                continue
    for entries in groups.values():
        for _, full in sorted(entries)[:-MAX_ENTRIES]:
            _remove(full)
