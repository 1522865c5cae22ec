"""Opening hours: is a line open at a given moment, and which line to call then.

Where the document does not print something (days of the week, bank holidays, a line's hours),
nothing is assumed: the answer is ``None`` (unknown) with the reason.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thresholdkit.model.objects import Contact, OpeningAdvice, Window

    #: A contact as the data holds it.
    ContactData = Contact

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True))
LINE_ROLES = ("front_door", "mash", "out_of_hours")


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _in_window(window: Window, when: _dt.datetime, *, ignore_days: bool) -> bool:
    start, end = _minutes(window["start"]), _minutes(window["end"])
    now = when.hour * 60 + when.minute
    today = DAYS[when.weekday()]
    yesterday = DAYS[(when.weekday() - 1) % 7]
    days = window["days"] or ()  # None (days not printed) only ever with ignore_days
    if end > start:  # same day
        return (ignore_days or today in days) and start <= now < end
    # runs past midnight: [start, 24:00) on the day, [00:00, end) on the next day
    if now >= start and (ignore_days or today in days):
        return True
    return now < end and (ignore_days or yesterday in days)


def is_open(
    contact: ContactData, by_id: Mapping[str, ContactData], when: _dt.datetime, _depth: int = 0
) -> tuple[bool | None, str]:
    """(open, reason): True / False / None (unknown) at ``when``, with why."""
    hours = contact.get("hours")
    if not hours:
        return None, f"{contact['name']}: opening hours are not printed in the document"
    comp = hours.get("complement_of")
    if comp and _depth < 3:
        other = by_id.get(comp)
        if other is None:
            return None, f"{contact['name']}: hours refer to an unknown contact '{comp}'"
        state, why = is_open(other, by_id, when, _depth + 1)
        if state is None:
            return None, f"{contact['name']} is the out-of-hours line, and {why}"
        return (not state), f"{contact['name']} is open when {other['name']} is closed ({hours['text']})"
    windows = hours.get("windows") or []
    if not windows:
        return None, f"{contact['name']}: hours are printed as '{hours['text']}' without times"
    if any(w["days"] is None for w in windows):
        inside = any(_in_window(w, when, ignore_days=True) for w in windows)
        if not inside:
            return False, f"{contact['name']}: outside the printed hours ({hours['text']})"
        return None, (
            f"{contact['name']}: the document prints the times ({hours['text']}) but not the days of the week"
        )
    inside = any(_in_window(w, when, ignore_days=False) for w in windows)
    word = "open" if inside else "closed"
    return inside, f"{contact['name']}: {word} on {DAY_NAMES[DAYS[when.weekday()]]} at {when:%H:%M} ({hours['text']})"


def status_at(contacts: Sequence[ContactData], when: _dt.datetime) -> OpeningAdvice:
    """Each contact's open state at ``when`` and the line(s) to call, with the reasons."""
    by_id = {c["id"]: c for c in contacts}
    states: dict[str, tuple[bool | None, str]] = {c["id"]: is_open(c, by_id, when) for c in contacts}
    lines = [c for c in contacts if c["role"] in LINE_ROLES]
    in_hours = [c for c in lines if c["role"] in ("front_door", "mash")]
    out_hours = [c for c in lines if c["role"] == "out_of_hours"]
    reasons: list[str] = []
    call: list[str]
    open_ooh = [c for c in out_hours if states[c["id"]][0] is True]
    open_in = [c for c in in_hours if states[c["id"]][0] is True]
    if open_in and not open_ooh:
        call = [c["id"] for c in open_in]
        reasons += [states[c["id"]][1] for c in open_in]
    elif open_ooh and not open_in:
        call = [c["id"] for c in open_ooh]
        reasons += [states[c["id"]][1] for c in open_ooh]
    elif in_hours and out_hours and all(states[c["id"]][0] is False for c in out_hours) and not open_in:
        call = [c["id"] for c in in_hours]
        reasons += [states[c["id"]][1] for c in out_hours]
        reasons += [states[c["id"]][1] for c in in_hours if states[c["id"]][0] is None]
    elif in_hours and out_hours and all(states[c["id"]][0] is False for c in in_hours) and not open_ooh:
        call = [c["id"] for c in out_hours]
        reasons += [states[c["id"]][1] for c in in_hours]
        reasons += [states[c["id"]][1] for c in out_hours if states[c["id"]][0] is None]
    elif not out_hours:
        call = [c["id"] for c in lines]
        reasons.append("The document prints no separate out-of-hours line; this is the only referral line it gives.")
    else:
        call = [c["id"] for c in lines]
        reasons.append("The document does not settle which line is open at this moment, so both are shown.")
        reasons += [states[c["id"]][1] for c in lines]
    if any(_bank_holidays_unprinted(c) for c in lines):
        reasons.append("The document does not say what happens on bank holidays.")
    return {
        "at": when.strftime("%Y-%m-%d %H:%M"),
        "day": DAY_NAMES[DAYS[when.weekday()]],
        "call": call,
        "reasons": reasons,
        "open": {cid: state for cid, (state, _) in states.items()},
        "why": {cid: why for cid, (_, why) in states.items()},
    }


def _bank_holidays_unprinted(contact: ContactData) -> bool:
    """The contact's hours give times, but the document does not say about bank holidays."""
    hours = contact.get("hours")
    return bool(hours and hours.get("windows") and hours.get("bank_holidays", "not_printed") == "not_printed")


def parse_when(text: str) -> _dt.datetime:
    """'YYYY-MM-DD HH:MM' -> datetime; UsageError naming the expected form."""
    from thresholdkit.model.errors import UsageError

    try:
        return _dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise UsageError(
            f"--at '{text}' is not a date and time; use 'YYYY-MM-DD HH:MM', e.g. '2026-11-23 10:00'"
        ) from None
