"""The environment variables thresholdkit reads, in one table, and how an on/off one is read.

``thresholdkit --help`` and the README list :data:`VARIABLES`; ``tests/test_environment.py``
checks that every variable the code reads is listed here.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from thresholdkit.model.errors import UsageError

__all__ = ["FALSE", "TRUE", "VARIABLES", "flag", "help_text", "stdin", "stdout", "terminal_input"]

#: Values that turn an on/off variable on, and off (any case, spaces ignored).
TRUE = frozenset({"1", "true", "yes", "on", "y"})
FALSE = frozenset({"", "0", "false", "no", "off", "n"})

#: name -> what it does (the text ``--help`` shows).
VARIABLES: dict[str, str] = {
    "THRESHOLDKIT_PLUGINS": "Allow-list of areas to load: 'coventry,telford', or 'area=distribution' to pick "
    "one of two plugins for an area. Unset: every installed plugin.",
    "THRESHOLDKIT_ALLOW_DRAFTS": "On/off: use unfinished (draft) plugins, each flagged DRAFT.",
    "THRESHOLDKIT_MAX_AGE_YEARS": "Years after which an undated-for-review document is called stale (default 3).",
    "THRESHOLDKIT_NO_CACHE": "On/off: do not read or write the cache of checked plugin data.",
    "THRESHOLDKIT_CACHE_DIR": (
        "The cache folder (default: $XDG_CACHE_HOME/thresholdkit or ~/.cache/thresholdkit); "
        "read only when it is yours and no one else may write to it."
    ),
    "THRESHOLDKIT_TRACE": "On/off: print each plugin hook call (hook, plugin, kind of result, time) to stderr.",
    "THRESHOLDKIT_DEBUG": "On/off: show a traceback instead of the one-line internal error.",
    "THRESHOLDKIT_SOURCES": "Folder of the source documents' text, for validate's verbatim check.",
    "SOURCE_DATE_EPOCH": "A fixed 'today' (seconds since 1970) for reproducible output and staleness.",
    "COLUMNS": "Width to fit tables and text to (default: the terminal's, else 100).",
    "THRESHOLDKIT_BATCH_MIN_RANGE": "For tests: the smallest input byte range a batch --jobs worker takes "
    "(default 1 MiB); a tiny value puts range boundaries everywhere.",
}


def flag(name: str) -> bool:
    """An on/off variable: 1, true, yes, on (or y) is on; unset, empty, 0, false, no, off (or n)
    is off; anything else is an error that names the variable and the values it takes."""
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise UsageError(f"{name}={raw[:30]!r} is not on or off; use 1, true, yes, on or 0, false, no, off")


def help_text() -> str:
    """The environment section of ``thresholdkit --help``."""
    return "\n".join(f"{name}: {meaning}" for name, meaning in VARIABLES.items())


def stdout() -> TextIO:
    """Standard output, to print what was asked for; the error a closed one gives when there is
    none. A process started with it closed (``>&-``) has no ``sys.stdout``: click's own status
    lines are then skipped (its documented behaviour), but output the user asked for cannot be
    skipped silently, so it fails as a write to a closed descriptor does (the CLI prints one line)."""
    out = sys.stdout
    if out is None:
        import errno

        raise OSError(errno.EBADF, "standard output is closed")
    return out


def stdin() -> TextIO:
    """Standard input, to read '-'; a usage error when the process was started without one (``<&-``)."""
    source = sys.stdin
    if source is None:
        raise UsageError("standard input is closed; give a file name instead of '-'")
    return source


def terminal_input() -> bool:
    """Whether standard input is a terminal a person can answer prompts at (not closed, not a pipe)."""
    return sys.stdin is not None and sys.stdin.isatty()
