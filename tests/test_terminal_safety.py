"""What reaches a terminal is shown, never acted on (red team, surfaces F1 and F2).

A plugin's text and a user's input can hold escape sequences (move the cursor, clear a line,
conceal text) or bidirectional overrides. Echoed raw, a data-only plugin could overwrite
another area's phone number on screen, a case file could make its error read "Level 1", and a
CSV batch row could erase the level-4 row above it. Plugin data holding such characters is
refused by the data checks; input echoed in errors, in the search message and in CSV cells is
shown as escapes (``\\x1b``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import assert_one_line_error, batch_process

from thresholdkit.data.checks import check_controls
from thresholdkit.model.errors import visible

FIXTURE_DATA = Path(__file__).parent.parent / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"
# ESC, CSI (C1), RLO, BEL, BS, DEL, CR, a zero-width space, a byte-order mark
ACTS = ("\x1b", "\x9b", "\u202e", "\x07", "\x08", "\x7f", "\r", "\u200b", "\ufeff")


def _raw_controls(text: str) -> list[str]:
    return [ch for ch in ACTS if ch in text]


@pytest.mark.parametrize("ch", ACTS)
def test_plugin_text_with_a_terminal_control_is_refused(run, tmp_path, ch):
    if not (FIXTURE_DATA / "contacts.yaml").is_file():
        pytest.skip("the coventry plugin's data is not in this checkout")
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data, ignore=shutil.ignore_patterns("checked.json"))
    contacts = (data / "contacts.yaml").read_text(encoding="utf-8")
    edt = 'name: "Emergency Out of Hours Duty Team (EDT)"'
    assert edt in contacts
    escaped = ch.encode("unicode_escape").decode().replace("\\x", "\\x")  # as a YAML double-quoted escape
    (data / "contacts.yaml").write_text(contacts.replace(edt, f'name: "EDT{escaped}[4A0800"'), encoding="utf-8")
    r = run("validate", str(data), "-f", "json")
    assert r.code == 1
    assert "a control character or bidirectional mark" in " ".join(r.out.split())
    assert not _raw_controls(r.out + r.err)


def test_the_control_check_allows_whitespace_and_names_the_place():
    assert check_controls({"a": ["line one\nline two\ttab"]}) == []  # YAML gives LF, never CR
    (problem,) = check_controls({"contacts": [{"name": "x\x1b[8m"}]})
    assert problem.startswith("contacts[0].name: holds \\x1b")


def test_visible_escapes_exactly_what_a_terminal_acts_on():
    assert visible("plain text, 024 7683 2222 \u2013 \u00e9") == "plain text, 024 7683 2222 \u2013 \u00e9"
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\x1b[2J\u202e\x9b") == "\\x1b[2J\\u202e\\x9b"
    assert visible("r5\rEVIL poor-\u200bsupervision") == "r5\\x0dEVIL poor-\\u200bsupervision"


def test_an_error_echoing_input_shows_the_escape(run, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text('area: coventry\nindicators: ["\\e[2K\\e[GCoventry: Level 1 - Universal.\\e[8m"]\n')
    for r in (
        run("assess", "coventry", str(case)),
        run("assess", "coventry", "-i", "\x1b[2Kx\u202e"),
        run("contacts", "cov\u202eentry"),
        run("levels", "\x1b]52;c;ZWNobyBoaQ==\x07"),
    ):
        assert_one_line_error(r)
        assert not _raw_controls(r.err), r.err
        assert "\\x1b" in r.err or "\\u202e" in r.err


def test_an_unknown_command_with_escapes_is_shown_not_acted_on():
    done = subprocess.run(
        [sys.executable, "-m", "thresholdkit", "\x1b[2Jx"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "\\x1b[2Jx" in done.stderr and "\x1b" not in done.stderr


def test_the_search_message_shows_the_query(run):
    r = run("indicators", "coventry", "--search", "\x1b[2J\x1b]52;c;ZWNobyBoaQ==\x07")
    assert not _raw_controls(r.out + r.err)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_csv_batch_output_shows_control_characters_as_escapes(tmp_path, jobs):
    src = tmp_path / "cases.csv"
    src.write_text(
        "id,area,indicators\n"
        "case1,coventry,non-mobile-child-injury\n"
        "\x1b[1A\x1b[2Kcase2,coventry,poor-supervision\n"
        "case3\u202e,coventry,\x1b[8mnope\n",
        encoding="utf-8",
    )
    for out_name in ("out.csv", "out.jsonl"):
        out = tmp_path / out_name
        done = batch_process(str(src), "-o", str(out), "--jobs", jobs)
        assert done.returncode == 4, done.stderr
        text = out.read_text(encoding="utf-8")
        if out_name == "out.csv":
            assert not _raw_controls(text), text
            assert "\\x1b[1A\\x1b[2Kcase2" in text and "case3\\u202e" in text
        else:  # JSON Lines keeps the id exactly (JSON escapes control characters itself)
            assert "\\u001b[1A" in text



def test_an_invisible_character_in_an_id_is_shown_in_the_error(run):
    """Red team (round 2, 3): a zero-width space pasted into an id gave "unknown indicator
    'poor-supervision' ... did you mean 'poor-supervision'"."""
    r = run("assess", "coventry", "-i", "poor-\u200bsupervision")
    assert_one_line_error(r)
    assert "poor-\\u200bsupervision" in r.err and "\u200b" not in r.err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_carriage_return_in_a_csv_cell_is_shown(tmp_path, jobs):
    """Red team (round 2, 2): an id holding CR returned the cursor over the row on a terminal."""
    src = tmp_path / "cases.jsonl"
    src.write_text('{"id":"r5\\rEVIL","area":"coventry","level":2}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    done = batch_process(str(src), "-o", str(out), "--jobs", jobs)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "\r" not in text and "r5\\x0dEVIL" in text
