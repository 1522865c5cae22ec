"""Handouts, worksheets and the interactive modes."""

from __future__ import annotations

import html as htmllib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import html5lib
import pytest
from conftest import ROOT, assert_one_line_error

from thresholdkit.areas.registry import Registry
from thresholdkit.render import handout, quiz
from thresholdkit.rules.compare import all_indicators

REG = Registry.load()
AREAS = REG.area_ids()


def _valid_html5(text: str) -> None:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


@pytest.mark.parametrize("area_id", AREAS)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_handout_every_area_every_level(run, area_id, level):
    page = run("handout", area_id, "--level", str(level))
    assert page.code == 0, page.err
    _valid_html5(page.out)
    text = htmllib.unescape(page.out)
    area = REG.area(area_id)
    for ind in all_indicators(area) or []:
        if ind.set == "main" and ind.level == level:
            assert ind.text in text, ind.id
    assert "call 999" in text and area.level(level)["name"] in text
    assert "supports, and never replaces, professional judgement" in text
    assert "<svg" in page.out and "Continuum of need" in text
    md = run("handout", area_id, "--level", str(level), "--format", "markdown")
    assert md.code == 0 and f"## Level {level}:" in md.out
    if all_indicators(area) is None:
        assert "publishes no indicators" in text and "publishes no indicators" in md.out


def test_herefordshire_handout_flags_review_date(run):
    assert "due for review" in run("handout", "herefordshire", "-l", "2").out


def test_domain_filter(run):
    out = htmllib.unescape(run("handout", "coventry", "-l", "4", "-d", "parenting").out)
    assert "Private fostering arrangements." in out and "Non-mobile child with injury." not in out


def test_plugin_text_is_escaped(tmp_path):
    """Text from plugin data with HTML or Markdown control characters comes out escaped."""
    from thresholdkit.areas.dataplugin import DataPlugin

    data = tmp_path / "thresholdkit_evil" / "data"
    shutil.copytree(ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data", data)
    ind = data / "indicators.yaml"
    ind.write_text(
        ind.read_text().replace("Non-mobile child with injury.", "<script>alert(1)</script> *bold* [x](y) | # z", 1)
    )
    reg = Registry.from_plugins({"coventry": DataPlugin(str(data.parent / "__init__.py"))})
    model = handout.area_model(reg.area("coventry"), [4])
    page = handout.render_html(model)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    _valid_html5(page)
    md = handout.render_markdown(model)
    assert "\\<script\\>" in md and "\\*bold\\*" in md and "\\[x\\](y) \\| # z" in md


def test_compare_handout(run):
    page = run("handout", "coventry", "telford", "gloucestershire", "--compare", "--concept", "private-fostering")
    assert page.code == 0, page.err
    _valid_html5(page.out)
    text = htmllib.unescape(page.out)
    assert "Private fostering arrangements." in text and "Child is privately fostered." in text
    assert "Indicators not published in this document." in text
    page = run("handout", "coventry", "worcestershire", "--compare", "--level", "4")
    assert page.code == 0 and "Statutory Social Work Intervention" in htmllib.unescape(page.out)


@pytest.mark.parametrize(
    "args",
    [
        ("handout", "coventry", "telford"),
        ("handout", "coventry", "--compare"),
        ("handout", "coventry", "telford", "--compare"),
        ("handout", "coventry", "--format", "pdf"),
        ("handout", "nowhere"),
        ("quiz", "coventry", "--interactive"),
        ("assess", "coventry", "--interactive"),
        ("quiz", "gloucestershire"),
    ],
)
def test_bad_input(run, args):
    assert_one_line_error(run(*args))


def test_quiz_reproducible_with_answer_key(run):
    first = run("quiz", "telford", "--count", "8", "--seed", "42", "-f", "markdown").out
    assert first == run("quiz", "telford", "--count", "8", "--seed", "42", "-f", "markdown").out
    assert first != run("quiz", "telford", "--count", "8", "--seed", "43", "-f", "markdown").out
    model = quiz.quiz_model(REG.area("telford"), 8, 42)
    assert len({q["level"] for q in model["questions"]}) >= 3  # drawn across levels
    page = run("quiz", "telford", "--count", "8", "--seed", "42").out
    _valid_html5(page)
    assert 'class="page-break"' in page and "Answer key" in page
    for q in model["questions"]:
        assert htmllib.escape(q["id"]) in page


def test_examples_are_not_stale():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import regenerate
    finally:
        sys.path.pop(0)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        expected = regenerate.render_all()
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    for path, text in expected.items():
        assert path.is_file() and path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run 'python examples/regenerate.py'"
        )


# --- real terminal sessions -------------------------------------------------------------


def _pty_session(args: list[str], answers: list[str], tmp_path: Path, timeout: float = 60) -> str:
    master, slave = pty.openpty()
    env = {**os.environ, "THRESHOLDKIT_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "100", "TERM": "dumb"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "thresholdkit", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    pending = list(answers)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            elif pending and output.rstrip().endswith((b":", b"]:")):
                os.write(master, (pending.pop(0) + "\n").encode())
            elif proc.poll() is not None:
                break
    finally:
        os.close(master)
        proc.wait(timeout=10)
    return output.decode("utf-8", "replace").replace("\r\n", "\n")


def _number_of(transcript: str, text: str) -> str:
    match = re.search(r"\[(\d+)\] " + re.escape(text), transcript)
    assert match, text
    return match.group(1)


