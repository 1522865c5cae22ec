"""Opening hours: is a line open at a given moment, and which line to call then.

Every moment is UK time (Europe/London, so GMT in winter and BST in summer), whatever the
machine's own time zone. Where the document does not print something (days of the week, bank
holidays, a line's hours), nothing is assumed from the document: the answer is ``None``
(unknown) with the reason. These readings are thresholdkit's own, and are labelled as such:

- **office hours**: where a document says "office hours" but prints no times, weekends and
  weekday times before 08:00 or from 18:00 are out of office hours on any reading, and Monday to
  Friday 10:00 to 16:00 is inside them; between those bands both lines are shown;
- **bank holidays** (England and Wales, from :mod:`thresholdkit.data.bank_holidays`): where the
  document does not say what changes on a bank holiday, a daytime line that is closed at that time
  on an ordinary day is closed then too, and an out-of-hours line open then stays open (a bank
  holiday may close a daytime line, never open it, and does not close an out-of-hours line inside
  its printed hours: :data:`BANK_HOLIDAY_READING`); when that does not settle it, both the in-hours
  and the out-of-hours line are shown, with the holiday named. Where a document prints what its
  line does on bank holidays (``bank_holidays: open`` / ``closed``), that is used, as printed.
- **years outside the table** (2020 to 2035): on a weekday the tool cannot tell whether the day is
  a bank holiday; where that changes the answer, the state is unknown, both lines are shown, and
  the reason says so.

999 is the national emergency number: always open, whatever the document says.
"""

from __future__ import annotations

import datetime as _dt
import re
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
BANK_HOLIDAY_READING = (
    "thresholdkit's reading of bank holidays, not the document's, which does not say what changes on them: "
    "a bank holiday may close a daytime line but does not open it outside its hours, and does not close an "
    "out-of-hours line inside its printed hours"
)
#: Said wherever the lines to call are listed for a document that prints no out-of-hours line.
NO_OUT_OF_HOURS = "The document prints no separate out-of-hours line; this is the only referral line it gives."
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
    """(open, reason): True / False / None (unknown) at ``when`` (UK time), with why.

    On a bank holiday, a line whose document says nothing about bank holidays is read with
    :data:`BANK_HOLIDAY_READING` (thresholdkit's, labelled): a daytime line closed at that time on
    an ordinary day stays closed, an out-of-hours line open then stays open, and otherwise the
    state is unknown. On a weekday of a year outside the bank holiday table, where the state
    would differ on a bank holiday, it is unknown, with why."""
    if _is_999(contact):
        return True, NATIONAL_999
    hours = contact.get("hours")
    comp = hours.get("complement_of") if hours else None
    if hours and comp and _depth < 3:
        other = by_id.get(comp)
        if other is None:
            return None, f"{contact['name']}: hours refer to an unknown contact '{comp}'"
        state, why = is_open(other, by_id, when, _depth + 1)
        if state is None:
            return None, f"{contact['name']} is the out-of-hours line, and {why}"
        return (not state), (
            f"{contact['name']}: {'closed' if state else 'open'}. {why}; thresholdkit reads "
            f"'{hours['text']}' as open whenever {other['name']} is closed"
        )
    holiday = bank_holiday(when)
    if holiday is not None:
        return _on_bank_holiday(contact, when)
    ordinary = _ordinary(contact, when)
    if when.weekday() < 5 and not _covered(when):  # a weekday that may be a bank holiday
        held = _on_bank_holiday(contact, when)
        if held[0] != ordinary[0]:
            return None, (
                f"{contact['name']}: {_unknown_year(when)}, and the answer depends on it: on an ordinary "
                f"day, {_tail(ordinary[1], contact)}; on a bank holiday, {_tail(held[1], contact)}"
            )
    return ordinary


def _tail(why: str, contact: ContactData) -> str:
    """``why`` without the contact's name in front (it is said once)."""
    head = f"{contact['name']}: "
    return why[len(head) :] if why.startswith(head) else why


def _covered(when: _dt.datetime) -> bool:
    from thresholdkit.data.bank_holidays import covers

    return covers(when.date())


def _unknown_year(when: _dt.datetime) -> str:
    from thresholdkit.data.bank_holidays import FIRST_YEAR, LAST_YEAR

    return (
        f"thresholdkit knows the bank holidays of {FIRST_YEAR} to {LAST_YEAR} only; it cannot say "
        f"whether {when:%A %d %B %Y} is one"
    )


