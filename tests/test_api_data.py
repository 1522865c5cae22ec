"""The Python API for data people (issue 18): pandas records as they come, the rest of the
CLI as functions, a docstring on every public name, the exceptions exported."""

from __future__ import annotations

import inspect
import math

import pytest

from thresholdkit import api

TK = api.load()


def test_pandas_records_are_assessed_as_they_come():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        [
            {"id": 1, "area": "coventry", "level": None, "indicators": ["non-mobile-child-injury"]},
            {"id": 2, "area": "telford", "level": 2, "indicators": None},
            {"id": 3, "area": "herefordshire", "level": 9, "indicators": None},
        ]
    )
    records = df.to_dict("records")
    assert math.isnan(records[0]["level"]) and type(records[1]["level"]).__module__ == "builtins"
    out = list(api.assess_records(records, TK))
    assert [r.level for r in out] == [4, 2, None]  # NaN is a missing level; 2.0 is level 2
    assert out[2].error and "9" not in (out[2].level_name or "")  # out of range is still an error
    frame = pd.DataFrame({"age": [12], "sexually_active": [True]})
    facts = {c: frame[c].to_numpy()[0] for c in frame.columns}  # numpy.int64, numpy.bool_
    assert type(facts["age"]).__module__.startswith("numpy")
    assert api.assess(TK.area("worcestershire"), facts=facts).level == 4
    [rec] = list(api.assess_records([{"area": "worcestershire", "facts": facts}], TK))
    assert rec.level == 4


def test_numpy_free_values_keep_their_strict_checks():
    [bad] = list(api.assess_records([{"area": "coventry", "level": 2.5}], TK))
    assert bad.error  # a fractional level is never rounded
    with pytest.raises(api.UsageError):
        api.assess(TK.area("coventry"), level=5)


def test_the_rest_of_the_cli_is_in_the_api(tmp_path):
    coventry = TK.area("coventry")
    assert "<h1" in api.handout(coventry, [4]) and api.handout(coventry, [4], fmt="markdown").startswith("#")
    pages = api.build_site([coventry], str(tmp_path / "site"))
    assert any(p.endswith("index.html") for p in pages)
    reports = api.validate("coventry")
    assert reports and reports[0]["area"] == "coventry" if "area" in reports[0] else reports
    summary = api.export_sqlite([coventry], str(tmp_path / "t.db"))
    assert (tmp_path / "t.db").is_file() and summary
    at = api.contacts_at(coventry.contacts(), "2026-12-25 14:00")
    assert at is not None
    assert issubclass(api.DataError, api.ThresholdkitError) and issubclass(api.NotPublishedError, api.ThresholdkitError)


def test_every_public_name_has_a_docstring():
    missing = [
        name
        for name in api.__all__
        if not inspect.getdoc(getattr(api, name)) or inspect.getdoc(getattr(api, name)) == inspect.getdoc(dict)
    ]
    assert not missing, missing
