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
from thresholdkit.model.objects import DISCLAIMER, DOMAINS, LEVEL_COLOURS, source_text
from thresholdkit.rules.filters import filter_indicators


def generated_on() -> str:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` (reproducible output, as for builds)."""
    from thresholdkit.areas.registry import today

    return today().isoformat()


def contact_view(c: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": c["name"],
        "district": c.get("district"),
        "role": c["role"].replace("_", " "),
        "phones": [p["number"] + (f" ({p['label']})" if p.get("label") else "") for p in c.get("phone", [])],
        "options": [f"Option {o['option']}: {o['text']}" for o in c.get("options", [])],
        "email": c.get("email", []),
        "url": c.get("url", []),
        "hours": (c.get("hours") or {}).get("text"),
    }


def area_model(area: Area, levels: list[int] | None = None, domain: str | None = None) -> dict[str, Any]:
    """Everything one area's handout shows, as plain data."""
    chosen = sorted(set(levels or [1, 2, 3, 4]))
    for n in chosen:
        if n not in (1, 2, 3, 4):
            raise UsageError(f"--level must be 1, 2, 3 or 4 (got {n})")
    doc = area.document
    try:
        indicators = filter_indicators(area.indicators(), domain=domain)
        published = True
        not_published = None
    except NotPublishedError as exc:
        indicators, published, not_published = [], False, str(exc).split(" Use '")[0]
    contacts = area.contacts()
    by_id = {c["id"]: c for c in contacts}
    em = area.pathway()["emergency"]
    in_hours = [contact_view(c) for c in contacts if c["role"] in ("front_door", "mash")]
    out_hours = [contact_view(c) for c in contacts if c["role"] == "out_of_hours"]
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
        level_models.append(
            {
                "level": n,
                "name": lv["name"],
                "label": lv["label"],
                "colour": LEVEL_COLOURS[n],
                "definition": [{"text": q["text"], "source": source_text(q["source"])} for q in lv["definition"]],
                "groups": [{"domain": d, "indicators": items} for d, items in groups.items()],
                "response": [{"text": q["text"], "source": source_text(q["source"])} for q in lp.get("response", [])],
                "lead": [q["text"] for q in lp.get("lead", [])],
                "steps": [{"text": s["text"], "source": source_text(s["source"])} for s in lp.get("steps", [])],
                "forms": [f["name"] for f in lp.get("forms", [])],
                "timescales": [
                    {"applies_to": t["applies_to"], "text": t["text"], "source": source_text(t["source"])}
                    for t in lp.get("timescales", [])
                ],
                "contacts": [contact_view(by_id[c]) for c in lp.get("contacts", []) if c in by_id],
                "consent": [
                    {"decision": r["decision"].replace("_", " "), "text": r["text"], "source": source_text(r["source"])}
                    for r in consent
                ],
            }
        )
    return {
        "area": area.id,
        "name": area.name,
        "partnership": area.authority["authority"]["partnership"],
        "document": {
            "title": doc["title"],
            "version": doc.get("version") or "no version printed",
            "date": doc.get("date") or "no date printed",
            "review": area.review_warning()
            or (f"review due {doc['review_due']}" if doc.get("review_due") else "no review date printed"),
            "stale": area.review_warning() is not None,
        },
        "continuum": [
            {"level": lv["level"], "name": lv["name"], "colour": LEVEL_COLOURS[lv["level"]]} for lv in area.levels()
        ],
        "levels": level_models,
        "domain": domain,
        "published": published,
        "not_published": not_published,
        "emergency": {
            "statement": [{"text": q["text"], "source": source_text(q["source"])} for q in em["statement"]],
            "referral": [contact_view(by_id[c]) for c in em["referral"]],
        },
        "in_hours": in_hours,
        "out_of_hours": out_hours,
        "disclaimer": DISCLAIMER,
        "generated": generated_on(),
        "versions": {"thresholdkit": __version__, "plugin": area.record.version or "unknown"},
    }


def jinja_env() -> Any:
    import jinja2

    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(here),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(model: dict[str, Any], template: str = "handout.html.j2") -> str:
    return str(jinja_env().get_template(template).render(m=model))


def render_markdown(model: dict[str, Any]) -> str:
    from thresholdkit.render.output import md_escape as e

    out = [f"# {e(model['name'])}: levels of need", ""]
    d = model["document"]
    out += [f"*{e(d['title'])}* ({e(model['partnership'])}); {e(d['version'])}; {e(d['date'])}; {e(d['review'])}.", ""]
    out += ["**Continuum of need:** " + " → ".join(f"{c['level']} {e(c['name'])}" for c in model["continuum"]), ""]
    out += ["## Emergency", "", "**If a child is in immediate danger, call 999.**", ""]
    out += [f"- {e(q['text'])} ({e(q['source'])})" for q in model["emergency"]["statement"]]
    out += [f"- {e(c['name'])}: {e(', '.join(c['phones']))}" for c in model["emergency"]["referral"]]
    out.append("")
    for lv in model["levels"]:
        out += [f"## Level {lv['level']}: {e(lv['name'])}", ""]
        out += [f"> {e(q['text'])} ({e(q['source'])})" for q in lv["definition"]]
        out.append("")
        if not model["published"]:
            out += [f"*{e(model['not_published'] or '')}*", ""]
        for g in lv["groups"]:
            out += [f"### {e(g['domain'])}", ""]
            out += [
                f"- {e(i['text'])} *({e(i['heading'] + '; ' if i['heading'] else '')}{e(i['source'])})*"
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
            out += ["**Consent:**", ""] + [f"- {e(r['text'])} *({e(r['source'])})*" for r in lv["consent"]]
            out.append("")
    out += ["## Whom to call", ""]
    for title, items in (("In hours", model["in_hours"]), ("Out of hours", model["out_of_hours"])):
        if items:
            out += [f"**{title}:**", ""]
            out += [
                f"- {e(c['name'])}: {e(', '.join(c['phones']))}" + (f" ({e(c['hours'])})" if c["hours"] else "")
                for c in items
            ]
            out.append("")
    out += ["---", "", f"*{e(model['disclaimer'])}*", ""]
    out.append(
        f"Generated {model['generated']} by thresholdkit {model['versions']['thresholdkit']}, "
        f"plugin {e(model['versions']['plugin'])}."
    )
    return "\n".join(out) + "\n"


def compare_model(areas: list[Area], level: int | None, concept: str | None) -> dict[str, Any]:
    """One level, or one need (concept), across areas side by side."""
    from thresholdkit.data import vocabulary
    from thresholdkit.rules.compare import all_indicators

    if concept is None and level is None:
        raise UsageError("give --level N or --concept C with --compare")
    if concept is not None and concept not in vocabulary.concepts():
        raise UsageError(f"unknown concept '{concept}'{vocabulary.suggest(concept)}")
    columns = []
    for a in areas:
        items = all_indicators(a)
        col: dict[str, Any] = {
            "area": a.id,
            "name": a.name,
            "title": a.document["title"],
            "stale": a.review_warning(),
            "published": items is not None,
            "rows": [],
        }
        for n in [level] if level else [1, 2, 3, 4]:
            lv = a.level(n)
            chosen = [i for i in items or [] if i.level == n and (concept is None or concept in i.concepts)]
            col["rows"].append(
                {
                    "level": n,
                    "name": lv["name"],
                    "colour": LEVEL_COLOURS[n],
                    "indicators": [{"text": i.text, "source": source_text(i.source)} for i in chosen],
                    "response": [q["text"] for q in a.level_pathway(n).get("response", [])] if level else [],
                }
            )
        columns.append(col)
    label = vocabulary.concepts()[concept]["label"] if concept else None
    return {
        "title": (f"{label}" if label else f"Level {level}") + " across areas",
        "concept": concept,
        "concept_label": label,
        "level": level,
        "columns": columns,
        "disclaimer": DISCLAIMER,
        "generated": generated_on(),
        "version": __version__,
    }


def to_pdf(html: str, path: str) -> None:
    """Print HTML to an A4 PDF with a real layout engine: WeasyPrint if installed, else Chromium.

    Chromium is run with no network: in a network namespace of its own where the system allows
    one (``unshare -rn``), and always with every host name resolving to nothing, no proxy
    lookups, no background services and no component updates. The page is a local file and
    needs nothing else. The PDF is written with :func:`thresholdkit.data.atomic.write_bytes`.
    """
    import shutil
    import subprocess
    import tempfile

    from thresholdkit.data.atomic import SafeOutput, write_bytes

    SafeOutput(path)  # refuse a bad output path (a folder, a missing folder) before any work
    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError:
        weasyprint = None
    if weasyprint is not None:
        write_bytes(path, weasyprint.HTML(string=html).write_pdf())
        return
    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        raise UsageError(
            "PDF output needs a layout engine: pip install 'thresholdkit[pdf]' (WeasyPrint) "
            "or install Chromium (Debian: apt-get install chromium); or use --format html and print it"
        )
    with tempfile.TemporaryDirectory() as tmp:
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
