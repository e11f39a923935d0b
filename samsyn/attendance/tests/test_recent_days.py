"""The indicators from each pupil's recent months plus the earlier months' totals
(``selectors.load_recent_days``) are the indicators from every day."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from samsyn.attendance.indicators import Thresholds, compute_indicators
from samsyn.attendance.selectors import load_days, load_recent_days
from samsyn.attendance.testing.storage import store_days
from samsyn.testing.factories import ChildFactory

pytestmark = pytest.mark.django_db

MINUTES = ("scheduled_minutes", "valid_absence_minutes", "invalid_absence_minutes")


def _year(child_id: int, rng: random.Random) -> list[dict[str, object]]:
    """School days from August to June: weekdays, some cancelled (nothing scheduled, also as
    a month's first day), some absent, a few long absences."""
    rows: list[dict[str, object]] = []
    day = dt.date(2025, 8, 18)
    away = 0
    while day <= dt.date(2026, 6, 12):
        if day.weekday() < 5 and rng.random() > 0.05:
            scheduled = 0 if (day.day == 1 or rng.random() < 0.03) else rng.choice([200, 300, 330])
            if away == 0 and rng.random() < 0.02:
                away = rng.randint(3, 20)
            absent = scheduled if away else (rng.choice([0, 0, 0, 40, 60]) if scheduled else 0)
            away = max(away - 1, 0)
            invalid = absent if absent and rng.random() < 0.3 else 0
            rows.append(
                {
                    "child_id": child_id,
                    "date": day,
                    "scheduled_minutes": scheduled,
                    "attendance_minutes": scheduled - absent,
                    "valid_absence_minutes": absent - invalid,
                    "invalid_absence_minutes": invalid,
                }
            )
        day += dt.timedelta(days=1)
    return rows


@pytest.mark.parametrize(
    "as_of",
    [
        dt.date(2026, 6, 12),  # the last day stored
        dt.date(2026, 6, 3),  # days after it in its month
        dt.date(2026, 1, 20),  # early in the spring term: the autumn before it
        dt.date(2025, 9, 15),  # early in the school year: little history
        dt.date(2026, 3, 1),  # a Sunday, the first of a month
    ],
)
def test_recent_months_and_earlier_totals_give_the_indicators_of_every_day(
    as_of: dt.date,
) -> None:
    rng = random.Random(as_of.toordinal())
    children = [ChildFactory() for _ in range(12)]
    store_days(row for child in children for row in _year(child.pk, rng))
    ids = sorted(child.pk for child in children)
    start = dt.date(2025, 8, 1) if as_of.month >= 8 else dt.date(2025, 12, 1)
    every = load_days(ids, start, as_of, values=MINUTES)
    for thresholds in (Thresholds(), Thresholds(window_days=10, trend_prior_days=15)):
        recent = thresholds.window_days + thresholds.trend_prior_days
        days, earlier = load_recent_days(ids, start, as_of, recent)
        expected = compute_indicators(every, as_of, thresholds)
        got = compute_indicators(days, as_of, thresholds, earlier=earlier)
        assert got.to_dicts() == expected.to_dicts()
        assert expected.height > 0
        if earlier is not None:  # PostgreSQL
            assert set(earlier["child_id"]) <= set(days["child_id"])
            if as_of.month == 6:  # a term's worth of months: the first ones were not unpacked
                assert days.height < every.height


def test_the_term_starts_on_its_first_school_day_when_only_totals_are_read() -> None:
    child = ChildFactory()
    rows = [
        {
            "child": child,
            "date": dt.date(2026, 1, d),
            "scheduled_minutes": s,
            "attendance_minutes": s,
        }
        for d, s in ((7, 0), (8, 300), (9, 300))
    ] + [
        {
            "child": child,
            "date": dt.date(2026, m, d),
            "scheduled_minutes": 300,
            "attendance_minutes": 240,
            "valid_absence_minutes": 60,
        }
        for m in (2, 3, 4, 5)
        for d in range(2, 27)
        if dt.date(2026, m, d).weekday() < 5
    ]
    store_days(rows)
    as_of = dt.date(2026, 5, 26)
    days, earlier = load_recent_days([child.pk], dt.date(2026, 1, 1), as_of, 60)
    got = compute_indicators(days, as_of, earlier=earlier)
    term = got.filter(pl.col("indicator") == "term_absence_share").to_dicts()
    assert term[0]["window_start"] == dt.date(2026, 1, 8)
    if earlier is not None:
        assert days.filter(pl.col("date") <= dt.date(2026, 1, 31)).is_empty()