def _on_bank_holiday(contact: ContactData, when: _dt.datetime) -> tuple[bool | None, str]:
    """The state on a bank holiday at ``when``: as printed where the document says (``open`` /
    ``closed``), or a line open round the clock; otherwise :data:`BANK_HOLIDAY_READING`."""
    hours = contact.get("hours")
    printed = hours.get("bank_holidays", "not_printed") if hours else "not_printed"
    if printed in ("open", "closed"):
        state = printed == "open"
        said = f" ('{hours['text']}')" if hours and hours.get("text") else ""
        return state, f"{contact['name']}: {'open' if state else 'closed'} on bank holidays, by its printed hours{said}"
    ordinary, why = _ordinary(contact, when)
    if _always(contact):
        return ordinary, why
    if contact["role"] == "out_of_hours":
        if ordinary is True:
            return True, f"{why}; a bank holiday does not close it then ({BANK_HOLIDAY_READING})"
    elif ordinary is False:
        return False, f"{why}; it is closed then on a bank holiday too ({BANK_HOLIDAY_READING})"
    if ordinary is None and not hours and not _says_office_hours(contact):
        return None, why  # nothing printed at all: that is the reason
    return None, f"{contact['name']}: the document does not say whether it is open on bank holidays"


def _always(contact: ContactData) -> bool:
    hours = contact.get("hours")
    windows = (hours.get("windows") or []) if hours else []
    return bool(windows) and all(
        w["days"] is not None and len(w["days"]) == 7 and w["start"] == "00:00" and w["end"] in ("24:00", "00:00")
        for w in windows
    )


def _ordinary(contact: ContactData, when: _dt.datetime) -> tuple[bool | None, str]:
    """The state at ``when`` as on a day that is no bank holiday."""
    hours = contact.get("hours")
    if not hours:
        if contact["role"] in ("front_door", "mash") and _says_office_hours(contact):
            state, why = office_hours(when)
            return state, (
                f"{contact['name']}: the document says 'office hours' and prints no times ({why}; {OFFICE_READING})"
            )
        return None, f"{contact['name']}: opening hours are not printed in the document"
    windows = hours.get("windows") or []
    if not windows:
        return None, f"{contact['name']}: hours are printed as '{hours['text']}' without times"
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


def call_lines(contacts: Sequence[ContactData]) -> list[ContactData]:
    """The lines 'call now' chooses between, in order: referral and out-of-hours lines that print a
    number, a named post's direct line left out."""
    return [
        c for c in contacts if c["role"] in LINE_ROLES and c.get("kind") != "direct_line_of_post" and c.get("phone")
    ]


def status_at(contacts: Sequence[ContactData], when: _dt.datetime) -> OpeningAdvice:
    """Each contact's open state at ``when`` (UK time) and the line(s) to call, in order, with the
    reasons. Direct lines of named posts are never offered as the line to call."""
    from thresholdkit.data.bank_holidays import covers

    when = to_uk(when)  # refuses a time outside YEARS, and a UK time the clocks skip
    by_id = {c["id"]: c for c in contacts}
    states: dict[str, tuple[bool | None, str]] = {c["id"]: is_open(c, by_id, when) for c in contacts}
    lines = call_lines(contacts)
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
        reasons.append(NO_OUT_OF_HOURS)
    elif holiday is not None:
        call = [c["id"] for c in in_hours + out_hours]
        reasons.append(
            f"{when:%A %d %B %Y} is a bank holiday in England and Wales ({holiday}). The document does not say "
            "which line applies on bank holidays, so both the in-hours and the out-of-hours line are shown: "
            "try them in this order."
        )
    elif (
        when.weekday() < 5
        and not covers(when.date())
        and any(states[c["id"]][0] is None and _unknown_year(when) in states[c["id"]][1] for c in in_hours + out_hours)
    ):
        call = [c["id"] for c in in_hours + out_hours]
        reasons.append(
            f"{_unknown_year(when)}, and the answer depends on it: if it is one, the document does not say "
            "which line applies on bank holidays. So both the in-hours and the out-of-hours line are shown: "
            "try them in this order."
        )
        reasons += [states[c["id"]][1] for c in in_hours + out_hours]
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
    if not covers(when.date()) and not any(_unknown_year(when) in r for r in reasons):
        reasons.append(_unknown_year(when) + ".")
    for c in in_hours + out_hours:  # a decision that rests on thresholdkit's own reading says so
        why = states[c["id"]][1]
        if "thresholdkit's reading" in why and not any(why in r for r in reasons):
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


#: The years thresholdkit places a moment in UK time for (outside them it refuses the moment).
YEARS = (1900, 2100)
#: The widest UTC offset a time may carry (real zones run from -12:00 to +14:00).
MAX_OFFSET_MINUTES = 14 * 60
#: The forms a moment may take, as a string (``--at``, or the API's ``contacts_at``): a date,
#: one space or 'T', HH:MM with optional :SS and fraction of a second, then optionally 'Z' or an
#: offset (+HH:MM or +HHMM, at most 14:00 either way). Nothing else: no week or ordinal dates,
#: no other separator, no time without minutes.
_WHEN = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[ Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_h>[0-9]{2}):?(?P<off_m>[0-9]{2}))?",
    re.ASCII,
)
#: The expected forms, as the error for any other text says them.
EXPECTED = (
    "use 'YYYY-MM-DD HH:MM' (UK time), e.g. '2026-11-23 10:00', with 'T' or a space between date and time "
    "and optional ':SS' seconds, or with 'Z' or an offset from -14:00 to +14:00, e.g. '2026-07-03T15:45Z' "
    "or '2026-07-03T16:45+01:00'"
)


