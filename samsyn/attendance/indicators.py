"""Attendance indicators: a pure, vectorised computation over pupil-days.

This module knows nothing about the database. It takes a Polars frame of *pupil-days* and an
as-of date ``D`` and says which attendance indicators are in effect for which pupil on ``D``.

Input
-----
One row per pupil and day with at least these columns (any others are ignored):

``child_id`` (integer), ``date`` (Date), ``scheduled_minutes``, ``valid_absence_minutes``,
``invalid_absence_minutes`` (integers).

Null minutes count as 0; rows with a null ``child_id`` or ``date`` are ignored. Should a pupil
have several rows for one date they are added together into one pupil-day.

Definitions
-----------
For a pupil and an as-of date ``D``:

* a *school day* is a date ``<= D`` on which the pupil has ``scheduled_minutes > 0``; days missing
  from the frame (weekends, holidays) and days with nothing scheduled (cancelled lessons) are not
  school days;
* *absence* = valid + invalid absence minutes;
* *W20* = the pupil's last ``window_days`` (20) school days up to ``D``;
* the *absence share* over some days = their absence minutes / their scheduled minutes;
* an *absence day* has absence > 0; a *full absence day* has absence >= ``full_day_fraction``
  (90 %) of that day's scheduled minutes; an *unexcused day* has invalid minutes > 0;
* *consecutive* means consecutive in the pupil's own sequence of school days (a weekend, a
  holiday or a cancelled day between two absence days does not break a run).

Indicators (levels with the default :class:`Thresholds`):

``ABSENCE_SHARE``
    share over W20, if W20 holds >= 10 school days: level 1 at >= 10 %, 2 at >= 20 %,
    3 at >= 50 %. ``value`` = the share (a fraction, 0.1 = 10 %).
``TERM_ABSENCE_SHARE``
    share over the pupil's school days of the current term up to ``D`` (autumn term 1 Aug–31 Dec,
    spring term 1 Jan–31 Jul), if there are >= 20 of them; same levels. ``value`` = the share.
``LONG_ABSENCE``
    the longest run of consecutive full absence days within W20: level 2 at >= 5, level 3 at
    >= 15 (there is no level 1). ``value`` = the run length.
``REPEATED_ABSENCE``
    the number of absence occasions within W20, an occasion being a maximal run of consecutive
    absence days (runs are cut at W20's start): level 1 at >= 4, level 2 at >= 6.
    ``value`` = the number of occasions.
``UNEXCUSED_REPEATED``
    the number of unexcused days within W20: level 2 at >= 3 (no level 1).
    ``value`` = the number of unexcused days.
``RISING_TREND``
    if the pupil has >= 60 school days up to ``D``: the share over W20 against the share over the
    40 school days before W20 (the *prior* window). Level 1 when the W20 share is >= 2 × the prior
    share **and** at least 5 percentage points above it. With a prior share of 0 the ratio rule
    always holds, so the 5-point rule decides. ``value`` = W20 share − prior share (a fraction:
    0.07 = 7 percentage points); ``window_start``/``window_end`` are W20's.
``UNEXCUSED_TODAY``
    ``D`` is a school day for the pupil and the pupil has invalid minutes on it. This is a *duty*
    (the school must act on the unexcused absence today), not a risk level, so it is reported with
    ``level`` **0**. ``value`` = the invalid minutes on ``D``; the window is ``D``–``D``.

Output
------
One row per pupil and indicator in effect (level >= 1, or level 0 for ``UNEXCUSED_TODAY``):
``child_id`` Int64, ``indicator`` String (an :class:`Indicator` value), ``level`` Int8,
``value`` Float64, ``window_start`` Date, ``window_end`` Date (the first and last school day of
the window the value was computed over). Rows are ordered by ``child_id``, then in the order of
:class:`Indicator`.

Exact thresholds
----------------
Share thresholds are given as fractions (``0.10``) but compared exactly, never in floating point:
each threshold is turned into a :class:`fractions.Fraction` through its shortest decimal text
(``Fraction(str(0.1)) == Fraction(1, 10)``, not the binary approximation of 0.1; a
:class:`~decimal.Decimal` or :class:`~fractions.Fraction` is taken as it is), and
``absence / scheduled >= p / q`` is evaluated as ``absence * q >= p * scheduled`` in 128-bit
integers. So 60 absence minutes of 600 scheduled is exactly 10 % and reaches level 1, and 59 of
600 does not. The same holds for the full-day fraction and both trend rules. Only ``value`` is a
float, for display.

Speed
-----
Everything is a handful of Polars expressions: one sort on a single Int64 (pupil, date) key
(skipped when the days already come sorted), the school days numbered from the end of each
pupil's run of rows, ``group_by`` on the sorted ``child_id`` (Polars' fast path) and run
detection with ``rle_id``/``shift``; nothing loops over pupils in Python. On 50,000 pupils ×
180 days (9 million rows) with two threads it took about 1.5 s with the days sorted by pupil and
date and about 4 s shuffled (on a busy machine). :func:`reference_indicators` is a plain per-pupil
Python implementation of the same definitions, used by the tests to cross-check this one.

The signals of a whole municipality do not go through the days: a compiled loop computes the
same per-pupil figures straight from the stored months (``selectors.recent_figures``, ADR 9)
and :func:`indicators_from_figures` applies the thresholds, exactly as here. The tests hold
that loop to :func:`compute_indicators`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

import polars as pl

__all__ = [
    "INPUT_MINUTES",
    "OUTPUT_SCHEMA",
    "Indicator",
    "Thresholds",
    "compute_indicators",
    "exact",
    "indicators_from_figures",
    "reference_indicators",
    "term_start",
]

#: A threshold expressed as a fraction of the scheduled time (0.10 = 10 %).
Ratio = float | Decimal | Fraction

#: The largest denominator a threshold may have once made exact (0.123456 is 15432/125000).
MAX_DENOMINATOR = 10**9


class Indicator(StrEnum):
    """The attendance indicators, in the order they are reported."""

    ABSENCE_SHARE = "absence_share"
    TERM_ABSENCE_SHARE = "term_absence_share"
    LONG_ABSENCE = "long_absence"
    REPEATED_ABSENCE = "repeated_absence"
    UNEXCUSED_REPEATED = "unexcused_repeated"
    RISING_TREND = "rising_trend"
    UNEXCUSED_TODAY = "unexcused_today"


OUTPUT_SCHEMA = pl.Schema(
    {
        "child_id": pl.Int64(),
        "indicator": pl.String(),
        "level": pl.Int8(),
        "value": pl.Float64(),
        "window_start": pl.Date(),
        "window_end": pl.Date(),
    }
)

INPUT_MINUTES = ("scheduled_minutes", "valid_absence_minutes", "invalid_absence_minutes")


def exact(ratio: Ratio) -> Fraction:
    """``ratio`` as an exact fraction: a float through its shortest decimal text (0.1 → 1/10)."""
    if isinstance(ratio, Fraction):
        return ratio
    if isinstance(ratio, Decimal):
        return Fraction(ratio)
    return Fraction(str(ratio))


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the indicators; each municipality may configure its own.

    Shares and fractions (``share_levels``, ``full_day_fraction``, ``trend_min_points``) are
    fractions of the scheduled time, e.g. ``0.10`` for 10 %; they are compared exactly (see the
    module's documentation). Counts are school days or occasions.
    """

    #: ABSENCE_SHARE and TERM_ABSENCE_SHARE: the share giving level 1, 2 and 3.
    share_levels: tuple[Ratio, Ratio, Ratio] = (0.10, 0.20, 0.50)
    #: ABSENCE_SHARE: the fewest school days W20 must hold.
    share_min_days: int = 10
    #: TERM_ABSENCE_SHARE: the fewest school days of the term up to D.
    term_min_days: int = 20
    #: LONG_ABSENCE: the run of full absence days giving level 2 and 3.
    long_absence_levels: tuple[int, int] = (5, 15)
    #: REPEATED_ABSENCE: the number of absence occasions giving level 1 and 2.
    repeated_levels: tuple[int, int] = (4, 6)
    #: UNEXCUSED_REPEATED: the number of unexcused days giving level 2.
    unexcused_repeated_level2: int = 3
    #: A full absence day has absence >= this fraction of the day's scheduled minutes.
    full_day_fraction: Ratio = 0.90
    #: The length of W20, the recent window, in school days.
    window_days: int = 20
    #: RISING_TREND: the fewest school days up to D.
    trend_min_days: int = 60
    #: RISING_TREND: the length of the prior window just before W20, in school days.
    trend_prior_days: int = 40
    #: RISING_TREND: the W20 share must be at least this many times the prior share ...
    trend_ratio: Ratio = 2.0
    #: ... and at least this much higher (0.05 = 5 percentage points).
    trend_min_points: Ratio = 0.05

    def __post_init__(self) -> None:
        ratios = [*self.share_levels, self.full_day_fraction, self.trend_ratio]
        ratios.append(self.trend_min_points)
        for ratio in ratios:
            value = exact(ratio)
            if value < 0 or value.denominator > MAX_DENOMINATOR:
                raise ValueError(f"threshold {ratio!r} must be >= 0 with a small denominator")
        for levels in (self.share_levels, self.long_absence_levels, self.repeated_levels):
            if list(levels) != sorted(levels, key=exact):
                raise ValueError(f"threshold levels {levels!r} must be in ascending order")
        counts = [
            *self.long_absence_levels,
            *self.repeated_levels,
            self.unexcused_repeated_level2,
            self.window_days,
            self.trend_prior_days,
        ]
        if any(count < 1 for count in counts):
            raise ValueError("count thresholds and window lengths must be at least 1")


