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

from thresholdkit import __version__
from thresholdkit.areas.registry import Area
from thresholdkit.model.objects import DISCLAIMER, DOMAINS
from thresholdkit.render.handout import area_model, contact_view, generated_on, jinja_env
from thresholdkit.rules.compare import all_indicators, matrix, nearest

ASSETS = ("site.css", "checklist.js")


def _short(text: str, limit: int = 60) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _related(area: Area, areas: list[Area]) -> dict[str, list[dict[str, str]]]:
    """For each indicator: the same concepts at other levels of this area, and in the other areas."""
    items = all_indicators(area) or []
    out: dict[str, list[dict[str, str]]] = {}
    for ind in items:
        if ind.set != "main":
            continue
        links = []
        same = [o for o in items if o.set == "main" and o.level != ind.level and set(o.concepts) & set(ind.concepts)]
        for o in sorted(same, key=lambda o: (o.level, o.id))[:3]:
            links.append({"href": f"#ind-{o.id}", "label": f"{area.name} L{o.level}: {_short(o.text)}"})
        found = nearest(areas, f"{area.id}:{ind.id}", per_area=1)
        for entry in found["areas"]:
            for m in entry["matches"]:
                if m["set"] == "main":
                    links.append(
                        {
                            "href": f"../{entry['area']}/index.html#ind-{m['id']}",
                            "label": f"{entry['name']} L{m['level']}: {_short(m['text'])}",
                        }
                    )
        out[ind.id] = links
    return out


MARKER = ".thresholdkit-site"


def script_json(data: object) -> str:
    """JSON safe inside an inline <script>: every '<', '>' and '&' is a JSON escape, so no text
    ('</script>', '<!--<script>') can end the element or switch the script-data state."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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

    for a in areas:
        m = area_model(a)
        items = [i for i in (all_indicators(a) or []) if i.set == "main"]
        domains = [
            {"key": key, "label": label, "indicators": [i for i in items if i.domain == key]}
            for key, label in DOMAINS.items()
            if any(i.domain == key for i in items)
        ]
        data = {
            "area": a.id,
            "indicators": {i.id: i.level for i in items},
            "levels": {lv["level"]: lv["name"] for lv in a.levels()},
        }
        consent = [
            {"text": r["text"], "source": source_text(r["source"])} for r in evaluate(a.consent_rules())["rules"]
        ]
        ctx = {
            "root": "../",
            "m": m,
            "related": _related(a, areas),
            "contacts": [contact_view(c) for c in a.contacts()],
            "consent": consent,
            "errata": a.authority.get("errata", []),
            "domains": domains,
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
