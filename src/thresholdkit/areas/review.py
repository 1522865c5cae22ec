"""Staleness: is an area's guidance past its review date, or old and undated for review?"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_MAX_AGE_YEARS = 3


def max_age_years() -> float:
    """How old an undated-for-review document may be: ``THRESHOLDKIT_MAX_AGE_YEARS`` (default 3)."""
    import math
    import os

    from thresholdkit.model.errors import UsageError

    raw = os.environ.get("THRESHOLDKIT_MAX_AGE_YEARS", "").strip()
    if not raw:
        return DEFAULT_MAX_AGE_YEARS
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 < value <= 100):
        raise UsageError(
            f"THRESHOLDKIT_MAX_AGE_YEARS={raw[:30]!r} is not a number of years more than 0 and at most 100, "
            "such as 3; "
            "fix it or unset it"
        )
    return value


def today(clock: Callable[[], float] | None = None) -> _dt.date:
    """Today's date in the UK (Europe/London), whatever the machine's time zone, or the (UTC)
    date of ``SOURCE_DATE_EPOCH`` when set (reproducible output). ``clock``: seconds since the
    epoch (default :func:`time.time`)."""
    import os
    import time

    from thresholdkit.model.errors import UsageError

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        now = _dt.datetime.fromtimestamp((clock or time.time)(), _dt.UTC)
        if now.hour < 22:  # UK time has been UTC+0 to +2 since 1900: the same date (no zoneinfo import)
            return now.date()
        from zoneinfo import ZoneInfo

        return now.astimezone(ZoneInfo("Europe/London")).date()
    try:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch[:30]!r} is not a time thresholdkit can use: give seconds since "
            "1970-01-01 UTC, such as 1767225600, or unset it"
        ) from None


def _last_day(iso: str) -> _dt.date:
    year, month = int(iso[:4]), int(iso[5:7])
    if len(iso) == 10:
        return _dt.date(year, month, int(iso[8:10]))
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def review_status(document: Mapping[str, Any], on: _dt.date | None = None) -> str | None:
    """A warning when the guidance is past its printed review date or, where no review date is
    printed, older than the configured age; else None. An undated document cannot be judged."""
    on = on or today()
    due = document.get("review_due_iso")
    if due:
        if on > _last_day(due):
            printed = document.get("review_due") or due
            return f"This guidance was due for review ({printed}); check with the partnership for a newer version."
        return None
    dated = document.get("date_iso")
    if dated:
        years = max_age_years()
        limit = _last_day(dated) + _dt.timedelta(days=round(365.25 * years))
        if on > limit:
            printed = document.get("date") or dated
            return (
                f"This guidance is dated {printed}, over {years:g} years ago, and prints no review date; "
                "check with the partnership for a newer version."
            )
    return None
