"""``site`` does its cross-area work once (issue 19): each area's indicators are derived once per
build, not once per indicator, and the related links and ``nearest`` still say exactly what the
plain all-against-all comparison says. Where it can fork, ``site`` shares the areas' pages out
between two processes, and the site is the serial site byte for byte; an error or an interrupt
on either side is the build's, and leaves nothing behind. Nothing here is timed: the tests count
calls and compare results with a straightforward reference implementation kept in this file,
and parallel builds with serial ones."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, assert_one_line_error

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.model.errors import UsageError
from thresholdkit.model.objects import Indicator
from thresholdkit.render import site
from thresholdkit.rules import compare
from thresholdkit.rules.cases import condition_facts

REG = Registry.load()


def _areas() -> list[Area]:
    return [REG.area(a) for a in REG.area_ids()]


def _published(areas: list[Area]) -> list[tuple[Area, list[Indicator]]]:
    out = []
    for a in areas:
        items = compare.all_indicators(a)
        if items is not None:
            out.append((a, items))
    return out


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name`` (still calling it)."""
    calls = [0]
    real: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


# --- a plain reference: every indicator of every other area scored, as nearest() is specified ---

_WORD = re.compile(r"[a-z]{4,}")


def _ref_signature(ind: Indicator) -> frozenset[str]:
    return frozenset().union(*(condition_facts(c) for c in ind.conditions)) if ind.conditions else frozenset()


def _ref_words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _ref_nearest(areas: list[Area], source: Area, me: Indicator, per_area: int) -> list[dict[str, Any]]:
    mine, my_sig, my_words = set(me.concepts), _ref_signature(me), _ref_words(me.text)
    out = []
    for a in areas:
        if a.id == source.id:
            continue
        others = compare.all_indicators(a)
        if others is None:
            out.append({"area": a.id, "published": False, "matches": []})
            continue
        scored = []
        for o in others:
            shared = mine & set(o.concepts)
            if not shared:
                continue
            jaccard = len(shared) / len(mine | set(o.concepts))
            cond = 0.5 if my_sig and my_sig == _ref_signature(o) else 0.0
            theirs = _ref_words(o.text)
            words = len(my_words & theirs) / (len(my_words | theirs) or 1)
            scored.append((jaccard + cond + 0.5 * words, o, sorted(shared)))
        scored.sort(key=lambda t: (-t[0], -t[1].level, t[1].id))
        out.append(
            {
                "area": a.id,
                "published": True,
                "matches": [(o.set, o.id, round(s, 3), sh) for s, o, sh in scored[:per_area]],
                "any": bool(scored),
            }
        )
    return out


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _anchor(set_id: str, ind_id: str) -> str:
    return ind_id if set_id == "main" else f"{set_id}--{ind_id}"


def _ref_related(area: Area, areas: list[Area]) -> dict[str, list[dict[str, str]]]:
    items = compare.all_indicators(area) or []
    counts: dict[str, int] = {}
    for ind in items:
        counts[ind.id] = counts.get(ind.id, 0) + 1
    out: dict[str, list[dict[str, str]]] = {}
    for ind in items:
        same = [o for o in items if o.level != ind.level and set(o.concepts) & set(ind.concepts)]
        links = [
            {"href": f"#ind-{_anchor(o.set, o.id)}", "label": f"{area.name} L{o.level}: {_short(o.text)}"}
            for o in sorted(same, key=lambda o: (o.set != "main", o.level, o.set, o.id))[:3]
        ]
        if counts[ind.id] == 1:
            for entry in _ref_nearest(areas, area, ind, 1):
                other = next(a for a in areas if a.id == entry["area"])
                by_key = {(o.set, o.id): o for o in compare.all_indicators(other) or []}
                for set_id, ind_id, _score, _shared in entry["matches"]:
                    o = by_key[(set_id, ind_id)]
                    links.append(
                        {
                            "href": f"../{other.id}/index.html#ind-{_anchor(set_id, ind_id)}",
                            "label": f"{other.name} L{o.level}: {_short(o.text)}",
                        }
                    )
        out[_anchor(ind.set, ind.id)] = links
    return out


# --- call counts: the work is bounded by the number of areas and indicators ---


