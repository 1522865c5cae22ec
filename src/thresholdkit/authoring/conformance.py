"""The conformance kit: checks every authority plugin should pass, for plugin packages' own tests.

Plugin packages use it through the pytest plugin that thresholdkit registers (``pytest11``)::

    def test_conformance(thresholdkit_conformance):
        thresholdkit_conformance("coventry")

It checks: schema validity and consistency (all four levels, unique ids, contact references),
stable ids (slugs that do not encode the level), every indicator tagged with known concepts,
no scaffold placeholders left, UK phone numbers that are valid (the ``phonenumbers`` library),
well-formed emails and web addresses, opening hours that parse and evaluate, every quoted text
found verbatim in the area's source text, and that the area behaves: each indicator alone
assesses at its own level, and level 4 leads with 999.

The kit never passes what it did not check: when every other check passes but the source text
is not at hand (see :mod:`thresholdkit.authoring.sources` for where it looks), the fixture skips
the test with the reason (the file it looked for, and where); :func:`run_conformance` reports
it in the summary's ``verbatim``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Mapping, Sequence
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


def _phone_problems(contacts: Sequence[Mapping[str, Any]]) -> list[str]:
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


def run_conformance(area_id: str, sources: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Run every check on an installed area; raise ConformanceError listing all problems.

    ``sources``: a folder of source texts to use (only that folder); None looks for the area's
    source text in ``$THRESHOLDKIT_SOURCES``, the plugin's own ``source/`` folder, then a
    ``shared/seeds`` folder (see :mod:`thresholdkit.authoring.sources`).

    Returns ``{"counts": {set id: indicators}, "verbatim": {"checked": bool, "reason": str | None,
    "source": path | None}}``. A summary whose ``verbatim.checked`` is false has NOT shown that
    the quotes are faithful: the pytest fixture skips the test then, with the reason.
    """
    from thresholdkit.authoring.validate import validate_targets
    from thresholdkit.model.errors import NotPublishedError
    from thresholdkit.rules.assess import assess
    from thresholdkit.rules.hours import is_open

    explicit = Path(sources) if sources is not None else None
    problems: list[str] = []
    report = validate_targets(area_id, explicit)[0]
    problems += report["problems"]
    if report.get("shipped") == "stale":
        problems.append(
            f"{report['path']}/checked.json is out of date: run 'thresholdkit plugin freeze {report['path']}' "
            "(a release ships it current, or not at all)"
        )
    if problems:
        raise ConformanceError(f"{area_id} does not conform:\n  " + "\n  ".join(problems))
    a = area(area_id)
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
    verbatim = report.get("verbatim") or {}
    return {
        "counts": counts,
        "verbatim": {
            "checked": bool(verbatim.get("checked")),
            "reason": None if verbatim.get("checked") else (verbatim.get("reason") or "quotes were not checked"),
            "source": verbatim.get("source"),
        },
    }


def check_verbatim(area_id: str, sources: str | os.PathLike[str] | None = None) -> int:
    """Assert every quoted text of the area (indicators included) is verbatim in its source.

    Skips the calling test, with the reason, when the source text is not at hand (found as
    :func:`run_conformance` finds it). Returns how many texts were checked.
    """
    import pytest

    from thresholdkit.authoring.sources import not_found_reason, source_folder
    from thresholdkit.data.checks import check_verbatim as _check
    from thresholdkit.data.checks import iter_printed_names, iter_quotes
    from thresholdkit.data.loader import read_merged

    a = area(area_id)
    source_file = a.document.get("source_file")
    folder = source_folder(a.data_folder, sources, source_file) if source_file else None
    if folder is None:
        pytest.skip(f"{area_id}: {not_found_reason(source_file, a.data_folder, sources)}")
    origin = read_merged(a.data_folder)[1] if a.data_folder is not None else None
    problems = _check(a.data, folder, origin)
    if problems:
        pytest.fail(f"{area_id}: {len(problems)} text(s) not verbatim:\n  " + "\n  ".join(problems), pytrace=False)
    return sum(1 for _ in iter_quotes(a.data)) + sum(1 for _ in iter_printed_names(a.data))
