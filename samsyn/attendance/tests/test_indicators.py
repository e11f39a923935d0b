"""The attendance indicators on hand-made pupils, at each threshold's edge.

Every pupil lives on a real school calendar: weekdays only, with holidays (Christmas, New Year,
Epiphany 2026-01-06) skipped, and with cancelled days (scheduled 0) mixed in where it matters. A
pupil is written as a string, one character per calendar school day, oldest first, ending on the
as-of date (see ``CODES``), or as a list of ``(scheduled, valid, invalid)`` minutes.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
import pytest

from samsyn.attendance.indicators import (
    OUTPUT_SCHEMA,
    Indicator,
    Thresholds,
    compute_indicators,
    reference_indicators,
    term_start,
)

date = datetime.date
Spec = tuple[int, int, int]  # scheduled, valid absence, invalid absence minutes

HOLIDAYS = frozenset(
    {
        date(2025, 12, 24),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 6),  # Epiphany
    }
)

#: The as-of date of most tests, a Friday. Its W20 runs back over Epiphany, New Year, a
#: weekend each week and Christmas: 2025-12-19 .. 2026-01-23.
D = date(2026, 1, 23)

S = 300  # the scheduled minutes of an ordinary day in the patterns
CODES: dict[str, Spec] = {
    ".": (S, 0, 0),  # present all day
    "F": (S, S, 0),  # full absence day, excused
    "U": (S, 0, S),  # full absence day, unexcused
    "9": (S, 270, 0),  # exactly 90 %: a full absence day
    "8": (S, 269, 0),  # just below 90 %: an absence day, not a full one
    "a": (S, 30, 0),  # a partial absence day
    "u": (S, 0, 1),  # one unexcused minute: an unexcused (and absence) day
    "x": (0, 0, 0),  # cancelled day: not a school day
    "X": (0, 120, 60),  # cancelled day with minutes reported anyway: still not a school day
}


def is_school_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def school_calendar(end: datetime.date, n: int) -> list[datetime.date]:
    """The ``n`` calendar school days (weekdays, not holidays) up to ``end``, oldest first."""
    days: list[datetime.date] = []
    day = end
    while len(days) < n:
        if is_school_day(day):
            days.append(day)
        day -= datetime.timedelta(days=1)
    return days[::-1]


def school_days_from(start: datetime.date, n: int) -> list[datetime.date]:
    """The ``n`` calendar school days from ``start`` on."""
    days: list[datetime.date] = []
    day = start
    while len(days) < n:
        if is_school_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def specs_of(days: str | Sequence[Spec]) -> list[Spec]:
    return [CODES[c] for c in days.replace(" ", "")] if isinstance(days, str) else list(days)


def pupil(
    child_id: int,
    days: str | Sequence[Spec],
    *,
    end: datetime.date = D,
    weekend_rows: bool = False,
) -> list[dict[str, Any]]:
    """A pupil's rows: ``days`` laid on the calendar school days ending at ``end``.

    With ``weekend_rows`` the weekends and holidays in between get rows too, with nothing
    scheduled (some imports send every calendar day).
    """
    specs = specs_of(days)
    dates = school_calendar(end, len(specs))
    rows = [row(child_id, day, spec) for day, spec in zip(dates, specs, strict=True)]
    if weekend_rows and dates:
        day = dates[0]
        while day <= dates[-1]:
            if not is_school_day(day):
                rows.append(row(child_id, day, (0, 0, 0)))
            day += datetime.timedelta(days=1)
    return rows


def pupil_on(child_id: int, dates: Sequence[datetime.date], spec: Spec) -> list[dict[str, Any]]:
    return [row(child_id, day, spec) for day in dates]


def row(child_id: int, day: datetime.date, spec: Spec) -> dict[str, Any]:
    scheduled, valid, invalid = spec
    return {
        "child_id": child_id,
        "date": day,
        "scheduled_minutes": scheduled,
        "valid_absence_minutes": valid,
        "invalid_absence_minutes": invalid,
    }


def spread(total: int, n: int, scheduled: int = 600) -> list[Spec]:
    """``n`` days of ``scheduled`` minutes with ``total`` excused absence minutes spread evenly."""
    q, r = divmod(total, n)
    return [(scheduled, q + (1 if i < r else 0), 0) for i in range(n)]


def frame(*pupils: list[dict[str, Any]]) -> pl.DataFrame:
    rows = [r for p in pupils for r in p]
    return pl.DataFrame(
        rows,
        schema={
            "child_id": pl.Int64,
            "date": pl.Date,
            "scheduled_minutes": pl.Int64,
            "valid_absence_minutes": pl.Int64,
            "invalid_absence_minutes": pl.Int64,
        },
        orient="row",
    )


def run(
    *pupils: list[dict[str, Any]],
    as_of: datetime.date = D,
    thresholds: Thresholds | None = None,
) -> pl.DataFrame:
    """Compute the indicators, checking on the way that the reference agrees."""
    t = thresholds or Thresholds()
    days = frame(*pupils)
    result = compute_indicators(days, as_of, t)
    assert_same(result, reference_indicators(days, as_of, t))
    return result


def assert_same(result: pl.DataFrame, expected: pl.DataFrame) -> None:
    assert result.schema == OUTPUT_SCHEMA
    assert result.drop("value").to_dicts() == expected.drop("value").to_dicts()
    assert result["value"].to_list() == pytest.approx(expected["value"].to_list(), abs=1e-12)


def found(result: pl.DataFrame, indicator: Indicator, child_id: int = 1) -> dict[str, Any] | None:
    rows = result.filter(
        (pl.col("child_id") == child_id) & (pl.col("indicator") == str(indicator))
    ).to_dicts()
    assert len(rows) <= 1
    return rows[0] if rows else None


def level(result: pl.DataFrame, indicator: Indicator, child_id: int = 1) -> int | None:
    hit = found(result, indicator, child_id)
    return None if hit is None else hit["level"]


# --------------------------------------------------------------------------------------------
# The calendar the tests stand on
# --------------------------------------------------------------------------------------------


def test_the_test_calendar_skips_weekends_and_holidays() -> None:
    w20 = school_calendar(D, 20)
    assert w20[0] == date(2025, 12, 19)
    assert date(2026, 1, 6) not in w20 and date(2026, 1, 1) not in w20
    assert all(day.weekday() < 5 for day in w20)


# --------------------------------------------------------------------------------------------
# ABSENCE_SHARE
# --------------------------------------------------------------------------------------------

SHARE_EDGES = [
    (1199, None),
    (1200, 1),  # exactly 10 % (1200 of 12000; 60 of 600 every day)
    (1201, 1),
    (2399, 1),
    (2400, 2),  # exactly 20 %
    (2401, 2),
    (5999, 2),
    (6000, 3),  # exactly 50 %
    (6001, 3),
]


@pytest.mark.parametrize(("absence", "expected"), SHARE_EDGES)
@pytest.mark.parametrize("weekend_rows", [False, True])
def test_absence_share_levels(absence: int, expected: int | None, weekend_rows: bool) -> None:
    # Five fully absent days before W20 do not count; nor do the cancelled days inside it, even
    # with minutes reported on them.
    before = [(600, 600, 0)] * 5
    w20 = spread(absence, 20)
    days = before + w20[:7] + [CODES["X"]] + w20[7:15] + [CODES["x"]] + w20[15:]
    result = run(pupil(1, days, weekend_rows=weekend_rows))
    assert level(result, Indicator.ABSENCE_SHARE) == expected
    if expected is not None:
        hit = found(result, Indicator.ABSENCE_SHARE)
        assert hit is not None
        assert hit["value"] == pytest.approx(absence / 12000)
        assert hit["window_start"] == date(2025, 12, 17)  # two cancelled days pushed it back
        assert hit["window_end"] == D


def test_absence_share_sixty_of_six_hundred_is_exactly_ten_percent() -> None:
    result = run(pupil(1, [(600, 60, 0)] * 20))
    hit = found(result, Indicator.ABSENCE_SHARE)
    assert hit is not None and hit["level"] == 1 and hit["value"] == pytest.approx(0.1)


@pytest.mark.parametrize(("school_days", "expected"), [(9, None), (10, 3), (11, 3)])
def test_absence_share_needs_ten_school_days(school_days: int, expected: int | None) -> None:
    # Cancelled days in between do not make up for missing school days.
    days = "X x " + "F." * (school_days // 2) + "F" * (school_days % 2)
    assert level(run(pupil(1, days)), Indicator.ABSENCE_SHARE) == expected


def test_absence_share_counts_invalid_and_valid_minutes() -> None:
    days = [(600, 30, 0)] * 10 + [(600, 0, 30)] * 10  # 600 of 12000 = 5 % ...
    assert level(run(pupil(1, days)), Indicator.ABSENCE_SHARE) is None
    days = [(600, 60, 0)] * 10 + [(600, 0, 60)] * 10  # ... 1200 of 12000 = 10 %
    assert level(run(pupil(1, days)), Indicator.ABSENCE_SHARE) == 1


def test_absence_share_weighs_days_by_their_scheduled_minutes() -> None:
    # 10 short days fully absent (10 × 60) and 10 long days present (10 × 540): 600 of 6000.
    days = [(60, 60, 0)] * 10 + [(540, 0, 0)] * 10
    hit = found(run(pupil(1, days)), Indicator.ABSENCE_SHARE)
    assert hit is not None and hit["level"] == 1 and hit["value"] == pytest.approx(0.1)


# --------------------------------------------------------------------------------------------
# TERM_ABSENCE_SHARE
# --------------------------------------------------------------------------------------------

#: 2026-01-30 is the 20th school day of the spring term (1 and 6 January are holidays).
SPRING_D = date(2026, 1, 30)


def test_spring_calendar() -> None:
    assert school_days_from(date(2026, 1, 1), 20)[-1] == SPRING_D


@pytest.mark.parametrize(("absence", "expected"), SHARE_EDGES)
def test_term_absence_share_levels(absence: int, expected: int | None) -> None:
    # Autumn-term days (December, all present) do not dilute the spring term's share.
    autumn = pupil_on(1, school_calendar(date(2025, 12, 23), 30), (600, 0, 0))
    spring = pupil(1, spread(absence, 20), end=SPRING_D)
    result = run(autumn, spring, as_of=SPRING_D)
    assert level(result, Indicator.TERM_ABSENCE_SHARE) == expected
    if expected is not None:
        hit = found(result, Indicator.TERM_ABSENCE_SHARE)
        assert hit is not None
        assert hit["value"] == pytest.approx(absence / 12000)
        assert (hit["window_start"], hit["window_end"]) == (date(2026, 1, 2), SPRING_D)


def test_term_absence_share_ignores_the_autumn_term_absence() -> None:
    autumn = pupil_on(1, school_calendar(date(2025, 12, 23), 30), (600, 600, 0))
    spring = pupil(1, [(600, 0, 0)] * 20, end=SPRING_D)
    assert level(run(autumn, spring, as_of=SPRING_D), Indicator.TERM_ABSENCE_SHARE) is None


@pytest.mark.parametrize(
    ("as_of", "cancelled", "expected"),
    [
        (date(2026, 1, 29), False, None),  # 19 spring school days
        (SPRING_D, False, 3),  # 20
        (date(2026, 2, 2), False, 3),  # 21 (over a weekend)
        # With 15 January cancelled, 20 school days are only reached on 2 February.
        (SPRING_D, True, None),
        (date(2026, 2, 2), True, 3),
    ],
)
def test_term_absence_share_needs_twenty_school_days(
    as_of: datetime.date, cancelled: bool, expected: int | None
) -> None:
    spring = pupil(1, "F" * 21, end=date(2026, 2, 2))
    if cancelled:
        spring = [r for r in spring if r["date"] != date(2026, 1, 15)]
        spring += pupil_on(1, [date(2026, 1, 15)], CODES["X"])
    spring += pupil_on(1, [date(2026, 1, 1), date(2026, 1, 6)], (0, 0, 0))  # holidays, as rows
    assert level(run(spring, as_of=as_of), Indicator.TERM_ABSENCE_SHARE) == expected


@pytest.mark.parametrize(
    ("as_of", "start"),
    [
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 7, 31), date(2026, 1, 1)),
        (date(2026, 8, 1), date(2026, 8, 1)),
        (date(2025, 12, 31), date(2025, 8, 1)),
    ],
)
def test_term_start(as_of: datetime.date, start: datetime.date) -> None:
    assert term_start(as_of) == start


def test_autumn_term_starts_on_the_first_of_august() -> None:
    # 2026-07-31 is a Friday with summer school (fully absent): it belongs to the spring term.
    # From 3 August (1 August is a Saturday) 20 school days at exactly 10 % absence.
    july = pupil_on(1, [date(2026, 7, 30), date(2026, 7, 31)], (600, 600, 0))
    august = pupil_on(1, school_days_from(date(2026, 8, 1), 20), (600, 60, 0))
    as_of = date(2026, 8, 28)
    result = run(july, august, as_of=as_of)
    hit = found(result, Indicator.TERM_ABSENCE_SHARE)
    assert hit is not None and hit["level"] == 1 and hit["value"] == pytest.approx(0.1)
    assert (hit["window_start"], hit["window_end"]) == (date(2026, 8, 3), as_of)
    # On 31 July the spring term is current: the August days are in the future.
    assert found(run(july, august, as_of=date(2026, 7, 31)), Indicator.TERM_ABSENCE_SHARE) is None


def test_a_school_day_on_the_first_of_august_is_in_the_autumn_term() -> None:
    # 1 August 2025 is a Friday; 31 July (fully absent) is in the spring term.
    days = school_days_from(date(2025, 8, 1), 20)
    assert days[0] == date(2025, 8, 1)
    july = pupil_on(1, [date(2025, 7, 31)], (600, 600, 0))
    first = pupil_on(1, days[:1], (600, 600, 0))
    rest = pupil(1, spread(600, 19), end=days[-1])  # 600 + 600 of 12000: exactly 10 %
    hit = found(run(july, first, rest, as_of=days[-1]), Indicator.TERM_ABSENCE_SHARE)
    assert hit is not None and hit["level"] == 1 and hit["value"] == pytest.approx(0.1)
    assert hit["window_start"] == date(2025, 8, 1)


# --------------------------------------------------------------------------------------------
# LONG_ABSENCE
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run_length", "expected"),
    [(4, None), (5, 2), (6, 2), (14, 2), (15, 3), (16, 3)],
)
def test_long_absence_levels(run_length: int, expected: int | None) -> None:
    # The run ends on D and goes back over weekends, Epiphany, New Year and a cancelled day.
    days = "." * (20 - run_length) + "F" * (run_length - 1) + "X" + "F"
    result = run(pupil(1, days))
    assert level(result, Indicator.LONG_ABSENCE) == expected
    hit = found(result, Indicator.LONG_ABSENCE)
    if hit is not None:
        assert hit["value"] == run_length
        assert (hit["window_start"], hit["window_end"]) == (date(2025, 12, 18), D)


@pytest.mark.parametrize(
    ("day", "expected"),
    [("8", None), ("9", 2), ("F", 2), ("U", 2)],
)
def test_long_absence_full_day_edge(day: str, expected: int | None) -> None:
    # 269 of 300 minutes (just below 90 %) breaks the run; 270 (exactly 90 %) and more do not.
    days = "." * 10 + "FF" + day + "FF" + "." * 5
    assert level(run(pupil(1, days)), Indicator.LONG_ABSENCE) == expected


def test_long_absence_takes_the_longest_run() -> None:
    days = "FFFF.FFFFF.FFF." + "....."
    hit = found(run(pupil(1, days)), Indicator.LONG_ABSENCE)
    assert hit is not None and hit["value"] == 5 and hit["level"] == 2


@pytest.mark.parametrize(("inside", "expected"), [(4, None), (5, 2)])
def test_long_absence_run_cut_at_the_window_start(inside: int, expected: int | None) -> None:
    # A run of 10 full days of which only ``inside`` are among the last 20 school days.
    days = "F" * (10 - inside) + "F" * inside + "." * (20 - inside)
    hit = found(run(pupil(1, days)), Indicator.LONG_ABSENCE)
    assert (None if hit is None else hit["level"]) == expected
    assert hit is None or hit["value"] == inside


def test_long_absence_needs_no_minimum_of_school_days() -> None:
    assert level(run(pupil(1, "FFFFF")), Indicator.LONG_ABSENCE) == 2


# --------------------------------------------------------------------------------------------
# REPEATED_ABSENCE
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("occasions", "expected"),
    [(3, None), (4, 1), (5, 1), (6, 2), (7, 2)],
)
def test_repeated_absence_levels(occasions: int, expected: int | None) -> None:
    # Occasions of one or two absence days (partial or full), each followed by a present day.
    kinds = ["a", "FF", "u", "8a", "9", "a", "F"]
    days = "".join(kind + "." for kind in kinds[:occasions])
    days = "." * (20 - len(days)) + days
    result = run(pupil(1, days))
    assert level(result, Indicator.REPEATED_ABSENCE) == expected
    hit = found(result, Indicator.REPEATED_ABSENCE)
    assert hit is None or hit["value"] == occasions


def test_repeated_absence_occasions_run_over_weekends_holidays_and_cancellations() -> None:
    assert school_calendar(D, 20)[2:8] == [
        date(2025, 12, 23),
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2026, 1, 2),
        date(2026, 1, 5),
        date(2026, 1, 7),
    ]
    # 23 Dec .. 7 Jan are consecutive school days over Christmas, New Year, a weekend and
    # Epiphany, so one occasion. Fri 9 + Mon 12 Jan: one occasion over a weekend. Then two
    # single days: 4 occasions.
    days = ".." + "aaaaaa" + "." + "aa" + "." + "a." + "a." + "...."
    hit = found(run(pupil(1, days)), Indicator.REPEATED_ABSENCE)
    assert hit is not None and hit["value"] == 4 and hit["level"] == 1


@pytest.mark.parametrize(("between", "expected"), [("X", None), ("x", None), (".", 1)])
def test_repeated_absence_cancelled_day_does_not_split_an_occasion(
    between: str, expected: int | None
) -> None:
    # A cancelled day between two absence days leaves one occasion (3 in all); a present day
    # splits it (4 in all).
    days = ".a." + "a" + between + "a" + "." + "a." + "." * 10
    assert level(run(pupil(1, days)), Indicator.REPEATED_ABSENCE) == expected


@pytest.mark.parametrize(("crossing", "expected"), [(False, None), (True, 1)])
def test_repeated_absence_run_crossing_the_window_start_counts_once(
    crossing: bool, expected: int | None
) -> None:
    # Three occasions well inside W20; one more either crossing W20's start (a run of four full
    # days, the last of them W20's first day: counted once) or ending just before it.
    first = "F" if crossing else "."
    days = "FFF" + first + "." + "a." * 3 + "." * 12
    hit = found(run(pupil(1, days)), Indicator.REPEATED_ABSENCE)
    assert (None if hit is None else hit["level"]) == expected
    assert hit is None or hit["value"] == 4


def test_repeated_absence_occasions_before_the_window_do_not_count() -> None:
    days = "a.a.a." + "a." * 3 + "." * 14
    assert level(run(pupil(1, days)), Indicator.REPEATED_ABSENCE) is None


# --------------------------------------------------------------------------------------------
# UNEXCUSED_REPEATED
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("unexcused", "expected"), [(2, None), (3, 2), (4, 2)])
def test_unexcused_repeated_levels(unexcused: int, expected: int | None) -> None:
    # One unexcused minute makes an unexcused day; the unexcused days before W20 and on
    # cancelled days do not count.
    days = "uuu" + "." * (20 - unexcused) + "uX" * unexcused
    result = run(pupil(1, days))
    assert level(result, Indicator.UNEXCUSED_REPEATED) == expected
    hit = found(result, Indicator.UNEXCUSED_REPEATED)
    assert hit is None or hit["value"] == unexcused


def test_unexcused_repeated_counts_days_not_occasions() -> None:
    assert level(run(pupil(1, "." * 17 + "UUU")), Indicator.UNEXCUSED_REPEATED) == 2


# --------------------------------------------------------------------------------------------
# RISING_TREND
# --------------------------------------------------------------------------------------------

#: A Friday with 60 school days behind it reaching back into the autumn term.
TREND_D = date(2026, 3, 27)


def trend_pupil(prior_absence: int, w20_absence: int, *, older: int = 0) -> list[dict[str, Any]]:
    """``older`` days before, then 40 prior days, then W20; 600 scheduled minutes a day."""
    return pupil(
        1,
        [(600, 600, 0)] * older + spread(prior_absence, 40) + spread(w20_absence, 20),
        end=TREND_D,
    )


@pytest.mark.parametrize(
    ("prior", "w20", "expected"),
    [
        # Prior share 10 % (2400 of 24000): W20 must reach 20 % (2400 of 12000).
        (2400, 2399, None),
        (2400, 2400, 1),
        (2400, 2401, 1),
        # Prior share 0: the 5-point rule decides, 5 % = 600 of 12000.
        (0, 599, None),
        (0, 600, 1),
        (0, 601, 1),
        # Prior 4 % (960): 8 % (960) doubles it but is only 4 points higher; 9 % is 5 points.
        (960, 960, None),
        (960, 1079, None),
        (960, 1080, 1),
        (960, 1081, 1),
        # Prior 10 %: 16 % is 6 points higher but not double.
        (2400, 1920, None),
    ],
)
def test_rising_trend_edges(prior: int, w20: int, expected: int | None) -> None:
    result = run(trend_pupil(prior, w20, older=3), as_of=TREND_D)
    assert level(result, Indicator.RISING_TREND) == expected
    hit = found(result, Indicator.RISING_TREND)
    if hit is not None:
        assert hit["value"] == pytest.approx(w20 / 12000 - prior / 24000)
        assert hit["window_start"] == school_calendar(TREND_D, 20)[0]
        assert hit["window_end"] == TREND_D


@pytest.mark.parametrize(("school_days", "expected"), [(59, None), (60, 1), (61, 1)])
def test_rising_trend_needs_sixty_school_days(school_days: int, expected: int | None) -> None:
    days = [(600, 0, 0)] * (school_days - 20) + [(600, 600, 0)] * 20
    # Cancelled days and the Christmas break inside do not count.
    days = [*days[:10], CODES["X"], CODES["x"], *days[10:]]
    result = run(pupil(1, days, end=TREND_D, weekend_rows=True), as_of=TREND_D)
    assert level(result, Indicator.RISING_TREND) == expected


def test_rising_trend_prior_window_is_the_forty_days_before_w20() -> None:
    # W20 at 7 % (840 of 12000). A full absence day 61 school days back is outside the prior
    # window: prior share 0, rising. On the 60th day back it is inside: prior share 2.5 %,
    # 7 % is more than double but only 4.5 points higher.
    present, absent = (600, 0, 0), (600, 600, 0)
    outside = [absent] + [present] * 40 + spread(840, 20)
    inside = [present, absent] + [present] * 39 + spread(840, 20)
    assert level(run(pupil(1, outside, end=TREND_D), as_of=TREND_D), Indicator.RISING_TREND) == 1
    assert level(run(pupil(1, inside, end=TREND_D), as_of=TREND_D), Indicator.RISING_TREND) is None


# --------------------------------------------------------------------------------------------
# UNEXCUSED_TODAY
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("invalid", "expected"), [(0, None), (1, 0), (2, 0), (S, 0)])
def test_unexcused_today(invalid: int, expected: int | None) -> None:
    result = run(pupil(1, [*specs_of("." * 9), (S, 0, invalid)]))
    hit = found(result, Indicator.UNEXCUSED_TODAY)
    assert (None if hit is None else hit["level"]) == expected
    if hit is not None:
        assert hit["level"] == 0  # a duty, not a risk level
        assert hit["value"] == invalid
        assert hit["window_start"] == hit["window_end"] == D


def test_unexcused_today_not_when_only_excused() -> None:
    assert found(run(pupil(1, "....F")), Indicator.UNEXCUSED_TODAY) is None


def test_unexcused_today_not_on_a_weekend() -> None:
    saturday = date(2026, 1, 24)
    friday = pupil(1, "....U")  # unexcused on Friday D
    weekend_row = pupil_on(1, [saturday], (0, 0, 60))  # minutes reported on Saturday anyway
    result = run(friday, weekend_row, as_of=saturday)
    assert found(result, Indicator.UNEXCUSED_TODAY) is None
    assert found(run(friday, as_of=D), Indicator.UNEXCUSED_TODAY) is not None


def test_unexcused_today_not_on_a_holiday_or_a_cancelled_day() -> None:
    epiphany = date(2026, 1, 6)
    rows = pupil(1, "....U", end=date(2026, 1, 5)) + pupil_on(1, [epiphany], (0, 0, 60))
    assert found(run(rows, as_of=epiphany), Indicator.UNEXCUSED_TODAY) is None
    rows = pupil(1, "....UX")  # D itself cancelled, with minutes reported
    assert found(run(rows), Indicator.UNEXCUSED_TODAY) is None


# --------------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------------


def test_default_thresholds() -> None:
    t = Thresholds()
    assert t.share_levels == (0.10, 0.20, 0.50)
    assert (t.share_min_days, t.term_min_days, t.window_days) == (10, 20, 20)
    assert (t.long_absence_levels, t.repeated_levels) == ((5, 15), (4, 6))
    assert t.unexcused_repeated_level2 == 3
    assert t.full_day_fraction == 0.90
    assert (t.trend_min_days, t.trend_prior_days, t.trend_ratio) == (60, 40, 2.0)
    assert t.trend_min_points == 0.05


def test_custom_share_levels() -> None:
    days = spread(600, 20)  # 5 %
    assert level(run(pupil(1, days)), Indicator.ABSENCE_SHARE) is None
    lower = Thresholds(share_levels=(0.05, 0.20, 0.50))
    assert level(run(pupil(1, days), thresholds=lower), Indicator.ABSENCE_SHARE) == 1


def test_custom_window_and_minimum_days() -> None:
    days = "." * 10 + "a" * 10  # the last 10 days at 10 %, the 10 before them present
    assert level(run(pupil(1, days)), Indicator.ABSENCE_SHARE) is None  # 5 % over W20
    short = Thresholds(window_days=10)
    assert level(run(pupil(1, days), thresholds=short), Indicator.ABSENCE_SHARE) == 1
    too_few = Thresholds(window_days=10, share_min_days=11)
    assert level(run(pupil(1, days), thresholds=too_few), Indicator.ABSENCE_SHARE) is None


def test_custom_count_levels() -> None:
    t = Thresholds(long_absence_levels=(3, 4), repeated_levels=(2, 3), unexcused_repeated_level2=1)
    result = run(pupil(1, "." * 10 + "FFFF." + "u." + "a.."), thresholds=t)
    assert level(result, Indicator.LONG_ABSENCE) == 3
    assert level(result, Indicator.REPEATED_ABSENCE) == 2
    assert level(result, Indicator.UNEXCUSED_REPEATED) == 2
    assert level(run(pupil(1, "." * 10 + "FFFF." + "u." + "a..")), Indicator.LONG_ABSENCE) is None


def test_custom_full_day_fraction() -> None:
    days = "." * 10 + "88888" + "." * 5
    assert level(run(pupil(1, days)), Indicator.LONG_ABSENCE) is None
    lenient = Thresholds(full_day_fraction=Fraction(269, 300))
    assert level(run(pupil(1, days), thresholds=lenient), Indicator.LONG_ABSENCE) == 2


def test_custom_trend() -> None:
    days = trend_pupil(2400, 1920)  # 10 % → 16 %
    assert level(run(days, as_of=TREND_D), Indicator.RISING_TREND) is None
    t = Thresholds(trend_ratio=1.5, trend_min_points=0.06)
    assert level(run(days, as_of=TREND_D, thresholds=t), Indicator.RISING_TREND) == 1
    t = Thresholds(trend_ratio=1.5, trend_min_points=Decimal("0.0601"))
    assert level(run(days, as_of=TREND_D, thresholds=t), Indicator.RISING_TREND) is None
    # A shorter history suffices with shorter windows.
    t = Thresholds(window_days=5, trend_prior_days=5, trend_min_days=10)
    assert level(run(pupil(1, "." * 5 + "a" * 5 + "F"), thresholds=t), Indicator.RISING_TREND) == 1


def test_thresholds_as_fractions_are_compared_exactly() -> None:
    # 0.07 × 12000 is 840.0000000000001 in floating point; 840 of 12000 is exactly 7 %.
    assert 0.07 * 12000 > 840
    days = spread(840, 20)
    for seven in (0.07, Decimal("0.07"), Fraction(7, 100)):
        t = Thresholds(share_levels=(seven, 0.2, 0.5))
        assert level(run(pupil(1, days), thresholds=t), Indicator.ABSENCE_SHARE) == 1
    t = Thresholds(share_levels=(0.07, 0.2, 0.5))
    assert level(run(pupil(1, spread(839, 20)), thresholds=t), Indicator.ABSENCE_SHARE) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"share_levels": (0.2, 0.1, 0.5)},
        {"long_absence_levels": (15, 5)},
        {"repeated_levels": (0, 6)},
        {"window_days": 0},
        {"full_day_fraction": -0.1},
        {"trend_min_points": Fraction(1, 10**10)},
    ],
)
def test_thresholds_are_validated(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Thresholds(**kwargs)


def test_thresholds_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Thresholds().window_days = 10  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Input and output
# --------------------------------------------------------------------------------------------


def test_output_schema_and_order_for_several_pupils() -> None:
    result = run(
        pupil(7, "." * 15 + "UUUUU"),
        pupil(3, "a." * 10),  # 5 %: no share indicator, but 10 occasions
        pupil(5, "." * 20),  # nothing at all
    )
    assert result.schema == OUTPUT_SCHEMA
    assert result.select("child_id", "indicator", "level").rows() == [
        (3, "repeated_absence", 2),
        (7, "absence_share", 2),
        (7, "long_absence", 2),
        (7, "unexcused_repeated", 2),
        (7, "unexcused_today", 0),
    ]


def test_empty_input() -> None:
    result = compute_indicators(frame(), D)
    assert result.schema == OUTPUT_SCHEMA and result.height == 0
    assert_same(result, reference_indicators(frame(), D))


def test_days_after_as_of_are_ignored() -> None:
    rows = pupil(1, "." * 20) + pupil(1, "F" * 10, end=date(2026, 2, 6))
    assert run(rows).height == 0


def test_pupil_with_no_school_days_has_no_indicators() -> None:
    assert run(pupil(1, "XXXXX")).height == 0


def test_input_order_types_and_extra_columns_do_not_matter() -> None:
    days = frame(pupil(2, "." * 15 + "UUUUU"), pupil(1, "a." * 12 + "FFFFFFFF"))
    expected = compute_indicators(days, D)
    assert expected.height > 0
    shuffled = days.sample(fraction=1.0, shuffle=True, seed=1).with_columns(
        pl.col("child_id").cast(pl.Int32),
        pl.col("scheduled_minutes", "valid_absence_minutes").cast(pl.Int16),
        school=pl.lit("Storskolan"),
    )
    assert_same(compute_indicators(shuffled, D), expected)


def test_duplicate_pupil_days_are_added_together() -> None:
    single = frame(pupil(1, [(600, 30, 30)] * 20))
    doubled = frame(pupil(1, [(300, 30, 0)] * 20), pupil(1, [(300, 0, 30)] * 20))
    result = compute_indicators(doubled, D)
    assert level(result, Indicator.ABSENCE_SHARE) == 1
    assert_same(result, compute_indicators(single, D))
    assert_same(result, reference_indicators(doubled, D))


def test_null_minutes_count_as_zero_and_null_keys_are_ignored() -> None:
    days = frame(pupil(1, "a" * 20)).with_columns(
        invalid_absence_minutes=pl.lit(None, dtype=pl.Int64)
    )
    days = pl.concat([days, days.head(1).with_columns(child_id=pl.lit(None, dtype=pl.Int64))])
    result = compute_indicators(days, D)
    assert level(result, Indicator.ABSENCE_SHARE) == 1
    assert_same(result, reference_indicators(days, D))


def test_huge_child_ids_and_old_dates_take_the_two_column_sort() -> None:
    rows = pupil(2**50, "." * 15 + "FFFFF") + pupil(-(2**50), "a." * 10)
    result = run(rows)
    assert level(result, Indicator.LONG_ABSENCE, 2**50) == 2
    assert level(result, Indicator.REPEATED_ABSENCE, -(2**50)) == 2
    old = run(pupil(1, "." * 15 + "FFFFF", end=date(1, 3, 1)), as_of=date(1, 3, 1))
    assert level(old, Indicator.LONG_ABSENCE) == 2


def test_indicator_values() -> None:
    assert [str(i) for i in Indicator] == [
        "absence_share",
        "term_absence_share",
        "long_absence",
        "repeated_absence",
        "unexcused_repeated",
        "rising_trend",
        "unexcused_today",
    ]


def test_runs_do_not_leak_from_one_pupil_to_the_next() -> None:
    # Pupil 1 ends on an absence day and pupil 2's W20 starts with one: pupil 2 still has four
    # occasions, and pupil 1's full days do not lengthen pupil 2's run.
    result = run(pupil(1, "." * 17 + "FFF"), pupil(2, "FF" + "." + "a." * 3 + "." * 11))
    assert level(result, Indicator.REPEATED_ABSENCE, 2) == 1
    assert found(result, Indicator.LONG_ABSENCE, 1) is None
    assert found(result, Indicator.LONG_ABSENCE, 2) is None
