"""Attendance reads."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db import connection

from samsyn.attendance.models import AttendanceDay

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
) -> pl.DataFrame:
    """Pupil-days as a Polars frame (columns ``DAY_SCHEMA``), sorted by child and date.

    ``child_ids`` None means every child; ``start`` and ``end`` are inclusive. On PostgreSQL the
    rows come with ``COPY … TO STDOUT`` (millions of rows in seconds).
    """
    columns = ", ".join(DAY_SCHEMA)
    where: list[str] = []
    params: list[Any] = []
    ids = None if child_ids is None else [int(i) for i in child_ids]
    if ids is not None and not ids:
        return pl.DataFrame(schema=DAY_SCHEMA)
    if start is not None:
        where.append("date >= %s")
        params.append(start)
    if end is not None:
        where.append("date <= %s")
        params.append(end)
    table = AttendanceDay._meta.db_table
    if connection.vendor == "postgresql":
        return _load_days_postgresql(where, params, ids)
    # The date as text: the driver would otherwise turn each into a Python date.
    columns = columns.replace("date", "CAST(date AS TEXT)", 1)
    rows: list[tuple[Any, ...]] = []
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        chunks = [ids[i : i + 900] for i in range(0, len(ids), 900)]
    with connection.cursor() as cursor:
        for chunk in chunks:
            conditions = list(where)
            values = list(params)
            if chunk is not None:
                conditions.append(f"child_id IN ({', '.join(['%s'] * len(chunk))})")
                values += chunk
            sql = f"SELECT {columns} FROM {table}"
            if conditions:
                sql += " WHERE " + " AND ".join(conditions)
            cursor.execute(sql, values)
            rows.extend(cursor.fetchall())
    frame = pl.DataFrame(rows, schema={**DAY_SCHEMA, "date": pl.String}, orient="row").with_columns(
        pl.col("date").str.to_date("%Y-%m-%d")
    )
    return frame.sort("child_id", "date")


_EPOCH = dt.date(2000, 1, 1)
_VALUES = [k for k in DAY_SCHEMA if k not in ("child_id", "date")]


def _load_days_postgresql(
    where: list[str], params: list[Any], ids: list[int] | None
) -> pl.DataFrame:
    """One COPY row per pupil with the pupil's days packed as text, unpacked by Polars.

    PostgreSQL sends a COPY message per row, and reading millions of them one by one costs more
    in Python than everything else here; a few tens of thousands of packed rows do not. Each
    day is ``days-since-2000,scheduled,attended,valid,invalid,other``, days joined by ``;``.
    """
    if ids is not None:
        where.append("child_id IN (SELECT unnest(%s::bigint[]))")
        params.append(ids)
    packed = ", ".join(["(date - DATE '2000-01-01')", *_VALUES])
    sql = (
        f"SELECT child_id, string_agg(concat_ws(',', {packed}), ';' ORDER BY date) "
        f"FROM {AttendanceDay._meta.db_table}"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " GROUP BY child_id ORDER BY child_id"
    connection.ensure_connection()
    raw: Any = connection.connection
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.getvalue():
        return pl.DataFrame(schema=DAY_SCHEMA)
    buffer.seek(0)
    pupils = pl.read_csv(
        buffer,
        has_header=False,
        separator="\t",
        quote_char=None,
        new_columns=["child_id", "days"],
        schema={"child_id": pl.Int64, "days": pl.String},
    )
    fields = ["day", *_VALUES]
    days = (
        pupils.with_columns(pl.col("days").str.split(";"))
        .explode("days")
        .with_columns(
            pl.col("days").str.split_exact(",", len(fields) - 1).struct.rename_fields(fields)
        )
        .unnest("days")
    )
    return days.select(
        pl.col("child_id"),
        (pl.lit(_EPOCH) + pl.duration(days=pl.col("day").cast(pl.Int64)))
        .cast(pl.Date)
        .alias("date"),
        *[pl.col(k).cast(pl.Int64) for k in _VALUES],
    )
