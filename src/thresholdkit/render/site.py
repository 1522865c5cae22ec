"""``thresholdkit site``: the installed plugins as a static, offline website.

No server, no external requests, no CDN: plain HTML and CSS, and one small script for the
checklist, working from ``file://``. Pages come from the same data models as the handouts, and
the checklist's data (each indicator's level) from the same indicators the CLI assesses.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thresholdkit import __version__
from thresholdkit.areas.registry import Area
from thresholdkit.model.objects import DISCLAIMER, DOMAINS
from thresholdkit.render.handout import area_model, contact_view, generated_on, jinja_env
from thresholdkit.rules.compare import AreaConcepts, Neighbours, all_indicators, matrix

if TYPE_CHECKING:
    from markupsafe import Markup

    from thresholdkit.model.objects import Indicator

ASSETS = ("site.css", "checklist.js")


def _short(text: str, limit: int = 60) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def anchor(ind: Indicator) -> str:
    """The indicator's page anchor (``ind-`` + this): its id in the main set, ``SET--ID`` in a
    named set (ids are unique only within their set; a slug never holds ``--``)."""
    return ind.id if ind.set == "main" else f"{ind.set}--{ind.id}"


def _related(area: Area, areas: list[Area]) -> dict[str, list[dict[str, str]]]:
    """For each indicator (by anchor): the same concepts at other levels of this area, and in the
    other areas, in every published set."""
    return RelatedLinks(areas).of(area)


class RelatedLinks:
    """The related links of the areas' pages (:func:`_related`), for one build: each area's
    derived indicators (:class:`Neighbours`) and each link are made once, not once a page or
    once an indicator. The links are shared between lists; the templates only read them."""

    def __init__(self, areas: list[Area]) -> None:
        self.neighbours = Neighbours(areas)
        self._links: dict[tuple[str, int], dict[str, str]] = {}

    def of(self, area: Area) -> dict[str, list[dict[str, str]]]:
        """The area's related links by indicator anchor (as :func:`_related` gives them)."""
        neighbours = self.neighbours
        derived = neighbours.of(area)
        if derived is None:
            return {}
        items = derived.items
        counts: dict[str, int] = {}
        for ind in items:
            counts[ind.id] = counts.get(ind.id, 0) + 1
        # the area's indicators in the order its own links list them: the main set first, then
        # by level, set and id (document order on a tie, as a stable sort gives)
        order = sorted(
            range(len(items)), key=lambda k: (items[k].set != "main", items[k].level, items[k].set, items[k].id)
        )
        place = [0] * len(items)
        for r, k in enumerate(order):
            place[k] = r
        name = area.name
        own = [{"href": f"#ind-{anchor(o)}", "label": f"{name} L{o.level}: {_short(o.text)}"} for o in items]
        out: dict[str, list[dict[str, str]]] = {}
        for n, ind in enumerate(items):
            level = ind.level
            same = sorted(place[k] for k, _ in derived.shared_counts(derived.concepts[n]) if items[k].level != level)
            links = [own[order[r]] for r in same[:3]]
            if counts[ind.id] == 1:  # nearest() names an indicator by its id alone
                for other, found, ranked in neighbours.ranked(ind, area, 1):  # nearest(..., per_area=1)
                    if found is not None and ranked:
                        links.append(self._link(other, found, ranked[0][1]))
            out[anchor(ind)] = links
        return out

    def _link(self, area: Area, derived: AreaConcepts, n: int) -> dict[str, str]:
        """The link from another area's page to indicator ``n`` of ``area``."""
        link = self._links.get((area.id, n))
        if link is None:
            o = derived.items[n]
            link = self._links[(area.id, n)] = {
                "href": f"../{area.id}/index.html#ind-{anchor(o)}",
                "label": f"{area.name} L{o.level}: {_short(o.text)}",
            }
        return link


def links_html(links: list[dict[str, str]]) -> Markup:
    """Related links as the area page prints them, one ``<a>`` each, escaped as the template
    escapes a value; made here, once an indicator, rather than by the template once a link."""
    from markupsafe import Markup, escape

    return Markup("".join([f'<a href="{escape(r["href"])}">{escape(r["label"])}</a>' for r in links]))


