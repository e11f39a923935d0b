"""Working days: Monday–Friday except Swedish public and de facto holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from samsyn.concerns.workdays import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Thursday + 5 working days across a weekend.
        (dt.date(2026, 11, 19), 5, dt.date(2026, 11, 26)),
        # Friday + 1 is Monday.
        (dt.date(2026, 11, 20), 1, dt.date(2026, 11, 23)),
        # Christmas: 24 (julafton), 25, 26 (Sat), 31 (nyårsafton), 1 Jan are not working days.
        (dt.date(2026, 12, 23), 5, dt.date(2027, 1, 5)),
        # Epiphany (6 Jan 2027, a Wednesday) is skipped.
        (dt.date(2027, 1, 5), 1, dt.date(2027, 1, 7)),
        # Midsommarafton 2026 is Friday 19 June.
        (dt.date(2026, 6, 18), 1, dt.date(2026, 6, 22)),
    ],
)
def test_add_working_days__weekends_and_swedish_holidays(
    start: dt.date, days: int, expected: dt.date
) -> None:
    assert add_working_days(start, days) == expected


def test_is_working_day__holidays() -> None:
    assert not is_working_day(dt.date(2026, 12, 24))
    assert not is_working_day(dt.date(2026, 12, 25))
    assert not is_working_day(dt.date(2027, 1, 1))
    assert not is_working_day(dt.date(2026, 6, 19))
    assert not is_working_day(dt.date(2026, 11, 21))  # a Saturday
    assert is_working_day(dt.date(2026, 11, 23))
