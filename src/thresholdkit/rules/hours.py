"""Opening hours: is a line open at a given moment, and which line to call then.

Every moment is UK time (Europe/London, so GMT in winter and BST in summer), whatever the
machine's own time zone. Where the document does not print something (days of the week, bank
holidays, a line's hours), nothing is assumed from the document: the answer is ``None``
(unknown) with the reason. Two readings are thresholdkit's own, and are labelled as such:

- **office hours**: where a document says "office hours" but prints no times, weekends and
  weekday times before 08:00 or from 18:00 are out of office hours on any reading, and Monday to
  Friday 10:00 to 16:00 is inside them; between those bands both lines are shown;
- **bank holidays** (England and Wales, from :mod:`thresholdkit.data.bank_holidays`): no document
  says which line applies, so on a bank holiday both the in-hours and the out-of-hours line are
  shown, with the holiday named.

999 is the national emergency number: always open, whatever the document says.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thresholdkit.model.objects import CallLine, Contact, OpeningAdvice, Window

    #: A contact as the data holds it.
    ContactData = Contact

UK = "Europe/London"
#: thresholdkit's reading of "office hours" where a document prints no times (minutes of the day)
OFFICE_SURE = (10 * 60, 16 * 60)  # Monday to Friday: inside office hours on any reading
OFFICE_WIDEST = (8 * 60, 18 * 60)  # outside this (or at weekends): out of office hours on any reading
OFFICE_READING = (
    "thresholdkit's reading of 'office hours', not the document's words: weekends, and weekdays before "
    "08:00 or from 18:00, are out of office hours on any reading; Monday to Friday 10:00 to 16:00 is inside them"
)
NATIONAL_999 = "999 is the national emergency number, always open (not set by the document)"
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


def office_hours(when: _dt.datetime) -> tuple[bool | None, str]:
    """thresholdkit's reading of unprinted "office hours" at ``when`` (UK time): in, out, or
    None where readings differ; with the reading stated."""
    minutes = when.hour * 60 + when.minute
    if when.weekday() >= 5:
        return False, f"a {DAY_NAMES[DAYS[when.weekday()]]} is out of office hours on any reading"
    if not OFFICE_WIDEST[0] <= minutes < OFFICE_WIDEST[1]:
        return False, f"{when:%H:%M} on a weekday is out of office hours on any reading"
    if OFFICE_SURE[0] <= minutes < OFFICE_SURE[1]:
        return True, f"{when:%H:%M} on a weekday is inside office hours on any reading"
    return None, f"at {when:%H:%M} readings of 'office hours' differ"


def _is_999(contact: ContactData) -> bool:
    return any(p["number"].strip() == "999" for p in contact.get("phone", []))


def is_open(
    contact: ContactData, by_id: Mapping[str, ContactData], when: _dt.datetime, _depth: int = 0
) -> tuple[bool | None, str]:
    """(open, reason): True / False / None (unknown) at ``when`` (UK time), with why."""
    if _is_999(contact):
        return True, NATIONAL_999
    holiday = bank_holiday(when)
    hours = contact.get("hours")
    if not hours:
        if contact["role"] in ("front_door", "mash") and _says_office_hours(contact):
            if holiday is not None:
                return None, f"{contact['name']}: the document does not say whether it is open on bank holidays"
            state, why = office_hours(when)
            return state, f"{contact['name']} takes calls during office hours ({why}; {OFFICE_READING})"
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
    always = all(
        w["days"] is not None and len(w["days"]) == 7 and w["start"] == "00:00" and w["end"] in ("24:00", "00:00")
        for w in windows
    )
    if holiday is not None and not always and hours.get("bank_holidays", "not_printed") == "not_printed":
        return None, f"{contact['name']}: the document does not say whether it is open on bank holidays"
    if holiday is not None and hours.get("bank_holidays") in ("open", "closed"):
        state = hours["bank_holidays"] == "open"
        return state, f"{contact['name']}: {'open' if state else 'closed'} on bank holidays, as printed"
    if any(w["days"] is None for w in windows):
        inside = any(_in_window(w, when, ignore_days=True) for w in windows)
        if not inside:
            return False, f"{contact['name']}: outside the printed hours ({hours['text']})"
        if when.weekday() >= 5:
            return False, (
                f"{contact['name']}: the document prints the times ({hours['text']}) but not the days; "
                f"a {DAY_NAMES[DAYS[when.weekday()]]} is out of office hours on any reading ({OFFICE_READING})"
            )
        return None, (
            f"{contact['name']}: the document prints the times ({hours['text']}) but not the days of the week"
        )
    inside = any(_in_window(w, when, ignore_days=False) for w in windows)
    word = "open" if inside else "closed"
    return inside, f"{contact['name']}: {word} on {DAY_NAMES[DAYS[when.weekday()]]} at {when:%H:%M} ({hours['text']})"


def _says_office_hours(contact: ContactData) -> bool:
    """The contact's own notes say it works during 'office hours' (without printing them)."""
    texts = [n["text"] for n in contact.get("notes", [])]
    return any("office hours" in " ".join(x.split()).lower() for x in texts)


