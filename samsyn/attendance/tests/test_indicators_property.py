"""The vectorised indicators agree with the plain reference implementation on random pupils.

Each random pupil has two periods, each drawn from its own small palette of day kinds (present,
fully absent, just below and at the full-day edge, partly absent, unexcused, cancelled with or
without minutes, long and short days, no row at all), so that absence shares change over time
and runs of full absence occur. Duplicate pupil-days and shuffled rows are thrown in. The
thresholds are drawn too, shrunk so that every indicator fires often on so few days. Run with
``--hypothesis-show-statistics`` to see how often each indicator fires.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from samsyn.attendance.importing.packing import pack_months
from samsyn.attendance.indicators import (
    Indicator,
    Thresholds,
    compute_indicators,
    indicators_from_figures,
    reference_indicators,
)
from samsyn.attendance.selectors import months_of_frame, recent_figures

#: Scheduled, valid and invalid minutes of each kind of day; None: no row that day.
KINDS: dict[str, tuple[int, int, int] | None] = {
    "-": None,
    ".": (300, 0, 0),
    "F": (300, 300, 0),
    "U": (300, 0, 300),
    "9": (300, 270, 0),
    "8": (300, 269, 0),
    "a": (300, 30, 0),
    "u": (300, 0, 1),
    "m": (300, 150, 150),
    "x": (0, 0, 0),
    "X": (0, 120, 60),
    "L": (600, 60, 0),
    "s": (100, 10, 0),
}

#: Days around a term boundary (1 January) so the term share changes with the as-of date.
START = datetime.date(2025, 12, 10)

SCHEMA = {
    "child_id": pl.Int64,
    "date": pl.Date,
    "scheduled_minutes": pl.Int64,
    "valid_absence_minutes": pl.Int64,
    "invalid_absence_minutes": pl.Int64,
}


def row(child_id: int, day: datetime.date, minutes: tuple[int, int, int]) -> dict[str, Any]:
    scheduled, valid, invalid = minutes
    return {
        "child_id": child_id,
        "date": day,
        "scheduled_minutes": scheduled,
        "valid_absence_minutes": valid,
        "invalid_absence_minutes": invalid,
    }


@st.composite
def period(draw: st.DrawFn, min_size: int, max_size: int) -> list[str]:
    palette = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=4))
    return draw(st.lists(st.sampled_from(palette), min_size=min_size, max_size=max_size))


@st.composite
def pupils(
    draw: st.DrawFn,
    start: datetime.date = START,
    periods: tuple[tuple[int, int], tuple[int, int]] = ((0, 30), (0, 20)),
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    child_ids = draw(st.lists(st.integers(-2, 5), max_size=4, unique=True))
    for child_id in child_ids:
        kinds = draw(period(*periods[0])) + draw(period(*periods[1]))
        for i, kind in enumerate(kinds):
            minutes = KINDS[kind]
            if minutes is not None:
                rows.append(row(child_id, start + datetime.timedelta(days=i), minutes))
    if rows:
        for extra in draw(st.lists(st.sampled_from(rows), max_size=3)):
            minutes = KINDS[draw(st.sampled_from(sorted(KINDS.keys() - {"-"})))]
            assert minutes is not None
            rows.append(row(extra["child_id"], extra["date"], minutes))
    return draw(st.permutations(rows))


RATIOS: list[float | Fraction] = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.9, 1.0, Fraction(1, 3)]


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    levels: list[float | Fraction] = sorted(
        draw(st.lists(st.sampled_from(RATIOS), min_size=3, max_size=3))
    )
    long_levels = sorted(draw(st.lists(st.integers(1, 6), min_size=2, max_size=2)))
    repeated = sorted(draw(st.lists(st.integers(1, 5), min_size=2, max_size=2)))
    return Thresholds(
        share_levels=(levels[0], levels[1], levels[2]),
        share_min_days=draw(st.integers(1, 6)),
        term_min_days=draw(st.integers(1, 10)),
        long_absence_levels=(long_levels[0], long_levels[1]),
        repeated_levels=(repeated[0], repeated[1]),
        unexcused_repeated_level2=draw(st.integers(1, 4)),
        full_day_fraction=draw(st.sampled_from([0.9, 0.5, 1.0, 0.0])),
        window_days=draw(st.integers(1, 10)),
        trend_min_days=draw(st.integers(1, 20)),
        trend_prior_days=draw(st.integers(1, 10)),
        trend_ratio=draw(st.sampled_from([2.0, 1.0, 1.5, 0.0])),
        trend_min_points=draw(st.sampled_from([0.05, 0.0, 0.1])),
    )


def check(rows: list[dict[str, Any]], as_of: datetime.date, t: Thresholds) -> pl.DataFrame:
    days = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    result = compute_indicators(days, as_of, t)
    expected = reference_indicators(days, as_of, t)
    assert result.drop("value").to_dicts() == expected.drop("value").to_dicts()
    assert result["value"].to_list() == pytest.approx(expected["value"].to_list(), abs=1e-12)
    return result


def check_figures(rows: list[dict[str, Any]], as_of: datetime.date, t: Thresholds) -> None:
    """The figures read straight from the packed months (``selectors.recent_figures``, the
    compiled loop) give what ``compute_indicators`` gives from the days."""
    days = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    expected = compute_indicators(days, as_of, t)
    # Stored as Samsyn stores them: one row per pupil-day (duplicates summed), in months;
    # child ids are positive in the database.
    stored = (
        days.group_by("child_id", "date")
        .agg(pl.col(list(SCHEMA)[2:]).sum())
        .with_columns(
            child_id=pl.col("child_id") + 10,
            attendance_minutes=pl.lit(0, pl.Int64),
            other_attendance_minutes=pl.lit(0, pl.Int64),
            lesson_count=pl.lit(1, pl.Int64),
            absence_reasons=pl.lit(""),
        )
    )
    months = months_of_frame(pack_months(stored))
    figures = recent_figures(months, stored["child_id"].unique().to_list(), as_of, t)
    got = indicators_from_figures(figures, as_of, t)
    assert got.with_columns(pl.col("child_id") - 10).to_dicts() == expected.to_dicts()


def record(result: pl.DataFrame) -> None:
    for indicator in sorted(result["indicator"].unique()):
        event(indicator)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=pupils(), offset=st.integers(0, 50), t=thresholds())
def test_polars_agrees_with_the_reference(
    rows: list[dict[str, Any]], offset: int, t: Thresholds
) -> None:
    record(check(rows, START + datetime.timedelta(days=offset), t))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=pupils(), offset=st.integers(0, 50), t=thresholds())
def test_the_figures_of_the_packed_months_agree_with_polars(
    rows: list[dict[str, Any]], offset: int, t: Thresholds
) -> None:
    check_figures(rows, START + datetime.timedelta(days=offset), t)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=pupils(start=datetime.date(2025, 11, 3), periods=((60, 80), (15, 30))),
    offset=st.integers(70, 110),
)
def test_polars_agrees_with_the_reference_on_default_thresholds(
    rows: list[dict[str, Any]], offset: int
) -> None:
    # 75+ calendar days up to the as-of date (in January or February): enough school days for
    # W20, the spring term share and the trend with the default thresholds.
    as_of = datetime.date(2025, 11, 3) + datetime.timedelta(days=offset)
    record(check(rows, as_of, Thresholds()))
    check_figures(rows, as_of, Thresholds())


def test_one_pupil_can_have_every_indicator() -> None:
    t = Thresholds(
        window_days=3,
        share_min_days=3,
        term_min_days=2,
        long_absence_levels=(3, 4),
        repeated_levels=(1, 2),
        trend_prior_days=3,
        trend_min_days=4,
    )
    # Three days present, then three half valid, half invalid.
    rows = [
        row(1, START + datetime.timedelta(days=i), (300, 0, 0) if i < 3 else (300, 150, 150))
        for i in range(6)
    ]
    found = set(check(rows, START + datetime.timedelta(days=5), t)["indicator"])
    assert found == {str(indicator) for indicator in Indicator}
