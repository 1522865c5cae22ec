"""Handouts and worksheets checked as printed: every indicator set first-class, and the PDF's
pages (page 1 a quick reference, running header and footer on every page, no near-empty page,
the compare handout, the quiz's answer key on its own page, the one-page levels-at-a-glance).

The PDF checks read the text of each printed page back with pypdf, with where it stands on the
page; they run with every PDF engine installed here (Chromium and/or WeasyPrint) and skip
cleanly without one, except in CI, which installs Chromium (.ci/run).
"""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest
from conftest import ROOT, assert_one_line_error

from thresholdkit.areas.registry import Registry
from thresholdkit.model.errors import UsageError
from thresholdkit.model.objects import source_text
from thresholdkit.render import handout, quiz
from thresholdkit.rules.search import words

REG = Registry.load()
USABLE = [a.id for a in REG.usable()]  # whatever plugins are installed, not a fixed five
MM = 72 / 25.4
#: The printed page's margins (templates/print.css.j2): top and bottom, in points.
TOP, BOTTOM = 17 * MM, 16 * MM


def _valid_html5(text: str) -> None:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def _squash(text: str) -> str:
    """Text compared as printed: ligatures undone (NFKC), whitespace removed (line breaks fall
    anywhere in a PDF)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", htmllib.unescape(text)))


def _published_sets(area_id: str) -> list[dict]:
    return list(REG.area(area_id).published_sets())


# --- indicator sets, first-class (issue 16) -------------------------------------------------


def test_every_published_set_has_its_own_heading_in_the_handout(run):
    """Every usable area, every level: each published set under its printed title, with every
    indicator of that set at that level, verbatim."""
    for area_id in USABLE:
        area = REG.area(area_id)
        for n in (1, 2, 3, 4):
            page = run("handout", area_id, "--level", str(n))
            assert page.code == 0, page.err
            text = htmllib.unescape(page.out)
            md = run("handout", area_id, "--level", str(n), "-f", "markdown").out
            for s in area.published_sets():
                heading = f'<h3 class="set-title" id="set-{s["id"]}-level-{n}">{htmllib.escape(s["title"])}</h3>'
                assert heading in page.out, (area_id, n, s["id"])
                assert f"### {s['title']}" in md.replace("\\", ""), (area_id, n, s["id"])
                for ind in area.indicators(s["id"]):
                    if ind.level == n:
                        assert ind.text in text, (area_id, n, ind.ref)


def test_telford_exploitation_set_in_the_handout_and_set_restricts(run):
    area = REG.area("telford")
    titles = {s["id"]: s["title"] for s in area.indicator_sets()}
    assert titles["exploitation"] == "Child Exploitation Risk Threshold Indicator"
    both = htmllib.unescape(run("handout", "telford", "--level", "3").out)
    only = run("handout", "telford", "--level", "3", "--set", "exploitation")
    assert only.code == 0, only.err
    only_text = htmllib.unescape(only.out)
    exploitation = [i for i in area.indicators("exploitation") if i.level == 3]
    main = [i for i in area.indicators("main") if i.level == 3]
    assert exploitation and main
    for ind in exploitation:
        assert ind.text in both and ind.text in only_text
    main_only = [i for i in main if i.text not in {e.text for e in exploitation}]
    assert all(i.text in both for i in main_only)
    assert not any(i.text in only_text for i in main_only)
    assert both.index(titles["main"]) < both.index(titles["exploitation"])
    assert titles["main"] not in only_text.split("Indicators at level 3")[1]
    # the exploitation tool has no level 1: said, not silently empty
    level1 = htmllib.unescape(run("handout", "telford", "--level", "1").out)
    assert "This set places no indicator at level 1." in level1
    md = run("handout", "telford", "--level", "3", "--set", "exploitation", "-f", "markdown").out
    assert "### Child Exploitation Risk Threshold Indicator" in md and "### Threshold Descriptors" not in md


@pytest.mark.parametrize(
    "args",
    [
        ("handout", "telford", "--set", "nosuchset"),
        ("quiz", "telford", "--set", "nosuchset"),
    ],
)
def test_unknown_set_is_a_one_line_error_naming_the_sets(run, args):
    r = run(*args)
    assert_one_line_error(r)
    assert "exploitation" in r.err and "main" in r.err


def test_glance_and_set_refusals(run):
    assert run("handout", "coventry", "--glance").code == 0
    assert run("handout", "telford", "--set", "exploitation", "-l", "4").code == 0
    for args in (
        ("handout", "coventry", "telford", "--set", "main", "-l", "2", "--compare"),
        ("handout", "coventry", "--glance", "--level", "2"),
        ("handout", "coventry", "telford", "--glance"),
        ("handout", "coventry", "--glance", "-f", "markdown"),
        ("handout", "coventry", "--glance", "-f", "pdf"),
    ):
        assert_one_line_error(run(*args))


def test_quiz_names_each_items_set_and_set_restricts(run):
    area = REG.area("telford")
    titles = {s["id"]: s["title"] for s in area.indicator_sets()}
    everything = quiz.quiz_model(area, 500, 3)
    assert {q["set"] for q in everything["questions"]} == {"main", "exploitation"}
    for q in everything["questions"]:
        assert q["set_title"] == titles[q["set"]]
        assert q["ref"] == (q["id"] if q["set"] == "main" else f"{q['set']}/{q['id']}")
    for seed in range(1, 4):  # a short worksheet draws from both sets, not only the big one
        assert {q["set"] for q in quiz.quiz_model(area, 12, seed)["questions"]} == {"main", "exploitation"}
    only = quiz.quiz_model(area, 500, 3, "exploitation")
    assert only["questions"] and {q["set"] for q in only["questions"]} == {"exploitation"}
    assert [s["id"] for s in only["sets"]] == ["exploitation"]
    page = run("quiz", "telford", "--count", "6", "--seed", "2", "--set", "exploitation")
    assert page.code == 0, page.err
    _valid_html5(page.out)
    text = htmllib.unescape(page.out)
    assert text.count(titles["exploitation"]) >= 2 * 6  # each question and each answer name the set
    md = run("quiz", "telford", "--count", "6", "--seed", "2", "--set", "exploitation", "-f", "markdown").out
    assert md.count("Child Exploitation Risk Threshold Indicator") >= 12 and "exploitation/" in md


def _key(text: str) -> str:
    return " ".join(words(text))


def test_quiz_leaves_out_texts_printed_at_two_levels_across_sets(tmp_path):
    """A text one set prints at level 2 and another at level 3 has no single answer: it is left
    out, also when the quiz is restricted to one of the two sets."""
    from thresholdkit.areas.dataplugin import DataPlugin

    data = tmp_path / "thresholdkit_twosets" / "data"
    shutil.copytree(ROOT / "plugins" / "telford" / "src" / "thresholdkit_telford" / "data", data)
    real = REG.area("telford")
    target = next(i for i in real.indicators("exploitation") if i.level == 2)
    other = next(i for i in real.indicators("main") if i.level == 3 and "\n" not in i.text and '"' not in i.text)
    ind = data / "indicators.yaml"
    original = ind.read_text()
    assert original.count(target.text) == 1, "the fixture needs a text printed once"
    import yaml

    loaded = yaml.safe_load(original)
    for s in loaded["indicator_sets"]:
        if s["id"] == "exploitation":
            for g in s["groups"]:
                for i in g["indicators"]:
                    if i["id"] == target.id:
                        i["text"] = other.text
    ind.write_text(yaml.safe_dump(loaded, sort_keys=False, allow_unicode=True))
    area = Registry.from_plugins({"telford": DataPlugin(str(data.parent / "__init__.py"))}).area("telford")
    for set_id in (None, "exploitation", "main"):
        m = quiz.quiz_model(area, 500, 1, set_id)
        texts = [_key(q["text"]) for q in m["questions"]]
        assert _key(other.text) not in texts, set_id
        levels: dict[str, set[int]] = {}
        for q in m["questions"]:
            levels.setdefault(_key(q["text"]), set()).add(q["level"])
        assert all(len(v) == 1 for v in levels.values())
    # and nothing else is lost: every other exploitation text printed at one level stays
    m = quiz.quiz_model(area, 500, 1, "exploitation")
    kept = {q["id"] for q in m["questions"]}
    assert target.id not in kept
    assert kept == {i.id for i in area.indicators("exploitation") if i.id != target.id} - {
        i.id for i in area.indicators("exploitation") if i.id not in {u.id for u in quiz.unambiguous(real.indicators())}
    }


# --- sources once per group, escaping -----------------------------------------------------


def test_sources_are_given_once_per_group_not_on_every_row(run):
    area = REG.area("telford")
    page = run("handout", "telford", "--level", "3").out
    items = [i for i in area.indicators("main") if i.level == 3]
    by_source: dict[str, int] = {}
    for i in items:
        by_source[source_text(i.source)] = by_source.get(source_text(i.source), 0) + 1
    shared, count = max(by_source.items(), key=lambda kv: kv[1])
    assert count > 3
    heading = shared.split(", ")[-3:]  # the group's own part of the source
    assert page.count(htmllib.escape(", ".join(heading))) == 1, "a group's source is printed once"
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", page, flags=re.S)
    assert rows and not any('class="src">[' in r for r in rows)
    assert "Source: THRESHOLD DESCRIPTORS, Threshold Descriptors" in htmllib.unescape(page)


def test_running_header_text_is_escaped_in_css(tmp_path):
    """Plugin text reaches the print CSS (the running header) as a CSS string: it can end
    neither the string nor the style element."""
    from thresholdkit.areas.dataplugin import DataPlugin

    data = tmp_path / "thresholdkit_evil" / "data"
    shutil.copytree(ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data", data)
    import yaml

    auth = data / "authority.yaml"
    loaded = yaml.safe_load(auth.read_text())
    loaded["document"]["title"] = 'Right</style><script>x()</script> "q" \\'
    auth.write_text(yaml.safe_dump(loaded, sort_keys=False, allow_unicode=True))
    area = Registry.from_plugins({"coventry": DataPlugin(str(data.parent / "__init__.py"))}).area("coventry")
    for page in (
        handout.render_html(handout.area_model(area, [4])),
        handout.render_html(handout.glance_model(area), "glance.html.j2"),
    ):
        style = page.split("<style>", 1)[1]
        assert style.index("</style>") > style.index("@bottom-right")
        assert "<script>" not in page
        _valid_html5(page)
    assert handout.css_string('a"b</style>\\') == '"a\\22 b\\3c /style\\3e \\5c "'


# --- printed pages (issue 17) ---------------------------------------------------------------


def _engines() -> list[str]:
    found = []
    choose = getattr(handout, "pdf_engine", None)  # (absent before the engine choice existed)
    if choose is None:
        return ["chromium"] if shutil.which("chromium") else []
    for engine in ("chromium", "weasyprint"):
        try:
            choose(engine)
        except UsageError:
            continue
        found.append(engine)
    return found


ENGINES = _engines()


@pytest.fixture(params=ENGINES or ["none"])
def engine(request) -> str:
    if request.param == "none":
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run): no PDF engine found")
        pytest.skip("no PDF engine (apt-get install chromium, or pip install 'thresholdkit[pdf]')")
    return request.param


@dataclass
class Page:
    body: str  # the text inside the margins, squashed
    margins: str  # the running header and footer, squashed
    fill: float  # how far down the printable area the lowest line of text stands, 0 to 1


def _pages(path: Path) -> list[Page]:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(path))
    pages = []
    for p in reader.pages:
        height = float(p.mediabox.height)
        top, bottom = height - TOP, BOTTOM
        body: list[str] = []
        margins: list[str] = []
        lowest = [top]

        def visit(text, cm, tm, font, size, body=body, margins=margins, lowest=lowest, top=top, bottom=bottom):
            if not text.strip():
                return
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if bottom < y < top:
                body.append(text)
                lowest[0] = min(lowest[0], y)
            else:
                margins.append(text)

        p.extract_text(visitor_text=visit)
        pages.append(Page(_squash("".join(body)), _squash("".join(margins)), (top - lowest[0]) / (top - bottom)))
    return pages


def _print(run, tmp_path: Path, engine: str, *args: str) -> list[Page]:
    out = tmp_path / f"{abs(hash(args))}-{engine}.pdf"
    # Chromium is the default engine where installed: print as a user would, without naming it
    engine_args = () if engine == "chromium" else ("--pdf-engine", engine)
    r = run(*args, "-f", "pdf", *engine_args, "-o", str(out))
    assert r.code == 0, r.err
    assert out.read_bytes().startswith(b"%PDF")
    pages = _pages(out)
    out.unlink()
    return pages


def _check_every_page(pages: list[Page], header: list[str], generated: str) -> None:
    """Header and footer on every page; page N of M right; no page under a fifth full, and none
    holding only the 'Generated ...' line."""
    for k, page in enumerate(pages, 1):
        for part in header:
            assert _squash(part) in page.margins, (k, part)
        assert _squash(f"Page {k} of {len(pages)}") in page.margins, k
        assert _squash(f"Generated {generated}") in page.margins, k
        assert _squash("supports, not replaces, professional judgement") in page.margins, k
        assert page.fill >= 0.2, f"page {k} of {len(pages)} is only {page.fill:.0%} full"
        assert not page.body.startswith(_squash("Generated ")), f"page {k} holds only the closing line"


# Printing takes seconds a PDF: every level of Telford (the example, two indicator sets),
# level 4 of every usable area, and the longest quick reference (Herefordshire level 3). The
# whole handout of every area, below, prints every level's content too.
LEVEL_CASES = [("telford", n) for n in (1, 2, 3, 4)] + [
    (a, n) for a, n in [*((a, 4) for a in USABLE), ("herefordshire", 3)] if a != "telford" and a in USABLE
]


@pytest.mark.parametrize(("area_id", "level"), LEVEL_CASES)
def test_level_handout_pages(run, tmp_path, engine, area_id, level):
    area = REG.area(area_id)
    model = handout.area_model(area, [level])
    lv = model["levels"][0]
    pages = _print(run, tmp_path, engine, "handout", area_id, "--level", str(level))
    doc = model["document"]
    _check_every_page(pages, [area.name, f"Level {level}: {lv['name']}", doc["title"], doc["date"]], model["generated"])
    first = pages[0].body
    # page 1 is the quick reference: 999 and the line to call, the level's name and definition,
    # what to do, forms and timescales
    for part in (
        f"Level {level}: {lv['name']}",
        "If a child is in immediate danger, call 999.",
        f"Route at level {level}:",
        "Forms:",
        "Timescales:",
        f"What level {level} means in {area.name}",
        lv["summary"][0]["text"][:60],
        f"What to do at level {level}",
    ):
        assert _squash(part) in first, (area_id, level, part)
    if level == 4:  # 999 first, then the area's line
        line = model["emergency"]["referral"][0]["name"]
        assert first.index(_squash("call 999")) < first.index(_squash(line))
    whole = "".join(p.body for p in pages)
    assert whole.index(_squash(f"What to do at level {level}")) < whole.index(_squash(f"Indicators at level {level}"))
    if (area_id, level) == ("telford", 3):  # the example: 11 pages, the last only 'Generated ...'
        assert len(pages) < 11


@pytest.mark.parametrize("area_id", USABLE)
def test_quick_reference_comes_first_in_every_level_handout(run, area_id):
    """Without printing: in every level handout the quick reference (999 and the line to call,
    the route, forms, timescales, definition, what to do) comes before the indicator tables."""
    for level in (1, 2, 3, 4):
        page = htmllib.unescape(run("handout", area_id, "--level", str(level)).out)
        quick = page.split('<div class="quickref">', 1)[1].split("Indicators at level", 1)[0]
        order = [
            quick.index("If a child is in immediate danger, call 999."),
            quick.index(f"Route at level {level}:"),
            quick.index("Forms:"),
            quick.index("Timescales:"),
            quick.index(f"What level {level} means in"),
            quick.index(f"What to do at level {level}"),
        ]
        assert order == sorted(order), (area_id, level)


@pytest.mark.parametrize("area_id", USABLE)
def test_whole_handout_pages(run, tmp_path, engine, area_id):
    area = REG.area(area_id)
    model = handout.area_model(area)
    pages = _print(run, tmp_path, engine, "handout", area_id)
    _check_every_page(pages, [area.name, "Levels 1, 2, 3 and 4", model["document"]["title"]], model["generated"])


@pytest.mark.parametrize(
    "areas",
    [USABLE, ["coventry", "worcestershire"], ["gloucestershire", "telford"]],
    ids=["all", "coventry-worcestershire", "gloucestershire-telford"],
)
def test_compare_level4_pages(run, tmp_path, engine, areas):
    areas = [a for a in areas if a in USABLE]
    if len(areas) < 2:
        pytest.skip("needs two usable areas")
    names = [REG.area(a).name for a in areas]
    model = handout.compare_model([REG.area(a) for a in areas], 4, None)
    pages = _print(run, tmp_path, engine, "handout", *areas, "--compare", "--level", "4")
    _check_every_page(pages, ["Level 4 across areas", *names], model["generated"])
    first = pages[0].body
    first_area = REG.area(areas[0])
    # page 1 holds more than the title and the 999 box: the first area's own words
    assert _squash(f"Level 4: {first_area.level(4)['name']}") in first
    assert _squash(model["sections"][0]["referral"][0]["name"]) in first
    assert first.index(_squash("call 999")) < first.index(_squash(model["sections"][0]["referral"][0]["name"]))
    whole = "".join(p.body for p in pages)
    for name in names:
        assert _squash(name) in whole


def test_compare_has_no_empty_columns(run):
    """One section per area; no table cell is empty and no column is a placeholder."""
    for args in (("--level", "4"), ("--concept", "private-fostering")):
        page = run("handout", *USABLE, "--compare", *args)
        assert page.code == 0, page.err
        _valid_html5(page.out)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", page.out, flags=re.S)
        assert all(re.sub(r"<[^>]+>|\s", "", c) for c in cells)
        assert "No indicator of this level in the document" not in page.out
        assert all(len(re.findall(r"<th scope=\"col\"", t)) <= 1 for t in re.findall(r"<thead>.*?</thead>", page.out))
        for a in USABLE:
            assert f'<section class="area-block" aria-labelledby="area-{a}">' in page.out


def test_quiz_pdf_answer_key_on_its_own_page(run, tmp_path, engine):
    assert_one_line_error(run("quiz", "telford", "-f", "pdf"))  # needs -o FILE
    model = quiz.quiz_model(REG.area("telford"), 20, 7)
    pages = _print(run, tmp_path, engine, "quiz", "telford", "--count", "20", "--seed", "7")
    _check_every_page(pages, ["Telford & Wrekin", model["title"]], model["generated"])
    key = [k for k, p in enumerate(pages) if _squash("Answer key") in p.body]
    assert len(key) == 1 and key[0] > 0
    assert pages[key[0]].body.startswith(_squash("Answer key"))
    before = "".join(p.body for p in pages[: key[0]])
    for q in model["questions"]:
        assert _squash(q["text"][:40]) in before  # every question before the key
        assert _squash(q["ref"]) not in before or _squash(q["ref"]) in _squash(q["text"])
        assert _squash(q["ref"]) in "".join(p.body for p in pages[key[0] :])


@pytest.mark.parametrize("area_id", USABLE)
def test_glance_is_one_page(run, tmp_path, engine, area_id):
    area = REG.area(area_id)
    model = handout.glance_model(area)
    pages = _print(run, tmp_path, engine, "handout", area_id, "--glance")
    assert len(pages) == 1, f"{area_id}: the levels-at-a-glance sheet runs to {len(pages)} pages"
    _check_every_page(pages, [area.name, "levels at a glance", model["document"]["title"]], model["generated"])
    body = pages[0].body
    assert body.index(_squash("call 999")) < body.index(_squash("Level 1:"))
    for lv in model["levels"]:
        assert _squash(f"Level {lv['level']}: {lv['name']}") in body
        assert _squash(lv["summary"][0]["text"]) in body
        for g in lv["route_grouped"]:
            assert _squash(g["name"]) in body
    for c in model["emergency"]["referral"]:
        assert _squash(c["name"]) in body


def test_glance_html(run):
    for area_id in USABLE:
        page = run("handout", area_id, "--glance")
        assert page.code == 0, page.err
        _valid_html5(page.out)
        text = htmllib.unescape(page.out)
        assert "If a child is in immediate danger, call 999." in text
        assert "supports, and never replaces, professional judgement" in text
        for lv in REG.area(area_id).levels():
            assert lv["name"] in text


def test_pdf_engine_choice(monkeypatch, run, tmp_path):
    """auto is Chromium where installed, else WeasyPrint; a named engine that is missing, or no
    engine at all, is a one-line error saying how to get one."""
    monkeypatch.setattr(handout, "_chromium", lambda: None)
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        with pytest.raises(UsageError, match="install Chromium"):
            handout.pdf_engine("auto")
        r = run("handout", "coventry", "-f", "pdf", "--pdf-engine", "weasyprint", "-o", str(tmp_path / "x.pdf"))
        assert_one_line_error(r)
        assert "WeasyPrint is not installed" in r.err
    else:
        assert handout.pdf_engine("auto") == "weasyprint"
    r = run("handout", "coventry", "-f", "pdf", "--pdf-engine", "chromium", "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(r)
    assert not (tmp_path / "x.pdf").exists()
    monkeypatch.undo()
    if "chromium" in ENGINES:
        assert handout.pdf_engine("auto") == "chromium"