def term_start(as_of: datetime.date) -> datetime.date:
    """The first day of the term holding ``as_of``: 1 August (autumn) or 1 January (spring)."""
    return datetime.date(as_of.year, 8 if as_of.month >= 8 else 1, 1)


# --------------------------------------------------------------------------------------------
# The Polars implementation
# --------------------------------------------------------------------------------------------

_I128 = pl.Int128()


def _int(value: int) -> pl.Expr:
    return pl.lit(value, dtype=_I128)


def _at_least(part: pl.Expr, whole: pl.Expr, ratio: Ratio) -> pl.Expr:
    """``part / whole >= ratio`` exactly, for integer expressions and ``whole > 0``."""
    frac = exact(ratio)
    return part.cast(_I128) * _int(frac.denominator) >= whole.cast(_I128) * _int(frac.numerator)


def _count_level(value: pl.Expr, levels: tuple[int, ...], first_level: int) -> pl.Expr:
    """The level reached by a count: ``first_level`` at ``levels[0]``, one more per next level."""
    reached = pl.sum_horizontal([(value >= limit).cast(pl.Int8) for limit in levels])
    return pl.when(reached > 0).then(reached + (first_level - 1)).otherwise(0).cast(pl.Int8)


def _share_level(part: pl.Expr, whole: pl.Expr, levels: tuple[Ratio, ...]) -> pl.Expr:
    return pl.sum_horizontal([_at_least(part, whole, level).cast(pl.Int8) for level in levels])