def test_assess_interactive_matches_assess_with_indicators(run, tmp_path):
    area = REG.area("coventry")
    ids = ["poor-supervision", "private-fostering"]
    texts = {i.id: i.text for i in area.indicators()}
    # Numbers are given in the order the walk shows them: developmental, parenting, family.
    order = [
        i.id for d in ("developmental", "parenting", "family_environment") for i in area.indicators() if i.domain == d
    ]
    numbers = {iid: str(order.index(iid) + 1) for iid in ids}
    answers = ["", f"{numbers['poor-supervision']} {numbers['private-fostering']}", "", "", "case.yaml"]
    transcript = _pty_session(["assess", "coventry", "--interactive"], answers, tmp_path)
    assert _number_of(transcript, texts["poor-supervision"]) == numbers["poor-supervision"]
    expected = run("assess", "coventry", "-i", "poor-supervision", "-i", "private-fostering").out
    assert expected.strip() in transcript
    saved = tmp_path / "case.yaml"
    assert saved.is_file()
    again = run("assess", "coventry", str(saved))
    assert again.out == expected


def test_quiz_interactive_scores(tmp_path):
    model = quiz.quiz_model(REG.area("coventry"), 3, 5)
    answers = [str(q["level"]) for q in model["questions"][:2]] + [str(model["questions"][2]["level"] % 4 + 1)]
    transcript = _pty_session(["quiz", "coventry", "--count", "3", "--seed", "5", "--interactive"], answers, tmp_path)
    assert "Score: 2 / 3" in transcript
    assert "Missed:" in transcript and model["questions"][2]["text"][:30] in transcript


# --- a real browser -------------------------------------------------------------------------


def _browser() -> str | None:
    return next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)


def test_handout_prints_to_a4_pdf_in_a_real_browser(run, tmp_path):
    if _browser() is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run): it is missing")
        pytest.skip("chromium not installed (apt-get install chromium)")
    out = tmp_path / "coventry.pdf"
    r = run("handout", "coventry", "--format", "pdf", "-o", str(out))
    assert r.code == 0, r.err
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes, "no page size in the PDF"
    for w, h in boxes:
        assert abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2, (w, h)  # A4 in points
    assert len(boxes) >= 3  # a real multi-page handout


def _whom_to_call(area_id: str) -> tuple[str, str]:
    """The "Whom to call" part of the area's level-4 handout: (HTML text, Markdown)."""
    page = htmllib.unescape(handout.render_html(handout.area_model(REG.area(area_id), [4])))
    html_part = page[page.index('id="whom"') : page.index('id="continuum"')]
    md = handout.render_markdown(handout.area_model(REG.area(area_id), [4]))
    return html_part, md[md.index("## Whom to call") : md.index("\n---\n")]


@pytest.mark.parametrize("area_id", AREAS)
def test_whom_to_call_claims_no_hours_and_says_when_there_is_no_out_of_hours_line(area_id):
    """Red team (clock, 1): the handout filed a line under "In hours" though no document calls it
    that (Gloucestershire prints "At any time" for its MASH), listed a named post with no number
    (Worcestershire's MASH Manager), and said nothing where a document prints no out-of-hours line.
    The grouping is by role ("Referral line", "Out of hours"), hours only as printed; only the
    lines `contacts --at` chooses between are listed; no out-of-hours line is said plainly."""
    from conftest import phone_lines

    from thresholdkit.rules.hours import NO_OUT_OF_HOURS

    area = REG.area(area_id)
    html_part, md = _whom_to_call(area_id)
    for text in (html_part, md):
        assert "In hours" not in text
        assert (NO_OUT_OF_HOURS in text) == (not phone_lines(area, ("out_of_hours",)))
    listed = phone_lines(area, ("front_door", "mash", "out_of_hours"))
    for c in area.contacts():
        if c["role"] in ("front_door", "mash", "out_of_hours"):
            shown = f"- {c['name']}:" in md.replace("\\", "")
            assert shown == (c["id"] in listed), c["id"]


def test_every_quiz_surface_says_it_supports_professional_judgement(run):
    """Red team (surfaces, F4): the HTML worksheet said so, the Markdown worksheet and the
    interactive quiz never did."""
    from thresholdkit.model.objects import DISCLAIMER

    for area in REG.usable(None):
        if not all_indicators(area):
            continue
        md = run("quiz", area.id, "-f", "markdown", "--count", "3")
        assert md.code == 0 and DISCLAIMER in " ".join(md.out.replace("\\", "").split())
        said: list[str] = []
        model = quiz.quiz_model(area, 2, 1)
        quiz.run_interactive(model, lambda _prompt: 1, said.append)
        assert DISCLAIMER in said[:2] and said[-1].strip() == DISCLAIMER  # after the review status, if any


@pytest.mark.parametrize("area_id", AREAS)
def test_the_markdown_emergency_lines_carry_their_printed_hours(area_id):
    """Red team (surfaces, F8): Worcestershire's Markdown emergency list read "Family Front Door:
    01905 822666 (During the following working hours)" with the hours left out, so "following"
    seemed to point at the out-of-hours line."""
    model = handout.area_model(REG.area(area_id), [4])
    md = handout.render_markdown(model).replace("\\", "")
    emergency = md[md.index("## Emergency") : md.index("## Level 4")]
    for c in model["emergency"]["referral"]:
        if c["hours_aside"]:
            assert f"({c['hours_aside']})" in emergency, c["name"]
