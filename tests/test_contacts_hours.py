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


# --- red team (clock): the reasons reach every format, and say whose reading they are -----------

_MOMENTS = ("2026-12-05 11:00", "2026-12-04 16:45", "2026-12-07 10:00", "2026-12-25 14:00", "2026-12-08 23:30")


def _usable():
    from conftest import usable_areas

    from thresholdkit.areas.registry import Registry

    return usable_areas(Registry.load())


def test_contacts_csv_carries_each_lines_reason(run):
    """Red team (clock, 3): `contacts --at -f csv` dropped every reason, so thresholdkit's own
    reading of 'office hours' and the bank-holiday silence reached a spreadsheet as a bare
    open/closed/unknown."""
    import csv
    import io

    for area in _usable():
        for at in _MOMENTS:
            data = json.loads(run("contacts", area.id, "--at", at, "-f", "json").out)
            rows = list(csv.DictReader(io.StringIO(run("contacts", area.id, "--at", at, "-f", "csv").out)))
            assert [r["open_reason"] for r in rows] == [data["advice"]["why"][c["id"]] for c in data["contacts"]]


def test_compare_contacts_at_says_the_time_the_order_and_why(run):
    """Red team (clock, 2): `compare contacts --at/--now` gave a bare open/closed/unknown per line:
    no time used, no order to try, no reason, nothing saying a decision rested on thresholdkit's
    own reading (Herefordshire's MASH 'closed' on a Saturday) or that a bank holiday is one on which
    the documents are silent. Each area's 'Call now' now leads the table and the Markdown, exactly
    as `contacts AREA --at` gives it, and the CSV has each line's reason."""
    import csv
    import io

    areas = _usable()
    for at in _MOMENTS:
        for fmt in ("table", "markdown"):
            out = run("compare", "contacts", "--at", at, "-f", fmt).out
            for area in areas:
                alone = run("contacts", area.id, "--at", at, "-f", fmt).out
                block = alone[: alone.index("\n\n") + 1]  # 'Call now, at ...', the lines, the reasons
                assert block.startswith(("Call now, at ", "**Call now, at ")) and block in out, (area.id, at, fmt)
        data = json.loads(run("compare", "contacts", "--at", at, "-f", "json").out)
        rows = list(csv.DictReader(io.StringIO(run("compare", "contacts", "--at", at, "-f", "csv").out)))
        assert [r["open_reason"] for r in rows] == [c.get("open_reason", "") for c in data]


def test_compare_contacts_now_uses_one_moment_for_every_area(run):
    heads = [line for line in run("compare", "contacts", "--now").out.splitlines() if line.startswith("Call now, at ")]
    assert len(heads) == len(_usable()) and len({h.split(" (")[0] for h in heads}) == 1


def test_a_line_read_as_open_when_another_is_closed_says_why_and_whose_reading_that_is():
    """Red team (clock, 5): Worcestershire at Friday 16:45 gave only "Out of hours or at weekends
    is open when Family Front Door is closed": circular, without the fact that decides it (the
    Front Door closes at 4.30pm on Fridays, as printed), and with thresholdkit's reading of the
    out-of-hours line presented as the document's."""
    import datetime as dt

    from thresholdkit.rules.hours import is_open, uk_zone

    checked = 0
    for area in _usable():
        contacts = area.contacts()
        by_id = {c["id"]: c for c in contacts}
        for c in contacts:
            other_id = (c.get("hours") or {}).get("complement_of")
            if not other_id:
                continue
            for at in _MOMENTS:
                when = dt.datetime.fromisoformat(at).replace(tzinfo=uk_zone())
                state, why = is_open(c, by_id, when)
                other_state, other_why = is_open(by_id[other_id], by_id, when)
                if other_state is None:
                    continue
                checked += 1
                assert state is (not other_state)
                assert other_why in why, (c["id"], at, why)
                assert f"thresholdkit reads '{c['hours']['text']}' as open whenever" in why
    assert checked or not any((c.get("hours") or {}).get("complement_of") for a in _usable() for c in a.contacts())


def test_no_reason_claims_print_the_document_does_not_have():
    """Red team (clock, 6): "open on bank holidays, as printed" for a line whose document prints
    "365 days a year" and never "bank holidays"; "takes calls during office hours", thresholdkit's
    wording given as the document's. A reason quotes the printed hours it rests on."""
    import datetime as dt

    from thresholdkit.rules.hours import is_open, uk_zone

    when = dt.datetime(2026, 12, 25, 14, 0, tzinfo=uk_zone())
    for area in _usable():
        contacts = area.contacts()
        by_id = {c["id"]: c for c in contacts}
        for c in contacts:
            _, why = is_open(c, by_id, when)
            assert "as printed" not in why and "takes calls" not in why, why
            if (c.get("hours") or {}).get("bank_holidays") in ("open", "closed"):
                assert f"'{c['hours']['text']}'" in why
