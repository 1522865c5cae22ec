"""Errors that the CLI turns into one-line messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable

#: Exit statuses (documented in the README).
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_PUBLISHED = 3
EXIT_PARTIAL = 4
EXIT_INTERRUPTED = 130


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
