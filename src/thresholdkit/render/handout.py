"""Trainers' handouts: one data model, rendered as HTML (Jinja2, autoescaped), Markdown or PDF.

The model is built from the same plugin data as every other command, so a handout never drifts
from the guidance it teaches. Every text in it is the document's own, with its source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from thresholdkit import __version__
from thresholdkit.areas.registry import Area
from thresholdkit.model.errors import NotPublishedError, UsageError
from thresholdkit.model.objects import DISCLAIMER, DOMAINS, LEVEL_COLOURS, Indicator, source_text
from thresholdkit.render.views import repeats_name
from thresholdkit.rules.filters import filter_indicators
from thresholdkit.rules.hours import NO_OUT_OF_HOURS, call_lines


def generated_on() -> str:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` (reproducible output, as for builds)."""
    from thresholdkit.areas.registry import today

    return today().isoformat()


def contact_view(c: Mapping[str, Any]) -> dict[str, Any]:
    """A contact as the pages print it. Where a document names a line only by the words that
    introduce its number (Worcestershire: "Out of hours or at weekends: 01905 768020"), the data
    keeps those words as the contact's name, the number's label and its hours; a label or hours
    that only repeat the name are not printed beside it again. ``hours`` stays whole for a column
    of hours; ``hours_aside`` is what to print in brackets after the name and numbers."""
    hours = (c.get("hours") or {}).get("text")
    return {
        "name": c["name"],
        "district": c.get("district"),
        "role": c["role"].replace("_", " "),
        "phones": [
            p["number"] + (f" ({p['label']})" if p.get("label") and not repeats_name(p["label"], c["name"]) else "")
            for p in c.get("phone", [])
        ],
        "options": [f"Option {o['option']}: {o['text']}" for o in c.get("options", [])],
        "email": c.get("email", []),
        "url": c.get("url", []),
        "hours": hours,
        "hours_aside": hours if hours and not repeats_name(hours, c["name"]) else None,
    }


def _group_sets(
    area: Area, set_id: str | None, domain: str | None
) -> tuple[list[dict[str, Any]], list[Indicator], bool, str | None]:
    """The indicator sets a handout shows (every published set, or ``set_id``), each with its
    indicators; the indicators of all of them; whether any is published; the document's words
    where none is."""
    sets = [area.indicator_set(set_id)] if set_id else area.indicator_sets()
    chosen: list[dict[str, Any]] = []
    every: list[Indicator] = []
    not_published = None
    for s in sets:
        try:
            items = filter_indicators(area.indicators(s["id"]), domain=domain)
        except NotPublishedError as exc:
            not_published = str(exc).split(" Use '")[0]
            if set_id or not area.published_sets():
                chosen.append({"set": s, "items": [], "published": False, "not_published": not_published})
            continue
        chosen.append({"set": s, "items": items, "published": True, "not_published": None})
        every += items
    published = any(c["published"] for c in chosen)
    return chosen, every, published, None if published else not_published


#: The parts of a source that a set's indicators at one level often share (printed once, under
#: the set's heading); the rest are printed once per group of rows.
_SHARED_PARTS = ("section", "table", "page")


