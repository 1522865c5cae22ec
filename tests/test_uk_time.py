"""Who to call now (issue 15): UK time, clock changes, bank holidays, office hours and 999, for
every installed area (none hard-coded but the printed handovers of the bundled ones)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import assert_one_line_error, phone_lines, usable_areas

from thresholdkit.areas.registry import Registry
from thresholdkit.rules.contacts import contacts_at
from thresholdkit.rules.hours import LINE_ROLES, is_open, parse_when, uk_now

REG = Registry.load()


AREAS = usable_areas(REG)
IDS = [a.id for a in AREAS]


_lines = phone_lines


def _advice(area, when):
    return contacts_at(area.contacts(), when)


@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_weekday_in_hours_calls_the_in_hours_line_first(area):
    adv = _advice(area, "2026-11-24 11:00")  # a Tuesday
    assert adv["call"] and adv["call"][0] in _lines(area, ("front_door", "mash"))
    assert adv["bank_holiday"] is None and not any("bank holiday" in r for r in adv["reasons"])
    assert adv["time_zone"] == "Europe/London (GMT)" and adv["at"] == "2026-11-24 11:00"


@pytest.mark.parametrize("when", ["2026-11-24 22:00", "2026-11-28 12:00", "2026-11-29 12:00", "2026-11-24 03:00"])
@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_nights_and_weekends_call_the_out_of_hours_line(area, when):
    adv = _advice(area, when)
    out_of_hours = _lines(area, ("out_of_hours",))
    if out_of_hours:
        assert adv["call"] == out_of_hours, adv["reasons"]
    else:  # the document prints no out-of-hours line: the only line, and that said
        assert adv["call"] == _lines(area, ("front_door", "mash"))
        assert any("no separate out-of-hours line" in r for r in adv["reasons"])


@pytest.mark.parametrize(
    ("when", "name"),
    [
        ("2026-12-25 14:00", "Christmas Day"),
        ("2026-12-28 11:00", "Boxing Day"),
        ("2026-04-06 11:00", "Easter Monday"),
    ],
)
@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_bank_holidays_name_the_day_and_show_both_lines(area, when, name):
    adv = _advice(area, when)
    assert adv["bank_holiday"] and name in adv["bank_holiday"]
    assert any(name in r and "does not say" in r for r in adv["reasons"]), adv["reasons"]
    in_hours, out_of_hours = _lines(area, ("front_door", "mash")), _lines(area, ("out_of_hours",))
    if dt.date.fromisoformat(when[:10]).weekday() < 5:  # a weekday holiday: the document does not settle it
        assert adv["call"] == in_hours + out_of_hours


@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_999_is_always_open_and_labelled_national(area):
    police = [c for c in area.contacts() if any(p["number"].strip() == "999" for p in c.get("phone", []))]
    for when in ("2026-12-25 03:00", "2026-11-24 11:00"):
        adv = _advice(area, when)
        for c in police:
            assert adv["open"][c["id"]] is True and "national emergency number" in adv["why"][c["id"]]


def _handovers(area):
    """(contact, weekday date, minute) for each printed window boundary on a weekday of a week
    without bank holidays (23 to 29 November 2026)."""
    monday = dt.date(2026, 11, 23)
    found = []
    for c in area.contacts():
        for w in (c.get("hours") or {}).get("windows") or []:
            for name in w["days"] or ["mon", "tue", "wed", "thu", "fri"]:
                day = monday + dt.timedelta(days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(name))
                for edge in (w["start"], w["end"]):
                    h, m = map(int, edge.split(":"))
                    if 0 < h * 60 + m < 24 * 60:
                        found.append((c, day, h * 60 + m))
    return found


@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_the_minute_before_and_after_each_printed_handover(area):
    by_id = {c["id"]: c for c in area.contacts()}
    checked = 0
    for c, day, minute in _handovers(area):
        at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        before = is_open(c, by_id, parse_when((at - dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")))[0]
        after = is_open(c, by_id, parse_when(at.strftime("%Y-%m-%d %H:%M")))[0]
        if before is not None and after is not None:
            assert before != after, (c["id"], at)
            checked += 1
        if c["role"] in LINE_ROLES and before is not None and after is not None and before != after:
            adv_before = _advice(area, at - dt.timedelta(minutes=1))
            adv_after = _advice(area, at)
            assert adv_before["call"] != adv_after["call"], (c["id"], at)
    printed_days = any(w["days"] for c in area.contacts() for w in (c.get("hours") or {}).get("windows") or [])
    assert checked or not printed_days


def test_boxing_day_on_a_saturday_is_no_bank_holiday_but_its_substitute_is():
    cov = REG.area("coventry")
    assert _advice(cov, "2026-12-26 11:00")["bank_holiday"] is None
    assert "Boxing Day" in (_advice(cov, "2026-12-28 11:00")["bank_holiday"] or "")


def test_coventry_and_worcestershire_handovers_as_printed():
    cov, wor = REG.area("coventry"), REG.area("worcestershire")
    assert _advice(cov, "2026-11-27 16:29")["call"] == ["childrens-social-care"]  # Friday
    assert _advice(cov, "2026-11-27 16:30")["call"] == ["edt"]
    assert _advice(cov, "2026-11-26 16:59")["call"] == ["childrens-social-care"]  # Thursday
    assert _advice(cov, "2026-11-26 17:00")["call"] == ["edt"]
    assert _advice(cov, "2026-11-30 08:29")["call"] == ["edt"]  # Monday morning
    assert _advice(cov, "2026-11-30 08:30")["call"] == ["childrens-social-care"]
    ooh = _lines(wor, ("out_of_hours",))
    assert _advice(wor, "2026-11-27 16:29")["call"] == ["family-front-door"]
    assert _advice(wor, "2026-11-27 16:30")["call"] == ooh
    assert _advice(wor, "2026-11-26 16:59")["call"] == ["family-front-door"]
    assert _advice(wor, "2026-11-26 17:00")["call"] == ooh


def test_office_hours_reading_is_labelled_as_the_tools():
    if "herefordshire" not in IDS:
        pytest.skip("herefordshire not installed")
    h = REG.area("herefordshire")
    night = _advice(h, "2026-12-05 23:30")  # a Saturday night: out of office hours on any reading
    assert night["call"] == ["emergency-duty-team"]
    assert any("thresholdkit's reading of 'office hours', not the document's" in r for r in night["reasons"])
    noon = _advice(h, "2026-12-07 12:00")
    assert noon["call"] == ["mash"]
    early = _advice(h, "2026-12-07 09:15")  # readings differ: both lines
    assert early["call"] == ["mash", "emergency-duty-team"]


def test_offset_and_iso_times_are_converted_to_uk_time():
    cov = REG.area("coventry")
    for text in ("2026-07-03T15:45Z", "2026-07-03T17:45+02:00", "2026-07-03T16:45", "2026-07-03 16:45"):
        adv = _advice(cov, text)
        assert adv["at"] == "2026-07-03 16:45" and adv["utc_offset"] == "+0100", text
        assert adv["time_zone"] == "Europe/London (BST)"
        assert adv["call"] == ["edt"]  # Friday after 16:30


def test_a_utc_machine_in_summer_uses_uk_time(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        moment = dt.datetime(2026, 7, 3, 15, 45, tzinfo=dt.UTC).timestamp()  # 16:45 in the UK
        now = uk_now(lambda: moment)
        assert (now.hour, now.minute, now.tzname()) == (16, 45, "BST")
        assert _advice(REG.area("coventry"), now)["call"] == ["edt"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_both_clock_changes():
    assert parse_when("2026-03-29T00:59Z").strftime("%H:%M %Z") == "00:59 GMT"
    assert parse_when("2026-03-29T01:00Z").strftime("%H:%M %Z") == "02:00 BST"
    assert parse_when("2026-10-25T00:30Z").strftime("%H:%M %Z") == "01:30 BST"
    assert parse_when("2026-10-25T01:30Z").strftime("%H:%M %Z") == "01:30 GMT"
    assert parse_when("2026-10-25 01:30").strftime("%Z") == "BST"  # the first 01:30 of the night
    cov = REG.area("coventry")
    assert _advice(cov, "2026-03-29T01:00Z")["utc_offset"] == "+0100"


def test_a_time_the_clocks_skip_is_a_usage_error(run):
    r = run("contacts", "coventry", "--at", "2026-03-29 01:30")
    assert_one_line_error(r, 2)
    assert "does not exist in UK time" in r.err


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "table", "markdown"])
def test_the_advice_is_in_every_format(run, fmt):
    r = run("contacts", "coventry", "--at", "2026-12-25 14:00", "-f", fmt)
    assert r.code == 0
    if fmt == "json":
        adv = json.loads(r.out)["advice"]
        assert adv["bank_holiday"] == "Christmas Day" and [line["id"] for line in adv["lines"]] == adv["call"]
    elif fmt == "csv":
        assert "call_order" in r.out.splitlines()[0]
    else:
        assert "Christmas Day" in r.out


def test_assess_says_whom_to_call_now(run):
    from jsonschema import Draft202012Validator

    from thresholdkit.data.schemas import load_schema

    r = run("assess", "coventry", "-i", "non-mobile-child-injury", "--at", "2026-12-25 14:00", "-f", "json")
    data = json.loads(r.out)
    assert r.code == 0 and data["call_now"]["bank_holiday"] == "Christmas Day"
    assert data["emergency"]["call"] == "999"  # 999 still leads
    assert list(Draft202012Validator(load_schema("assessment")).iter_errors(data)) == []
    table = run("assess", "coventry", "-l", "2", "--at", "2026-11-24 22:00").out
    assert "Call now, at 2026-11-24 22:00 GMT (Tuesday):" in table
    assert json.loads(run("assess", "coventry", "-l", "2", "-f", "json").out)["call_now"] is None


def test_compare_contacts_by_role_lists_every_area(run, monkeypatch):
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,gloucestershire")
    rows = json.loads(run("compare", "contacts", "--role", "out-of-hours", "-f", "json").out)
    assert {r["area"] for r in rows} == {"coventry", "gloucestershire"}
    glos = [r for r in rows if r["area"] == "gloucestershire"]
    assert glos == [
        {
            "area": "gloucestershire",
            "id": None,
            "name": "(the document prints no out-of-hours line)",
            "role": "out_of_hours",
            "phone": [],
            "printed": False,
        }
    ]


def test_the_api_gives_the_same_advice_as_the_cli(run):
    from thresholdkit import api

    cli = json.loads(run("contacts", "telford", "--at", "2026-04-06 11:00", "-f", "json").out)["advice"]
    assert api.contacts_at(REG.area("telford").contacts(), "2026-04-06 11:00") == cli


@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_every_area_reads_offsets_utc_machines_and_clock_changes_as_uk_time(area, monkeypatch):
    import time

    def same(a, b):
        return (a["at"], a["utc_offset"], a["call"]) == (b["at"], b["utc_offset"], b["call"])

    # an offset --at is converted: 15:45Z in July is 16:45 BST
    assert same(_advice(area, "2026-07-03T15:45Z"), _advice(area, "2026-07-03 16:45"))
    assert same(_advice(area, "2026-07-03T17:45+02:00"), _advice(area, "2026-07-03 16:45"))
    # a machine on UTC in summer: --now is still UK time
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        moment = dt.datetime(2026, 7, 3, 15, 45, tzinfo=dt.UTC).timestamp()
        assert same(_advice(area, uk_now(lambda: moment)), _advice(area, "2026-07-03 16:45"))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    # both clock changes: the advice names the UK time and offset it used
    spring = _advice(area, "2026-03-29T01:00Z")
    assert (spring["at"], spring["utc_offset"]) == ("2026-03-29 02:00", "+0100")
    autumn = _advice(area, "2026-10-25T01:30Z")
    assert (autumn["at"], autumn["utc_offset"]) == ("2026-10-25 01:30", "+0000")
    assert _advice(area, "2026-10-25T00:30Z")["utc_offset"] == "+0100"


def test_a_year_outside_the_bank_holiday_table_is_said_not_guessed():
    adv = _advice(REG.area("coventry"), "2040-12-25 14:00")
    assert adv["bank_holiday"] is None
    assert any("bank holidays of 2020 to 2035 only" in r for r in adv["reasons"])
    assert not any("2035 only" in r for r in _advice(REG.area("coventry"), "2026-12-24 14:00")["reasons"])


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01 00:00",
        "1899-12-31 23:59",
        "2101-01-01 00:00",
        "0001-01-01T00:00Z",
        "9999-12-31T23:59-05:00",
        "1900-01-01T00:30+01:00",  # 31 December 1899 in the UK
        "2100-12-31T23:30-05:00",  # 2101 in the UK
    ],
)
@pytest.mark.parametrize("command", [("contacts", "coventry"), ("assess", "coventry", "-l", "4")])
def test_a_time_outside_1900_to_2100_is_a_usage_error_naming_the_range(run, text, command):
    r = run(*command, "--at", text)
    assert_one_line_error(r, 2)
    assert f"--at '{text}'" in r.err and "1900-01-01 00:00 to 2100-12-31 23:59" in r.err
    assert "LMT" not in r.out + r.err


def test_the_first_and_last_minutes_of_the_range_are_placed_in_uk_time(run):
    for text, zone in (("1900-01-01 00:00", "GMT"), ("2100-12-31 23:59", "GMT"), ("2100-07-01 12:00", "BST")):
        r = run("contacts", "coventry", "--at", text)
        assert r.code == 0, r.err
        assert r.out.startswith(f"Call now, at {text} {zone} ")


def test_the_api_refuses_a_datetime_outside_the_range():
    from thresholdkit.model.errors import UsageError

    cov = REG.area("coventry")
    with pytest.raises(UsageError, match="1900-01-01 00:00 to 2100-12-31 23:59"):
        contacts_at(cov.contacts(), dt.datetime(1, 1, 1))
    with pytest.raises(UsageError, match="outside the years"):
        contacts_at(cov.contacts(), dt.datetime(2200, 6, 1, 12, 0, tzinfo=dt.UTC))