# Sorting on one Int64 key (pupil, date) is much faster than on two columns. The key is
# ``child_id * 2**20 + (days since 1970 + 2**19)``, exact for |child_id| < 2**42 and dates
# within 1435 years of 1970; outside that range the frame is sorted on both columns instead.
_KEY_DATE_OFFSET = 1 << 19
_KEY_CHILD_LIMIT = 1 << 42


def _sort_key(frame: pl.DataFrame) -> pl.Expr | None:
    """A single sortable key for (child_id, date), or None if the values do not fit one."""
    bounds = frame.select(
        lo=pl.col("child_id").min(),
        hi=pl.col("child_id").max(),
        first=pl.col("date").min().cast(pl.Int64),
        last=pl.col("date").max().cast(pl.Int64),
    ).row(0)
    lo, hi, first, last = bounds
    if lo is None or not (
        lo > -_KEY_CHILD_LIMIT
        and hi < _KEY_CHILD_LIMIT
        and first >= -_KEY_DATE_OFFSET
        and last < _KEY_DATE_OFFSET
    ):
        return None
    days = pl.col("date").cast(pl.Int64) + _KEY_DATE_OFFSET
    return pl.col("child_id") * (2 * _KEY_DATE_OFFSET) + days


def _school_days(days: pl.DataFrame, as_of: datetime.date) -> pl.DataFrame:
    """The school days up to ``as_of``, one row per pupil-day, sorted, numbered from the end.

    ``rn`` is 1 on the pupil's last school day up to ``as_of``, 2 on the one before, and so on.
    """
    minutes = [pl.col(name).cast(pl.Int64).fill_null(0).alias(name) for name in INPUT_MINUTES]
    frame = days.select(
        pl.col("child_id").cast(pl.Int64), pl.col("date").cast(pl.Date), *minutes
    ).filter(
        pl.col("child_id").is_not_null(),
        pl.col("date").is_not_null(),
        pl.col("date") <= as_of,
    )
    key = _sort_key(frame)
    if key is None:
        frame = frame.sort("child_id", "date")
    elif not frame.select(key.diff().fill_null(1).min() > 0).item():
        # Not already sorted (the database usually hands the days over sorted).
        frame = frame.sort(key)
    same_day = (pl.col("child_id") == pl.col("child_id").shift(1)) & (
        pl.col("date") == pl.col("date").shift(1)
    )
    if frame.select(same_day.any()).item():
        # Pupil-days are expected to be unique; only if they are not, add them together.
        frame = frame.group_by("child_id", "date", maintain_order=True).agg(
            pl.col(INPUT_MINUTES).sum()
        )
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    is_last = (pl.col("child_id") != pl.col("child_id").shift(-1)).fill_null(True)
    return (
        frame.filter(pl.col("scheduled_minutes") > 0)
        .select(
            pl.col("child_id").set_sorted(),
            "date",
            sched=pl.col("scheduled_minutes"),
            absence=pl.col("valid_absence_minutes") + pl.col("invalid_absence_minutes"),
            invalid=pl.col("invalid_absence_minutes"),
        )
        .with_columns(rn=pl.when(is_last).then(index).otherwise(None).backward_fill() - index + 1)
    )


