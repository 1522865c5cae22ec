"""The conformance kit: checks every authority plugin should pass, for plugin packages' own tests.

Plugin packages use it through the pytest plugin that thresholdkit registers (``pytest11``)::

    def test_conformance(thresholdkit_conformance):
        thresholdkit_conformance("coventry")

It checks: schema validity and consistency (all four levels, unique ids, contact references),
stable ids (slugs that do not encode the level), every indicator tagged with known concepts,
no scaffold placeholders left, UK phone numbers that are valid (the ``phonenumbers`` library),
well-formed emails and web addresses, opening hours that parse and evaluate, every quoted text
found verbatim in the source text the plugin points to (skipped, with the reason, when the
source texts are not at hand), and that the area behaves: each indicator alone assesses at its
own level, and level 4 leads with 999.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

from thresholdkit.areas.registry import Area, Registry

_LEVEL_IN_ID = re.compile(r"^(l|lvl|level)-?[1-4](-|$)")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_URL = re.compile(r"^(https?://)?([A-Za-z0-9-]+\.)+[A-Za-z]{2,}(:\d+)?(/\S*)?$")
SHORT_NUMBERS = {"999", "112", "101", "111", "116 123"}


def area(area_id: str) -> Area:
    return Registry.load().area(area_id)


class ConformanceError(AssertionError):
    """A plugin does not conform; the message lists every problem."""


def _phone_problems(contacts: list[dict[str, Any]]) -> list[str]:
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - the test extra installs it
        return ["phone numbers not checked: pip install phonenumbers (thresholdkit[test])"]
    problems = []
    for c in contacts:
        for p in c.get("phone", []):
            number = p["number"].strip()
            if number in SHORT_NUMBERS:
                continue
            try:
                parsed = phonenumbers.parse(number, "GB")
            except phonenumbers.NumberParseException as exc:
                problems.append(f"contact '{c['id']}': phone '{number}' does not parse ({exc})")
                continue
            if not phonenumbers.is_valid_number(parsed):
                problems.append(f"contact '{c['id']}': phone '{number}' is not a valid UK number")
    return problems


def run_conformance(area_id: str, sources: Path | None = None) -> dict[str, Any]:
    """Run every check on an installed area; raise ConformanceError listing all problems."""
    from thresholdkit.authoring.validate import validate_targets
    from thresholdkit.data.checks import find_sources
    from thresholdkit.model.errors import NotPublishedError
    from thresholdkit.rules.assess import assess
    from thresholdkit.rules.hours import is_open

    folder = sources or find_sources()
    problems: list[str] = []
    report = validate_targets(area_id, folder)
    problems += report[0]["problems"]
    a = area(area_id)
    if problems:
        raise ConformanceError(f"{area_id} does not conform:\n  " + "\n  ".join(problems))
    counts: dict[str, int] = {}
    for s in a.indicator_sets():
        try:
            items = a.indicators(s["id"])
        except NotPublishedError:
            counts[s["id"]] = 0
            continue
        counts[s["id"]] = len(items)
        for ind in items:
            if _LEVEL_IN_ID.match(ind.id):
                problems.append(f"indicator '{ind.id}': ids must not encode the level (an indicator can move level)")
            result = assess(a, [ind.id], set_id=s["id"])
            if result.level != ind.level:
                problems.append(f"indicator '{ind.id}': assessed alone at level {result.level}, not {ind.level}")
    contacts = a.contacts()
    problems += _phone_problems(contacts)
    by_id = {c["id"]: c for c in contacts}
    monday = _dt.datetime(2026, 1, 5)
    for c in contacts:
        for email in c.get("email", []):
            if not _EMAIL.match(email):
                problems.append(f"contact '{c['id']}': email '{email}' is not well formed")
        for url in c.get("url", []):
            if not _URL.match(url):
                problems.append(f"contact '{c['id']}': web address '{url}' is not well formed")
        for hour in range(0, 7 * 24, 5):  # hours evaluate at any moment of the week
            is_open(c, by_id, monday + _dt.timedelta(hours=hour, minutes=13))
    for lv in (1, 2, 3, 4):
        result = assess(a, level=lv)
        if lv == 4 and (result.emergency is None or result.emergency["police"]["phone"][0]["number"] != "999"):
            problems.append("level 4 does not lead with the 999 emergency route")
    if problems:
        raise ConformanceError(f"{area_id} does not conform:\n  " + "\n  ".join(problems))
    return {"counts": counts, "verbatim_checked": bool(report[0].get("notes") == [])}


def check_verbatim(area_id: str, sources: Path | None = None) -> int:
    """Assert every quoted text of the area (indicators included) is verbatim in its source.

    Skips the calling test, with the reason, when the source texts are not at hand.
    Returns how many texts were checked.
    """
    import pytest

    from thresholdkit.data.checks import check_verbatim as _check
    from thresholdkit.data.checks import find_sources, iter_printed_names, iter_quotes
    from thresholdkit.data.loader import read_merged

    folder = sources or find_sources()
    a = area(area_id)
    if folder is None or not (folder / a.document["source_file"]).is_file():
        pytest.skip(f"source text {a.document['source_file']} not found (set THRESHOLDKIT_SOURCES)")
    data_dir = getattr(a.record.obj, "data_dir", None)
    assert data_dir is not None, "not a data plugin"
    data, origin = read_merged(data_dir)
    problems = _check(data, folder, origin)
    assert problems == []
    return sum(1 for _ in iter_quotes(data)) + sum(1 for _ in iter_printed_names(data))
