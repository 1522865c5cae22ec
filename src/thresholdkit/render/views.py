"""Human-readable documents (plain text and Markdown) for the document-like commands."""

from __future__ import annotations

from typing import Any

from thresholdkit.model.objects import DOMAINS, source_text
from thresholdkit.render.output import SUB_ITEM, Doc


def quote_lines(quotes: list[dict[str, Any]]) -> list[str]:
    return [f"{q['text']}  [{source_text(q.get('source'))}]" for q in quotes]


def exception_lines(owner: dict[str, Any]) -> list[str]:
    """The list a consent text ends by introducing (its ``exceptions``, "... unless to do so
    may:"), one :data:`SUB_ITEM` line per item, to follow the text's own line; an item's
    source is given where it is not the text's."""
    exceptions = owner.get("exceptions") or {}
    return [
        SUB_ITEM
        + item["text"]
        + ("" if item.get("source") == owner.get("source") else f"  [{source_text(item.get('source'))}]")
        for item in exceptions.get("items", [])
    ]


def consent_quote_lines(quotes: list[dict[str, Any]], prefix: str = "") -> list[str]:
    """Consent quotes (inform, record, notes), each followed by its exceptions."""
    lines: list[str] = []
    for q in quotes:
        lines += [prefix + quote_lines([q])[0], *exception_lines(q)]
    return lines


def consent_rule_lines(r: dict[str, Any]) -> list[str]:
    """A consent rule's line, its decision first, then its exceptions under it."""
    return [f"[{r['decision'].replace('_', ' ')}] {r['text']}  [{source_text(r['source'])}]", *exception_lines(r)]


def repeats_name(text: str, name: str) -> bool:
    """Whether a number's label or a contact's hours only repeat its name. Where a document names a
    line only by the words that introduce its number (Worcestershire: "Out of hours or at
    weekends: 01905 768020"), the data keeps those words as the name, the label and the hours, and
    a line that prints them beside the name says them once."""
    return " ".join(text.split()).casefold() == " ".join(name.split()).casefold()


def contact_line(c: dict[str, Any], open_state: Any = "n/a", document_date: str | None = None) -> str:
    """One contact on one line; a direct line of a post carries thresholdkit's note that it is
    as printed on the document's date (``document_date``) and may have changed."""
    parts = [c["name"]]
    if c.get("district"):
        parts.append(f"({c['district']})")
    phones = ", ".join(
        p["number"] + (f" ({p['label']})" if p.get("label") and not repeats_name(p["label"], c["name"]) else "")
        for p in c.get("phone", [])
    )
    if phones:
        parts.append(f"tel {phones}")
    if c.get("options"):
        parts.append("; ".join(f"option {o['option']}: {o['text']}" for o in c["options"]))
    if c.get("email"):
        parts.append(", ".join(c["email"]))
    if c.get("url"):
        parts.append(", ".join(c["url"]))
    if c.get("hours") and not repeats_name(c["hours"]["text"], c["name"]):
        parts.append(f"hours: {c['hours']['text']}")
    if open_state != "n/a":
        parts.append({True: "[OPEN now]", False: "[CLOSED now]", None: "[open or closed: not known]"}[open_state])
    if c.get("kind") == "direct_line_of_post":
        from thresholdkit.rules.documents import direct_line_note

        parts.append(f"[{direct_line_note(document_date)}]")
    return " ".join(parts)


def contact_lines(contacts: list[dict[str, Any]], document_date: str | None = None) -> list[str]:
    """Contacts one a line: service lines first, then the direct lines of posts."""
    from thresholdkit.rules.documents import service_lines_first

    return [contact_line(c, document_date=document_date) for c in service_lines_first(contacts)]


def timescale_line(t: dict[str, Any]) -> str:
    qty = t["quantity"] if "quantity_max" not in t else f"{t['quantity']}-{t['quantity_max']}"
    unit = t["unit"].replace("_", " ")
    return f'{t["applies_to"]}: {qty} {unit} ("{t["text"]}")  [{source_text(t.get("source"))}]'