def compute_indicators(
    days: pl.DataFrame,
    as_of: datetime.date,
    thresholds: Thresholds = Thresholds(),
) -> pl.DataFrame:
    """The indicators in effect on ``as_of`` for every pupil in ``days`` (see the module doc)."""
    t = thresholds
    base = _school_days(days, as_of)
    window = pl.col("rn") <= t.window_days
    prior = (pl.col("rn") > t.window_days) & (pl.col("rn") <= t.window_days + t.trend_prior_days)
    in_term = pl.col("date") >= term_start(as_of)
    today = pl.col("date") == as_of

    # ``child_id`` is sorted, so these group-bys take Polars' fast path for sorted keys.
    stats = base.group_by("child_id").agg(
        n_days=pl.len(),
        w_days=window.sum(),
        w_sched=pl.col("sched").filter(window).sum(),
        w_absence=pl.col("absence").filter(window).sum(),
        w_start=pl.col("date").filter(window).min(),
        w_end=pl.col("date").max(),
        w_unexcused=(window & (pl.col("invalid") > 0)).sum(),
        t_days=in_term.sum(),
        t_sched=pl.col("sched").filter(in_term).sum(),
        t_absence=pl.col("absence").filter(in_term).sum(),
        t_start=pl.col("date").filter(in_term).min(),
        p_days=prior.sum(),
        p_sched=pl.col("sched").filter(prior).sum(),
        p_absence=pl.col("absence").filter(prior).sum(),
        today_invalid=pl.col("invalid").filter(today).sum(),
    )

    # Runs within W20: the frame is sorted by pupil and date, so consecutive school days of a
    # pupil are consecutive rows, and a run is a stretch of rows with the same (pupil, flag).
    recent = base.filter(window).with_columns(
        full=_at_least(pl.col("absence"), pl.col("sched"), t.full_day_fraction),
        absent=pl.col("absence") > 0,
    )
    longest = (
        recent.with_columns(run=pl.struct("child_id", "full").rle_id())
        .filter(pl.col("full"))
        .group_by("child_id", "run")
        .agg(length=pl.len())
        .group_by("child_id")
        .agg(longest=pl.col("length").max())
    )
    starts_occasion = pl.col("absent") & ~(
        (pl.col("child_id") == pl.col("child_id").shift(1))
        & pl.col("absent").shift(1).fill_null(False)
    ).fill_null(False)
    occasions = recent.filter(starts_occasion).group_by("child_id").agg(occasions=pl.len())
    stats = (
        stats.join(longest, on="child_id", how="left")
        .join(occasions, on="child_id", how="left")
        .with_columns(pl.col("longest", "occasions").fill_null(0))
    )
    return indicators_from_figures(stats, as_of, t)


