"""``thresholdkit site``: the installed plugins as a static, offline website.

No server, no external requests, no CDN: plain HTML and CSS, and one small script for the
checklist, working from ``file://``. Pages come from the same data models as the handouts, and
the checklist's data (each indicator's level) from the same indicators the CLI assesses.
"""

from __future__ import annotations

import json
import os
import shutil
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thresholdkit import __version__
from thresholdkit.areas.registry import Area
from thresholdkit.model.objects import DISCLAIMER, DOMAINS
from thresholdkit.render.handout import area_model, contact_view, generated_on, jinja_env
from thresholdkit.rules.compare import AreaConcepts, Neighbours, all_indicators, matrix

if TYPE_CHECKING:
    from collections.abc import Callable

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
    once an indicator (as data, and as HTML). The links are shared between lists; the
    templates only read them."""

    def __init__(self, areas: list[Area]) -> None:
        self.neighbours = Neighbours(areas)
        self._links: dict[tuple[str, int, bool], dict[str, str]] = {}
        self._html: dict[tuple[str, int, bool], str] = {}
        self._names: dict[str, str] = {}

    def of(self, area: Area) -> dict[str, list[dict[str, str]]]:
        """The area's related links by indicator anchor (as :func:`_related` gives them)."""
        derived = self.neighbours.of(area)
        if derived is None:
            return {}
        return {
            key: [self._link(area, derived, k, True) for k in same] + [self._link(*o, False) for o in others]
            for key, same, others in self._targets(area, derived)
        }

    def html_of(self, area: Area) -> dict[str, Markup]:
        """:meth:`of` as the area page prints it (:func:`links_html` of each list), each link
        escaped once a build rather than once an indicator that links to it, and the links
        within the area joined once for every indicator that has the same ones."""
        from markupsafe import Markup

        derived = self.neighbours.of(area)
        if derived is None:
            return {}
        joined: dict[tuple[int, ...], str] = {}
        out = {}
        for key, same, others in self._targets(area, derived):
            html = joined.get(tuple(same))
            if html is None:
                html = joined[tuple(same)] = "".join([self._link_html(area, derived, k, True) for k in same])
            out[key] = Markup(html + "".join([self._link_html(*o, False) for o in others]))
        return out

    def _targets(
        self, area: Area, derived: AreaConcepts
    ) -> list[tuple[str, list[int], list[tuple[Area, AreaConcepts, int]]]]:
        """For each indicator of the area (by anchor, in document order): the positions its links
        within the area point to, and its links to other areas, as (the area, its derived
        indicators, the position)."""
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
        # nearest(..., per_area=1) of each indicator that nearest() can name (by its id alone)
        best = self.neighbours.best(area, [n for n, ind in enumerate(items) if counts[ind.id] == 1])
        levels = [ind.level for ind in items]
        # the links within the area depend only on the indicator's concepts and level
        same: dict[tuple[frozenset[str], int], list[int]] = {}
        out: list[tuple[str, list[int], list[tuple[Area, AreaConcepts, int]]]] = []
        for n, ind in enumerate(items):
            level = levels[n]
            key = (derived.concepts[n], level)
            chosen = same.get(key)
            if chosen is None:
                listed = sorted((k for k, _ in derived.shared_counts(key[0])), key=place.__getitem__)
                # the first three at other levels, in the order the links list them
                chosen = same[key] = list(islice((k for k in listed if levels[k] != level), 3))
            out.append((anchor(ind), chosen, best.get(n, [])))
        return out

    def _link(self, area: Area, derived: AreaConcepts, n: int, own: bool) -> dict[str, str]:
        """The link to indicator ``n`` of ``area``: from its own page (``own``) or another's."""
        key = (area.id, n, own)
        link = self._links.get(key)
        if link is None:
            o = derived.items[n]
            page = "" if own else f"../{area.id}/index.html"
            name = self._names.get(area.id)
            if name is None:  # Area.name looks it up in the plugin's data each time
                name = self._names[area.id] = area.name
            link = self._links[key] = {
                "href": f"{page}#ind-{anchor(o)}",
                "label": f"{name} L{o.level}: {_short(o.text)}",
            }
        return link

    def _link_html(self, area: Area, derived: AreaConcepts, n: int, own: bool) -> str:
        """:meth:`_link` as HTML (:func:`link_html`), made once."""
        key = (area.id, n, own)
        html = self._html.get(key)
        if html is None:
            html = self._html[key] = link_html(self._link(area, derived, n, own))
        return html


