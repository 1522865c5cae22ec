"""Checks every authority plugin should pass; plugin packages call these from their tests.

from thresholdkit.conformance import check_area
def test_conforms():
    check_area("coventry")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thresholdkit.registry import Area, Registry


def area(area_id: str) -> Area:
    return Registry.load().area(area_id)


def check_area(area_id: str, sources: Path | None = None) -> dict[str, Any]:
    """Assert the area's data passes validation and behaves: returns a summary for further checks."""
    from thresholdkit.assess import assess
    from thresholdkit.errors import NotPublishedError
    from thresholdkit.validate_cmd import validate_targets
    from thresholdkit.validation import find_sources

    report = validate_targets(area_id, sources or find_sources())
    assert report and not report[0]["problems"], report[0]["problems"]
    a = area(area_id)
    assert [lv["level"] for lv in a.levels()] == [1, 2, 3, 4]
    counts: dict[str, int] = {}
    for s in a.indicator_sets():
        try:
            items = a.indicators(s["id"])
        except NotPublishedError:
            counts[s["id"]] = 0
            continue
        counts[s["id"]] = len(items)
        for ind in items:
            result = assess(a, [ind.id], set_id=s["id"])
            assert result.level == ind.level, (ind.id, result.level)
            assert (result.emergency is not None) == (ind.level == 4)
    for lv in (1, 2, 3, 4):
        result = assess(a, level=lv)
        assert result.level == lv
        if lv == 4:
            assert result.emergency is not None and result.emergency["call"] == "999"
            assert result.emergency["police"]["phone"][0]["number"] == "999"
    return {"counts": counts, "verbatim_checked": bool(sources or find_sources())}


def check_verbatim(area_id: str, sources: Path | None = None) -> int:
    """Assert every quoted text of the area (indicators included) is verbatim in its source.

    Skips the calling test, with the reason, when the source texts are not at hand.
    Returns how many texts were checked.
    """
    import pytest

    from thresholdkit.datafiles import read_merged
    from thresholdkit.validation import check_verbatim as _check
    from thresholdkit.validation import find_sources, iter_printed_names, iter_quotes

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
