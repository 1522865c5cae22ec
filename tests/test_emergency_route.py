"""The level-4 emergency route, in every installed area: 999 first and once, then each referral
line once, nothing said twice, and the same route from ``assess AREA -l 4`` and
``pathway AREA --level 4`` in table, Markdown and JSON."""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from typing import Any

import pytest

from thresholdkit.areas.registry import Registry

REG = Registry.load()
AREAS = REG.area_ids()
HEADING = "EMERGENCY ROUTE"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def table_route(out: str) -> list[str]:
    """The lines of the EMERGENCY ROUTE block of a plain-text document, wrapped lines joined."""
    lines = out.splitlines()
    start = lines.index(HEADING) + 2  # the heading, then its underline
    route: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        if line.startswith("    ") and route:
            route[-1] += " " + line.strip()
        else:
            route.append(line)
    return route


def markdown_route(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index(f"## {HEADING}") + 1
    route: list[str] = []
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if line.startswith("- "):
            route.append(re.sub(r"\\(.)", r"\1", line[2:]))
    return route


def json_route(out: str, key: str) -> dict[str, Any]:
    em = json.loads(out)[key]
    assert em is not None, f"no {key} at level 4"
    return em


def runs(run: Any, area_id: str, fmt: str) -> tuple[str, str]:
    a = run("assess", area_id, "-l", "4", "-f", fmt)
    p = run("pathway", area_id, "--level", "4", "-f", fmt)
    if a.code != 0 or p.code != 0:
        pytest.skip(f"{area_id} does not run: {a.err or p.err}")
    return a.out, p.out


def check_route(route: list[str], where: str) -> None:
    assert route, f"{where}: no emergency route"
    assert "999" in route[0], f"{where}: the route does not start with 999: {route[0]!r}"
    assert "national emergency number" in route[0], f"{where}: 999 is not labelled as the national number"
    assert sum(line.count("999") for line in route) == 1, f"{where}: 999 is given more than once: {route}"
    assert len(set(route)) == len(route), f"{where}: a line is printed twice: {route}"
    for line in route:
        w = words(line)
        grams = Counter(tuple(w[i : i + 4]) for i in range(len(w) - 3))
        twice = [" ".join(g) for g, n in grams.items() if n > 1]
        assert not twice, f"{where}: {line!r} says {twice} twice"


@pytest.mark.parametrize("area_id", AREAS)
def test_table_route_leads_with_999_once_and_is_the_same_in_assess_and_pathway(run, area_id):
    a, p = runs(run, area_id, "table")
    assert a.index(HEADING) < a.index("Matched indicators")
    assert p.splitlines()[3] == HEADING, "pathway --level 4 does not lead with the emergency route"
    check_route(table_route(a), f"{area_id} assess table")
    check_route(table_route(p), f"{area_id} pathway table")
    assert table_route(a) == table_route(p)


@pytest.mark.parametrize("area_id", AREAS)
def test_markdown_route_leads_with_999_once_and_is_the_same_in_assess_and_pathway(run, area_id):
    a, p = runs(run, area_id, "markdown")
    assert next(line for line in p.splitlines() if line.startswith("## ")) == f"## {HEADING}"
    check_route(markdown_route(a), f"{area_id} assess markdown")
    check_route(markdown_route(p), f"{area_id} pathway markdown")
    assert markdown_route(a) == markdown_route(p)


@pytest.mark.parametrize("area_id", AREAS)
def test_json_route_leads_with_999_once_and_is_the_same_in_assess_and_pathway(run, area_id):
    a, p = runs(run, area_id, "json")
    em_a, em_p = json_route(a, "emergency"), json_route(p, "emergency_route")
    assert em_a["call"] == "999" and em_a["text"] == em_a["route"][0]
    assert em_a["text_by"] == "thresholdkit"  # 999 is the national number, not the document's
    check_route(em_a["route"], f"{area_id} assess json")
    assert em_a == em_p
    # the keys of the structured route stay as they were
    assert {"call", "text", "statement", "police", "referral"} <= set(em_a)
    # the printed route is the JSON route
    table_a, _ = runs(run, area_id, "table")
    printed = table_route(table_a)
    assert [words(line) for line in printed[: len(em_a["route"])]] == [words(line) for line in em_a["route"]]


@pytest.mark.parametrize("area_id", AREAS)
def test_no_contact_is_named_by_its_bare_number(run, area_id):
    a, _ = runs(run, area_id, "json")
    em = json_route(a, "emergency")
    contacts = [em["police"], *em["referral"], *json.loads(a)["contacts"]]
    with contextlib.suppress(Exception):  # an area whose contacts fail to load is reported by its own tests
        contacts += REG.area(area_id).contacts()
    for c in contacts:
        numbers = {"".join(words(p["number"])) for p in c.get("phone", [])}
        assert "".join(words(c["name"])) not in numbers, f"{area_id}: contact {c['id']} is named {c['name']!r}"


def test_pathway_below_level_4_has_no_route(run):
    for area_id in AREAS:
        p = run("pathway", area_id, "--level", "3", "-f", "json")
        if p.code != 0:
            continue
        assert json.loads(p.out)["emergency_route"] is None
        assert HEADING not in run("pathway", area_id, "--level", "3").out


# --- with a time: the line(s) to call then lead, after 999 -----------------------------------

TIMES = ["2026-12-05 23:00", "2026-11-24 11:00", "2026-12-25 03:00", "2026-12-25 14:00", "2036-12-25 10:00"]


def timed(run: Any, area_id: str, when: str, fmt: str) -> str:
    r = run("assess", area_id, "-l", "4", "--at", when, "-f", fmt)
    if r.code != 0:
        pytest.skip(f"{area_id} does not run: {r.err}")
    return str(r.out)


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("area_id", AREAS)
def test_timed_route_leads_with_999_then_the_lines_to_call_then(run, area_id, when):
    data = json.loads(timed(run, area_id, when, "json"))
    em, advice = data["emergency"], data["call_now"]
    check_route(em["route"], f"{area_id} assess --at {when} json")
    assert em["at"] == advice["at"] == when
    # the JSON agrees with 'Call now': the lines to call first, in its order, then the others
    ids = [c["id"] for c in em["referral"]]
    assert ids[: len(advice["call"])] == advice["call"], (ids, advice["call"])
    assert len(set(ids)) == len(ids)
    assert set(REG.area(area_id).pathway()["emergency"]["referral"]) <= set(ids)  # none left out
    route = em["route"]
    assert route[1].startswith(f"Then, at {when} ") and route[1].endswith("call:")
    tags = {True: "[open then]", None: "[open or closed then: not known]", False: "[closed then]"}
    for n, (cid, line) in enumerate(zip(advice["call"], route[2:], strict=False), 1):
        assert line.startswith(f"{n}. "), line
        assert line.endswith(tags[advice["open"][cid]]), line
        assert all(number in line for number in next(x["phone"] for x in advice["lines"] if x["id"] == cid))
    for c, line in zip(em["referral"][len(advice["call"]) :], route[2 + len(advice["call"]) :], strict=True):
        state = advice["open"][c["id"]]
        assert line.startswith("Closed then: " if state is False else "Not the line to call then"), line
    # the printed route is the JSON route, in the table and in Markdown
    printed = table_route(timed(run, area_id, when, "table"))
    assert [words(x) for x in printed[: len(route)]] == [words(x) for x in route]
    assert markdown_route(timed(run, area_id, when, "markdown"))[: len(route)] == route


@pytest.mark.parametrize(
    ("area_id", "night", "day"),
    [
        ("worcestershire", "Out of hours or at weekends: 01905 768020", "Family Front Door: 01905 822666"),
        ("telford", "Emergency Duty Team: 01952 676500", "Family Connect: 01952 385385"),
        ("coventry", "Emergency Out of Hours Duty Team (EDT): 024 7683 2222", "Children's Social Care: 024 7678 8555"),
        ("herefordshire", "Emergency Duty Team: (01905) 768020", "MASH team: (01432) 260800"),
    ],
)
def test_saturday_night_route_gives_the_out_of_hours_line_right_after_999(run, area_id, night, day):
    if area_id not in AREAS:
        pytest.skip(f"{area_id} not installed")
    route = table_route(timed(run, area_id, "2026-12-05 23:00", "table"))
    assert "999" in route[0]
    assert route[1] == "Then, at 2026-12-05 23:00 GMT (Saturday), call:"
    assert route[2].startswith(f"1. {night}") and route[2].endswith("[open then]"), route
    later = [line for line in route[3:] if day in line]
    assert len(later) == 1 and not later[0].startswith("1. "), route
    if area_id != "coventry":  # Coventry prints no hours for its central number: not known, not closed
        assert later[0].startswith(f"Closed then: {day}"), route
    # the daytime line is nowhere before the line to call
    assert all(day not in line for line in route[:3])


def test_without_a_time_the_route_is_as_before(run):
    for area_id in AREAS:
        a = run("assess", area_id, "-l", "4", "-f", "json")
        if a.code != 0:
            continue
        em = json.loads(a.out)["emergency"]
        assert "at" not in em
        assert em == json.loads(run("pathway", area_id, "--level", "4", "-f", "json").out)["emergency_route"]


@pytest.mark.parametrize("area_id", AREAS)
def test_csv_output_gives_the_route_and_the_disclaimer_on_stderr(run, area_id):
    """CSV holds one row per indicator; at the top level its stderr named no number ('then the
    area's referral line'), and no output said that the tool supports professional judgement."""
    r = run("assess", area_id, "-l", "4", "-f", "csv")
    assert r.code == 0, r.err
    emergency, note = r.err.splitlines()
    route = json.loads(run("assess", area_id, "-l", "4", "-f", "json").out)["emergency"]
    assert emergency.startswith("EMERGENCY: if a child is in immediate danger call 999; then ")
    for contact in route["referral"]:
        for phone in contact["phone"]:
            assert phone["number"] in emergency, (phone, emergency)
    assert note.startswith("Note: thresholdkit supports, and never replaces, professional judgement")
    below = run("assess", area_id, "-l", "1", "-f", "csv")
    assert below.err.splitlines() == [note]


@pytest.mark.parametrize("area_id", AREAS)
def test_a_saved_csv_keeps_the_route_999_first(run, area_id):
    """Red team (clock, 4): `assess -f csv` at level 4 printed 999 and the line to call on stderr
    only, so a CSV saved with `> file` held no emergency route. Every row of a top-level result
    carries it in its `emergency` cell, 999 first, then the line(s) to call; below the top level
    the cell is empty. With --at, stderr also gives why those lines."""
    import csv
    import io

    for extra in ([], ["--at", "2026-12-05 23:00"]):
        r = run("assess", area_id, "-l", "4", "-f", "csv", *extra)
        assert r.code == 0, r.err
        rows = list(csv.DictReader(io.StringIO(r.out)))
        route = json.loads(run("assess", area_id, "-l", "4", "-f", "json", *extra).out)["emergency"]
        for row in rows:
            cell = row["emergency"]
            assert cell.startswith("if a child is in immediate danger call 999; then"), cell
            first = route["route"][1] if not extra else route["route"][2]  # with --at: after the 'Then, at' heading
            assert first.split(": ", 1)[-1].split(";")[0] in cell
        assert ("Why: " in r.err) == bool(extra)
    below = run("assess", area_id, "-l", "1", "-f", "csv")
    assert [row["emergency"] for row in csv.DictReader(io.StringIO(below.out))] == [""]