def _set_view(entry: dict[str, Any], n: int) -> dict[str, Any]:
    """One indicator set at level ``n``: its indicators by domain, in groups of rows that share a
    source, the source printed once per group (and its shared parts once for the set)."""
    s = entry["set"]
    items = [i for i in entry["items"] if i.level == n]
    shared: dict[str, str] = {}
    if items:
        for part in _SHARED_PARTS:
            values = {(i.source or {}).get(part) for i in items}
            if len(values) == 1 and None not in values:
                shared[part] = str(values.pop())
    domains: dict[str, list[dict[str, Any]]] = {}
    for ind in items:
        rest = {k: v for k, v in (ind.source or {}).items() if k not in shared}
        heading = source_text(rest)  # type: ignore[arg-type]
        groups = domains.setdefault(DOMAINS[ind.domain], [])
        if not groups or groups[-1]["source"] != heading:
            groups.append({"source": heading, "indicators": []})
        label = ind.subdomain if ind.subdomain and ind.subdomain not in source_text(ind.source) else ""
        see = None
        if ind.see_set:  # "refer to CE section": a link to that set at this level, or its name
            target = next((e for e in entry.get("others", []) if e["set"]["id"] == ind.see_set), None)
            see = {
                "set": ind.see_set,
                "title": target["set"]["title"] if target else ind.see_set,
                "anchor": f"set-{ind.see_set}-level-{n}"
                if target and any(i.level == n for i in target["items"])
                else None,
            }
        groups[-1]["indicators"].append({"id": ind.id, "ref": ind.ref, "text": ind.text, "label": label, "see": see})
    return {
        "id": s["id"],
        "title": s["title"],
        "published": entry["published"],
        "not_published": entry["not_published"],
        "source": source_text(shared),  # type: ignore[arg-type]
        "count": len(items),
        "domains": [{"domain": d, "groups": g} for d, g in domains.items()],
    }


def _once(rules: list[Any]) -> list[Any]:
    """Rules in order, each wording once: two rules may quote the same sentence for different
    situations, and a handout prints the document's sentence once."""
    seen: set[str] = set()
    out = []
    for r in rules:
        if r["text"] not in seen:
            seen.add(r["text"])
            out.append(r)
    return out


