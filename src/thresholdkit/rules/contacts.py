"""Selecting contacts by role and time."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from thresholdkit.model.errors import UsageError, did_you_mean
from thresholdkit.rules.hours import parse_when, status_at, to_uk, uk_now

if TYPE_CHECKING:
    from thresholdkit.model.objects import Contact, ContactSelection, ContactStatus, OpeningAdvice

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
    from thresholdkit.rules.documents import service_lines_first

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
            row["open"] = {True: "open", False: "closed", None: "unknown"}[c["open"]]
        rows.append(row)
    return rows


def contacts_at(contacts: Sequence[Contact], when: _dt.datetime | str | None = None) -> OpeningAdvice:
    """Which line to call at ``when``: a datetime (naive: UK wall time; aware: converted to UK
    time), a string as ``--at`` takes it, or None for now in the UK. The advice lists the lines in
    the order to try them, with why."""
    if when is None:
        moment = uk_now()
    elif isinstance(when, str):
        moment = parse_when(when)
    else:
        moment = to_uk(when)
    return status_at(contacts, moment)
