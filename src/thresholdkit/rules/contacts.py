"""Selecting contacts by role and time."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from thresholdkit.model.errors import UsageError, did_you_mean
from thresholdkit.rules.hours import parse_when, status_at, to_uk, uk_now

if TYPE_CHECKING:
    from thresholdkit.model.objects import Contact, ContactSelection, ContactStatus, OpeningAdvice

C = TypeVar("C", bound=Mapping[str, Any])

#: A contact's ``kind`` for the direct phone or mobile number of a named post (a district team
#: leader, a coordinator) that the document prints beside a person's name; absent means a
#: service line (``service_line``).
DIRECT_LINE_OF_POST = "direct_line_of_post"


def is_direct_line_of_post(contact: Mapping[str, Any]) -> bool:
    """Whether ``contact`` is the direct line of a named post rather than a service line."""
    return contact.get("kind") == DIRECT_LINE_OF_POST


def direct_line_note(document_date: str | None) -> str:
    """thresholdkit's note for a direct line of a post: the number is as printed on the
    document's date (``document.date``; left out when not given) and may have changed."""
    when = f" ({document_date})" if document_date else ""
    return f"thresholdkit's note: direct number of a post, as printed in the document{when}; it may have changed."


def service_lines_first(contacts: Iterable[C]) -> list[C]:
    """``contacts`` with the service lines first and the direct lines of posts after them, each
    group in its own order."""
    items = list(contacts)
    return [c for c in items if not is_direct_line_of_post(c)] + [c for c in items if is_direct_line_of_post(c)]


ROLES = ("front_door", "mash", "out_of_hours", "early_help", "police", "helpline", "form", "policy", "website", "other")


def select(
    contacts: Sequence[Contact],
    role: str | None = None,
    at: str | None = None,
    now: bool = False,
) -> ContactSelection:
    """The contacts with ``role`` (all when None); with ``at`` (UK time 'YYYY-MM-DD HH:MM', or ISO
    8601 with an offset) or ``now`` (the time in the UK), each marked open, closed or unknown
    then, with the advice on which line to call."""
    if at is not None and now:
        raise UsageError("give --at or --now, not both")
    when = parse_when(at) if at is not None else (uk_now() if now else None)
    chosen = service_lines_first(contacts)  # direct lines of named posts come after the service lines
    if role:
        key = role.strip().lower().replace("-", "_")
        if key not in ROLES:
            raise UsageError(f"unknown role '{role}'{did_you_mean(key, ROLES)}; roles: {', '.join(ROLES)}")
        chosen = [c for c in chosen if c["role"] == key]
    out: ContactSelection = {"contacts": [cast("ContactStatus", dict(c)) for c in chosen], "advice": None}
    if when is not None:
        advice = status_at(contacts, when)
        for c in out["contacts"]:
            c["open"] = advice["open"][c["id"]]
            c["open_reason"] = advice["why"][c["id"]]
            c["call"] = c["id"] in advice["call"]
        out["advice"] = advice
    return out


def contact_rows(contacts: Sequence[ContactStatus] | Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows for a table of contacts: phones with labels and menu options, hours as text."""
    rows = []
    for c in contacts:
        phones = [p["number"] + (f" ({p['label']})" if p.get("label") else "") for p in c.get("phone", [])]
        phones += [f"option {o['option']}: {o['text']}" for o in c.get("options", [])]
        row = {
            "id": c["id"],
            "name": c["name"] + (f" ({c['district']})" if c.get("district") and c["district"] not in c["name"] else ""),
            "role": c["role"],
            "phone": phones,
            "email": c.get("email", []),
            "url": c.get("url", []),
            "hours": (c.get("hours") or {}).get("text", ""),
        }
        if "open" in c:
            row["open"] = (
                "" if c.get("printed") is False else {True: "open", False: "closed", None: "unknown"}[c["open"]]
            )
            row["open_reason"] = c.get("open_reason", "")
        rows.append(row)
    return rows


def contacts_at(contacts: Sequence[Contact], when: _dt.datetime | str | None = None) -> OpeningAdvice:
    """Which line to call at ``when``: a datetime (naive: UK wall time; aware: converted to UK
    time), a string as ``--at`` takes it, or None for now in the UK. The advice lists the lines in
    the order to try them, with why. What ``--at`` refuses is refused here the same way, with a
    UsageError that names the time as "the time '...'" (no option was used): a string that is not
    a date and time, a time outside the years 1900 to 2100 (UK time), and a UK wall time the clocks
    skip in spring (as a string or a naive datetime)."""
    if when is None:
        moment = uk_now()
    elif isinstance(when, str):
        moment = parse_when(when, name="the time")
    else:
        moment = to_uk(when)
    return status_at(contacts, moment)
