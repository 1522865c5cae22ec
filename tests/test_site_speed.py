"""``site`` does its cross-area work once (issue 19): each area's indicators are derived once per
build, not once per indicator, and the related links and ``nearest`` still say exactly what the
plain all-against-all comparison says. Nothing here is timed: the tests count calls and compare
results with a straightforward reference implementation kept in this file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.model.objects import Indicator
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
