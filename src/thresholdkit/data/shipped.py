"""The checked form a data plugin ships beside its YAML: ``checked.json`` (issue 19).

The first use of an area after installing or upgrading used to parse its YAML and run every
check (about 150 ms for one area here, most of a cold start). A plugin can instead carry the
result of those checks, written when the plugin is built and tested
(``thresholdkit plugin freeze DATA_FOLDER``), and a cold start reads that instead.

It is trusted only when it is exactly current. Its header holds:

- the key: a hash of every YAML file's name and bytes and of the checking code (the
  JSON Schemas, the vocabulary, the checks) and thresholdkit's version, computed again from the
  installed files at every use. Edit one YAML byte, or install another thresholdkit, and the
  shipped form no longer matches: the data is checked as before (and ``thresholdkit validate``
  says to freeze again);
- a hash of its own payload, so a damaged or hand-edited file is never read.

It holds what the checks produce and nothing else: the merged data and the reasons it is still
a draft. It is plain JSON (any Python reads it), and it is as much the plugin's as its YAML.
"""

from __future__ import annotations

import os
from typing import Any

from thresholdkit.model.errors import DataError

NAME = "checked.json"
FORMAT = "thresholdkit-shipped-1"
#: The most a shipped form is read of (the largest bundled one is well under 1 MiB): a larger file,
#: or a device in its place, is ignored and the YAML is checked instead.
MAX_BYTES = 64 * 1024 * 1024


def key(files: list[tuple[str, bytes]]) -> str:
    """The key of data made of ``files`` (name, bytes), under the installed checking code."""
    from thresholdkit.data import cache

    return cache.digest([FORMAT.encode(), *cache.portable_code_chunks(), *cache.file_chunks(files)])


def _header(data_key: str, payload: bytes) -> bytes:
    from thresholdkit.data import cache

    return f"{FORMAT} {data_key} {cache.digest([payload])}\n".encode()


def _state(folder: str, files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """The shipped form's status (see :func:`status`) and its payload."""
    found = _read(folder)
    if found is None:
        return "absent", b""
    header, payload = found
    if header == _header(key(files), payload):
        return "current", payload
    parts = header.split()
    written_for = parts[1].decode("ascii", "replace") if len(parts) == 3 and parts[0] == FORMAT.encode() else None
    if written_for is not None and header == _header(written_for, payload):
        return "stale", payload
    return "damaged", payload


def status(folder: str, files: list[tuple[str, bytes]]) -> str:
    """``current``, ``stale`` (the data or the checking code changed since it was written),
    ``damaged`` or ``absent``."""
    return _state(folder, files)[0]


def read(folder: str, files: list[tuple[str, bytes]]) -> tuple[dict[str, Any], list[str]] | None:
    """(data, draft reasons) from the folder's shipped form when it is current; None otherwise."""
    state, payload = _state(folder, files)
    if state != "current":
        return None
    import json

    try:
        value = json.loads(payload)
    except ValueError:
        return None
    if not (isinstance(value, dict) and isinstance(value.get("data"), dict) and isinstance(value.get("drafts"), list)):
        return None
    return value["data"], value["drafts"]


def _read(folder: str) -> tuple[bytes, bytes] | None:
    """The header line and the payload; None when there is no regular file to read (a device or a
    pipe in its place is never opened) or it is larger than any checked data can be."""
    from thresholdkit.data.files import NotRegular, TooLarge, read_regular

    try:
        raw = read_regular(os.path.join(folder, NAME), MAX_BYTES)
    except (OSError, NotRegular, TooLarge):
        return None
    header, newline, payload = raw.partition(b"\n")
    return header + newline, payload


def write(folder: str, files: list[tuple[str, bytes]], data: dict[str, Any], drafts: list[str]) -> str:
    """Write the shipped form of checked data; returns its path. The file is replaced in one step."""
    import json

    from thresholdkit.data.atomic import write_bytes

    payload = json.dumps({"data": data, "drafts": drafts}, ensure_ascii=False, separators=(",", ":")).encode()
    path = os.path.join(folder, NAME)
    # the file's place is implied by the folder, not chosen: never write through a link (a checkout
    # whose checked.json points at ~/.bashrc would have it replaced) or onto something not a file
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isfile(path)):
        raise DataError(
            f"{path} is a symbolic link or not a regular file, so thresholdkit will not write through it; "
            "remove it and run 'thresholdkit plugin freeze' again"
        )
    try:
        write_bytes(path, _header(key(files), payload) + payload)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror or type(exc).__name__})") from None
    return path
