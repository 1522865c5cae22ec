"""Tables and handouts as printed and on a phone, in a real browser (Debian's chromium through
Playwright; every request stays on file://):

- a site page printed shows every table whole within the A4 width: no table is cut at the page
  edge (red team, surfaces F3: Telford's and Worcestershire's "Hours as printed" column was lost);
- an HTML handout (the levels at a glance, a level handout) fits a 390 px phone screen and a
  320 px one; printed, the glance sheet keeps its two columns (F7);
- on paper a group heading of an indicator table, and a quick-reference label such as
  "Route at level 3:" or "Timescales:", is kept with what follows it (F5).

Runs over whatever areas are installed and load, never over exactly five.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import usable_areas
from test_site import REG, browser, page, site  # noqa: F401 (the browser fixtures, shared)

AREAS = [a.id for a in usable_areas(REG)]
#: The width of an A4 page's printable area with 1 cm margins each side (190 mm), in CSS px.
A4_CONTENT = 718
PHONES = (320, 390)


def _squash(text: str) -> str:
    """Text compared as printed: ligatures undone (NFKC), whitespace removed (lines break anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", htmllib.unescape(text)))


def _site_pages(site: Path) -> list[Path]:  # noqa: F811
    pages = [site / "index.html", site / "compare.html", *(site / a / "index.html" for a in AREAS)]
    return [p for p in pages if p.exists()]


def _print_view(pg, path: Path) -> None:
    pg.set_viewport_size({"width": A4_CONTENT, "height": 1000})
    pg.goto(path.as_uri())
    pg.emulate_media(media="print")


# --- F3: a printed site page never cuts a table ---------------------------------------------


def test_printed_site_tables_fit_the_page_width(page, site):  # noqa: F811
    """In print, no table wrapper is wider inside than out (on paper nothing scrolls), the page
    is no wider than the A4 printable width, and every header cell of the contacts table,
    "Hours as printed" last, stands inside it."""
    for path in _site_pages(site):
        _print_view(page, path)
        name = str(path.relative_to(site))
        wraps = page.evaluate(
            "() => [...document.querySelectorAll('.table-wrap')].map(w => [w.scrollWidth, w.clientWidth])"
        )
        assert wraps, name
        for scroll, client in wraps:
            assert scroll <= client, (name, scroll, client)
        assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT, name
        if path.parent == site:
            continue
        cells = page.evaluate(
            """() => [...document.querySelectorAll('table:has(#contacts-caption) thead th')]
                 .map(th => { const r = th.getBoundingClientRect(); return [th.innerText, r.left, r.right]; })"""
        )
        assert [c[0] for c in cells][-1] == "Hours as printed", (name, cells)
        for text, left, right in cells:
            assert left >= -1 and right <= A4_CONTENT + 1, (name, text, left, right)
    page.emulate_media(media="screen")


def test_printed_area_page_pdf_has_every_contacts_cell(page, site):  # noqa: F811
    """The A4 PDF Chromium prints of each area page's contacts table holds the text of every
    cell: the hours, and e-mail addresses and URLs whole (a line break aside). The rest of the
    page is taken out first (reading a long PDF back is slow); the table keeps its place and width."""
    pypdf = pytest.importorskip("pypdf")
    for area_id in AREAS:
        path = site / area_id / "index.html"
        _print_view(page, path)
        cells = page.evaluate(
            """() => {
                const wrap = document.querySelector('#contacts-caption').closest('.table-wrap');
                for (const el of [...wrap.parentElement.children]) if (el !== wrap) el.remove();
                return [...wrap.querySelectorAll('td')].map(td => td.innerText);
            }"""
        )
        assert cells, area_id
        out = path.with_suffix(".pdf")
        page.pdf(path=str(out), format="A4", margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"})
        printed = _squash("".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages))
        out.unlink()
        missing = [c for c in cells if _squash(c) not in printed]
        assert not missing, (area_id, missing[:5])
    page.emulate_media(media="screen")


# --- F7: handouts on a phone ----------------------------------------------------------------


def _handouts(run, tmp_path: Path) -> list[Path]:
    paths = []
    for area_id in AREAS:
        for args in (("--glance",), *(("--level", str(n)) for n in (1, 2, 3, 4))):
            out = tmp_path / f"{area_id}{''.join(args)}.html"
            r = run("handout", area_id, *args, "-o", str(out))
            assert r.code == 0, r.err
            paths.append(out)
    return paths


def test_handouts_fit_a_phone_screen(page, run, tmp_path):  # noqa: F811
    """The glance sheet and every level handout of every area: no sideways scrolling at 390 px
    or 320 px (a long URL or e-mail address breaks; the glance sheet is one column)."""
    for path in _handouts(run, tmp_path):
        page.goto(path.as_uri())
        for width in PHONES:
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (path.name, width)


def _side_by_side(pg) -> bool:
    tops = pg.evaluate(
        "() => [...document.querySelectorAll('.glance > section')].slice(0, 2).map(s => s.getBoundingClientRect().top)"
    )
    return len(tops) == 2 and abs(tops[0] - tops[1]) < 1


def test_glance_is_one_column_on_a_phone_and_two_on_paper(page, run, tmp_path):  # noqa: F811
    for area_id in AREAS:
        out = tmp_path / f"{area_id}-glance.html"
        assert run("handout", area_id, "--glance", "-o", str(out)).code == 0
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(out.as_uri())
        assert not _side_by_side(page), area_id
        page.set_viewport_size({"width": 1200, "height": 900})
        assert _side_by_side(page), area_id
        _print_view(page, out)
        assert _side_by_side(page), area_id
        page.emulate_media(media="screen")


# --- F5: no heading alone at the foot of a printed page -------------------------------------


def test_group_headings_and_labels_keep_with_what_follows_on_paper(page, run, tmp_path):  # noqa: F811
    """Every indicator-table group row (tr.grp) and every quick-reference label followed by its
    list ("Route at level N:", "Timescales:") has break-after: avoid in print, in the whole
    handout of every area."""
    seen = {"grp": 0, "label": 0}
    for area_id in AREAS:
        out = tmp_path / f"{area_id}.html"
        r = run("handout", area_id, "-o", str(out))
        assert r.code == 0, r.err
        _print_view(page, out)
        found = page.evaluate(
            """() => ({
                grp: [...document.querySelectorAll('tr.grp')].map(e => [e.innerText, getComputedStyle(e).breakAfter]),
                label: [...document.querySelectorAll('.route p')]
                  .filter(p => p.nextElementSibling && p.nextElementSibling.tagName === 'UL')
                  .map(e => [e.innerText, getComputedStyle(e).breakAfter]),
            })"""
        )
        for kind, items in found.items():
            seen[kind] += len(items)
            for text, value in items:
                assert value == "avoid", (area_id, kind, text, value)
        page.emulate_media(media="screen")
    if not seen["label"]:
        pytest.skip("no installed area prints a route or timescales list")