def link_html(link: dict[str, str]) -> str:
    """One related link as the area page prints it, escaped as the template escapes a value."""
    from markupsafe import escape

    return f'<a href="{escape(link["href"])}">{escape(link["label"])}</a>'


def links_html(links: list[dict[str, str]]) -> Markup:
    """Related links as the area page prints them, one ``<a>`` each (:func:`link_html`); made
    here, once an indicator, rather than by the template once a link."""
    from markupsafe import Markup

    return Markup("".join([link_html(r) for r in links]))


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
#: The garbage collector's thresholds while a site is built: a build makes a few hundred thousand
#: short-lived objects (page models, rendered strings) and few cycles, and with the default
#: thresholds collecting took about a tenth of its time.
GC_THRESHOLD = (100_000, 50, 1000)


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
    import gc

    from thresholdkit.data.atomic import publish_folder

    target = Path(os.path.abspath(out_dir))
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)  # for this build only: the library API is used in-process too
    try:
        written = publish_folder(os.fspath(out_dir), lambda path: _write(areas, Path(path)), MARKER)
    finally:
        gc.set_threshold(*thresholds)
    return sorted(target / rel for rel in written)


def _write(areas: list[Area], out: Path) -> list[Path]:
    """Write every page and asset into ``out`` (a fresh folder); returns the pages, relative to it.

    Where it can (:func:`can_fork`), the pages of some areas are written by a child process
    while this one writes the others: each page is made by the same code from the same data
    whichever process makes it, so the site is the same."""
    # every template loaded (from the compiled-template cache) before the work is shared out
    env = jinja_env()
    templates = {name: env.get_template(f"site/{name}.html.j2") for name in ("index", "compare", "area", "checklist")}
    common = _common(areas)
    related = RelatedLinks(areas)
    related.neighbours.derive_all()  # once, before the work is shared out
    pages = [out / "index.html", out / "compare.html"]
    for a in areas:
        pages += [out / a.id / "index.html", out / a.id / "checklist.html"]
    mine, theirs = split_areas(areas, related.neighbours) if can_fork() else (areas, [])

    def own_work() -> None:
        _write_shared(templates, areas, common, out)
        for a in mine:
            _write_area(templates, a, related, common, out)

    def child_work() -> None:
        for a in theirs:
            _write_area(templates, a, related, common, out)

    if theirs:
        fork_and_run(own_work, child_work, f"the pages of {', '.join(a.id for a in theirs)}")
    else:
        own_work()
    return [p.relative_to(out) for p in pages]


def _common(areas: list[Area]) -> dict[str, Any]:
    """What every page shows: the areas (for the navigation), the disclaimer, the date, the version."""
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
    return {"areas": summaries, "disclaimer": DISCLAIMER, "generated": generated_on(), "version": __version__}


def _write_shared(templates: dict[str, Any], areas: list[Area], common: dict[str, Any], out: Path) -> None:
    """The index page, the compare page and the assets."""
    _write_page(out / "index.html", templates["index"].render(root="", **common))
    _write_page(out / "compare.html", templates["compare"].render(root="", matrix=matrix(areas), **common))
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).resolve().parent / "templates" / "site"
    for name in ASSETS:
        shutil.copyfile(here / name, assets / name)


def _write_area(templates: dict[str, Any], a: Area, related: RelatedLinks, common: dict[str, Any], out: Path) -> None:
    """The area's page and its checklist."""
    from thresholdkit.model.objects import source_text
    from thresholdkit.rules.consent import evaluate

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
        "related": related.html_of(a),
        "contacts": [contact_view(c) for c in a.contacts()],
        "consent": consent,
        "errata": a.authority.get("errata", []),
        "domains": domains,
        "sets": sets,
        "data_json": script_json(data),
        **common,
    }
    _write_page(out / a.id / "index.html", templates["area"].render(**ctx))
    _write_page(out / a.id / "checklist.html", templates["checklist"].render(**ctx))


