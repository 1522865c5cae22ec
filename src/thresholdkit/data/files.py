"""Reading input files with bounds: a regular file, no more than a limit.

A case file or a plugin's data file named by a user or a plugin may be anything the file system
holds: a device (``/dev/zero`` never ends), a named pipe (opening it waits for a writer), a
folder. Reading one used to take memory without end or hang; these readers refuse what is not a
regular file before opening it, and read at most one byte past the limit.
"""

from __future__ import annotations

import os
import stat
from typing import IO

__all__ = ["NotRegular", "TooLarge", "read_regular", "read_stream"]


class NotRegular(ValueError):
    """The path names a device, a pipe, a socket or a folder, not a regular file."""


class TooLarge(ValueError):
    """The input holds more than the limit."""


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (a link is followed), at most ``limit`` of them.

    Raises :class:`NotRegular` or :class:`TooLarge` (messages without the path, for the caller
    to place), or the ``OSError`` of a file that cannot be read."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegular("not a regular file (a device, a pipe or a folder); give a plain file")
    with open(path, "rb") as fh:
        return read_stream(fh, limit)


def read_stream(stream: IO[bytes], limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream`` (standard input): :class:`TooLarge` if there are more."""
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(f"larger than {_size(limit)}; refusing to read it")
    return raw


def _size(limit: int) -> str:
    return f"{limit // 1048576} MiB" if limit % 1048576 == 0 else f"{limit // 1024} KiB"
