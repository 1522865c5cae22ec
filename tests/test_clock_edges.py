"""Clock edges (red team, clock 7 to 10): ``--at`` takes exactly its documented forms; the API
refuses what ``--at`` refuses (a skipped hour, a far date) without naming an option; the
skipped-hour error names the zone's own abbreviation (BDST in double summer time); the
"Generated" date is the UK date; an ORUK schedule with printed times but no printed days says so."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from conftest import assert_one_line_error, usable_areas

from thresholdkit.areas.registry import Registry
from thresholdkit.model.errors import UsageError
from thresholdkit.rules.contacts import contacts_at

REG = Registry.load()
AREAS = usable_areas(REG)
UK = ZoneInfo("Europe/London")


def _area_with_lines():
    """An installed area whose 'call now' names a line (any will do: the parser is the subject)."""
    for area in AREAS:
        if contacts_at(area.contacts(), "2026-12-07 10:00")["call"]:
            return area
    pytest.skip("no installed area names a line to call")


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07X10:00",  # any other separator
        "2026-12-07\u00e910:00",
        "2026-12-07\n10:00",
        "2026-12-07  10:00",  # two spaces
        "2026-W50-1T10:00",  # ISO week date
        "2026-341T10:00",  # ISO ordinal date
        "20261207T1000",  # basic (no dashes, no colons)
        "2026-12-07T10+01:00",  # an hour without minutes, with an offset
        "2026-12-07T10",  # an hour without minutes
        "2026-12-07T10:00+23:59",  # an offset no real zone has
        "2026-12-07T10:00-14:30",
        "2026-12-07T10:00+01",  # an offset without minutes
        "2026-12-07T10:00+01:60",
        "2026-12-07T10:00.5",  # a fraction without seconds
        "2026-12-07T10:00:00.",  # a point and no fraction
        "2026-12-07T24:00",
        "2026-12-07",
        "\uff12\uff10\uff12\uff16-12-07 10:00",  # full-width digits
    ],
)
def test_odd_at_forms_are_refused_on_one_line(run, text):
    area = _area_with_lines()
    r = run("contacts", area.id, "--at", text)
    assert_one_line_error(r, 2)
    assert "is not a date and time" in r.err and "YYYY-MM-DD HH:MM" in r.err
    assert "14:00" in r.err  # the offset range is named


@pytest.mark.parametrize(
    ("text", "uk"),
    [
        ("2026-12-07 10:00", "2026-12-07 10:00"),  # README, --help
        ("2026-12-25 14:00", "2026-12-25 14:00"),
        ("2026-12-07T10:00", "2026-12-07 10:00"),
        ("2026-12-07t10:00", "2026-12-07 10:00"),
        ("2026-12-07 10:00:30", "2026-12-07 10:00"),
        ("2026-12-07T10:00:30.25", "2026-12-07 10:00"),
        ("2026-07-03T15:45Z", "2026-07-03 16:45"),  # README, --help
        ("2026-07-03T15:45z", "2026-07-03 16:45"),
        ("2026-07-03T17:45+02:00", "2026-07-03 16:45"),
        ("2026-07-03T17:45+0200", "2026-07-03 16:45"),
        ("2026-07-03T16:45:12+01:00", "2026-07-03 16:45"),  # compare contacts --now passes this form
        ("2026-07-03T01:45-14:00", "2026-07-03 16:45"),
        ("2026-07-04T05:45+14:00", "2026-07-03 16:45"),
        ("  2026-12-07 10:00 ", "2026-12-07 10:00"),
    ],
)
def test_documented_forms_give_the_same_answer(run, text, uk):
    area = _area_with_lines()
    r = run("contacts", area.id, "--at", text, "-f", "json")
    assert r.code == 0, r.err
    advice = json.loads(r.out)["advice"]
    assert advice["at"] == uk
    same = contacts_at(area.contacts(), dt.datetime.strptime(uk, "%Y-%m-%d %H:%M"))
    assert advice["call"] == same["call"] and advice["reasons"] == same["reasons"]


def test_an_odd_at_is_shown_on_one_line_as_typed():
    with pytest.raises(UsageError) as e:
        contacts_at(_area_with_lines().contacts(), "2026-12-07\n10:00")
    assert "\n" not in str(e.value) and "'2026-12-07\\n10:00'" in str(e.value)


def test_the_api_refuses_a_naive_time_the_clocks_skip():
    contacts = _area_with_lines().contacts()
    with pytest.raises(UsageError) as e:
        contacts_at(contacts, dt.datetime(2026, 3, 29, 1, 30))
    message = str(e.value)
    assert "does not exist in UK time" in message and "02:30 BST" in message
    assert "--at" not in message and "\n" not in message
    assert "the time '2026-03-29 01:30'" in message
    with pytest.raises(UsageError) as e:  # the string form too, naming no option
        contacts_at(contacts, "2026-03-29 01:30")
    assert "does not exist in UK time" in str(e.value) and "--at" not in str(e.value)


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(1899, 12, 31, 23, 0, tzinfo=dt.UTC),
        dt.datetime(2101, 1, 1, 0, 30, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1),
        dt.datetime(9999, 12, 31, 23, 59),
    ],
)
def test_the_api_refuses_far_dates_with_a_usage_error(when):
    with pytest.raises(UsageError) as e:
        contacts_at(_area_with_lines().contacts(), when)
    message = str(e.value)
    assert "outside the years" in message and "1900-01-01 00:00 to 2100-12-31 23:59" in message
    assert "--at" not in message and "\n" not in message


def test_an_aware_time_just_inside_the_range_is_placed():
    contacts = _area_with_lines().contacts()
    # 1899-12-31 23:30 at UTC-01:00 is 1900-01-01 00:30 in the UK (GMT)
    advice = contacts_at(contacts, dt.datetime(1899, 12, 31, 23, 30, tzinfo=dt.timezone(-dt.timedelta(hours=1))))
    assert advice["at"] == "1900-01-01 00:30"


def test_the_skipped_hour_error_names_double_summer_time(run):
    # What zoneinfo says happened that night: 02:00 BST became 03:00 BDST (double summer time).
    before = dt.datetime(1941, 5, 4, 0, 59, tzinfo=dt.UTC).astimezone(UK)
    after = dt.datetime(1941, 5, 4, 1, 0, tzinfo=dt.UTC).astimezone(UK)
    assert (before.strftime("%H:%M %Z"), after.strftime("%H:%M %Z")) == ("01:59 BST", "03:00 BDST")
    r = run("contacts", _area_with_lines().id, "--at", "1941-05-04 02:30")
    assert_one_line_error(r, 2)
    assert "does not exist in UK time" in r.err and "03:30 BDST" in r.err and " BST" not in r.err
    with pytest.raises(UsageError, match="03:30 BDST"):
        contacts_at(_area_with_lines().contacts(), dt.datetime(1941, 5, 4, 2, 30))
    r = run("contacts", _area_with_lines().id, "--at", "2026-03-29 01:30")  # an ordinary year: BST
    assert_one_line_error(r, 2)
    assert "02:30 BST" in r.err


@pytest.fixture
def kiritimati(monkeypatch):
    """The machine in UTC+14 at 2026-12-01 19:41 UTC: 2 December there, 1 December in the UK."""
    import time

    moment = dt.datetime(2026, 12, 1, 19, 41, tzinfo=dt.UTC).timestamp()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    monkeypatch.setattr(time, "time", lambda: moment)
    try:
        assert dt.date.today() == dt.date(2026, 12, 2)  # the machine's own date differs
        yield moment
    finally:
        monkeypatch.undo()
        time.tzset()


def test_today_is_the_uk_date(kiritimati):
    from thresholdkit.areas.registry import today

    assert today() == dt.date(2026, 12, 1)


def test_the_generated_date_is_the_uk_date(run, kiritimati):
    area = _area_with_lines()
    r = run("handout", area.id, "-l", "4", "-f", "markdown")
    assert r.code == 0, r.err
    assert "Generated 2026-12-01" in r.out and "2026-12-02" not in r.out


def test_source_date_epoch_still_sets_the_date(monkeypatch):
    from thresholdkit.areas.registry import today

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC).timestamp())))
    assert today() == dt.date(2026, 6, 30)  # its UTC date, as before


def test_an_oruk_schedule_without_printed_days_says_so(run, tmp_path):
    r = run("export", "oruk", str(tmp_path / "oruk"))
    assert r.code == 0, r.err
    services = json.loads((tmp_path / "oruk" / "services.json").read_text())
    checked = 0
    for area in AREAS:
        for contact in area.contacts():
            windows = (contact.get("hours") or {}).get("windows") or []
            if not windows or all(w["days"] for w in windows):
                continue
            from thresholdkit.render.export_oruk import service_id

            service = next(s for s in services if s["id"] == service_id(area.id, contact["id"]))
            for w, schedule in zip(windows, service["schedules"], strict=True):
                assert (schedule["opens_at"], schedule["closes_at"]) == (w["start"], w["end"])
                if w["days"]:
                    assert "not the days" not in schedule["notes"]
                    continue
                checked += 1
                assert "freq" not in schedule and "byday" not in schedule  # no days invented
                assert "prints these times but not the days of the week" in schedule["notes"]
    if not checked:
        pytest.skip("no installed area prints times without days")


def test_the_uk_date_late_in_the_utc_evening(monkeypatch):
    """After 22:00 UTC the UK date can be the next day (BST); before it, UK and UTC dates agree."""
    import datetime as dt

    from thresholdkit.areas.review import today

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def at(*when: int) -> float:
        return dt.datetime(*when, tzinfo=dt.UTC).timestamp()

    assert today(lambda: at(2026, 7, 1, 23, 30)) == dt.date(2026, 7, 2)  # 00:30 BST
    assert today(lambda: at(2026, 12, 1, 23, 30)) == dt.date(2026, 12, 1)  # 23:30 GMT
    assert today(lambda: at(2026, 7, 1, 21, 59)) == dt.date(2026, 7, 1)
    assert today(lambda: at(1944, 6, 6, 22, 30)) == dt.date(1944, 6, 7)  # 00:30 BDST (UTC+2)


def test_the_matrix_page_date_is_the_uk_date(run, kiritimati):
    r = run("compare", "matrix", "-f", "html")
    assert r.code == 0, r.err
    assert "2026-12-01" in r.out and "2026-12-02" not in r.out