def _write_page(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


#: The work of an area's pages beyond its indicators (levels, pathway, contacts), counted in
#: indicators, for sharing the areas out between two processes (measured roughly).
AREA_BASE_WEIGHT = 40
#: The index and compare pages' work, counted the same way.
SHARED_WEIGHT = 100


def split_areas(areas: list[Area], neighbours: Neighbours) -> tuple[list[Area], list[Area]]:
    """The areas in two groups of about the same work (an area's pages take time roughly in
    proportion to its indicators), each in the given order; the first also writes the shared
    pages. The second is empty when there is nothing worth sharing out."""
    if len(areas) < 2:
        return areas, []
    weight = {}
    for a in areas:
        derived = neighbours.of(a)
        weight[a.id] = AREA_BASE_WEIGHT + (len(derived.items) if derived is not None else 0)
    loads = [SHARED_WEIGHT, 0]
    second: set[str] = set()
    for a in sorted(areas, key=lambda a: -weight[a.id]):  # largest first, to the lighter group
        k = 0 if loads[0] <= loads[1] else 1
        loads[k] += weight[a.id]
        if k:
            second.add(a.id)
    return [a for a in areas if a.id not in second], [a for a in areas if a.id in second]


def can_fork() -> bool:
    """Whether work may be shared with a forked child process: ``os.fork`` exists, this process
    may run on two CPUs or more and one of them is likely idle (the load average is below the
    number of CPUs by half a CPU or more: a child that waits for a CPU only adds its start-up
    to the build), and it runs no other thread (a fork copies only the calling thread, so a
    lock held by another would never be released in the child)."""
    import sys

    if not hasattr(os, "fork"):
        return False
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not known here: assume an idle CPU
        load = 0.0
    threading = sys.modules.get("threading")
    alone = threading is None or (
        threading.active_count() == 1 and threading.current_thread() is threading.main_thread()
    )
    return cpus >= 2 and load <= cpus - IDLE_CPU and alone


#: How much of a CPU must be idle (by the load average) for a child process to be worth it.
IDLE_CPU = 0.5


def fork_and_run(work: Callable[[], None], child_work: Callable[[], None], what: str) -> None:
    """Run ``child_work`` in a forked child process while this process runs ``work``; return when
    both are done. An exception in either is raised here, as a serial run would raise it (the
    child's is sent back pickled); when this process fails or is interrupted, the child is
    ended before the exception goes on, so nothing writes into the output after that. ``what``
    names the child's work in a message about a child that died without a word."""
    import signal

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no room for another process (EAGAIN, ENOMEM): the same work, serially
        os.close(read_end)
        os.close(write_end)
        work()
        child_work()
        return
    if pid == 0:  # pragma: no cover - the child: runs child_work, never returns
        status = 1
        try:
            # an interrupt is answered by the parent, which ends this process
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(read_end)
            child_work()
            status = 0
        except BaseException as exc:
            _send(write_end, exc, what)
        finally:
            os._exit(status)
    os.close(write_end)
    reaped = False
    try:
        work()
        report = _read_all(read_end)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(read_end)
        if not reaped:
            _end(pid)
    failure = _received(report, status, what)
    if failure is not None:
        raise failure


def _send(fd: int, exc: BaseException, what: str) -> None:
    """Write ``exc`` pickled to ``fd`` (as a RuntimeError naming it when it cannot be pickled)."""
    import pickle
    import traceback

    exc.add_note(f"(raised in the process writing {what})\n" + "".join(traceback.format_exception(exc)))
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
    except Exception:
        data = pickle.dumps(RuntimeError(" ".join(f"{type(exc).__name__}: {exc}".split())))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _received(report: bytes, status: int, what: str) -> BaseException | None:
    """The child's exception, or one saying how it ended when it ended badly without one."""
    import pickle

    if report:
        exc = pickle.loads(report)
        if isinstance(exc, BaseException):
            return exc
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return None
    how = f"exit status {code}" if code > 0 else f"signal {-code}"
    return RuntimeError(f"{what} were not written (the process writing them ended with {how})")


def _end(pid: int) -> None:
    """End the child and wait for it (it may already have ended)."""
    import contextlib
    import signal

    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
