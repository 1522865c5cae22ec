"""Tables fit the terminal (issue 18): tabulate with maxcolwidths, the width from COLUMNS or
the terminal. Before, `areas` was 190 columns wide on a 100-column terminal and `compare
pathway --level 4` had 676-character lines."""

from __future__ import annotations

import re

import pytest

from thresholdkit.areas.registry import Registry
from thresholdkit.render.output import DEFAULT_WIDTH, fit_widths, text_table

REG = Registry.load()
AREA_IDS = [a.id for a in REG.usable()]


def _commands() -> list[list[str]]:
    out = [["areas"], ["plugins"], ["concepts"], ["compare", "contacts"], ["compare", "pathway", "--level", "4"]]
    for a in AREA_IDS:
        out.append(["contacts", a])
        if REG.area(a).published_sets():
            out.append(["indicators", a, "--level", "4"])
    return out


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_tables_are_no_wider_than_the_terminal(run, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    for args in _commands():
        r = run(*args)
        assert r.code == 0, (args, r.err)
        widest = max(len(line) for line in r.out.splitlines())
        assert widest <= width, (args, width, widest)


def test_ids_are_never_broken_while_they_fit(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    for a in AREA_IDS:
        if not REG.area(a).published_sets():
            continue
        out = run("indicators", a, "--level", "4").out
        for ind in REG.area(a).indicators():
            if ind.level == 4 and len(ind.ref) <= 50:
                assert re.search(rf"^{re.escape(ind.ref)}\s", out, re.M), (a, ind.ref)


def test_widths_fit_exactly_and_keep_a_floor():
    headers = ["id", "text"]
    data = [["short-id", "word " * 60]]
    widths = fit_widths(headers, data, 50)
    assert widths is not None and widths[0] == len("short-id") and sum(widths) + 2 <= 50
    assert fit_widths(headers, [["a", "b"]], 50) is None  # fits: nothing wraps
    table = text_table([{"id": "short-id", "text": "word " * 60}], headers)
    assert max(len(line) for line in table.splitlines()) <= DEFAULT_WIDTH


def test_numbers_and_phone_numbers_stay_as_printed(run):
    out = run("contacts", "worcestershire").out
    assert "01905 822666" in out  # never parsed as a number, never right-aligned into a new shape


def _fit_one_step_at_a_time(natural: list[int], floors: list[int], budget: int) -> list[int]:
    """The rule as first written: cut the roomiest column (the first of equals) towards the
    runner-up, one step at a time. fit_widths now takes it in one pass (issue 19)."""
    widths = list(natural)
    while sum(widths) > budget:
        room = [w - f for w, f in zip(widths, floors, strict=True)]
        i = max(range(len(widths)), key=lambda k: room[k])
        if room[i] <= 0:
            break
        runner_up = sorted(room, reverse=True)[1] if len(room) > 1 else 0
        widths[i] -= max(1, min(sum(widths) - budget, room[i] - runner_up))
    return widths


def test_widths_are_those_of_the_step_by_step_rule() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from thresholdkit.render.output import cut_to_fit

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 60)), min_size=1, max_size=8), st.integers(0, 400))
    def check(columns: list[tuple[int, int]], budget: int) -> None:
        natural = [n for n, _ in columns]
        floors = [min(n, f) for n, f in columns]
        if sum(natural) <= budget:
            return
        assert cut_to_fit(natural, floors, sum(natural) - budget) == _fit_one_step_at_a_time(natural, floors, budget)

    check()


@pytest.mark.parametrize("columns", ["20", "40", "60", "80", "100"])
def test_a_telephone_number_is_never_split_over_two_lines(run, monkeypatch, columns):
    """Red team (surfaces, F6): at 60 columns and below, tables and the emergency route split
    numbers ("024 7678" / "8555"), and quoted statements did at 80: a number read off the screen
    could be misread. Each number printed in the data appears whole on one line: in the route
    and the statements at any width, in tables wherever the table can fit with it whole."""
    import re

    from conftest import usable_areas

    monkeypatch.setenv("COLUMNS", columns)
    phone = re.compile(r"^\(?0\d{2,5}\)?( \d{3,8}){1,2}$")
    areas = usable_areas(Registry.load())
    outputs = {a.id: [run("assess", a.id, "-l", "4").out] for a in areas}
    if int(columns) >= 80:
        for a in areas:
            outputs[a.id] += [run("contacts", a.id).out, run("compare", "contacts").out]
    for a in areas:
        for number in {p["number"] for c in a.contacts() for p in c.get("phone", []) if phone.match(p["number"])}:
            for out in outputs[a.id]:
                if number.split()[-1] in out:  # printed here: then whole, on one line
                    assert number in out, (a.id, number, columns)


@pytest.mark.parametrize("number", ["024 7683 2222", "024 76785621", "(01432) 260800", "0808 800 5000", "01905 822666"])
def test_wrap_keeps_each_printed_form_of_number_whole(number):
    """Red team (round 2, 5): "024 76785621" (a group of eight digits) was still split."""
    from thresholdkit.render.output import wrap

    for width in range(len(number), len(number) + 12):
        lines = wrap(f"Call the hub on {number} today, or later", width)
        assert any(number in line for line in lines), (number, width, lines)
