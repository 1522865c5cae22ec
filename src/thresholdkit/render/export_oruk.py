"""Contacts as Open Referral UK / HSDS data (``thresholdkit export oruk``).

Every contact of every usable area becomes one service of the Human Services Data Specification
(HSDS) 3.0, the standard that Open Referral UK profiles, in HSDS 3.0's nested ("compiled
service") form: ``services.json`` is a JSON array of service objects, each with its
``organization`` (the area's safeguarding partnership), ``phones`` and ``schedules`` nested in it;
``organizations.json`` lists the organizations once each.

Nothing is invented:

- a contact's ``name``, phone ``number``, ``email``, ``url``, notes and hours text are verbatim,
  as the document prints them (a number keeps its spacing; a web address is not rewritten);
- each text keeps its source reference, as a ``[source: ...]`` suffix;
- a schedule gets ``freq`` WEEKLY, ``byday`` (RFC 5545 day codes), ``opens_at`` and ``closes_at``
  (HH:MM, UK local time) only where the data holds the printed times (``hours.windows``);
  otherwise its ``description`` is the hours text alone; where the document prints the times but
  not the days of the week, there is no ``freq`` or ``byday``, and its ``notes`` say so (no days
  are invented);
- a bank-holiday line is added to the schedule's ``description`` only where the data says the
  line is open or closed on bank holidays, labelled as thresholdkit's encoding.

Ids are UUIDs (HSDS asks for them), derived from the area and contact ids (UUID 5), so the same
data always gives the same ids. The output is written as a folder in one step
(:func:`~thresholdkit.data.atomic.publish_folder`). Nothing is fetched: no network.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thresholdkit.areas.registry import Area

__all__ = ["HSDS_VERSION", "MARKER", "build", "export", "service_id"]

#: The HSDS version whose objects are written.
HSDS_VERSION = "3.0"
#: The file that marks a folder this export wrote (so that it may replace it).
MARKER = ".thresholdkit-oruk"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/thresholdkit/oruk")
_BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
_TIMES = "Times are UK local time (Europe/London)."
_PAST_MIDNIGHT = "closes_at is at or before opens_at: the line is open past midnight into the next day."
_NO_DAYS = (
    "The document prints these times but not the days of the week, so no days are given (no freq or byday); "
    "do not read this as every day."
)
_BANK_HOLIDAYS = {
    "open": "Open on bank holidays (thresholdkit's encoding of the hours as printed).",
    "closed": "Closed on bank holidays (thresholdkit's encoding of the hours as printed).",
}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def service_id(area_id: str, contact_id: str) -> str:
    """The service id of a contact (stable: the same ids always give the same UUID)."""
    return _id(area_id, "contact", contact_id)


def _source(source: Mapping[str, Any] | None) -> str:
    """A source reference as a ``[source: ...]`` suffix ('' where the data gives none)."""
    s = source or {}
    parts = [str(s["section"])] if s.get("section") else []
    parts += [f"{key} {s[key]}" for key in ("table", "heading", "page") if s.get(key) not in (None, "")]
    return f"[source: {'; '.join(parts)}]" if parts else ""


def _with_source(text: str, source: Mapping[str, Any] | None) -> str:
    suffix = _source(source)
    return f"{text} {suffix}" if suffix else text


def _schedules(area_id: str, contact: Mapping[str, Any], sid: str, names: Mapping[str, str]) -> list[dict[str, Any]]:
    hours: Mapping[str, Any] = contact.get("hours") or {}
    if not hours:
        return []
    lines = [_with_source(hours["text"], hours.get("source"))]
    if hours.get("bank_holidays") in _BANK_HOLIDAYS:
        lines.append(_BANK_HOLIDAYS[hours["bank_holidays"]])
    notes = []
    if hours.get("complement_of"):
        other = names.get(hours["complement_of"], hours["complement_of"])
        notes.append(f"thresholdkit's encoding: these are the hours when '{other}' is closed.")
    description = "\n".join(lines)
    windows = hours.get("windows") or []
    if not windows:
        schedule = {"id": _id(area_id, "contact", contact["id"], "schedule"), "service_id": sid}
        schedule["description"] = description
        if notes:
            schedule["notes"] = " ".join(notes)
        return [schedule]
    out = []
    for n, w in enumerate(windows, 1):
        schedule = {"id": _id(area_id, "contact", contact["id"], "schedule", str(n)), "service_id": sid}
        if w.get("days"):
            schedule["freq"] = "WEEKLY"
            schedule["byday"] = ",".join(_BYDAY[d] for d in w["days"])
        schedule["opens_at"] = w["start"]
        schedule["closes_at"] = w["end"]
        schedule["description"] = description
        extra = [_TIMES]
        if not w.get("days"):
            extra.insert(0, _NO_DAYS)
        if w["end"] <= w["start"]:
            extra.append(_PAST_MIDNIGHT)
        schedule["notes"] = " ".join(notes + extra)
        out.append(schedule)
    return out


def _organization(area: Area) -> dict[str, Any]:
    auth: Mapping[str, Any] = area.authority.get("authority") or {}
    name = auth.get("partnership") or area.name
    title = area.document["title"]
    return {
        "id": _id(area.id, "organization"),
        "name": name,
        "description": f"Contacts as printed in the threshold document: {title}",
    }


def _service(
    area: Area, contact: Mapping[str, Any], org: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any]:
    sid = service_id(area.id, contact["id"])
    lines = [_with_source(q["text"], q.get("source")) for q in contact.get("notes") or []]
    lines += [f"Option {o['option']}: {o['text']}" for o in contact.get("options") or []]
    if contact.get("data_note"):
        lines.append(f"thresholdkit maintainers' note: {contact['data_note']}")
    where = _source(contact.get("source"))
    lines.append(f"Printed in '{area.document['title']}'" + (f" {where}" if where else ""))
    service: dict[str, Any] = {
        "id": sid,
        "organization_id": org["id"],
        "name": contact["name"],
        "description": "\n".join(lines),
        "status": "active",
    }
    urls = list(contact.get("url") or [])
    emails = list(contact.get("email") or [])
    if urls:
        service["url"] = urls[0]
    if emails:
        service["email"] = emails[0]
    if urls[1:]:
        service["additional_urls"] = [
            {"id": _id(area.id, "contact", contact["id"], "url", str(n)), "url": u} for n, u in enumerate(urls[1:], 2)
        ]
    if emails[1:]:
        service["contacts"] = [
            {"id": _id(area.id, "contact", contact["id"], "email", str(n)), "service_id": sid, "email": e}
            for n, e in enumerate(emails[1:], 2)
        ]
    phones = []
    for n, p in enumerate(contact.get("phone") or [], 1):
        phone = {
            "id": _id(area.id, "contact", contact["id"], "phone", str(n)),
            "service_id": sid,
            "number": p["number"],
        }
        if p.get("label"):
            phone["description"] = p["label"]
        phones.append(phone)
    service["phones"] = phones
    service["schedules"] = _schedules(area.id, contact, sid, names)
    service["organization"] = dict(org)
    return service


def build(areas: Sequence[Area], *, on_left_out: Callable[[str, str], None] | None = None) -> dict[str, list[Any]]:
    """``areas`` (the ids kept), ``organizations`` and ``services``, in area then document order.

    An area whose contacts cannot be read is left out whole, and ``on_left_out(area id,
    reason)`` is told; the others are kept.
    """
    from thresholdkit.model.errors import ThresholdkitError

    included: list[str] = []
    organizations: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    for area in sorted(areas, key=lambda a: a.id):
        try:
            org = _organization(area)
            contacts = area.contacts()
            names = {c["id"]: c["name"] for c in contacts}
            mine = [_service(area, c, org, names) for c in contacts]
        except (ThresholdkitError, KeyError, TypeError, ValueError) as exc:
            if on_left_out is not None:
                on_left_out(area.id, f"area '{area.id}' was left out: its contacts do not fit ({exc})")
            continue
        included.append(area.id)
        organizations.append(org)
        services += mine
    return {"areas": included, "organizations": organizations, "services": services}


def _dump(path: str, data: Any) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def export(
    areas: Sequence[Area], folder: str, *, on_left_out: Callable[[str, str], None] | None = None
) -> dict[str, Any]:
    """Write ``organizations.json`` and ``services.json`` into ``folder`` in one step; a summary.

    ``folder`` must be new, empty, or a folder this export wrote before (one-line UsageError
    otherwise, before any contact is read).
    """
    from thresholdkit.data.atomic import publish_folder

    def fill(work: str) -> dict[str, Any]:
        data = build(areas, on_left_out=on_left_out)
        _dump(os.path.join(work, "organizations.json"), data["organizations"])
        _dump(os.path.join(work, "services.json"), data["services"])
        return {"areas": data["areas"], "services": len(data["services"])}

    return publish_folder(folder, fill, MARKER)
