"""Attendance reads: the stored pupil-months unpacked into pupil-days (ADR 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.db import connection

from samsyn.attendance.importing.packing import DAY_SCHEMA as DETAIL_SCHEMA
from samsyn.attendance.importing.packing import DAY_VALUES, unpack_months
from samsyn.attendance.importing.writer import copy_days, copy_out
from samsyn.attendance.indicators import EARLIER_SCHEMA, term_start
from samsyn.attendance.models import AttendanceMonth

DAY_SCHEMA: dict[str, Any] = {
    "child_id": pl.Int64,
    "date": pl.Date,
    "scheduled_minutes": pl.Int64,
    "attendance_minutes": pl.Int64,
    "valid_absence_minutes": pl.Int64,
    "invalid_absence_minutes": pl.Int64,
    "other_attendance_minutes": pl.Int64,
}
_EPOCH = dt.date(2000, 1, 1)
_MONTH_COLUMNS: dict[str, Any] = {
    "child_id": pl.Int64,
    "month": pl.Date,
    "days": pl.String,
    "reasons": pl.String,
    "import_id": pl.Int64,
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
        condition, params = _condition(ids, start, end)
        days = copy_days(
            condition,
            params,
            values=wanted,
            month_columns=["import_id"] if details else [],
            reasons=details,
        )
        return _between(days, start, end).select(list(schema))  # sorted by child and date
    months = _months_sqlite(ids, start, end, details)
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

    On PostgreSQL only the months holding the pupil's last ``recent`` school days up to
    ``as_of`` are unpacked (about 60 of a term's 110 days); the months before them count
    through their stored totals, and ``earlier`` (``indicators.EARLIER_SCHEMA``) carries
    those. Elsewhere every month is unpacked and ``earlier`` is None.
    """
    values = ("scheduled_minutes", "valid_absence_minutes", "invalid_absence_minutes")
    if connection.vendor != "postgresql":
        return load_days(child_ids, start, as_of, values=values), None
    condition, params = _condition(child_ids, start, as_of)
    this_month = as_of.replace(day=1)
    term = term_start(as_of)
    # A month's totals, and for the month of ``as_of`` the last day stored in it (its days
    # count in full only if none is later than ``as_of``); for a term month the first school
    # day (the first packed day with scheduled minutes, written without leading zeros).
    months = copy_out(
        rf"""SELECT child_id, month, school_days, scheduled_minutes,
            valid_absence_minutes + invalid_absence_minutes,
            CASE WHEN month >= %s THEN split_part(split_part(days, ';', -1), ',', 1)::int END,
            CASE WHEN month >= %s AND school_days > 0 THEN
                CASE WHEN split_part(split_part(days, ';', 1), ',', 2) <> '0'
                THEN split_part(days, ',', 1)::int
                ELSE substring(days from '(?:^|;)(\d+),[1-9]')::int END
            END
        FROM {AttendanceMonth._meta.db_table} WHERE {condition} AND days <> ''""",
        [this_month, term, *params],
        {
            "child_id": pl.Int64,
            "month": pl.Date,
            "school_days": pl.Int64,
            "scheduled": pl.Int64,
            "absence": pl.Int64,
            "last_day": pl.Int64,
            "first_day": pl.Int64,
        },
    )
    counted = (
        pl.when(pl.col("month") < this_month)
        .then(pl.col("school_days"))
        .when(pl.col("last_day") <= as_of.day)
        .then(pl.col("school_days"))
        .otherwise(0)
    )
    # Walking back from the latest month: the school days in the later months.
    flagged = months.sort("child_id", "month", descending=[False, True]).with_columns(
        later=(counted.cum_sum() - counted).over("child_id")
    )
    needed = (pl.col("month") >= this_month) | (pl.col("later") < recent)
    cutoff = flagged.filter(needed).group_by("child_id").agg(pl.col("month").min().alias("cutoff"))
    in_term = pl.col("month") >= term
    earlier = (
        flagged.filter(~needed)
        .group_by("child_id")
        .agg(
            pl.col("school_days").sum().alias("school_days"),
            pl.col("school_days").filter(in_term).sum().alias("term_days"),
            pl.col("scheduled").filter(in_term).sum().alias("term_scheduled"),
            pl.col("absence").filter(in_term).sum().alias("term_absence"),
            (pl.col("month") + pl.duration(days=pl.col("first_day") - 1))
            .filter(in_term & (pl.col("school_days") > 0))
            .min()
            .cast(pl.Date)
            .alias("term_start"),
        )
    )
    days = copy_days(condition, params, values=values, keep=cutoff)
    return days.filter(pl.col("date") <= as_of), earlier.select(list(EARLIER_SCHEMA))


def _between(days: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    if start is not None:
        days = days.filter(pl.col("date") >= start)
    if end is not None:
        days = days.filter(pl.col("date") <= end)
    return days


def _condition(
    ids: list[int] | None, start: dt.date | None, end: dt.date | None
) -> tuple[str, list[Any]]:
    """The months' SQL condition (PostgreSQL) for ``ids`` and the months of start–end."""
    where = ["TRUE"]
    params: list[Any] = []
    if start is not None:
        where.append("month >= %s")
        params.append(start.replace(day=1))
    if end is not None:
        where.append("month <= %s")
        params.append(end)
    if ids is not None:
        where.append("child_id = ANY(%s)")
        params.append(ids)
    return " AND ".join(where), params


def _months_sqlite(
    ids: list[int] | None, start: dt.date | None, end: dt.date | None, details: bool
) -> pl.DataFrame:
    """The months (SQLite), the month as text from the driver made a date by Polars."""
    names = ["child_id", "month", "days", *(["reasons", "import_id"] if details else [])]
    schema = {k: _MONTH_COLUMNS[k] for k in names}
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append("month >= %s")
        params.append(start.replace(day=1))
    if end is not None:
        where.append("month <= %s")
        params.append(end)
    table = AttendanceMonth._meta.db_table
    # SQLite: the month as text (the driver would otherwise make each a Python date).
    columns = ", ".join(names).replace("month", "CAST(month AS TEXT)", 1)
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        chunks = [ids[i : i + 900] for i in range(0, len(ids), 900)]
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for chunk in chunks:
            conditions = list(where)
            values: list[Any] = [v.isoformat() for v in params]
            if chunk is not None:
                conditions.append(f"child_id IN ({', '.join(['%s'] * len(chunk))})")
                values += chunk
            sql = f"SELECT {columns} FROM {table}"
            if conditions:
                sql += " WHERE " + " AND ".join(conditions)
            cursor.execute(sql, values)
            rows.extend(cursor.fetchall())
    return pl.DataFrame(rows, schema={**schema, "month": pl.String}, orient="row").with_columns(
        pl.col("month").str.to_date("%Y-%m-%d")
    )