def pathway_blocks(
    doc: Doc,
    lp: dict[str, Any],
    contacts_by_id: dict[str, dict[str, Any]],
    prefix: str = "",
    document_date: str | None = None,
) -> None:
    doc.add(f"{prefix}Response", quote_lines(lp.get("response", [])) or [lp.get("note", "")])
    doc.add(f"{prefix}Who leads", quote_lines(lp.get("lead", [])))
    doc.add(
        f"{prefix}Steps",
        [f"{n}. {s['text']}  [{source_text(s['source'])}]" for n, s in enumerate(lp.get("steps", []), 1)],
    )
    doc.add(
        f"{prefix}Forms", [f"{f['name']}" + (f": {f['text']}" if f.get("text") else "") for f in lp.get("forms", [])]
    )
    doc.add(f"{prefix}Timescales", [timescale_line(t) for t in lp.get("timescales", [])])
    doc.add(
        f"{prefix}Contacts",
        contact_lines([contacts_by_id[c] for c in lp.get("contacts", []) if c in contacts_by_id], document_date),
    )
    for proc in lp.get("procedures", []):
        lines = [f"{n}. {s['text']}  [{source_text(s['source'])}]" for n, s in enumerate(proc["steps"], 1)]
        lines += [timescale_line(t) for t in proc.get("timescales", [])]
        doc.add(f"{prefix}{proc['title']} ({proc['kind'].replace('_', ' ')})", lines)


def emergency_lines(em: dict[str, Any]) -> list[str]:
    """The emergency route as printed: 999 first, once, then each referral line once
    (``route``, built by :func:`thresholdkit.rules.assess.emergency_route`), then
    thresholdkit's note saying whose lines they are."""
    lines = list(em.get("route") or [em["text"], *(contact_line(c) for c in em["referral"])])
    if em.get("route_note"):
        lines.append(em["route_note"])
    return lines


def emergency_blocks(doc: Doc, em: dict[str, Any]) -> None:
    """The route, then the document's own words on emergencies (verbatim, with sources)."""
    doc.add("EMERGENCY ROUTE", emergency_lines(em))
    doc.add("EMERGENCY ROUTE: the document's words", quote_lines(em.get("statement", [])))


def see_line(see: dict[str, str]) -> str:
    """Where an indicator's text points to another set: the set, by its printed title, and
    the command that lists it."""
    return f"{see['from']} points to the set '{see['set']}', {see['title']}: {see['command']}"


def assessment_doc(a: dict[str, Any]) -> Doc:
    doc = Doc(f"{a['area_name']}: Level {a['level']} - {a['level_name']}")
    if a.get("emergency"):
        emergency_blocks(doc, a["emergency"])
    doc.add("Warnings", a.get("warnings", []))
    doc.add(
        "Matched indicators",
        [
            f"L{i['level']} {i.get('ref', i['id'])} ({DOMAINS[i['domain']]} / {i['domain_label']}): {i['text']}"
            f"  [{source_text(i['source'])}]"
            for i in a["indicators"]
        ]
        or [f"None: level {a['practitioner_level']} is the practitioner's own judgement."],
    )
    doc.add("See also", [see_line(x) for x in a.get("see", [])])
    by_id = {c["id"]: c for c in a["contacts"]}
    date = a["document"].get("date")
    pathway_blocks(doc, a["pathway"], by_id, prefix="What to do: ", document_date=date)
    doc.add("Contacts", contact_lines(a["contacts"], date))
    doc.add("Consent", [line for r in a["consent"] for line in consent_rule_lines(r)])
    for g in a.get("guidance", []):
        doc.add(g["title"], quote_lines(g["items"]))
    d = a["document"]
    doc.add(
        "Source",
        [
            f"{d['title']}"
            + (f", {d['version']}" if d.get("version") else "")
            + (f", {d['date']}" if d.get("date") else ""),
            f"thresholdkit {a['versions']['thresholdkit']}, plugin {a['versions']['plugin'] or 'unknown'}",
        ],
    )
    doc.add("Disclaimer", [a["disclaimer"]])
    return doc


