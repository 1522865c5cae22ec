"""The shipped table of bank holidays in England and Wales (``thresholdkit.data.bank_holidays``):
it is what the ``holidays`` library says, it has the days gov.uk lists, and importing it costs
nothing but :mod:`datetime`."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from thresholdkit.data import bank_holidays
from thresholdkit.data.bank_holidays import BANK_HOLIDAYS, FIRST_YEAR, LAST_YEAR, bank_holiday, covers

SRC = Path(__file__).resolve().parents[1] / "src"
EVERY_YEAR = [
    "New Year's Day",
    "Good Friday",
    "Easter Monday",
    "May Day",
    "Spring Bank Holiday",
    "Late Summer Bank Holiday",
    "Christmas Day",
    "Boxing Day",
]
#: 2022-06-03, 2022-09-19, 2023-05-08
ONE_OFF = {"Platinum Jubilee of Elizabeth II", "State Funeral of Queen Elizabeth II", "Coronation of Charles III"}


def test_the_committed_table_is_what_the_generator_writes():
    pytest.importorskip(
        "holidays",
        reason="the holidays library (in the test extra) is not installed, so the table cannot be regenerated",
    )
    import make_bank_holidays

    # labelled with the committed version: the same data from a newer library is not a change
    expected = make_bank_holidays.render(make_bank_holidays.committed_version())
    assert Path(bank_holidays.__file__).resolve() == make_bank_holidays.TARGET
    assert make_bank_holidays.TARGET.read_text(encoding="utf-8") == expected, (
        "the table differs from what the installed holidays library gives: "
        "run python tests/make_bank_holidays.py and review the diff"
    )


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-12-25", "Christmas Day"),
        ("2026-12-28", "Boxing Day (observed)"),  # Boxing Day is a Saturday
        ("2026-04-06", "Easter Monday"),
        ("2026-04-03", "Good Friday"),
        ("2026-08-31", "Late Summer Bank Holiday"),
        ("2021-12-27", "Christmas Day (observed)"),
        ("2021-12-28", "Boxing Day (observed)"),
        ("2022-01-03", "New Year's Day (observed)"),
        ("2022-06-02", "Spring Bank Holiday"),  # moved for the Platinum Jubilee
        ("2022-06-03", "Platinum Jubilee of Elizabeth II"),
        ("2022-09-19", "State Funeral of Queen Elizabeth II"),
        ("2023-05-08", "Coronation of Charles III"),
        ("2020-05-08", "May Day"),  # moved from Monday 4 May for VE Day
    ],
)
def test_known_bank_holidays(day, name):
    assert bank_holiday(datetime.date.fromisoformat(day)) == name


@pytest.mark.parametrize(
    "day",
    [
        "2026-12-24",  # Christmas Eve
        "2026-12-26",  # Boxing Day on a Saturday: the bank holiday is Monday 28th
        "2021-12-25",  # Christmas Day on a Saturday: the bank holiday is Monday 27th
        "2022-01-01",
        "2020-05-04",  # the early May bank holiday moved to Friday 8th in 2020
        "2022-05-30",  # the spring bank holiday moved to Thursday 2 June in 2022
        "2026-03-17",  # St Patrick's Day: Northern Ireland only
        "2026-01-02",  # 2 January: Scotland only
    ],
)
def test_days_that_are_not_bank_holidays(day):
    assert bank_holiday(datetime.date.fromisoformat(day)) is None


def test_a_datetime_counts_as_its_date():
    assert bank_holiday(datetime.datetime(2026, 12, 25, 23, 59)) == "Christmas Day"
    assert covers(datetime.datetime(2035, 12, 31, 23, 59))


def test_covers_exactly_the_years_of_the_table():
    assert (FIRST_YEAR, LAST_YEAR) == (2020, 2035)
    assert covers(datetime.date(2020, 1, 1))
    assert covers(datetime.date(2035, 12, 31))
    assert not covers(datetime.date(2019, 12, 31))
    assert not covers(datetime.date(2036, 1, 1))
    assert not covers(datetime.date.min)
    assert not covers(datetime.date.max)
    day = datetime.date(2020, 1, 1)
    while day.year <= 2035:
        assert covers(day), day
        day += datetime.timedelta(days=1)


def test_the_table_is_sorted_weekdays_in_range():
    days = [datetime.date.fromisoformat(d) for d in BANK_HOLIDAYS]
    assert list(BANK_HOLIDAYS) == sorted(BANK_HOLIDAYS)
    assert all(day.isoformat() in BANK_HOLIDAYS for day in days)  # canonical ISO keys
    assert [d for d in days if d.weekday() >= 5] == []
    assert all(covers(d) for d in days)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        names = sorted(n.removesuffix(" (observed)") for d, n in BANK_HOLIDAYS.items() if d.startswith(f"{year}-"))
        assert [n for n in names if n not in ONE_OFF] == sorted(EVERY_YEAR), year
    assert sorted(n for n in BANK_HOLIDAYS.values() if n in ONE_OFF) == sorted(ONE_OFF)


def test_importing_the_table_imports_nothing_but_datetime():
    """It is on the start-up path: compare ``python -X importtime`` with it and with datetime alone
    (which brings math and operator with it)."""

    def imported(code: str) -> set[str]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True, check=True
        )
        lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
        return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # lines[0] is the header

    extra = imported("import thresholdkit.data.bank_holidays") - imported("import datetime")
    assert extra == {"thresholdkit", "thresholdkit.data", "thresholdkit.data.bank_holidays"}
