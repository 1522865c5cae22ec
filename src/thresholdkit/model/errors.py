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


#: Characters a terminal acts on rather than shows, or that cannot be seen: C0 controls but tab
#: and LF (whitespace: messages fold them, CSV quotes them), CR (it returns the cursor over what
#: was written), DEL, C1 controls, the bidirectional marks, embeddings, overrides and isolates
#: that reorder a line as it is displayed, and the zero-width characters (an id holding one looks
#: like another: "poor-supervision", "poor-\u200bsupervision"). The line and paragraph separators
#: (U+2028, U+2029) are whitespace: messages fold them, and the site's script data escapes them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape (``\\x1b``,
    ``\\x0d``, ``\\u202e``, ``\\u200b``): text that came from input or a plugin and is echoed
    back cannot move the cursor, clear or hide what is on screen, reorder a line, or pass for
    other text (see :data:`_INVISIBLE`)."""
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