def bank_holiday(when: _dt.datetime | _dt.date) -> str | None:
    """The name of the bank holiday in England and Wales on that (UK) day, or None."""
    from thresholdkit.data.bank_holidays import bank_holiday as lookup

    return lookup(when)


def status_at(contacts: Sequence[ContactData], when: _dt.datetime) -> OpeningAdvice:
    """Each contact's open state at ``when`` (UK time) and the line(s) to call, in order, with the
    reasons. Direct lines of named posts are never offered as the line to call."""
    when = to_uk(when)
    by_id = {c["id"]: c for c in contacts}
    states: dict[str, tuple[bool | None, str]] = {c["id"]: is_open(c, by_id, when) for c in contacts}
    lines = [
        c
        for c in contacts
        if c["role"] in LINE_ROLES and c.get("kind") != "direct_line_of_post" and c.get("phone")
    ]
    in_hours = [c for c in lines if c["role"] in ("front_door", "mash")]
    out_hours = [c for c in lines if c["role"] == "out_of_hours"]
    holiday = bank_holiday(when)
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
    elif holiday is not None:
        call = [c["id"] for c in in_hours + out_hours]
        reasons.append(
            f"{when:%A %d %B %Y} is a bank holiday in England and Wales ({holiday}). The document does not say "
            "which line applies on bank holidays, so both the in-hours and the out-of-hours line are shown: "
            "try them in this order."
        )
    else:
        call = [c["id"] for c in in_hours + out_hours]
        reasons.append("The document does not settle which line is open at this moment, so both are shown.")
        reasons += [states[c["id"]][1] for c in in_hours + out_hours]
    if holiday is not None and not any(str(holiday) in r for r in reasons):
        reasons.insert(
            0,
            f"{when:%A %d %B %Y} is a bank holiday in England and Wales ({holiday}); the document does not "
            "say what changes on bank holidays.",
        )
    from thresholdkit.data.bank_holidays import FIRST_YEAR, LAST_YEAR, covers

    if not covers(when.date()):
        reasons.append(
            f"thresholdkit knows the bank holidays of {FIRST_YEAR} to {LAST_YEAR} only; it cannot say "
            f"whether {when:%d %B %Y} is one."
        )
    for c in in_hours + out_hours:  # a decision that rests on thresholdkit's own reading says so
        why = states[c["id"]][1]
        if "thresholdkit's reading" in why and why not in reasons:
            reasons.append(why)
    return {
        "at": when.strftime("%Y-%m-%d %H:%M"),
        "time_zone": f"{UK} ({when.tzname()})",
        "utc_offset": when.strftime("%z"),
        "day": DAY_NAMES[DAYS[when.weekday()]],
        "bank_holiday": holiday,
        "call": call,
        "lines": [_line(by_id[cid], states[cid][1]) for cid in call],
        "reasons": reasons,
        "open": {cid: state for cid, (state, _) in states.items()},
        "why": {cid: why for cid, (_, why) in states.items()},
    }


def _line(contact: ContactData, why: str) -> CallLine:
    return {
        "id": contact["id"],
        "name": contact["name"],
        "phone": [p["number"] for p in contact.get("phone", [])],
        "why": why,
    }


def uk_zone() -> _dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(UK)


def to_uk(when: _dt.datetime) -> _dt.datetime:
    """``when`` in UK time: an aware time is converted; a naive one is taken as UK wall time."""
    if when.tzinfo is None:
        return when.replace(tzinfo=uk_zone())
    return when.astimezone(uk_zone())


def uk_now(clock: Callable[[], float] | None = None) -> _dt.datetime:
    """Now, in UK time, whatever the machine's time zone (``clock``: seconds since the epoch)."""
    import time

    return _dt.datetime.fromtimestamp((clock or time.time)(), _dt.UTC).astimezone(uk_zone())


def parse_when(text: str) -> _dt.datetime:
    """A moment as UK time: 'YYYY-MM-DD HH:MM' (UK wall time), ISO 8601 with 'T', or with an
    offset or 'Z' (converted to UK time). UsageError naming the expected form."""
    from thresholdkit.model.errors import UsageError

    raw = text.strip()
    try:
        if not raw or len(raw) > 40:
            raise ValueError
        parsed = _dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
        if len(raw) < 16:  # a date alone, or no minutes
            raise ValueError
    except ValueError:
        raise UsageError(
            f"--at '{text}' is not a date and time; use 'YYYY-MM-DD HH:MM' (UK time), e.g. '2026-11-23 10:00', "
            "or ISO 8601 with an offset, e.g. '2026-07-03T15:45Z'"
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(uk_zone())
    local = parsed.replace(tzinfo=uk_zone())
    round_trip = local.astimezone(_dt.UTC).astimezone(uk_zone())
    if round_trip.replace(tzinfo=None) != parsed:
        raise UsageError(
            f"--at '{text}' does not exist in UK time: the clocks go forward an hour that night "
            f"(give {round_trip:%H:%M} BST, or a time with an offset)"
        )
    return local
