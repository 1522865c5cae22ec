"""Errors that the CLI turns into one-line messages and exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Exit statuses (documented in the README).
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_PUBLISHED = 3
EXIT_PARTIAL = 4
EXIT_INTERRUPTED = 130


#: Characters a terminal acts on rather than shows: C0 controls but tab, LF and CR (whitespace,
#: which messages fold and CSV quotes), DEL, C1 controls, and the bidirectional marks, embeddings,
#: overrides and isolates that reorder a line as it is displayed.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape (``\\x1b``,
    ``\\u202e``): text that came from input or a plugin and is echoed back cannot move the
    cursor, clear or hide what is on screen, or reorder a line."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return _INVISIBLE.sub(_escape, text)


def first_invisible(text: str) -> str | None:
    """The first character of ``text`` that :func:`visible` would escape, or None."""
    if text.isprintable():
        return None
    found = _INVISIBLE.search(text)
    return found.group() if found else None


class ThresholdkitError(Exception):
    """An error the user can act on. ``str(err)`` is a one-line message."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class UsageError(ThresholdkitError):
    exit_code = EXIT_USAGE


class NotPublishedError(ThresholdkitError):
    """The area's document publishes no indicators (e.g. Gloucestershire)."""

    exit_code = EXIT_NOT_PUBLISHED


class DataError(ThresholdkitError):
    """Plugin data is malformed or inconsistent."""


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A ' (did you mean ...?)' suffix, or '' when nothing is close."""
    import difflib

    options = list(choices)
    close = difflib.get_close_matches(word, options, n=n, cutoff=0.6)
    if not close:
        lowered = word.lower()
        close = [c for c in options if lowered and lowered in c.lower()][:n]
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"
