"""The offline site's checklist on a phone and on paper, in a real browser (Debian's chromium
through Playwright): the result bar that stays in view, the printed result, and the case file the
browser saves, which `thresholdkit assess` reads back. Every request stays on file://."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_site import REG, _result, browser, page, site  # noqa: F401 (the browser fixtures, shared)

from thresholdkit.rules.compare import all_indicators

WIDTHS = (320, 390, 1200, 1440)


def _in_view(pg, selector: str) -> bool:
    box = pg.locator(selector).bounding_box()
    view = pg.viewport_size
    return (
        box is not None
        and box["height"] > 0
        and box["x"] >= -1
        and box["y"] >= -1
        and box["x"] + box["width"] <= view["width"] + 1
        and box["y"] + box["height"] <= view["height"] + 1
    )


def _bar_level(pg) -> int | None:
    for n in (1, 2, 3, 4):
        if pg.is_visible(f"#bar-level-{n}"):
            return n
    return None


def _need(area_id: str) -> None:
    if area_id not in [a.id for a in REG.usable(None)]:
        pytest.skip(f"the {area_id} plugin is not installed")


@pytest.mark.parametrize("width", WIDTHS)
def test_result_bar_stays_in_view_with_999_first(page, site, width):  # noqa: F811
    """After ticking "Non-mobile child with injury" the bar at the foot of the screen shows
    level 4, led by 999 and then the area's referral line, wherever the page is scrolled."""
    _need("coventry")
    page.set_viewport_size({"width": width, "height": 740 if width < 800 else 900})
    page.goto((site / "coventry" / "checklist.html").as_uri())
    assert _in_view(page, "#result-bar") and "Nothing ticked" in page.inner_text("#result-bar")
    page.check("#tick-non-mobile-child-injury")
    for where in ("#tick-non-mobile-child-injury", "main > h1", "footer"):
        page.locator(where).scroll_into_view_if_needed()
        assert _in_view(page, "#result-bar"), (width, where)
        assert _bar_level(page) == 4
        text = page.inner_text("#result-bar")
        assert "999" in text and "Level 4" in text and "Statutory Intervention" in text
        assert text.index("999") < text.index("024 7678 8555") < text.index("Level 4")  # 999, the line, the level
    # the bar never hides what it covers: the page ends above it, and it links to the full result
    bar = page.locator("#result-bar").bounding_box()
    page.locator("footer").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = page.locator("footer").bounding_box()
    assert footer["y"] + footer["height"] <= bar["y"] + 1
    link = page.locator("#result-bar a[href='#result-heading']:visible")
    assert link.count() == 1
    link.click()
    assert _in_view(page, "#result-heading") and _in_view(page, "#result-bar")
    if width <= 390:  # compact on a phone: at most a third of the screen
        assert bar["height"] <= page.viewport_size["height"] / 3
    page.uncheck("#tick-non-mobile-child-injury")
    page.check("#tick-missed-health-checks")
    assert _bar_level(page) == 2 and "999" not in page.inner_text("#result-bar")


def test_bar_agrees_with_the_result_panel_in_every_area(page, site):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    for area in REG.usable(None):
        page.goto((site / area.id / "checklist.html").as_uri())
        for n in (1, 2, 3, 4):
            box = page.locator(f"input[data-level='{n}'], #own-{n}").first
            if not box.count():
                continue
            if page.locator("#clear").count():
                page.click("#clear")
            box.check()
            assert _bar_level(page) == _result(page)[0] == n, (area.id, n)
            assert _in_view(page, "#result-bar"), (area.id, n)
            text = page.inner_text("#result-bar")
            assert ("999" in text) == (n == 4), (area.id, n)
            if n == 4:
                assert text.index("999") < text.index("Level 4"), area.id


def test_no_page_scrolls_sideways_on_a_320px_phone(page, site):  # noqa: F811
    page.set_viewport_size({"width": 320, "height": 640})
    for path in sorted(site.rglob("*.html")):
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path.relative_to(site)