def _sets(area: Area) -> list[dict[str, Any]]:
    """Every published indicator set of the area, each with its indicators as plain data, grouped
    for the checklist (the main set by domain, a named set by its own headings, in document order)."""
    from thresholdkit.model.objects import source_text

    items = all_indicators(area) or []
    titles = {s["id"]: s["title"] for s in area.indicator_sets()}
    out = []
    for s in area.indicator_sets():
        mine = [i for i in items if i.set == s["id"]]
        if not mine:
            continue
        views: list[dict[str, Any]] = []
        for i in mine:
            see = i.see_set
            views.append(
                {
                    "id": i.id,
                    "key": i.ref,  # as a case file names it
                    "anchor": anchor(i),
                    "set": i.set,
                    "level": i.level,
                    "domain": i.domain,
                    "heading": i.domain_label,
                    "text": i.text,
                    "source": source_text(i.source),
                    "subheading": i.subdomain if i.subdomain and i.subdomain not in source_text(i.source) else "",
                    "see": {"href": f"#set-{see}", "title": titles[see]} if see in titles and see != i.set else None,
                }
            )
        groups: list[dict[str, Any]] = []
        if s["id"] == "main":
            for key, label in DOMAINS.items():
                members = [v for v in views if v["domain"] == key]
                if members:
                    groups.append({"domain": key, "label": label, "indicators": members})
        else:
            by_heading: dict[str, list[dict[str, Any]]] = {}
            for v in views:
                by_heading.setdefault(v["heading"], []).append(v)
            groups = [{"domain": None, "label": h, "indicators": vs} for h, vs in by_heading.items()]
        names = {lv["level"]: lv["name"] for lv in area.levels()}
        by_level = []
        for n in sorted({v["level"] for v in views}):
            at = [v for v in views if v["level"] == n]
            by_level.append(
                {
                    "level": n,
                    "name": names[n],
                    "groups": [
                        {"label": label, "indicators": [v for v in at if v["domain"] == key]}
                        for key, label in DOMAINS.items()
                        if any(v["domain"] == key for v in at)
                    ],
                }
            )
        out.append(
            {
                "id": s["id"],
                "main": s["id"] == "main",
                "by_level": by_level,
                "title": s["title"],
                "description": s.get("description") or "",
                "source": source_text(s.get("source")),
                "groups": groups,
                "indicators": views,
            }
        )
    return out


def checklist_data(area: Area, sets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the checklist script needs, embedded in the page: each indicator's level, text and
    source by its case-file key (``ID`` in the main set, ``SET/ID`` in a named set), and the
    levels' names. Verbatim plugin data."""
    sets = _sets(area) if sets is None else sets
    views = [v for s in sets for v in s["indicators"]]
    return {
        "area": area.id,
        "indicators": {v["key"]: v["level"] for v in views},
        "texts": {v["key"]: v["text"] for v in views},
        "sources": {v["key"]: v["source"] for v in views},
        "sets": {s["id"]: s["title"] for s in sets},
        "levels": {lv["level"]: lv["name"] for lv in area.levels()},
    }


MARKER = ".thresholdkit-site"


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: object) -> str:
    """JSON safe inside an inline <script>: every '<', '>' and '&' is a JSON escape, so no text
    ('</script>', '<!--<script>') can end the element or switch the script-data state; U+2028
    and U+2029 are escaped too, so the text is also a valid JavaScript literal."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def build(areas: list[Area], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the site into ``out_dir`` in one step (built beside it, then moved into place); returns
    the pages written. ``out_dir`` must be new, empty, or a site written before."""
    from thresholdkit.data.atomic import publish_folder

    target = Path(os.path.abspath(out_dir))
    written = publish_folder(os.fspath(out_dir), lambda path: _write(areas, Path(path)), MARKER)
    return sorted(target / rel for rel in written)


def _write(areas: list[Area], out: Path) -> list[Path]:
    """Write every page and asset into ``out`` (a fresh folder); returns the pages, relative to it."""
    env = jinja_env()
    summaries = []
    for a in areas:
        doc = a.document
        summaries.append(
            {
                "id": a.id,
                "name": a.name,
                "title": doc["title"],
                "date": doc.get("date") or "not printed",
                "review": a.review_warning() or (doc.get("review_due") or "no review date printed"),
            }
        )
    common = {"areas": summaries, "disclaimer": DISCLAIMER, "generated": generated_on(), "version": __version__}
    pages: dict[Path, str] = {}
    pages[out / "index.html"] = env.get_template("site/index.html.j2").render(root="", **common)
    pages[out / "compare.html"] = env.get_template("site/compare.html.j2").render(
        root="", matrix=matrix(areas), **common
    )
    from thresholdkit.model.objects import source_text
    from thresholdkit.rules.consent import evaluate

    related = RelatedLinks(areas)
    for a in areas:
        m = area_model(a)
        sets = _sets(a)
        domain_keys = {v["domain"] for st in sets for v in st["indicators"]}
        domains = [{"key": key, "label": label} for key, label in DOMAINS.items() if key in domain_keys]
        data = checklist_data(a, sets)
        consent = [
            {
                "text": r["text"],
                "source": source_text(r["source"]),
                # the list the rule's text ends by introducing ("unless to do so may:")
                "exceptions": [
                    {"text": x["text"], "source": source_text(x["source"])}
                    for x in (r["exceptions"]["items"] if "exceptions" in r else [])
                ],
            }
            for r in evaluate(a.consent_rules())["rules"]
        ]
        ctx = {
            "root": "../",
            "m": m,
            "related": {key: links_html(links) for key, links in related.of(a).items()},
            "contacts": [contact_view(c) for c in a.contacts()],
            "consent": consent,
            "errata": a.authority.get("errata", []),
            "domains": domains,
            "sets": sets,
            "data_json": script_json(data),
            **common,
        }
        pages[out / a.id / "index.html"] = env.get_template("site/area.html.j2").render(**ctx)
        pages[out / a.id / "checklist.html"] = env.get_template("site/checklist.html.j2").render(**ctx)
    for path, text in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).resolve().parent / "templates" / "site"
    for name in ASSETS:
        shutil.copyfile(here / name, assets / name)
    return [p.relative_to(out) for p in pages]
