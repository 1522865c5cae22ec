"""The offline site, driven in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from thresholdkit.areas.registry import Registry
from thresholdkit.rules.assess import assess
from thresholdkit.rules.compare import all_indicators

REG = Registry.load()
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_path() -> str:
    path = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run): it is missing")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from thresholdkit.render.site import build

    out = tmp_path_factory.mktemp("site")
    build([REG.area(a) for a in REG.area_ids()], out)
    return out


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    path = _browser_path()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.requests_seen = []  # type: ignore[attr-defined]

    def guard(route):
        pg.requests_seen.append(route.request.url)  # type: ignore[attr-defined]
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    yield pg
    assert all(u.startswith("file://") for u in pg.requests_seen), [
        u for u in pg.requests_seen if not u.startswith("file://")
    ]
    context.close()


def _result(page) -> tuple[int | None, bool]:
    for n in (1, 2, 3, 4):
        if page.is_visible(f"#result-level-{n}"):
            return n, page.is_visible(f"#result-level-{n} .emergency") and "999" in page.inner_text(
                f"#result-level-{n}"
            )
    return None, False


def test_checklist_level_4_and_999_then_level_2(page, site):
    page.goto((site / "coventry" / "checklist.html").as_uri())
    assert _result(page) == (None, False)
    page.check("#tick-missed-health-checks")  # level 2
    page.check("#tick-private-fostering")  # level 4
    level, emergency = _result(page)
    assert level == 4 and emergency
    assert "Statutory Intervention" in page.inner_text("#result-level-4")
    text = page.inner_text("#result-level-4")
    assert text.index("999") < text.index("Level 4")  # 999 leads
    page.uncheck("#tick-private-fostering")
    assert _result(page) == (2, False)
    assert page.inner_text("#ticked-count") == "1"


def test_checklist_agrees_with_the_cli(page, site):
    rng = random.Random(11)
    for area_id in ("coventry", "telford", "herefordshire", "worcestershire"):
        area = REG.area(area_id)
        ids = [i.id for i in all_indicators(area) or [] if i.set == "main"]
        page.goto((site / area_id / "checklist.html").as_uri())
        for _ in range(3):
            page.click("#clear")
            chosen = rng.sample(ids, rng.randint(1, 4))
            for iid in chosen:
                page.check(f"#tick-{iid}")
            assert _result(page)[0] == assess(area, chosen).level, (area_id, chosen)


def test_checklist_filters(page, site):
    page.goto((site / "telford" / "checklist.html").as_uri())
    page.fill("#filter-text", "attendance")
    visible = page.locator(".check:visible").count()
    assert 0 < visible < 10
    page.fill("#filter-text", "")
    page.select_option("#filter-domain", "parenting")
    assert page.locator("fieldset[data-domain='developmental']").is_hidden()
    page.keyboard.press("Tab")  # keyboard reachable


def test_gloucestershire_checklist_uses_own_judgement(page, site):
    page.goto((site / "gloucestershire" / "checklist.html").as_uri())
    assert "publishes no indicators" in page.inner_text("main")
    page.check("#own-4")
    assert _result(page) == (4, True)


def test_indicator_page_related_links(page, site):
    page.goto((site / "coventry" / "index.html").as_uri() + "#ind-private-fostering")
    related = page.locator("#ind-private-fostering .related a")
    hrefs = [related.nth(i).get_attribute("href") for i in range(related.count())]
    assert any(h.startswith("../telford/index.html#ind-") for h in hrefs)
    page.goto((site / "index.html").as_uri())
    assert "Gloucestershire" in page.inner_text("table") and "due for review" in page.inner_text("table")
    page.goto((site / "compare.html").as_uri())
    assert "not published in this document" in page.inner_text("table")


def test_no_serious_accessibility_violations(page, site):
    axe = os.environ.get("THRESHOLDKIT_AXE_JS")
    if not axe or not Path(axe).is_file():
        if os.environ.get("CI"):
            pytest.fail("CI fetches axe-core (.ci/run) and sets THRESHOLDKIT_AXE_JS: it is missing")
        pytest.skip("set THRESHOLDKIT_AXE_JS to axe-core's axe.min.js")
    for rel in (
        "index.html",
        "coventry/checklist.html",
        "coventry/index.html",
        "gloucestershire/checklist.html",
        "compare.html",
    ):
        page.goto((site / rel).as_uri())
        page.add_script_tag(path=axe)
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (rel, serious)


def test_site_command(run, tmp_path):
    r = run("site", "-o", str(tmp_path / "out"), "--areas", "coventry,telford")
    assert r.code == 0, r.err
    assert (tmp_path / "out" / "coventry" / "checklist.html").is_file()
    assert not (tmp_path / "out" / "worcestershire").exists()
    html = (tmp_path / "out" / "coventry" / "checklist.html").read_text()
    data = json.loads(html.split('id="tk-data">')[1].split("</script>")[0])
    assert data["indicators"]["private-fostering"] == 4
    assert "http://" not in html and "https://" not in html  # no external resources
