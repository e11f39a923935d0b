"""Writing pupil-days: COPY on PostgreSQL, executemany upsert batches on SQLite.

A day in the file replaces the stored day as a whole; a stored day with the very same values is
not touched (so re-importing a file writes nothing, and ``days_written`` counts real changes).
Call inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import connection

from samsyn.attendance.models import AttendanceDay

VALUE_COLUMNS = (
    "scheduled_minutes",
    "attendance_minutes",
    "valid_absence_minutes",
    "invalid_absence_minutes",
    "other_attendance_minutes",
    "lesson_count",
    "absence_reasons",
)
COLUMNS = ("child_id", "date", *VALUE_COLUMNS, "import_id")
_COPY_BATCH = 500_000
_SQLITE_BATCH = 5_000


def _table() -> str:
    return AttendanceDay._meta.db_table


def _upsert_tail(distinct: str) -> str:
    sets = ", ".join(f"{k} = excluded.{k}" for k in (*VALUE_COLUMNS, "import_id"))
    changed = " OR ".join(f"d.{k} {distinct} excluded.{k}" for k in VALUE_COLUMNS)
    return f"ON CONFLICT (child_id, date) DO UPDATE SET {sets} WHERE {changed}"


def write_days(
    days: pl.DataFrame, *, import_id: int, progress: Callable[[int], None] | None = None
) -> int:
    """Store ``days`` (``child_id``, ``date`` and VALUE_COLUMNS); return the rows changed.

    The stored days of the file's date range are read and compared first (in Polars), so only
    new and changed days are written: re-importing a file writes nothing at all. On PostgreSQL
    the table is locked against other writers (readers go on) for the rest of the transaction,
    so that the comparison stays true; new days are then COPied straight into the table and
    changed ones updated from a COPied temporary table. On SQLite (one writer at a time anyway)
    an upsert in executemany batches.
    """
    if days.is_empty():
        return 0
    frame = days.select(
        pl.col("child_id").cast(pl.Int64),
        pl.col("date").cast(pl.Date),
        *[pl.col(k) for k in VALUE_COLUMNS],
        pl.lit(import_id, dtype=pl.Int64).alias("import_id"),
    )
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {_table()} IN SHARE ROW EXCLUSIVE MODE")
    stored = _stored_days(frame["date"].min(), frame["date"].max())  # type: ignore[arg-type]
    changed = frame.join(stored, on=["child_id", "date", *VALUE_COLUMNS], how="anti")
    skipped = len(frame) - len(changed)
    if progress is not None:
        progress(skipped)
    if changed.is_empty():
        return 0

    def report(done: int) -> None:
        if progress is not None:
            progress(skipped + done)

    if postgresql:
        new = changed.join(stored, on=["child_id", "date"], how="anti")
        updated = changed.join(stored, on=["child_id", "date"], how="semi")
        return _write_postgresql(new, updated, report)
    return _write_executemany(changed, report)


def _stored_days(start: dt.date, end: dt.date) -> pl.DataFrame:
    """The stored days from ``start`` to ``end`` with every value column (for comparing)."""
    schema: dict[str, Any] = {
        "child_id": pl.Int64,
        "date": pl.Date,
        **{k: pl.Int64 for k in VALUE_COLUMNS if k != "absence_reasons"},
        "absence_reasons": pl.String,
    }
    columns = ", ".join(schema)
    sql = f"SELECT {columns} FROM {_table()} WHERE date >= %s AND date <= %s"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw: Any = connection.connection
        buffer = io.BytesIO()
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", (start, end)) as copy,
        ):
            for block in copy:
                buffer.write(block)
        if not buffer.getvalue():
            return pl.DataFrame(schema=schema)
        buffer.seek(0)
        frame = pl.read_csv(buffer, has_header=False, schema=schema)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.replace("child_id, date,", "child_id, CAST(date AS TEXT),", 1),
                [start.isoformat(), end.isoformat()],
            )
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema={**schema, "date": pl.String}, orient="row").with_columns(
            pl.col("date").str.to_date("%Y-%m-%d")
        )
    return frame.with_columns(pl.col("absence_reasons").fill_null(""))


def _copy_in(cursor: Any, table: str, frame: pl.DataFrame, report: Callable[[int], None]) -> None:
    """COPY ``frame`` (COLUMNS) into ``table`` in batches, reporting after each."""
    columns = ", ".join(COLUMNS)
    done = 0
    for batch in frame.iter_slices(_COPY_BATCH):
        buffer = io.BytesIO()
        batch.write_csv(buffer, include_header=False)
        # One COPY per batch: the progress function may use the connection between them
        # (during a COPY it would wait for the connection's lock for ever).
        with cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (absence_reasons))"
        ) as copy:
            copy.write(buffer.getvalue())
        done += len(batch)
        report(done)


def _write_postgresql(
    new: pl.DataFrame, updated: pl.DataFrame, report: Callable[[int], None]
) -> int:
    connection.ensure_connection()
    raw: Any = connection.connection
    with raw.cursor() as cursor:
        if not new.is_empty():
            _copy_in(cursor, _table(), new, report)
        if updated.is_empty():
            return len(new)
        cursor.execute("DROP TABLE IF EXISTS attendance_days_in")
        cursor.execute(
            "CREATE TEMP TABLE attendance_days_in (child_id bigint, date date, "
            "scheduled_minutes integer, attendance_minutes integer, "
            "valid_absence_minutes integer, invalid_absence_minutes integer, "
            "other_attendance_minutes integer, lesson_count integer, absence_reasons text, "
            "import_id bigint) ON COMMIT DROP"
        )
        _copy_in(cursor, "attendance_days_in", updated, lambda done: report(len(new) + done))
        sets = ", ".join(f"{k} = i.{k}" for k in (*VALUE_COLUMNS, "import_id"))
        changed = " OR ".join(f"d.{k} IS DISTINCT FROM i.{k}" for k in VALUE_COLUMNS)
        cursor.execute(
            f"UPDATE {_table()} AS d SET {sets} FROM attendance_days_in AS i "
            f"WHERE d.child_id = i.child_id AND d.date = i.date AND ({changed})"
        )
        written = len(new) + max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE attendance_days_in")
    return written


def _write_executemany(frame: pl.DataFrame, progress: Callable[[int], None] | None) -> int:
    columns = ", ".join(COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {_table()} AS d ({columns}) VALUES ({placeholders}) " + _upsert_tail(
        "IS NOT"
    )
    frame = frame.with_columns(pl.col("date").dt.to_string("%Y-%m-%d"))
    written = 0
    done = 0
    with connection.cursor() as cursor:
        for batch in frame.iter_slices(_SQLITE_BATCH):
            rows = batch.rows()
            cursor.executemany(sql, rows)
            written += max(cursor.rowcount, 0)
            done += len(rows)
            if progress is not None:
                progress(done)
    return written
