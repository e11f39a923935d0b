"""Attendance reads: the stored pupil-months unpacked into pupil-days (ADR 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl
from django.db import connection

from samsyn.attendance.importing.packing import DAY_SCHEMA as DETAIL_SCHEMA
from samsyn.attendance.importing.packing import DAY_VALUES, MONTH_TOTALS, unpack_months
from samsyn.attendance.importing.writer import (
    MONTH_EPOCH,
    copy_days,
    copy_unpacked,
    month_condition,
    month_date,
    months_sqlite,
)
from samsyn.attendance.indicators import EARLIER_SCHEMA, INPUT_MINUTES, term_start

DAY_SCHEMA: dict[str, Any] = {
    "child_id": pl.Int64,
    "date": pl.Date,
    "scheduled_minutes": pl.Int64,
    "attendance_minutes": pl.Int64,
    "valid_absence_minutes": pl.Int64,
    "invalid_absence_minutes": pl.Int64,
    "other_attendance_minutes": pl.Int64,
}


def load_days(
    child_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    details: bool = False,
    values: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Pupil-days as a Polars frame (columns ``DAY_SCHEMA``), sorted by child and date.

    ``child_ids`` None means every child; ``start`` and ``end`` are inclusive. With ``details``
    also ``lesson_count``, ``absence_reasons`` and ``import_id`` (the import that last changed
    the day's month); with ``values`` only those of the minute columns (fewer to unpack). On
    PostgreSQL the months come with ``COPY … TO STDOUT``.
    """
    schema = {**DETAIL_SCHEMA, "import_id": pl.Int64} if details else DAY_SCHEMA
    if values is not None:
        schema = {k: v for k, v in schema.items() if k in ("child_id", "date", *values)}
    ids = None if child_ids is None else sorted({int(i) for i in child_ids})
    if ids is not None and not ids:
        return pl.DataFrame(schema=schema)
    wanted = [k for k in schema if k in DAY_VALUES]
    if connection.vendor == "postgresql":
        condition, params = month_condition(start, end, ids)
        days = copy_days(
            condition,
            params,
            values=wanted,
            month_columns=["import_id"] if details else [],
            reasons=details,
        )
        return _between(days, start, end).select(list(schema))  # sorted by child and date
    months = months_sqlite(start, end, ids, details=details)
    days = unpack_months(months, reasons=details, values=wanted)
    if details:
        days = days.join(
            months.select("child_id", "month", "import_id"),
            left_on=["child_id", pl.col("date").dt.month_start()],
            right_on=["child_id", "month"],
            how="left",
        )
    return _between(days, start, end).sort("child_id", "date").select(list(schema))


def load_recent_days(
    child_ids: list[int] | None, start: dt.date, as_of: dt.date, recent: int
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The days the indicators need as of ``as_of`` (``indicators.compute_indicators``): each
    pupil's stored months from ``start``'s month up to ``as_of`` unpacked into days
    (``child_id``, ``date`` and the three minute columns), and the ``earlier`` sums.

    On PostgreSQL only the days of the months holding the pupil's last ``recent`` school days
    up to ``as_of`` are kept (about 60 of a term's 110 days); the months before them count
    through their stored totals, and ``earlier`` (``indicators.EARLIER_SCHEMA``) carries
    those. Elsewhere every month is unpacked and ``earlier`` is None.
    """
    values = INPUT_MINUTES
    if connection.vendor != "postgresql":
        return load_days(child_ids, start, as_of, values=values), None
    condition, params = month_condition(start, as_of, child_ids)
    months, days = copy_unpacked(
        f"WHERE {condition}", params, values=values, month_columns=MONTH_TOTALS, ordered=False
    )
    month = pl.col("month_number")
    # The days of the month of ``as_of`` count in full unless some are later than ``as_of``.
    this_month = _month_number(as_of)
    counted = (
        pl.when((month < this_month) | (pl.col("last_day") <= as_of.day))
        .then(pl.col("school_days"))
        .otherwise(0)
    )
    # Walking back from the latest month: the school days in the later months.
    later = counted.reverse().cum_sum().reverse().over("child_id") - counted
    term = (month >= _month_number(term_start(as_of))) & (pl.col("school_days") > 0)
    flagged = (
        months.with_row_index("_sent")
        .sort("child_id", "month_number")
        .with_columns(_needed=(month >= this_month) | (later < recent), _term=term)
    )
    earlier = (
        flagged.filter(~pl.col("_needed"))
        .group_by("child_id")
        .agg(
            pl.col("school_days").sum(),
            pl.col("school_days").filter("_term").sum().alias("term_days"),
            pl.col("scheduled_minutes").filter("_term").sum().alias("term_scheduled"),
            (pl.col("valid_absence_minutes") + pl.col("invalid_absence_minutes"))
            .filter("_term")
            .sum()
            .alias("term_absence"),
            # The term's first school day: in its first month with school days.
            month_date(month + pl.col("first_day") - 1).filter("_term").first().alias("term_start"),
        )
    )
    # The days of the months needed (the days come in the order the months were sent; the
    # indicators sort them).
    needed = flagged.sort("_sent")["_needed"].to_numpy()
    keep = np.repeat(needed, months["days"].to_numpy())
    days = days.filter(pl.Series(keep) & (pl.col("date") <= as_of))
    return days, earlier.select([pl.col(k).cast(v) for k, v in EARLIER_SCHEMA.items()])


def _month_number(date: dt.date) -> int:
    """The number of ``date``'s month in the months read from PostgreSQL."""
    return (date.replace(day=1) - MONTH_EPOCH).days


def _between(days: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    if start is not None:
        days = days.filter(pl.col("date") >= start)
    if end is not None:
        days = days.filter(pl.col("date") <= end)
    return days