def levels_doc(area_name: str, levels: list[dict[str, Any]]) -> Doc:
    doc = Doc(f"{area_name}: levels of need")
    for lv in levels:
        defs = lv["definition"]
        summary = lv.get("summary")
        lines = quote_lines([summary]) if summary and summary["text"] not in {q["text"] for q in defs} else []
        lines += quote_lines(defs)
        for d in lv.get("details", []):
            lines += [f"{d['label']}: {line}" for line in quote_lines(d["items"])]
        label = lv["label"] if lv["label"].startswith("Level") else f"Level {lv['level']} - {lv['label']}"
        doc.add(label, lines)
    return doc


def pathway_doc(
    area_name: str,
    pathway: dict[str, Any],
    levels: list[dict[str, Any]],
    contacts: list[dict[str, Any]],
    only: int | None,
    document_date: str | None = None,
) -> Doc:
    doc = Doc(f"{area_name}: pathway" + (f", level {only}" if only else ""))
    if pathway.get("emergency_route"):
        emergency_blocks(doc, pathway["emergency_route"])
    by_id = {c["id"]: c for c in contacts}
    names = {lv["level"]: lv["name"] for lv in levels}
    for lp in pathway["levels"]:
        if only and lp["level"] != only:
            continue
        pathway_blocks(
            doc, lp, by_id, prefix=f"Level {lp['level']} ({names.get(lp['level'], '')}): ", document_date=document_date
        )
    for proc in pathway.get("procedures", []):
        if only and proc.get("levels") and only not in proc["levels"]:
            continue
        lines = [f"{n}. {s['text']}  [{source_text(s['source'])}]" for n, s in enumerate(proc["steps"], 1)]
        lines += [timescale_line(t) for t in proc.get("timescales", [])]
        lines += [f"Form: {f['name']}" for f in proc.get("forms", [])]
        lines += [
            f"Contact: {line}"
            for line in contact_lines([by_id[c] for c in proc.get("contacts", []) if c in by_id], document_date)
        ]
        doc.add(f"{proc['title']} ({proc['kind'].replace('_', ' ')})", lines)
    return doc


def consent_doc(area_name: str, result: dict[str, Any]) -> Doc:
    situation = ", ".join(
        f"{k}={v}"
        for k, v in (
            ("level", result["level"]),
            ("purpose", result["purpose"]),
            ("consent", result["consent"]),
            ("risk if sought", result["risk_if_sought"]),
        )
        if v is not None
    )
    doc = Doc(f"{area_name}: consent ({situation})")
    decision = result["decision"]
    from thresholdkit.rules.consent import NO_RULE

    undecided = result.get("decision_note") or NO_RULE
    doc.add("Decision", [decision.replace("_", " ") if decision else undecided])
    for r in result["rules"]:
        lines = consent_rule_lines(r)
        lines += consent_quote_lines(r.get("inform", []), "Inform: ")
        lines += consent_quote_lines(r.get("record", []), "Record: ")
        doc.add(f"Rule {r['id']}", lines)
    doc.add("Notes", consent_quote_lines(result.get("notes", [])))
    doc.add("Disclaimer", ["This supports, and does not replace, professional judgement."])
    return doc


def about_doc(data: dict[str, Any]) -> Doc:
    d = data["document"]
    doc = Doc(f"{data['authority']['name']}: {d['title']}")
    lines = [f"Partnership: {data['authority']['partnership']}"]
    for key, label in (
        ("subtitle", "Subtitle"),
        ("version", "Version"),
        ("date", "Date"),
        ("review_due", "Review due"),
        ("url", "Web address"),
        ("source_file", "Source text"),
    ):
        lines.append(f"{label}: {d.get(key) or 'not printed'}" if key != "subtitle" or d.get(key) else "")
    lines.append(f"Plugin: {data['plugin']['distribution']} {data['plugin']['version']}")
    doc.add("Document", [line for line in lines if line])
    if data.get("review_warning"):
        doc.add("Review status", [data["review_warning"]])
    doc.add("The document's change log", quote_lines(d.get("changes", [])))
    doc.add(
        "Errata (where the document contradicts itself)",
        [
            f"{e['subject']}: "
            + " / ".join(f'"{v["text"]}"' for v in e["variants"])
            + f"; used: {e['used']} ({e['reason']})"
            for e in data.get("errata", [])
        ],
    )
    doc.add("Notes on how the document was encoded", [n["text"] for n in d.get("notes", [])])
    return doc