def test_printing_prints_the_result(page, site):  # noqa: F811
    """Print calls the browser's print; on paper the result stands alone: level, emergency route,
    what to do, the ticked indicators with their texts and sources, and the disclaimer."""
    _need("coventry")
    area = REG.area("coventry")
    by_id = {i.id: i for i in all_indicators(area) or []}
    page.goto((site / "coventry" / "checklist.html").as_uri())
    page.evaluate("() => { window.printed = 0; window.print = function () { window.printed += 1; }; }")
    page.check("#tick-non-mobile-child-injury")
    page.check("#tick-missed-health-checks")
    page.click("#print")
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    shown = page.inner_text("body")
    for hidden in ("#result-bar", "section[aria-labelledby='tick']", "header.site", ".result-actions"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.is_visible("#result-level-4 .emergency")
    assert shown.index("999") < shown.index("Level 4")
    assert "What to do" in shown and "Whom to call" in shown
    ticked = page.inner_text("#ticked-list")
    for ind_id in ("non-mobile-child-injury", "missed-health-checks"):
        from thresholdkit.model.objects import source_text

        assert by_id[ind_id].text in ticked and source_text(by_id[ind_id].source) in ticked
    from thresholdkit.model.objects import DISCLAIMER

    assert DISCLAIMER in shown
    page.emulate_media(media="screen")


def _save(pg, tmp_path: Path, name: str) -> Path:
    with pg.expect_download() as info:
        pg.click("#save-case")
    download = info.value
    target = tmp_path / name
    download.save_as(target)
    assert download.suggested_filename.endswith("-case.json")
    return target


def _assess(run, area_id: str, case: Path) -> dict:
    r = run("assess", area_id, str(case), "-f", "json")
    assert r.code == 0, r.err
    result: dict = json.loads(r.out)
    return result


def test_saved_case_file_is_what_assess_reads(page, site, run, tmp_path):  # noqa: F811
    """The browser saves the ticks as a case file (a download, nothing sent); `thresholdkit assess
    AREA FILE` gives the level the bar shows."""
    _need("coventry")
    page.goto((site / "coventry" / "checklist.html").as_uri())
    page.check("#tick-missed-health-checks")
    page.check("#tick-non-mobile-child-injury")
    case = _save(page, tmp_path, "coventry.json")
    data = json.loads(case.read_text())
    assert data == {"area": "coventry", "indicators": ["missed-health-checks", "non-mobile-child-injury"]}
    assert _assess(run, "coventry", case)["level"] == _bar_level(page) == 4
    page.uncheck("#tick-non-mobile-child-injury")
    case = _save(page, tmp_path, "coventry-2.json")
    assert _assess(run, "coventry", case)["level"] == _bar_level(page) == 2


def test_saved_case_file_names_a_named_sets_indicators_as_set_slash_id(page, site, run, tmp_path):  # noqa: F811
    areas = [a for a in REG.usable(None) if any(i.set != "main" for i in all_indicators(a) or [])]
    if not areas:
        pytest.skip("no installed area publishes a second indicator set")
    for area in areas:
        items = all_indicators(area) or []
        low = next(i for i in items if i.set == "main" and i.level < 4)
        named = next(i for i in items if i.set != "main" and i.level > low.level)
        page.goto((site / area.id / "checklist.html").as_uri())
        page.check(f"#tick-{low.id}")
        page.check(f"#tick-{named.set}--{named.id}")
        case = _save(page, tmp_path, f"{area.id}.json")
        data = json.loads(case.read_text())
        assert data == {"area": area.id, "indicators": [low.id, f"{named.set}/{named.id}"]}
        assert _assess(run, area.id, case)["level"] == _bar_level(page) == named.level


def test_saved_case_file_with_own_judgement(page, site, run, tmp_path):  # noqa: F811
    """Where the document publishes no indicators, the case file carries the practitioner's level."""
    areas = [a for a in REG.usable(None) if all_indicators(a) is None]
    if not areas:
        pytest.skip("every installed area publishes indicators")
    for area in areas:
        page.goto((site / area.id / "checklist.html").as_uri())
        page.check("#own-4")
        case = _save(page, tmp_path, f"{area.id}.json")
        assert json.loads(case.read_text()) == {"area": area.id, "level": 4}
        result = _assess(run, area.id, case)
        assert result["level"] == _bar_level(page) == 4 and result["emergency"]["call"] == "999"