def grouped_contacts(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Contacts of one name as one entry: ``{"name", "lines"}``, each line a telephone number (or
    else a web address or email) with the district it serves where the document names one."""
    out: dict[str, list[str]] = {}
    for c in contacts:
        reach = c["phones"] or c["url"] or c["email"]
        where = f" ({c['district']})" if c.get("district") else ""
        out.setdefault(c["name"], []).extend(f"{r}{where}" for r in reach[:1])
    return [{"name": name, "lines": lines} for name, lines in out.items()]


def _quotes(items: Any) -> list[dict[str, str]]:
    return [{"text": q["text"], "source": source_text(q["source"])} for q in items or []]


def area_model(
    area: Area, levels: list[int] | None = None, domain: str | None = None, set_id: str | None = None
) -> dict[str, Any]:
    """Everything one area's handout shows, as plain data.

    ``set_id`` restricts the indicators to one indicator set; by default every published set is
    shown, each under its own heading with the set's printed title."""
    chosen = sorted(set(levels or [1, 2, 3, 4]))
    for n in chosen:
        if n not in (1, 2, 3, 4):
            raise UsageError(f"--level must be 1, 2, 3 or 4 (got {n!r})")
    doc = area.document
    sets, indicators, published, not_published = _group_sets(area, set_id, domain)
    contacts = area.contacts()
    by_id = {c["id"]: c for c in contacts}
    em = area.pathway()["emergency"]
    # The lines to call, as ``contacts --at`` offers them: a number to ring, not a named post's
    # direct line. "Referral line" and "Out of hours" are the data's roles (thresholdkit's
    # grouping), not hours: a referral line's hours are shown only as printed.
    lines = call_lines(contacts)
    in_hours = [contact_view(c) for c in lines if c["role"] in ("front_door", "mash")]
    out_hours = [contact_view(c) for c in lines if c["role"] == "out_of_hours"]
    referral = [contact_view(by_id[c]) for c in em["referral"]]
    level_models = []
    from thresholdkit.rules.consent import evaluate

    for n in chosen:
        lv = area.level(n)
        lp = area.level_pathway(n)
        groups: dict[str, list[dict[str, Any]]] = {}
        for ind in indicators:
            if ind.level == n:
                label = DOMAINS[ind.domain]
                groups.setdefault(label, []).append(
                    {
                        "id": ind.id,
                        "text": ind.text,
                        "source": source_text(ind.source),
                        "heading": ind.subdomain
                        if ind.subdomain and ind.subdomain not in source_text(ind.source)
                        else "",
                    }
                )
        consent = evaluate(area.consent_rules(), level=n)["rules"]
        route = [
            contact_view(by_id[c])
            for c in lp.get("contacts", [])
            if c in by_id and by_id[c]["role"] != "police"  # 999 has its own box
        ]
        summary = lv.get("summary") or (lv["definition"][0] if lv["definition"] else None)
        level_models.append(
            {
                "level": n,
                "name": lv["name"],
                "label": lv["label"],
                "colour": LEVEL_COLOURS[n],
                "summary": _quotes([summary] if summary else []),
                "definition": _quotes(lv["definition"]),
                # the quick reference quotes the level's summary; the rest of its definition follows
                "definition_more": [
                    q for q in _quotes(lv["definition"]) if not summary or q["text"] != summary["text"]
                ],
                "groups": [{"domain": d, "indicators": items} for d, items in groups.items()],
                "sets": [_set_view({**e, "others": sets}, n) for e in sets],
                "response": _quotes(lp.get("response", [])),
                "lead": [q["text"] for q in lp.get("lead", [])],
                "steps": _quotes(lp.get("steps", [])),
                "forms": [f["name"] for f in lp.get("forms", [])],
                "timescales": [
                    {"applies_to": t["applies_to"], "text": t["text"], "source": source_text(t["source"])}
                    for t in lp.get("timescales", [])
                ],
                "note": lp.get("note"),
                "contacts": [contact_view(by_id[c]) for c in lp.get("contacts", []) if c in by_id],
                # the line to call at this level: at level 4 the emergency referral line (after 999),
                # at other levels the area's route for the level
                "route": [c for c in route if c not in referral] if n == 4 else route,
                "route_grouped": grouped_contacts([c for c in route if c not in referral] if n == 4 else route),
                "consent": [
                    {
                        "decision": r["decision"].replace("_", " "),
                        "text": r["text"],
                        "source": source_text(r["source"]),
                        # the list the rule's text ends by introducing ("unless to do so may:")
                        "exceptions": [
                            {"text": x["text"], "source": source_text(x["source"])}
                            for x in (r["exceptions"]["items"] if "exceptions" in r else [])
                        ],
                    }
                    for r in _once(consent)
                ],
            }
        )
    date = doc.get("date") or "no date printed"
    scope = (
        f"Level {chosen[0]}: {level_models[0]['name']}"
        if len(chosen) == 1
        else "Levels " + ", ".join(str(n) for n in chosen[:-1]) + f" and {chosen[-1]}"
    )
    generated = generated_on()
    return {
        "area": area.id,
        "name": area.name,
        "partnership": area.authority["authority"]["partnership"],
        "document": {
            "title": doc["title"],
            "version": doc.get("version") or "no version printed",
            "date": date,
            **review_view(area),
        },
        "continuum": [
            {"level": lv["level"], "name": lv["name"], "colour": LEVEL_COLOURS[lv["level"]]} for lv in area.levels()
        ],
        "levels": level_models,
        "domain": domain,
        "set": set_id,
        "published": published,
        "not_published": not_published,
        "emergency": {
            "statement": _quotes(em["statement"]),
            "referral": referral,
        },
        "in_hours": in_hours,
        "out_of_hours": out_hours,
        "no_out_of_hours": None if out_hours else NO_OUT_OF_HOURS,
        "disclaimer": DISCLAIMER,
        "generated": generated,
        "versions": {"thresholdkit": __version__, "plugin": area.record.version or "unknown"},
        "running": running_text(f"{area.name} · {scope}", f"{doc['title']}, {date}", generated),
    }


def review_view(area: Area) -> dict[str, Any]:
    """The document's review status as handouts and worksheets print it: ``review``, the warning
    when the document is past its review date (or old with none printed), else its review date or
    that none is printed; ``stale``, whether ``review`` is that warning."""
    warning = area.review_warning()
    due = area.document.get("review_due")
    return {
        "review": warning or (f"review due {due}" if due else "no review date printed"),
        "stale": warning is not None,
    }


def running_text(what: str, document: str, generated: str) -> dict[str, str]:
    """The running header and footer printed on every page of a PDF (CSS @page margin boxes)."""
    return {
        "header": f"{what} · {document}",
        "footer": f"Generated {generated} · thresholdkit supports, not replaces, professional judgement",
    }


def glance_model(area: Area) -> dict[str, Any]:
    """A one-page sheet: the four levels with their local names and definitions, the route at
    each level, and the emergency box."""
    m = area_model(area)
    # the longer the printed words, the smaller the type, so that the sheet stays one A4 page;
    # the levels are laid out two by two, so the longer of each pair sets the height
    size = [
        sum(len(q["text"]) + len(q["source"]) for q in lv["summary"])
        + sum(len(g["name"]) + sum(len(line) + 2 for line in g["lines"]) for g in lv["route_grouped"])
        + sum(len(f) + 2 for f in lv["forms"])
        + 120
        for lv in m["levels"]
    ]
    text = 2 * (max(size[:2]) + max(size[2:])) + sum(len(c["name"]) + 60 for c in m["emergency"]["referral"])
    m["font_pt"] = 10 if text < 2600 else 9 if text < 3400 else 8 if text < 4400 else 7
    m["running"] = running_text(
        f"{area.name} · levels at a glance", f"{m['document']['title']}, {m['document']['date']}", m["generated"]
    )
    return m


def jinja_env() -> Any:
    """The templates' environment, with compiled templates remembered in the thresholdkit cache
    folder (:func:`bytecode_cache`)."""
    import jinja2

    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(here),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters["css_string"] = css_string
    return env


def bytecode_cache() -> Any:
    """A Jinja2 bytecode cache in the thresholdkit cache folder, or None when caching is off.

    Compiling the templates cost about 40 ms a run; loading them compiled costs about 1 ms
    (measured, benchmarks/startup.py), so this beat shipping precompiled templates, which would
    go stale whenever a template is edited. Jinja2 recompiles a template whose source changed
    (each entry carries a hash of the source); our key adds the Jinja2 and Python versions and
    this file (the environment's options), and each entry carries a hash of its own bytes, written
    atomically by :mod:`thresholdkit.data.cache`, which reads it only from a folder no one else
    can write to. ``THRESHOLDKIT_NO_CACHE`` and ``THRESHOLDKIT_CACHE_DIR`` apply.
    """
    import sys

    import jinja2

    from thresholdkit.data import cache

    if cache.cache_dir() is None:
        return None
    with open(os.path.abspath(__file__), "rb") as fh:
        code = fh.read()
    tag = cache.digest([jinja2.__version__.encode(), sys.version.encode(), code])

    class BytecodeCache(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            payload = cache.get_bytes("template", cache.digest([tag.encode(), bucket.key.encode()]))
            if payload is not None:
                try:
                    bucket.bytecode_from_string(payload)
                except Exception:  # an unreadable entry is compiled again
                    bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            key = cache.digest([tag.encode(), bucket.key.encode()])
            cache.put_bytes("template", key, bucket.bytecode_to_string())

    return BytecodeCache()


def css_string(text: str) -> Any:
    """``text`` as a quoted CSS string for a ``<style>`` element: every character outside
    printable ASCII letters, digits, space and plain punctuation is a CSS escape, so plugin text
    can neither end the string nor the element (``</style>``)."""
    from markupsafe import Markup

    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;()-_/'!?+=*#%")
    return Markup('"' + "".join(c if c in safe else f"\\{ord(c):x} " for c in text) + '"')


def render_html(model: dict[str, Any], template: str = "handout.html.j2") -> str:
    """The page ``template`` makes of ``model``.

    Remembered in the cache folder under a hash of the model (plugin data and options, never
    case content), every template, this file and the Jinja2 and MarkupSafe sources: a page asked
    for again is read back without importing Jinja2 (about a third of a handout's run).
    """
    from thresholdkit.data import cache

    key = _page_key(model, template) if cache.cache_dir() is not None else None
    if key is not None:
        page = cache.get_bytes("page", key)
        if page is not None:
            try:
                return page.decode("utf-8")
            except UnicodeDecodeError:
                pass
    html = str(jinja_env().get_template(template).render(m=model))
    if key is not None:
        cache.put_bytes("page", key, html.encode("utf-8"))
    return html


def _page_key(model: dict[str, Any], template: str) -> str | None:
    """The hash a rendered page is remembered under, or None when the model is not plain data."""
    import json
    from importlib.machinery import PathFinder

    from thresholdkit.data import cache

    try:
        encoded = json.dumps(model, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        return None
    chunks = [b"page", *cache.format_chunks(), template.encode(), encoded]
    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(here, "templates")
    sources = [os.path.join(folder, n) for n in sorted(os.listdir(folder))]
    sources.append(os.path.join(here, "handout.py"))
    for name in ("jinja2", "markupsafe"):
        spec = PathFinder.find_spec(name)
        if spec is None or spec.origin is None:
            return None
        sources.append(spec.origin)
    for path in sources:
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                chunks += [os.path.basename(path).encode(), fh.read()]
    return cache.digest(chunks)


def render_markdown(model: dict[str, Any]) -> str:
    from thresholdkit.render.output import md_escape as e

    out = [f"# {e(model['name'])}: levels of need", ""]
    d = model["document"]
    out += [
        f"*{e(d['title'])}* ({e(model['partnership'])}); {e(d['version'])}; {e(d['date'])}; "
        f"{e(d['review'].rstrip('.'))}.",
        "",
    ]
    out += ["**Continuum of need:** " + " → ".join(f"{c['level']} {e(c['name'])}" for c in model["continuum"]), ""]
    out += ["## Emergency", "", "**If a child is in immediate danger, call 999.**", ""]
    out += [f"- {e(q['text'])} ({e(q['source'])})" for q in model["emergency"]["statement"]]
    out += [_line_md(c, e) for c in model["emergency"]["referral"]]
    out.append("")
    for lv in model["levels"]:
        out += [f"## Level {lv['level']}: {e(lv['name'])}", ""]
        out += [f"> {e(q['text'])} ({e(q['source'])})" for q in lv["definition"]]
        out.append("")
        if not model["published"]:
            out += [f"*{e(model['not_published'] or '')}*", ""]
        for st in lv["sets"]:
            if not st["published"]:  # said once above
                continue
            out += [f"### {e(st['title'])}", ""]
            if not st["count"]:
                out += [f"*No indicator of this set at level {lv['level']}.*", ""]
                continue
            if st["source"]:
                out += [f"Source: *{e(st['source'])}*", ""]
            for d in st["domains"]:
                out += [f"#### {e(d['domain'])}", ""]
                for g in d["groups"]:
                    if g["source"]:
                        out += [f"*{e(g['source'])}*", ""]
                    out += [
                        f"- {e(i['text'])}"
                        + (f" *({e(i['label'])})*" if i["label"] else "")
                        + (f" (see {e(i['see']['title'])})" if i.get("see") else "")
                        for i in g["indicators"]
                    ]
                    out.append("")
        if lv["response"] or lv["steps"]:
            out += ["### What to do", ""]
            out += [f"- {e(q['text'])}" for q in lv["response"]]
            out += [f"{k}. {e(s['text'])}" for k, s in enumerate(lv["steps"], 1)]
            out.append("")
        if lv["forms"]:
            out += ["**Forms:** " + e(", ".join(lv["forms"])), ""]
        if lv["timescales"]:
            out += ["**Timescales:**", ""] + [
                f"- {e(t['applies_to'])}: \u201c{e(t['text'])}\u201d" for t in lv["timescales"]
            ]
            out.append("")
        if lv["consent"]:
            out += ["**Consent:**", ""]
            for r in lv["consent"]:
                out.append(f"- {e(r['text'])} *({e(r['source'])})*")
                out += [
                    f"  - {e(x['text'])}" + ("" if x["source"] == r["source"] else f" *({e(x['source'])})*")
                    for x in r["exceptions"]
                ]
            out.append("")
    out += ["## Whom to call", ""]
    for title, items in (("Referral lines", model["in_hours"]), ("Out of hours", model["out_of_hours"])):
        if items:
            out += [f"**{title}:**", ""]
            out += [_line_md(c, e) for c in items]
            out.append("")
    if model["no_out_of_hours"]:
        out += [e(model["no_out_of_hours"]), ""]
    out += ["---", "", f"*{e(model['disclaimer'])}*", ""]
    out.append(
        f"Generated {model['generated']} by thresholdkit {model['versions']['thresholdkit']}, "
        f"plugin {e(model['versions']['plugin'])}."
    )
    return "\n".join(out) + "\n"


def _line_md(c: Mapping[str, Any], e: Any) -> str:
    """A line to call as a Markdown item: its name, numbers (with their labels) and printed hours
    (a label such as "During the following working hours" is followed by the hours it means)."""
    return f"- {e(c['name'])}: {e(', '.join(c['phones']))}" + (f" ({e(c['hours_aside'])})" if c["hours_aside"] else "")


def compare_model(areas: list[Area], level: int | None, concept: str | None) -> dict[str, Any]:
    """One level, or one need (concept), across areas: one section per area, each with the
    area's own words and sources, so no column is ever empty."""
    from thresholdkit.data import vocabulary

    if concept is None and level is None:
        raise UsageError("give --level N or --concept C with --compare")
    if concept is not None and concept not in vocabulary.concepts():
        raise UsageError(f"unknown concept '{concept}'{vocabulary.suggest(concept)}")
    sections = []
    for a in areas:
        sets, _, published, not_published = _group_sets(a, None, None)
        if concept is not None:
            sets = [{**e, "items": [i for i in e["items"] if concept in i.concepts]} for e in sets]
        by_id = {c["id"]: c for c in a.contacts()}
        rows, without = [], []
        for n in [level] if level else [1, 2, 3, 4]:
            views = [v for v in (_set_view(e, n) for e in sets) if v["count"] or not v["published"]]
            if concept is not None and not any(v["count"] for v in views):
                without.append(n)
                continue
            rows.append(
                {
                    "level": n,
                    "name": a.level(n)["name"],
                    "colour": LEVEL_COLOURS[n],
                    "summary": _quotes([a.level(n).get("summary") or a.level(n)["definition"][0]]),
                    "sets": views if published else [],
                    "response": _quotes(a.level_pathway(n).get("response", [])) if level else [],
                }
            )
        sections.append(
            {
                "area": a.id,
                "name": a.name,
                "title": a.document["title"],
                "date": a.document.get("date") or "no date printed",
                "stale": a.review_warning(),
                "published": published,
                "not_published": not_published,
                "referral": [contact_view(by_id[c]) for c in a.pathway()["emergency"]["referral"] if c in by_id],
                "levels": rows,
                "without": [f"{n} ({a.level(n)['name']})" for n in without],
            }
        )
    label = vocabulary.concepts()[concept]["label"] if concept else None
    title = (f"{label}" if label else f"Level {level}") + " across areas"
    generated = generated_on()
    return {
        "title": title,
        "concept": concept,
        "concept_label": label,
        "level": level,
        "sections": sections,
        "columns": sections,  # the earlier name
        "disclaimer": DISCLAIMER,
        "generated": generated,
        "version": __version__,
        # each area's document title and date head its section; the running header names the areas
        "running": running_text(title, ", ".join(a.name for a in areas), generated),
    }


#: PDF engines: ``auto`` is Chromium where it is installed, else WeasyPrint.
PDF_ENGINES = ("auto", "chromium", "weasyprint")


def _chromium() -> str | None:
    import shutil

    return next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


def pdf_engine(engine: str = "auto") -> str:
    """The engine that will print: ``chromium`` or ``weasyprint``; UsageError when it is missing.

    Chromium is the default because it is the engine the page layout is tested with (CI installs
    Debian's chromium and checks page counts, headers, footers and page fill on every area), and
    it prints in a network namespace of its own. WeasyPrint (``pip install 'thresholdkit[pdf]'``)
    is used where Chromium is not installed, or with ``--pdf-engine weasyprint``; it supports the
    same CSS paged media (running headers and footers in @page margin boxes, page N of M).
    """
    if engine not in PDF_ENGINES:
        raise UsageError(f"--pdf-engine must be one of {', '.join(PDF_ENGINES)} (got {engine})")
    have_chromium = _chromium() is not None
    if engine in ("auto", "chromium") and have_chromium:
        return "chromium"
    if engine in ("auto", "weasyprint"):
        try:
            import weasyprint  # type: ignore[import-not-found]  # noqa: F401
        except ImportError:
            pass
        else:
            return "weasyprint"
    if engine == "chromium":
        raise UsageError("--pdf-engine chromium: Chromium is not installed (Debian: apt-get install chromium)")
    if engine == "weasyprint":
        raise UsageError("--pdf-engine weasyprint: WeasyPrint is not installed (pip install 'thresholdkit[pdf]')")
    raise UsageError(
        "PDF output needs a layout engine: install Chromium (Debian: apt-get install chromium) "
        "or pip install 'thresholdkit[pdf]' (WeasyPrint); or use --format html and print it"
    )


def _refuse_url(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"thresholdkit prints offline: refused to fetch {url[:80]}")


def to_pdf(html: str, path: str, engine: str = "auto") -> None:
    """Print HTML to an A4 PDF with a real layout engine: Chromium where installed, else
    WeasyPrint (see :func:`pdf_engine`; ``engine`` chooses one).

    Chromium is run with no network: in a network namespace of its own where the system allows
    one (``unshare -rn``), and always with every host name resolving to nothing, no proxy
    lookups, no background services and no component updates. WeasyPrint is given a URL fetcher
    that refuses every URL. The page is self-contained and needs nothing else. The PDF is
    written with :func:`thresholdkit.data.atomic.write_bytes`.
    """
    import subprocess
    import tempfile

    from thresholdkit.data.atomic import SafeOutput, write_bytes

    SafeOutput(path)  # refuse a bad output path (a folder, a missing folder) before any work
    if pdf_engine(engine) == "weasyprint":
        import weasyprint

        write_bytes(path, weasyprint.HTML(string=html, url_fetcher=_refuse_url).write_pdf())
        return
    browser = _chromium()
    assert browser is not None
    with tempfile.TemporaryDirectory(prefix="thresholdkit-pdf-") as tmp:
        page = os.path.join(tmp, "handout.html")
        with open(page, "w", encoding="utf-8") as fh:
            fh.write(html)
        out = os.path.join(tmp, "handout.pdf")
        cmd = [
            *_no_network_prefix(),
            browser,
            *CHROMIUM_OFFLINE_ARGS,
            f"--user-data-dir={os.path.join(tmp, 'profile')}",
            f"--print-to-pdf={out}",
            f"file://{page}",
        ]
        done = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
        if done.returncode != 0 or not os.path.exists(out):
            raise UsageError(f"{browser} could not print the PDF (exit {done.returncode})")
        with open(out, "rb") as fh:
            write_bytes(path, fh.read())


#: Chromium switches for printing a local file with no network use at all.
CHROMIUM_OFFLINE_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-proxy-server",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-features=MediaRouter,OptimizationHints,NetworkServiceInProcess,DialMediaRouteProvider,"
    "AutofillServerCommunication,Translate,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater",
)


def _no_network_prefix() -> list[str]:
    """['unshare', '-rn'] where a new network namespace can be made here, else []."""
    import shutil
    import subprocess

    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    try:
        ok = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return [unshare, "-rn"] if ok else []
