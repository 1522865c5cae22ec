"""contacts --at: which line to call, never assuming what the document does not print."""

from __future__ import annotations

import json

from conftest import assert_one_line_error


def _contacts(run, at):
    r = run("contacts", "coventry", "--at", at, "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    said = [*data["advice"]["reasons"], *data["advice"]["why"].values()]
    return {c["id"]: c for c in data["contacts"]}, " ".join(said)


def test_weekday_10am_front_door(run):
    rows, err = _contacts(run, "2026-11-24 10:00")  # a Tuesday
    assert rows["edt"]["open"] is False
    assert rows["childrens-social-care"]["open"] is None  # its hours are not printed
    assert rows["childrens-social-care"]["call"] is True and rows["edt"]["call"] is False
    assert "not printed" in err
    assert "bank holiday" not in err  # a Tuesday that is no bank holiday: no caveat


def test_weekday_10pm_duty_team(run):
    rows, _ = _contacts(run, "2026-11-24 22:00")
    assert rows["edt"]["open"] is True and rows["edt"]["call"] is True
    table = run("contacts", "coventry", "--at", "2026-11-24 22:00").out
    assert table.startswith("Call now, at 2026-11-24 22:00 GMT (Tuesday):\n1. Emergency Out of Hours Duty Team (EDT)")


def test_friday_evening_and_monday_morning(run):
    rows, _ = _contacts(run, "2026-11-27 16:45")  # Friday after 4.30pm
    assert rows["edt"]["open"] is True
    rows, _ = _contacts(run, "2026-11-30 08:00")  # Monday before 8.30am
    assert rows["edt"]["open"] is True
    rows, _ = _contacts(run, "2026-11-30 08:30")
    assert rows["edt"]["open"] is False


def test_saturday(run):
    rows, _ = _contacts(run, "2026-11-28 12:00")
    assert rows["edt"]["open"] is True and rows["edt"]["call"] is True


def test_contact_fields_and_options(run):
    rows = {c["id"]: c for c in json.loads(run("contacts", "coventry", "-f", "json").out)}
    central = rows["childrens-social-care"]
    assert central["phone"][0]["number"] == "024 7678 8555"
    assert [o["option"] for o in central["options"]] == ["1", "2", "3", "4"]
    for c in rows.values():
        assert {"name", "role"} <= set(c)
        assert all(isinstance(p["number"], str) for p in c.get("phone", []))


def test_role_filter(run):
    rows = json.loads(run("contacts", "coventry", "--role", "early-help", "-f", "json").out)
    assert rows and all(c["role"] == "early_help" for c in rows)


def test_at_and_now_together_is_an_error(run):
    assert_one_line_error(run("contacts", "coventry", "--at", "2026-11-24 10:00", "--now"))


def test_unprinted_days_give_both_lines():
    """Where the document prints times but not days, both lines are shown with the reason."""
    import datetime as dt

    from thresholdkit.rules.hours import status_at

    contacts = [
        {
            "id": "fd",
            "name": "Front door",
            "role": "front_door",
            "phone": [{"number": "01952 385385"}],
            "hours": {
                "text": "between 9am & 5pm",
                "source": {"section": "x"},
                "windows": [{"days": None, "start": "09:00", "end": "17:00"}],
            },
        },
        {
            "id": "edt",
            "name": "EDT",
            "role": "out_of_hours",
            "phone": [{"number": "01952 676500"}],
            "hours": {"text": "out of office hours", "source": {"section": "x"}, "complement_of": "fd"},
        },
    ]
    tuesday = status_at(contacts, dt.datetime(2026, 11, 24, 10, 0))
    assert tuesday["open"] == {"fd": None, "edt": None}
    assert set(tuesday["call"]) == {"fd", "edt"}
    assert any("not the days" in r for r in tuesday["reasons"])
    night = status_at(contacts, dt.datetime(2026, 11, 24, 22, 0))
    assert night["open"] == {"fd": False, "edt": True} and night["call"] == ["edt"]
