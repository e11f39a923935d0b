"""The indicators from the figures read straight from the stored months
(``selectors.recent_figures``: each pupil's recent months day by day, the earlier months
through their totals) are the indicators from every day (``compute_indicators``)."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from samsyn.attendance import selectors
from samsyn.attendance.importing.packing import pack_months
from samsyn.attendance.indicators import (
    Thresholds,
    compute_indicators,
    indicators_from_figures,
)
from samsyn.attendance.selectors import (
    load_days,
    months_of_frame,
    read_months,
    recent_figures,
)
from samsyn.attendance.testing.storage import store_days
from samsyn.testing.factories import ChildFactory

MINUTES = ("scheduled_minutes", "valid_absence_minutes", "invalid_absence_minutes")
AS_OF = [
    dt.date(2026, 6, 12),  # the last day stored
    dt.date(2026, 6, 3),  # days after it in its month
    dt.date(2026, 1, 20),  # early in the spring term: the autumn before it
    dt.date(2025, 9, 15),  # early in the school year: little history
    dt.date(2026, 3, 1),  # a Sunday, the first of a month
]
THRESHOLDS = [
    Thresholds(),
    Thresholds(window_days=10, trend_prior_days=15),
    Thresholds(full_day_fraction=0.5, trend_min_days=20),
]


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
                    "other_attendance_minutes": 0,
                    "lesson_count": 5,
                    "absence_reasons": "",
                }
            )
        day += dt.timedelta(days=1)
    return rows


def _start(as_of: dt.date) -> dt.date:
    return dt.date(2025, 8, 1) if as_of.month >= 8 else dt.date(2025, 12, 1)


@pytest.mark.parametrize("as_of", AS_OF)
@pytest.mark.parametrize("cores", [1, 3], ids=["one-core", "in-parts"])
def test_the_figures_of_the_packed_months_give_the_indicators_of_every_day(
    as_of: dt.date, cores: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cores > 1:  # every pupil's figures computed in parts, as for a municipality
        monkeypatch.setattr(selectors, "MANY_MONTHS", 0)
        monkeypatch.setattr(selectors.os, "cpu_count", lambda: cores)
    rng = random.Random(as_of.toordinal())
    every = pl.DataFrame([row for child in range(1, 41) for row in _year(child, rng)])
    months = pack_months(every.filter(pl.col("date") >= _start(as_of)))
    stored = months_of_frame(months)
    days = every.filter(pl.col("date") >= _start(as_of)).select("child_id", "date", *MINUTES)
    pupils = list(range(1, 41))
    for thresholds in THRESHOLDS:
        expected = compute_indicators(days, as_of, thresholds)
        figures = recent_figures(stored, pupils, as_of, thresholds)
        got = indicators_from_figures(figures, as_of, thresholds)
        assert got.to_dicts() == expected.to_dicts()
        assert expected.height > 0
    # Only the pupils asked for.
    figures = recent_figures(stored, [3, 7], as_of, Thresholds())
    assert sorted(figures["child_id"]) == [3, 7]


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", [AS_OF[0], AS_OF[1], AS_OF[4]])
def test_the_stored_months_give_the_indicators_of_every_day(as_of: dt.date) -> None:
    rng = random.Random(as_of.toordinal())
    children = [ChildFactory() for _ in range(12)]
    store_days(row for child in children for row in _year(child.pk, rng))
    ids = sorted(child.pk for child in children)
    every = load_days(ids, _start(as_of), as_of, values=MINUTES)
    for everyone in (ids, None):
        stored = read_months(everyone, _start(as_of), as_of)
        for thresholds in THRESHOLDS:
            expected = compute_indicators(every, as_of, thresholds)
            got = indicators_from_figures(
                recent_figures(stored, ids, as_of, thresholds), as_of, thresholds
            )
            assert got.to_dicts() == expected.to_dicts()


def test_the_term_starts_on_its_first_school_day_when_only_totals_are_read() -> None:
    rows = [
        {"date": dt.date(2026, 1, d), "scheduled_minutes": s, "valid_absence_minutes": 0}
        for d, s in ((7, 0), (8, 300), (9, 300))
    ] + [
        {"date": dt.date(2026, m, d), "scheduled_minutes": 300, "valid_absence_minutes": 60}
        for m in (2, 3, 4, 5)
        for d in range(2, 27)
        if dt.date(2026, m, d).weekday() < 5
    ]
    days = pl.DataFrame(rows).with_columns(
        child_id=pl.lit(1, pl.Int64),
        attendance_minutes=pl.col("scheduled_minutes") - pl.col("valid_absence_minutes"),
        invalid_absence_minutes=pl.lit(0, pl.Int64),
        other_attendance_minutes=pl.lit(0, pl.Int64),
        lesson_count=pl.lit(5, pl.Int64),
        absence_reasons=pl.lit(""),
    )
    as_of = dt.date(2026, 5, 26)
    stored = months_of_frame(pack_months(days))
    figures = recent_figures(stored, [1], as_of, Thresholds())
    got = indicators_from_figures(figures, as_of)
    term = got.filter(pl.col("indicator") == "term_absence_share").to_dicts()
    assert term[0]["window_start"] == dt.date(2026, 1, 8)
    # Every school day counts, January's through its totals (60 reach back into February).
    school_days = days.filter((pl.col("scheduled_minutes") > 0) & (pl.col("date") <= as_of))
    assert figures["n_days"].item() == school_days.height