def _range_error(what: str) -> str:
    return (
        f"{what} is outside the years thresholdkit can place in UK time; give a time from "
        f"{YEARS[0]}-01-01 00:00 to {YEARS[1]}-12-31 23:59 (UK time)"
    )


def uk_zone() -> _dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(UK)


def _shown(text: str) -> str:
    """``text`` as an error quotes it: on one line (a newline or tab shown as ``\\n``, ``\\t``), and
    cut at 60 characters."""
    cut = text if len(text) <= 60 else text[:60] + "..."
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)


def _moment(when: _dt.datetime) -> str:
    """A datetime as an error names it: date, hours and minutes, and its offset if it has one."""
    offset = when.utcoffset()
    zone = ""
    if offset is not None:
        minutes = int(offset.total_seconds()) // 60
        zone = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d} {when.hour:02d}:{when.minute:02d}{zone}"


def _place(when: _dt.datetime, what: str) -> _dt.datetime:
    """``when`` in UK time (aware: converted; naive: UK wall time), or a UsageError naming it as
    ``what``: for a time outside :data:`YEARS` (in UK time), and for a UK wall time that does not
    exist (the hour the clocks skip), with the time to give instead in the zone's own name for it
    (BST, or BDST in the years of double summer time)."""
    from thresholdkit.model.errors import UsageError

    if not YEARS[0] - 1 <= when.year <= YEARS[1] + 1:  # far outside: never converted (no overflow)
        raise UsageError(_range_error(what))
    if when.tzinfo is not None and when.utcoffset() is not None:
        converted = when.astimezone(uk_zone())
        if not YEARS[0] <= converted.year <= YEARS[1]:
            raise UsageError(_range_error(what))
        return converted
    if not YEARS[0] <= when.year <= YEARS[1]:
        raise UsageError(_range_error(what))
    local = when.replace(tzinfo=uk_zone())
    round_trip = local.astimezone(_dt.UTC).astimezone(uk_zone())
    if round_trip.replace(tzinfo=None) != when.replace(tzinfo=None):
        raise UsageError(
            f"{what} does not exist in UK time: the clocks go forward an hour that night "
            f"(give {round_trip:%H:%M} {round_trip.tzname()}, or a time with an offset)"
        )
    return local


def to_uk(when: _dt.datetime) -> _dt.datetime:
    """``when`` in UK time: an aware time is converted; a naive one is taken as UK wall time.

    A time outside :data:`YEARS` (in UK time), and a naive time the clocks skip in spring (it
    does not exist in UK time), are refused with a UsageError naming the time, as ``--at``
    refuses them (without naming an option: none was used)."""
    return _place(when, f"the time '{_moment(when)}'")


def uk_now(clock: Callable[[], float] | None = None) -> _dt.datetime:
    """Now, in UK time, whatever the machine's time zone (``clock``: seconds since the epoch)."""
    import time

    return _dt.datetime.fromtimestamp((clock or time.time)(), _dt.UTC).astimezone(uk_zone())


def parse_when(text: str, *, name: str = "--at") -> _dt.datetime:
    """A moment as UK time, from exactly these forms: 'YYYY-MM-DD HH:MM' (UK wall time), with 'T'
    (or 't') for the space, optional ':SS' and a fraction of a second after it, and optionally
    'Z' or an offset '+HH:MM' / '+HHMM' (from -14:00 to +14:00), which is converted to UK time.
    Spaces around the text are ignored. Anything else is a UsageError naming the expected forms;
    a time outside :data:`YEARS` and a UK time the clocks skip are UsageErrors too. Each error
    names the text as ``name`` and the text (``--at '...'``; the API says ``the time '...'``)."""
    from thresholdkit.model.errors import UsageError

    what = f"{name} '{_shown(text)}'"
    found = _WHEN.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError
        g = found.groupdict()
        tz: _dt.tzinfo | None = None
        if g["utc"]:
            tz = _dt.UTC
        elif g["sign"]:
            hours, minutes = int(g["off_h"]), int(g["off_m"])
            if minutes > 59 or hours * 60 + minutes > MAX_OFFSET_MINUTES:
                raise ValueError
            offset = _dt.timedelta(hours=hours, minutes=minutes)
            tz = _dt.timezone(-offset if g["sign"] == "-" else offset)
        parsed = _dt.datetime(
            int(g["year"]),
            int(g["month"]),
            int(g["day"]),
            int(g["hour"]),
            int(g["minute"]),
            int(g["second"] or 0),
            int((g["fraction"] or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        raise UsageError(f"{what} is not a date and time; {EXPECTED}") from None
    return _place(parsed, what)
