"""Which line to call, in order, on the days where the hours alone do not settle it: bank
holidays (a bank holiday never makes a daytime line look open, or first, at a time it is closed on
every reading) and the years outside the bank holiday table (where the tool cannot tell whether
the day is a bank holiday and the answer depends on it, both lines are shown, and why). Every
installed area; the printed answers of the bundled ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import phone_lines, usable_areas

from thresholdkit.areas.registry import Registry
from thresholdkit.data.bank_holidays import BANK_HOLIDAYS
from thresholdkit.rules.contacts import contacts_at
from thresholdkit.rules.hours import is_open, parse_when

REG = Registry.load()


AREAS = usable_areas(REG)
IDS = [a.id for a in AREAS]
DAYTIME = ("front_door", "mash")
#: how the tool labels its own reading of bank holidays (the documents say nothing about them)
BANK_HOLIDAY_LABEL = "thresholdkit's reading of bank holidays, not the document's"


_lines = phone_lines


def _bundled(area_id):
    if area_id not in IDS:
        pytest.skip(f"{area_id} not installed")
    return REG.area(area_id)


# --- bank holiday nights -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area_id", "night_line"),
    [
        ("herefordshire", "emergency-duty-team"),
        ("coventry", "edt"),
        ("telford", "emergency-duty-team"),
        ("worcestershire", "family-front-door-out-of-hours"),
    ],
)
def test_a_bank_holiday_night_calls_the_out_of_hours_line_only(run, area_id, night_line):
    _bundled(area_id)
    r = run("contacts", area_id, "--at", "2026-12-25 03:00", "-f", "json")
    assert r.code == 0, r.err
    advice = json.loads(r.out)["advice"]
    assert advice["call"] == [night_line], advice["reasons"]
    assert advice["bank_holiday"] == "Christmas Day"
    # the holiday is named, the document's silence said, and the tool's reading labelled as its own
    assert any("Christmas Day" in r and "does not say" in r for r in advice["reasons"]), advice["reasons"]
    assert any(BANK_HOLIDAY_LABEL in r for r in advice["reasons"]), advice["reasons"]
    # the same line as the night before, which is no bank holiday
    assert contacts_at(REG.area(area_id).contacts(), "2026-12-24 03:00")["call"] == [night_line]
    table = run("contacts", area_id, "--at", "2026-12-25 03:00").out
    assert table.splitlines()[1].startswith("1. ") and len([x for x in table.splitlines() if x[:3] == "2. "]) == 0


def test_herefordshire_keeps_its_office_hours_reading_on_a_bank_holiday():
    h = _bundled("herefordshire")
    by_id = {c["id"]: c for c in h.contacts()}
    state, why = is_open(by_id["mash"], by_id, parse_when("2026-12-25 03:00"))
    assert state is False
    assert "03:00 on a weekday is out of office hours on any reading" in why
    assert "thresholdkit's reading of 'office hours', not the document's words" in why
    assert BANK_HOLIDAY_LABEL in why
    # in the day the document does not settle it: both lines, as before
    assert contacts_at(h.contacts(), "2026-12-25 12:00")["call"] == ["mash", "emergency-duty-team"]


def _holiday_moments():
    """Every hour of the bank holidays of 2025 to 2027, each with the same weekday and hour a
    week earlier or later that is no bank holiday."""
    out = []
    for day in sorted(BANK_HOLIDAYS):
        date = dt.date.fromisoformat(day)
        if not 2025 <= date.year <= 2027:
            continue
        other = next(
            d
            for d in (date - dt.timedelta(weeks=1), date + dt.timedelta(weeks=1), date - dt.timedelta(weeks=2))
            if d.isoformat() not in BANK_HOLIDAYS
        )
        out += [(dt.datetime.combine(date, dt.time(h)), dt.datetime.combine(other, dt.time(h))) for h in range(24)]
    return out


HOLIDAY_MOMENTS = _holiday_moments()


@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_a_bank_holiday_never_opens_a_daytime_line_or_closes_the_night_line(area):
    """At every hour of every bank holiday: a daytime line closed at that hour on an ordinary day
    of the same weekday is closed, and not first in the call order; an out-of-hours line with
    printed hours open then is open; neither is ever open where it is not on an ordinary day."""
    contacts = area.contacts()
    by_id = {c["id"]: c for c in contacts}
    daytime, night = _lines(area, DAYTIME), _lines(area, ("out_of_hours",))
    for holiday, ordinary in HOLIDAY_MOMENTS:
        advice = contacts_at(contacts, holiday)
        for cid in daytime + night:
            c = by_id[cid]
            if (c.get("hours") or {}).get("bank_holidays") in ("open", "closed"):
                continue  # the document says: as printed
            usual = is_open(c, by_id, parse_when(f"{ordinary:%Y-%m-%d %H:%M}"))[0]
            state = advice["open"][cid]
            if cid in daytime:
                assert state is not True or usual is True, (cid, holiday)
                if usual is False:
                    assert state is False, (cid, holiday, advice["why"][cid])
            elif usual is True and not (c.get("hours") or {}).get("complement_of"):
                assert state is True, (cid, holiday, advice["why"][cid])
        closed_daytime = [cid for cid in daytime if advice["open"][cid] is False]
        if advice["call"] and night and any(advice["open"][cid] is True for cid in night):
            assert advice["call"][0] not in closed_daytime, (holiday, advice["call"])


# --- years outside the bank holiday table --------------------------------------------------


def test_coventry_2036_christmas_morning_shows_both_lines_and_says_why(run):
    _bundled("coventry")
    r = run("contacts", "coventry", "--at", "2036-12-25 10:00", "-f", "json")
    advice = json.loads(r.out)["advice"]
    assert advice["call"] == ["childrens-social-care", "edt"], advice["reasons"]
    assert advice["bank_holiday"] is None and advice["open"]["edt"] is None
    first = advice["reasons"][0]
    assert "bank holidays of 2020 to 2035 only" in first and "Thursday 25 December 2036" in first
    assert "depends on it" in first
    # the same moment in a year the table covers gives one line (2031-12-25 is also a Thursday)
    assert contacts_at(REG.area("coventry").contacts(), "2031-12-24 10:00")["call"] == ["childrens-social-care"]
    # and where a bank holiday would change nothing, one line, with the caveat only
    night = contacts_at(REG.area("coventry").contacts(), "2036-12-25 03:00")
    assert night["call"] == ["edt"] and any("2035 only" in x for x in night["reasons"])
    weekend = contacts_at(REG.area("coventry").contacts(), "2036-12-27 12:00")  # a Saturday
    assert weekend["call"] == ["edt"]


@pytest.mark.parametrize("when", ["2036-12-25 10:00", "2019-12-25 11:00", "2040-04-02 12:00", "2036-05-05 09:30"])
@pytest.mark.parametrize("area", AREAS, ids=IDS)
def test_a_weekday_the_table_does_not_cover_shows_every_line_a_bank_holiday_could_need(area, when):
    """Outside 2020-2035 the tool cannot tell whether a weekday is a bank holiday: the lines to
    call include those of an ordinary day and those of a bank holiday at the same weekday and time
    (taken from a covered year), with why."""
    moment = parse_when(when)
    covered = None
    for year in range(2020, 2036):  # a covered ordinary day and a covered bank holiday, same weekday
        for day in sorted(d for d in BANK_HOLIDAYS if d.startswith(str(year))):
            holiday = dt.date.fromisoformat(day)
            if holiday.weekday() == moment.weekday():
                covered = holiday
                break
        if covered:
            break
    assert covered is not None
    ordinary = covered - dt.timedelta(weeks=1)
    while ordinary.isoformat() in BANK_HOLIDAYS:
        ordinary -= dt.timedelta(weeks=1)
    hhmm = f"{moment:%H:%M}"
    on_holiday = contacts_at(area.contacts(), f"{covered} {hhmm}")["call"]
    on_ordinary = contacts_at(area.contacts(), f"{ordinary} {hhmm}")["call"]
    advice = contacts_at(area.contacts(), when)
    assert set(on_holiday) | set(on_ordinary) <= set(advice["call"]), (on_holiday, on_ordinary, advice["reasons"])
    assert any("bank holidays of 2020 to 2035 only" in r for r in advice["reasons"])
    if set(on_holiday) != set(on_ordinary):
        assert any("depends on it" in r for r in advice["reasons"]), advice["reasons"]