def test_a_site_build_reads_each_areas_indicators_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: ``nearest`` ran once per indicator and re-read every other area each time
    (``compare.all_indicators`` about 3,200 times for the five areas). Now each area is derived
    once per build for the related links (and read once more for the compare page's matrix)."""
    from thresholdkit.render.site import build

    monkeypatch.setattr(site, "can_fork", lambda: False)  # a child's calls are not counted here
    areas = _areas()
    calls = _counting(monkeypatch, compare, "all_indicators")
    build(areas, tmp_path / "site")
    assert (tmp_path / "site" / "index.html").is_file()
    assert 0 < calls[0] <= 2 * len(areas)  # the related links, and the compare page's matrix


def test_a_site_build_finds_each_indicators_words_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the words of every indicator sharing a concept were asked for again in every
    ``nearest`` call (about 24,000 times). Now: once per indicator when its area is derived, and
    once per indicator compared from."""
    from thresholdkit.render.site import build

    monkeypatch.setattr(site, "can_fork", lambda: False)  # a child's calls are not counted here
    areas = _areas()
    total = sum(len(items) for _, items in _published(areas))
    words = _counting(monkeypatch, compare, "_words")
    signatures = _counting(monkeypatch, compare, "_signature")
    build(areas, tmp_path / "site")
    assert 0 < words[0] <= 2 * total
    assert 0 < signatures[0] <= 2 * total


def test_nearest_derives_each_other_area_once_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    areas = _areas()
    source, items = _published(areas)[0]
    calls = _counting(monkeypatch, compare, "all_indicators")
    compare.nearest(areas, f"{source.id}:{items[0].id}", per_area=3)
    assert calls[0] <= len(areas) - 1


# --- the same answers as the plain comparison ---


@pytest.mark.parametrize("per_area", [1, 3, 10])
def test_nearest_matches_the_plain_all_against_all_comparison(per_area: int) -> None:
    areas = _areas()
    neighbours = compare.Neighbours(areas)
    checked = 0
    for source, items in _published(areas):
        counts: dict[str, int] = {}
        for ind in items:
            counts[ind.id] = counts.get(ind.id, 0) + 1
        for ind in items:
            if counts[ind.id] != 1:
                continue
            got = neighbours.nearest(f"{source.id}:{ind.id}", per_area=per_area)
            if checked % 50 == 0:  # the function is the method over fresh areas
                assert got == compare.nearest(areas, f"{source.id}:{ind.id}", per_area=per_area)
            want = _ref_nearest(areas, source, ind, per_area)
            assert [e["area"] for e in got["areas"]] == [e["area"] for e in want]
            for g, w in zip(got["areas"], want, strict=True):
                assert g["published"] == w["published"]
                assert [(m["set"], m["id"], m["score"], m["shared_concepts"]) for m in g["matches"]] == w["matches"]
                if w["published"]:
                    assert (g["note"] is None) == w["any"]
            checked += 1
    assert checked > 500


def test_the_site_related_links_match_the_plain_comparison() -> None:
    from thresholdkit.render.site import RelatedLinks, _related

    areas = _areas()
    related = RelatedLinks(areas)
    for area in areas:
        want = _ref_related(area, areas)
        assert related.of(area) == want
        assert _related(area, areas) == want


def test_the_area_page_prints_the_related_links_escaped(tmp_path: Path) -> None:
    """The links are written as HTML once an indicator (``links_html``), as the template wrote them."""
    from markupsafe import escape

    from thresholdkit.render.site import RelatedLinks, build, links_html

    areas = _areas()
    build(areas, tmp_path / "site")
    related = RelatedLinks(areas)
    for area in areas:
        page = (tmp_path / "site" / area.id / "index.html").read_text(encoding="utf-8")
        for links in related.of(area).values():
            html = "".join(f'<a href="{escape(r["href"])}">{escape(r["label"])}</a>' for r in links)
            assert str(links_html(links)) == html
            if links:
                assert f'<p class="related">Related:\n{html}</p>' in page
    hostile = [{"href": '#a"b', "label": "<script>&'"}]
    assert str(links_html(hostile)) == '<a href="#a&#34;b">&lt;script&gt;&amp;&#39;</a>'


def test_the_related_links_as_html_are_links_html_of_the_links() -> None:
    """``html_of`` escapes each link once a build; it says what ``links_html`` says of each list."""
    from thresholdkit.render.site import RelatedLinks, links_html

    areas = _areas()
    related = RelatedLinks(areas)
    for area in areas:
        want = {key: str(links_html(links)) for key, links in RelatedLinks(areas).of(area).items()}
        assert {key: str(html) for key, html in related.html_of(area).items()} == want
        assert any(want.values()) == (compare.all_indicators(area) is not None)


def test_best_is_the_first_of_ranked_for_every_indicator() -> None:
    """``best`` (the site's related links, many indicators at once) is ``ranked(..., 1)``, for every
    indicator, those whose id is not unique in their area included."""
    areas = _areas()
    neighbours = compare.Neighbours(areas)
    checked = 0
    for source, items in _published(areas):
        best = compare.Neighbours(areas).best(source, range(len(items)))
        assert sorted(best) == list(range(len(items)))
        for n, ind in enumerate(items):
            want = [(a.id, r[0][1]) for a, d, r in neighbours.ranked(ind, source, 1) if d is not None and r]
            assert [(a.id, m) for a, _, m in best[n]] == want
            checked += len(want)
    assert checked > 1000


# --- the pages shared out between two processes: the same site, and the same failures ---

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here: the site is always built serially")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Builds share their pages out whatever the CPUs; the children forked are listed here."""
    pids: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(site, "can_fork", lambda: True)
    monkeypatch.setattr(os, "fork", fork)
    return pids


def _child_areas(areas: list[Area]) -> list[Area]:
    return site.split_areas(areas, compare.Neighbours(areas))[1]


def _out(tmp_path: Path) -> Path:
    """A folder that will hold the site and nothing else."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out" / "site"


def _assert_gone(pids: list[int], folder: Path) -> None:
    """Every child has ended and been waited for, and ``folder`` holds nothing (no site, no
    temporary build folder): nothing can write into it any more."""
    assert pids
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    assert list(folder.iterdir()) == []


def test_split_areas_gives_every_area_once_in_order() -> None:
    areas = _areas()
    neighbours = compare.Neighbours(areas)
    for k in range(1, len(areas) + 1):
        for chosen in (areas[:k], areas[-k:]):
            mine, theirs = site.split_areas(chosen, neighbours)
            assert sorted(a.id for a in mine + theirs) == sorted(a.id for a in chosen)
            assert [a.id for a in chosen if a in mine] == [a.id for a in mine]
            assert [a.id for a in chosen if a in theirs] == [a.id for a in theirs]
            assert bool(theirs) == (k > 1)


@needs_fork
@pytest.mark.parametrize(
    ("cpus", "load", "threads", "fork"),
    [
        (2, 0.4, 1, True),
        (2, 1.5, 1, True),
        (2, 1.6, 1, False),
        (1, 0.0, 1, False),
        (4, 3.2, 1, True),
        (2, 0.0, 2, False),
    ],
)
def test_a_child_is_forked_only_with_an_idle_cpu_and_no_other_thread(
    cpus: int, load: float, threads: int, fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(threading, "active_count", lambda: threads)
    assert site.can_fork() is fork


@needs_fork
@pytest.mark.parametrize("ids", [None, "coventry,telford", "gloucestershire,worcestershire", "herefordshire"])
def test_a_site_shared_out_is_the_serial_site_byte_for_byte(
    ids: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    areas = compare.pick_areas(REG, ids)
    pages = site.build(areas, tmp_path / "parallel")
    assert len(forked) == (1 if len(areas) > 1 else 0)
    monkeypatch.setattr(site, "can_fork", lambda: False)
    assert site.build(areas, tmp_path / "serial") == [
        tmp_path / "serial" / p.relative_to(tmp_path / "parallel") for p in pages
    ]
    assert len(forked) == (1 if len(areas) > 1 else 0)
    parallel, serial = _tree(tmp_path / "parallel"), _tree(tmp_path / "serial")
    assert parallel == serial
    assert len([name for name in serial if name.endswith(".html")]) == len(pages) == 2 + 2 * len(areas)


@needs_fork
def test_an_error_in_the_child_is_the_builds_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    areas = _areas()
    failing = _child_areas(areas)[-1].id
    real = site._write_area

    def write_area(templates: dict[str, Any], area: Area, *rest: Any) -> None:
        if area.id == failing:
            raise UsageError(f"no room for {area.id} (in pid {os.getpid()})")
        real(templates, area, *rest)

    monkeypatch.setattr(site, "_write_area", write_area)
    with pytest.raises(UsageError, match=f"no room for {failing}") as caught:
        site.build(areas, _out(tmp_path))
    assert f"(in pid {os.getpid()})" not in str(caught.value)  # raised in the child
    _assert_gone(forked, tmp_path / "out")


@needs_fork
def test_a_failed_write_in_the_child_is_the_usual_one_line_error(
    run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    failing = _child_areas(_areas())[0].id
    real = site._write_page

    def write_page(path: Path, text: str) -> None:
        if path.parent.name == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, text)

    monkeypatch.setattr(site, "_write_page", write_page)
    r = run("site", "-o", str(_out(tmp_path)))
    assert_one_line_error(r, 2)
    assert os.strerror(errno.ENOSPC) in r.err and "nothing" not in r.out
    _assert_gone(forked, tmp_path / "out")


@needs_fork
def test_an_error_that_cannot_be_sent_back_is_still_one_line(
    run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    class Odd(Exception):
        def __init__(self, a: str, b: str) -> None:  # pickled, but not unpickled: two arguments
            super().__init__(a + b)

    failing = _child_areas(compare.pick_areas(REG, "coventry,telford"))[0].id
    real = site._write_area

    def write_area(templates: dict[str, Any], area: Area, *rest: Any) -> None:
        if area.id == failing:
            raise Odd("odd ", area.id)
        real(templates, area, *rest)

    monkeypatch.setattr(site, "_write_area", write_area)
    r = run("site", "-o", str(_out(tmp_path)), "--areas", "coventry,telford")
    assert_one_line_error(r, 1)
    assert "internal error" in r.err and f"Odd: odd {failing}" in r.err
    _assert_gone(forked, tmp_path / "out")


@needs_fork
def test_a_child_that_dies_without_a_word_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    areas = _areas()
    dying = _child_areas(areas)[-1].id
    real = site._write_area

    def write_area(templates: dict[str, Any], area: Area, *rest: Any) -> None:
        if area.id == dying:
            os._exit(9)
        real(templates, area, *rest)

    monkeypatch.setattr(site, "_write_area", write_area)
    with pytest.raises(RuntimeError, match=f"{dying}.* were not written"):
        site.build(areas, _out(tmp_path))
    _assert_gone(forked, tmp_path / "out")


@needs_fork
@pytest.mark.parametrize("error", [KeyboardInterrupt, UsageError])
def test_a_failure_here_ends_the_child_before_it_goes_on(
    error: type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    """An interrupt (or an error) while this process writes its pages ends the child and waits
    for it before the build's temporary folder is removed, so nothing is left and nothing writes
    there afterwards; the old site is kept as it was."""
    areas = _areas()
    site.build(areas, _out(tmp_path))
    before = _tree(tmp_path / "out" / "site")
    forked.clear()

    def interrupted(*args: Any) -> None:
        raise error("stop")

    monkeypatch.setattr(site, "_write_shared", interrupted)
    with pytest.raises(error):
        site.build(areas, tmp_path / "out" / "site")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["site"]
    assert _tree(tmp_path / "out" / "site") == before
    (tmp_path / "out" / "site").rename(tmp_path / "old")
    _assert_gone(forked, tmp_path / "out")


@needs_fork
def test_the_child_leaves_interrupts_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    """Ctrl-C reaches both processes; this one answers it (and ends the child), so the child
    ignores it rather than racing to report it: an interrupt sent to the child alone is no error."""
    import signal

    areas = _areas()
    interrupted = _child_areas(areas)[0].id
    real = site._write_area

    def write_area(templates: dict[str, Any], area: Area, *rest: Any) -> None:
        if area.id == interrupted:
            os.kill(os.getpid(), signal.SIGINT)
        real(templates, area, *rest)

    monkeypatch.setattr(site, "_write_area", write_area)
    site.build(areas, tmp_path / "site")
    assert forked
    monkeypatch.setattr(site, "can_fork", lambda: False)
    monkeypatch.setattr(site, "_write_area", real)
    site.build(areas, tmp_path / "serial")
    assert _tree(tmp_path / "site") == _tree(tmp_path / "serial")
