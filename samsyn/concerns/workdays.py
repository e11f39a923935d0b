"""Working days: Monday–Friday except Swedish public holidays and the de facto holidays
(midsommarafton, julafton, nyårsafton), from the ``holidays`` package."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    days = holidays.country_holidays("SE", years=[year], categories=("public", "de_facto"))
    return frozenset(days.keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