def indicators_from_figures(
    stats: pl.DataFrame, as_of: datetime.date, t: Thresholds = Thresholds()
) -> pl.DataFrame:
    """Turn the per-pupil figures into one row per indicator in effect (``OUTPUT_SCHEMA``).

    The figures (one row per pupil: ``child_id``, school days ``n_days``; W20's ``w_days``,
    ``w_sched``, ``w_absence``, ``w_unexcused``, ``w_start``, ``w_end``, ``longest``,
    ``occasions``; the term's ``t_days``, ``t_sched``, ``t_absence``, ``t_start``; the prior
    window's ``p_days``, ``p_sched``, ``p_absence``; ``today_invalid``) are what
    :func:`compute_indicators` computes from days, or ``selectors.recent_figures`` from the
    stored months."""
    w_share = pl.col("w_absence") / pl.col("w_sched")
    p_share = pl.col("p_absence") / pl.col("p_sched")
    # Trend rules, exactly: a1/s1 >= r * a0/s0  and  a1/s1 - a0/s0 >= m  (s0, s1 > 0).
    a1, s1, a0, s0 = (
        pl.col(c).cast(_I128) for c in ("w_absence", "w_sched", "p_absence", "p_sched")
    )
    ratio, points = exact(t.trend_ratio), exact(t.trend_min_points)
    doubled = a1 * s0 * _int(ratio.denominator) >= _int(ratio.numerator) * a0 * s1
    higher = (a1 * s0 - a0 * s1) * _int(points.denominator) >= _int(points.numerator) * s1 * s0
    rising = (pl.col("n_days") >= t.trend_min_days) & (pl.col("p_days") > 0) & doubled & higher

    window = (pl.col("w_start").alias("window_start"), pl.col("w_end").alias("window_end"))
    specs: list[tuple[Indicator, pl.Expr, pl.Expr, pl.Expr, tuple[pl.Expr, pl.Expr]]] = [
        (
            Indicator.ABSENCE_SHARE,
            pl.col("w_days") >= t.share_min_days,
            _share_level(pl.col("w_absence"), pl.col("w_sched"), t.share_levels),
            w_share,
            window,
        ),
        (
            Indicator.TERM_ABSENCE_SHARE,
            pl.col("t_days") >= t.term_min_days,
            _share_level(pl.col("t_absence"), pl.col("t_sched"), t.share_levels),
            pl.col("t_absence") / pl.col("t_sched"),
            (pl.col("t_start").alias("window_start"), pl.col("w_end").alias("window_end")),
        ),
        (
            Indicator.LONG_ABSENCE,
            pl.lit(True),
            _count_level(pl.col("longest"), t.long_absence_levels, 2),
            pl.col("longest"),
            window,
        ),
        (
            Indicator.REPEATED_ABSENCE,
            pl.lit(True),
            _count_level(pl.col("occasions"), t.repeated_levels, 1),
            pl.col("occasions"),
            window,
        ),
        (
            Indicator.UNEXCUSED_REPEATED,
            pl.lit(True),
            _count_level(pl.col("w_unexcused"), (t.unexcused_repeated_level2,), 2),
            pl.col("w_unexcused"),
            window,
        ),
        (
            Indicator.RISING_TREND,
            rising,
            pl.lit(1),
            w_share - p_share,
            window,
        ),
    ]
    parts = [
        stats.filter(applies)
        .select(
            "child_id",
            indicator=pl.lit(str(indicator)),
            level=level.cast(pl.Int8),
            value=value.cast(pl.Float64),
            window_start=start,
            window_end=end,
        )
        .filter(pl.col("level") >= 1)
        for indicator, applies, level, value, (start, end) in specs
    ]
    parts.append(
        stats.filter((pl.col("w_end") == as_of) & (pl.col("today_invalid") > 0)).select(
            "child_id",
            indicator=pl.lit(str(Indicator.UNEXCUSED_TODAY)),
            level=pl.lit(0, dtype=pl.Int8),
            value=pl.col("today_invalid").cast(pl.Float64),
            window_start=pl.lit(as_of, dtype=pl.Date),
            window_end=pl.lit(as_of, dtype=pl.Date),
        )
    )
    empty = pl.DataFrame(schema=OUTPUT_SCHEMA)
    result = pl.concat([empty, *(part.cast(OUTPUT_SCHEMA) for part in parts)], how="vertical")
    return result.sort("child_id", maintain_order=True)


# --------------------------------------------------------------------------------------------
# The reference implementation: plain Python, one pupil at a time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    date: datetime.date
    scheduled: int
    absence: int
    invalid: int


def _share_level_ref(absence: int, scheduled: int, levels: tuple[Ratio, ...]) -> int:
    share = Fraction(absence, scheduled)
    return sum(1 for level in levels if share >= exact(level))


def _count_level_ref(count: int, levels: tuple[int, ...], first_level: int) -> int:
    reached = sum(1 for limit in levels if count >= limit)
    return reached + first_level - 1 if reached else 0


