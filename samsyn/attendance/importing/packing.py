"""Pupil-days ⇄ pupil-months: the packed form attendance is stored in (ADR 8).

A month row holds its school days as one text value, ordered by date::

    day-of-month,scheduled,attended,valid,invalid,other,lessons;day-of-month,…

and the days' absence reasons, for the days that have any, as ``day-of-month<US>reasons``
separated by RS (the ASCII unit and record separators, which no school system writes in a
reason). Both directions are vectorised Polars expressions: a year of 9 million pupil-days packs
into about 550,000 months in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

DAY_VALUES = (
    "scheduled_minutes",
    "attendance_minutes",
    "valid_absence_minutes",
    "invalid_absence_minutes",
    "other_attendance_minutes",
    "lesson_count",
)
UNIT = "\x1f"
RECORD = "\x1e"
_SUMMED = ("scheduled_minutes", "valid_absence_minutes", "invalid_absence_minutes")
MONTH_TOTALS = ("school_days", *_SUMMED)

DAY_SCHEMA: dict[str, Any] = {
    "child_id": pl.Int64,
    "date": pl.Date,
    **{k: pl.Int64 for k in DAY_VALUES},
    "absence_reasons": pl.String,
}
MONTH_SCHEMA: dict[str, Any] = {
    "child_id": pl.Int64,
    "month": pl.Date,
    "days": pl.String,
    "reasons": pl.String,
    **{k: pl.Int64 for k in MONTH_TOTALS},
}


def pack_months(days: pl.DataFrame) -> pl.DataFrame:
    """Days (``DAY_SCHEMA``, one row per child and date) → months (``MONTH_SCHEMA``).

    The days are sorted by child and date on one Int64 key (skipped when they come sorted);
    each month is then a run of rows, numbered by a running count of the runs' starts, so the
    ``group_by`` takes Polars' fast path for a sorted key instead of hashing 9 million rows.
    """
    if days.is_empty():
        return pl.DataFrame(schema=MONTH_SCHEMA)
    frame = sort_days(days)
    day_of_month = pl.col("date").dt.day().cast(pl.Int64)
    reasons = pl.col("absence_reasons").fill_null("")
    month = pl.col("date").dt.month_start()
    starts = (pl.col("child_id") != pl.col("child_id").shift(1)) | (month != month.shift(1))
    prepared = frame.lazy().select(
        pl.col("child_id"),
        month.alias("month"),
        starts.fill_null(True).cum_sum().alias("_run"),
        pl.concat_str([day_of_month, *[pl.col(k) for k in DAY_VALUES]], separator=",").alias(
            "_day"
        ),
        pl.when(reasons != "")
        .then(pl.concat_str([day_of_month, reasons], separator=UNIT))
        .alias("_reason"),
        *[pl.col(k) for k in _SUMMED],
    )
    return (
        prepared.with_columns(pl.col("_run").set_sorted())
        .group_by("_run", maintain_order=True)
        .agg(
            pl.col("child_id").first(),
            pl.col("month").first(),
            pl.col("_day").str.join(";").alias("days"),
            pl.col("_reason").drop_nulls().str.join(RECORD).alias("reasons"),
            (pl.col("scheduled_minutes") > 0).sum().cast(pl.Int64).alias("school_days"),
            *[pl.col(k).sum().cast(pl.Int64) for k in _SUMMED],
        )
        .select(list(MONTH_SCHEMA))
        .collect()
    )


# One sortable Int64 for (child, date): child * 2**20 + days since 1970 + 2**19 (exact for
# child ids below 2**42 and dates within 1435 years of 1970; otherwise two columns are sorted).
_DATE_OFFSET = 1 << 19
_CHILD_LIMIT = 1 << 42


def sort_days(days: pl.DataFrame) -> pl.DataFrame:
    """``days`` sorted by child and date (as they are, when they already are)."""
    lo, hi, first, last = days.select(
        lo=pl.col("child_id").min(),
        hi=pl.col("child_id").max(),
        first=pl.col("date").min().cast(pl.Int64),
        last=pl.col("date").max().cast(pl.Int64),
    ).row(0)
    if lo is None or not (
        lo > -_CHILD_LIMIT and hi < _CHILD_LIMIT and -_DATE_OFFSET <= first <= last < _DATE_OFFSET
    ):
        return days.sort("child_id", "date")
    key = pl.col("child_id") * (2 * _DATE_OFFSET) + pl.col("date").cast(pl.Int64) + _DATE_OFFSET
    if days.select(key.diff().fill_null(1).min() > 0).item():
        return days
    return days.sort(key)


def unpack_months(
    months: pl.DataFrame, *, reasons: bool = True, values: Sequence[str] = DAY_VALUES
) -> pl.DataFrame:
    """Months (``child_id``, ``month``, ``days`` and, with ``reasons``, ``reasons``) → days
    (``child_id``, ``date``, ``values`` and with ``reasons`` ``absence_reasons``), in the
    months' order and each month's days by date. Only the values asked for are parsed (the
    indicators need three of the six: 40 % less work for a municipality's term)."""
    wanted = [k for k in DAY_VALUES if k in values]
    schema = {k: DAY_SCHEMA[k] for k in ("child_id", "date", *wanted)}
    if reasons:
        schema["absence_reasons"] = pl.String
    if months.is_empty():
        return pl.DataFrame(schema=schema)
    fields = ["day", *DAY_VALUES]
    last = max((fields.index(k) for k in wanted), default=0)
    days = (
        months.select("child_id", "month", pl.col("days").str.split(";"))
        .explode("days")
        .with_columns(
            pl.col("days").str.split_exact(",", last).struct.rename_fields(fields[: last + 1])
        )
        .unnest("days")
        .select(
            pl.col("child_id").cast(pl.Int64),
            (pl.col("month") + pl.duration(days=pl.col("day").cast(pl.Int64) - 1))
            .cast(pl.Date)
            .alias("date"),
            *[pl.col(k).cast(pl.Int64) for k in wanted],
        )
    )
    if not reasons:
        return days
    given = unpack_reasons(months)
    return days.join(
        given, on=["child_id", "date"], how="left", maintain_order="left"
    ).with_columns(pl.col("absence_reasons").fill_null(""))


def unpack_reasons(months: pl.DataFrame) -> pl.DataFrame:
    """Months (``child_id``, ``month``, ``reasons``) → the days that have absence reasons
    (``child_id``, ``date``, ``absence_reasons``)."""
    return (
        months.select("child_id", "month", pl.col("reasons").fill_null("").str.split(RECORD))
        .explode("reasons")
        .filter(pl.col("reasons").is_not_null() & (pl.col("reasons") != ""))
        .with_columns(
            pl.col("reasons").str.split_exact(UNIT, 1).struct.rename_fields(["day", "text"])
        )
        .unnest("reasons")
        .select(
            pl.col("child_id").cast(pl.Int64),
            (pl.col("month") + pl.duration(days=pl.col("day").cast(pl.Int64) - 1))
            .cast(pl.Date)
            .alias("date"),
            pl.col("text").alias("absence_reasons"),
        )
    )