def _longest_run(flags: list[bool]) -> int:
    longest = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        longest = max(longest, current)
    return longest


def _runs(flags: list[bool]) -> int:
    runs = 0
    previous = False
    for flag in flags:
        if flag and not previous:
            runs += 1
        previous = flag
    return runs


def reference_indicators(
    days: pl.DataFrame, as_of: datetime.date, thresholds: Thresholds = Thresholds()
) -> pl.DataFrame:
    """The same as :func:`compute_indicators`, written plainly, one pupil at a time.

    Slow; meant for cross-checking the vectorised version on small inputs. Shares are compared
    as :class:`~fractions.Fraction` values.
    """
    t = thresholds
    totals: dict[int, dict[datetime.date, list[int]]] = defaultdict(dict)
    for row in days.iter_rows(named=True):
        child_id, date = row["child_id"], row["date"]
        if child_id is None or date is None or date > as_of:
            continue
        minutes = totals[child_id].setdefault(date, [0, 0, 0])
        for i, name in enumerate(INPUT_MINUTES):
            minutes[i] += row[name] or 0

    rows: list[tuple[int, str, int, float, datetime.date, datetime.date]] = []
    for child_id in sorted(totals):
        school_days = [
            _Day(date, scheduled, valid + invalid, invalid)
            for date, (scheduled, valid, invalid) in sorted(totals[child_id].items())
            if scheduled > 0
        ]
        if school_days:
            rows.extend(_pupil_indicators(child_id, school_days, as_of, t))
    return pl.DataFrame(rows, schema=OUTPUT_SCHEMA, orient="row")


def _pupil_indicators(
    child_id: int, school_days: list[_Day], as_of: datetime.date, t: Thresholds
) -> list[tuple[int, str, int, float, datetime.date, datetime.date]]:
    rows: list[tuple[int, str, int, float, datetime.date, datetime.date]] = []

    def add(indicator: Indicator, level: int, value: float, window: list[_Day]) -> None:
        if level >= 1 or indicator is Indicator.UNEXCUSED_TODAY:
            rows.append((child_id, str(indicator), level, value, window[0].date, window[-1].date))

    recent = school_days[-t.window_days :]
    w_absence = sum(day.absence for day in recent)
    w_scheduled = sum(day.scheduled for day in recent)
    w_share = Fraction(w_absence, w_scheduled)

    if len(recent) >= t.share_min_days:
        level = _share_level_ref(w_absence, w_scheduled, t.share_levels)
        add(Indicator.ABSENCE_SHARE, level, float(w_share), recent)

    term = [day for day in school_days if day.date >= term_start(as_of)]
    if len(term) >= t.term_min_days:
        t_absence = sum(day.absence for day in term)
        t_scheduled = sum(day.scheduled for day in term)
        level = _share_level_ref(t_absence, t_scheduled, t.share_levels)
        add(Indicator.TERM_ABSENCE_SHARE, level, float(Fraction(t_absence, t_scheduled)), term)

    full_day = exact(t.full_day_fraction)
    longest = _longest_run([Fraction(day.absence, day.scheduled) >= full_day for day in recent])
    add(
        Indicator.LONG_ABSENCE,
        _count_level_ref(longest, t.long_absence_levels, 2),
        longest,
        recent,
    )

    occasions = _runs([day.absence > 0 for day in recent])
    add(
        Indicator.REPEATED_ABSENCE,
        _count_level_ref(occasions, t.repeated_levels, 1),
        occasions,
        recent,
    )

    unexcused = sum(1 for day in recent if day.invalid > 0)
    add(
        Indicator.UNEXCUSED_REPEATED,
        _count_level_ref(unexcused, (t.unexcused_repeated_level2,), 2),
        unexcused,
        recent,
    )

    end = len(school_days) - len(recent)
    prior = school_days[max(0, end - t.trend_prior_days) : end]
    if len(school_days) >= t.trend_min_days and prior:
        p_share = Fraction(sum(d.absence for d in prior), sum(d.scheduled for d in prior))
        if w_share >= exact(t.trend_ratio) * p_share and (
            w_share - p_share >= exact(t.trend_min_points)
        ):
            add(Indicator.RISING_TREND, 1, float(w_share - p_share), recent)

    last = school_days[-1]
    if last.date == as_of and last.invalid > 0:
        add(Indicator.UNEXCUSED_TODAY, 0, last.invalid, [last])
    return rows
