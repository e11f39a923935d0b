"""Writing pupil-days into the packed pupil-months (ADR 8): COPY on PostgreSQL, upsert batches
on SQLite.

A day in the file replaces the stored day as a whole; the other stored days of the month stay.
A stored day with the very same values is not touched (so re-importing a file writes nothing, and
``days`` counts real changes), and only the months with a changed day are rewritten. Call inside
a transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import psycopg
from django.db import connection
from psycopg import pq

from samsyn.attendance.importing.packing import (
    DAY_SCHEMA,
    DAY_VALUES,
    MONTH_TOTALS,
    pack_months,
    sort_days,
    unpack_months,
    unpack_reasons,
)
from samsyn.attendance.models import AttendanceMonth

STORED = ("days", "reasons", *MONTH_TOTALS, "import_id")
COLUMNS = ("child_id", "month", *STORED)
_COPY_BATCH = 100_000
# Days packed at a time when a large file's months are COPied while the next part packs.
_PACK_PART = 1_000_000
_SQLITE_BATCH = 2_000
# Up to this many pupils in a file, only their months are read for comparing; a larger file
# (a municipality's) reads every month of its date range in one scan.
_FEW_PUPILS = 5_000
# A file of at most this many months (a day's, a week's) is first appended in SQL.
_FEW_MONTHS = 2
# The advisory lock key of the attendance writer (any number no other lock uses).
_WRITER_LOCK = 0x5A7E_0001


@dataclass(frozen=True)
class Written:
    days: int  # pupil-days new or changed
    last: dt.date | None  # the last date among them


def table() -> str:
    """The month table's name."""
    return AttendanceMonth._meta.db_table


def write_days(
    days: pl.DataFrame, *, import_id: int | None, progress: Callable[[int], None] | None = None
) -> Written:
    """Store ``days`` (``child_id``, ``date``, the day values and ``absence_reasons``).

    The stored months of the file's pupils and date range are read and unpacked first, so that
    only new and changed days count and only their months are written: re-importing a file
    writes nothing at all. On PostgreSQL other writers of attendance wait (readers go on) for
    the rest of the transaction, so that the comparison stays true; new months are then
    COPied straight into the table and changed ones updated from a COPied temporary table. On
    SQLite (one writer at a time anyway) an upsert in executemany batches. ``progress`` gets
    the number of the file's days dealt with so far.

    On PostgreSQL the days of a month that all come after its last stored day (a daily
    import) are new by definition: they are packed alone and added to the end of the month's
    text and to its totals in one UPDATE, without reading the stored days. For a file of a
    day or a week that UPDATE comes first, deciding in SQL which months it can append to
    (:func:`_write_small`).
    """
    if days.is_empty():
        return Written(0, None)
    frame = days.select(
        pl.col("child_id").cast(pl.Int64),
        pl.col("date").cast(pl.Date),
        *[pl.col(k).cast(pl.Int64) for k in DAY_VALUES],
        pl.col("absence_reasons").fill_null("").cast(pl.String),
    )
    if connection.vendor != "postgresql":
        return _write_merged(frame, import_id, progress)
    with connection.cursor() as cursor:
        # One writer of attendance at a time, until the transaction ends. An advisory lock,
        # not LOCK TABLE: that would wait for autovacuum (up to a second) after every import.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITER_LOCK])
    if frame.select(pl.col("date").dt.month_start().n_unique()).item() <= _FEW_MONTHS:
        return _write_small(frame, import_id, progress)
    frame, appended, keys = _split_appended(frame)
    if not appended.is_empty():
        _append_postgresql(
            pack_months(appended).with_columns(pl.lit(import_id, dtype=pl.Int64).alias("import_id"))
        )
    done = len(appended)
    if progress is not None and done:
        progress(done)
    if frame.is_empty():
        return Written(done, appended["date"].max())  # type: ignore[arg-type]
    rest = _write_merged(
        frame, import_id, None if progress is None else (lambda n: progress(done + n)), keys
    )
    if appended.is_empty():
        return rest
    last = max(d for d in (rest.last, appended["date"].max()) if d is not None)
    return Written(done + rest.days, last)  # type: ignore[arg-type]


def month_condition(
    start: dt.date | None, end: dt.date | None, child_ids: list[int] | None
) -> tuple[str, list[Any]]:
    """SQL condition and parameters on the month table: the months from ``start``'s to
    ``end``'s (either may be None), of ``child_ids`` when given (PostgreSQL's ``= ANY``)."""
    where = ["TRUE"]
    params: list[Any] = []
    if start is not None:
        where.append("month >= %s")
        params.append(start.replace(day=1))
    if end is not None:
        where.append("month <= %s")
        params.append(end)
    if child_ids is not None:
        where.append("child_id = ANY(%s)")
        params.append(child_ids)
    return " AND ".join(where), params


def _months_of(frame: pl.DataFrame) -> tuple[dt.date, dt.date, list[int] | None]:
    """The first and last date of ``frame``'s days, and its pupils unless there are many."""
    first: dt.date = frame["date"].min()  # type: ignore[assignment]
    last: dt.date = frame["date"].max()  # type: ignore[assignment]
    pupils = frame["child_id"].unique()
    return first, last, pupils.to_list() if len(pupils) <= _FEW_PUPILS else None


def _split_appended(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(the rest, the days that go after every stored day of their stored month, the keys of
    the stored months in ``frame``'s range) — the common case of a daily import, which needs
    neither the stored days nor a repacking."""
    condition, params = month_condition(*_months_of(frame))
    ends = copy_lines(
        f"SELECT child_id, {MONTH_NUMBER}, CASE WHEN days = '' THEN 0 "
        "ELSE split_part(split_part(days, ';', -1), ',', 1)::int END "
        f"FROM {table()} WHERE {condition}",
        params,
        ["child_id", "month", "last_day"],
    ).with_columns(month_date(pl.col("month")).alias("month"))
    keys = ends.select("child_id", "month")
    if ends.is_empty():
        return frame, frame.clear(), keys
    keyed = frame.with_columns(pl.col("date").dt.month_start().alias("month"))
    after = (
        keyed.group_by("child_id", "month")
        .agg(pl.col("date").min().dt.day().cast(pl.Int64).alias("first_day"))
        .join(ends, on=["child_id", "month"])
        .filter(pl.col("first_day") > pl.col("last_day"))
        .select("child_id", "month")
    )
    if after.is_empty():
        return frame, frame.clear(), keys
    appended = keyed.join(after, on=["child_id", "month"], how="semi").drop("month")
    rest = keyed.join(after, on=["child_id", "month"], how="anti").drop("month")
    return rest, appended, keys


def _write_small(
    frame: pl.DataFrame, import_id: int | None, progress: Callable[[int], None] | None
) -> Written:
    """Write a day's or a week's file: its months are COPied into a temporary table, added to
    the end of each stored month whose last day comes before their first (one UPDATE), or
    inserted where no month is stored (one INSERT); only the rest — days among or on stored
    days — are compared with the stored days and repacked (:func:`_write_merged`). The
    months' ends are then never read on their own."""
    months = pack_months(frame).with_columns(pl.lit(import_id, dtype=pl.Int64).alias("import_id"))
    connection.ensure_connection()
    raw: Any = connection.connection
    columns = ", ".join(COLUMNS)
    with raw.cursor() as cursor:
        _temporary_months(cursor, "attendance_months_new")
        _copy_in(cursor, "attendance_months_new", months, lambda _done: None)
        # A month at a time through the unique index: without these the planner may hash the
        # whole table (and spill it to disk) for a day's 50,000 months. Until the end of the
        # transaction, which is the import's.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            f"{_append_sql('attendance_months_new')} AND (m.days = '' OR "
            "split_part(split_part(m.days, ';', -1), ',', 1)::int "
            "< split_part(i.days, ',', 1)::int) "
            f"RETURNING m.child_id, {MONTH_NUMBER.replace('month', 'm.month')}"
        )
        handled = cursor.fetchall()
        if len(handled) < len(months):  # perhaps months with nothing stored yet
            cursor.execute(
                f"INSERT INTO {table()} ({columns}) SELECT {columns} "
                "FROM attendance_months_new AS i WHERE NOT EXISTS (SELECT FROM "
                f"{table()} AS m WHERE m.child_id = i.child_id AND m.month = i.month) "
                f"RETURNING child_id, {MONTH_NUMBER}"
            )
            handled += cursor.fetchall()
        cursor.execute("DROP TABLE attendance_months_new")
        cursor.execute("RESET enable_hashjoin")
        cursor.execute("RESET enable_mergejoin")
    keys = pl.DataFrame(handled, schema={"child_id": pl.Int64, "_month": pl.Int64}, orient="row")
    keyed = frame.with_columns(
        ((pl.col("date").dt.month_start() - pl.lit(MONTH_EPOCH)).dt.total_days()).alias("_month")
    )
    done = keyed.join(keys, on=["child_id", "_month"], how="semi")
    rest = keyed.join(keys, on=["child_id", "_month"], how="anti").drop("_month")
    if progress is not None and len(done):
        progress(len(done))
    written = Written(len(done), done["date"].max() if len(done) else None)  # type: ignore[arg-type]
    if rest.is_empty():
        return written
    merged = _write_merged(
        rest, import_id, None if progress is None else (lambda n: progress(len(done) + n))
    )
    last = max((d for d in (written.last, merged.last) if d is not None), default=None)
    return Written(written.days + merged.days, last)


def _append_sql(source: str) -> str:
    """An UPDATE that adds the packed days, reasons and totals of the months in the temporary
    table ``source`` (aliased ``i``) to the end of the stored months (``m``) of the same key."""
    sums = ", ".join(f"{k} = m.{k} + i.{k}" for k in MONTH_TOTALS)
    return (
        f"UPDATE {table()} AS m SET "
        "days = CASE WHEN m.days = '' THEN i.days ELSE m.days || ';' || i.days END, "
        "reasons = CASE WHEN i.reasons = '' THEN coalesce(m.reasons, '') "
        "WHEN coalesce(m.reasons, '') = '' THEN i.reasons "
        "ELSE m.reasons || chr(30) || i.reasons END, "
        f"{sums}, import_id = i.import_id FROM {source} AS i "
        "WHERE m.child_id = i.child_id AND m.month = i.month"
    )


def _append_postgresql(months: pl.DataFrame) -> None:
    """Add the packed days of ``months`` after the stored days of the same months."""
    connection.ensure_connection()
    raw: Any = connection.connection
    with raw.cursor() as cursor:
        _temporary_months(cursor, "attendance_months_add")
        _copy_in(cursor, "attendance_months_add", months, lambda _done: None)
        cursor.execute(_append_sql("attendance_months_add"))
        cursor.execute("DROP TABLE attendance_months_add")


def _temporary_months(cursor: Any, name: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(
        f"CREATE TEMP TABLE {name} (child_id bigint, month date, days text, "
        "reasons text, school_days integer, scheduled_minutes integer, "
        "valid_absence_minutes integer, invalid_absence_minutes integer, import_id bigint) "
        "ON COMMIT DROP"
    )


def _write_merged(
    frame: pl.DataFrame,
    import_id: int | None,
    progress: Callable[[int], None] | None,
    keys: pl.DataFrame | None = None,
) -> Written:
    """Write ``frame``'s days, each replacing the stored day of the same date. ``keys`` are
    the stored months' keys when already read (any superset of those in ``frame``'s range)."""
    stored, existing = _stored(*_months_of(frame), keys)
    if existing.is_empty():  # nothing stored yet for these pupils and months
        if progress is not None:
            progress(0)
        if connection.vendor == "postgresql" and len(frame) > _PACK_PART:
            _pack_and_copy(frame, import_id, progress)
            return Written(len(frame), frame["date"].max())  # type: ignore[arg-type]
        months = pack_months(frame).with_columns(
            pl.lit(import_id, dtype=pl.Int64).alias("import_id")
        )
        return _write(frame, 0, months, months.clear(), progress)
    changed = frame.join(stored, on=list(DAY_SCHEMA), how="anti", nulls_equal=True)
    skipped = len(frame) - len(changed)
    if progress is not None:
        progress(skipped)
    if changed.is_empty():
        return Written(0, None)

    # The months with a changed day: their stored days not in the file, and the file's days.
    touched = changed.select("child_id", pl.col("date").dt.month_start().alias("month")).unique()

    def in_touched(part: pl.DataFrame) -> pl.DataFrame:
        keyed = part.with_columns(pl.col("date").dt.month_start().alias("month"))
        return keyed.join(touched, on=["child_id", "month"], how="semi").drop("month")

    kept = in_touched(stored).join(frame, on=["child_id", "date"], how="anti")
    months = pack_months(pl.concat([kept, in_touched(frame)])).with_columns(
        pl.lit(import_id, dtype=pl.Int64).alias("import_id")
    )
    new = months.join(existing, on=["child_id", "month"], how="anti")
    updated = months.join(existing, on=["child_id", "month"], how="semi")
    return _write(changed, skipped, new, updated, progress)


def _pack_and_copy(
    frame: pl.DataFrame, import_id: int | None, progress: Callable[[int], None] | None
) -> None:
    """COPY the months of ``frame``'s days (none of them stored yet) into the table, packing
    the next part of the pupils in a thread while PostgreSQL takes in the part before: for a
    municipality's year the packing then costs little more than the COPY alone."""
    frame = sort_days(frame)
    parts = _pupil_parts(frame, _PACK_PART)

    def pack(part: pl.DataFrame) -> pl.DataFrame:
        return pack_months(part).with_columns(pl.lit(import_id, dtype=pl.Int64).alias("import_id"))

    connection.ensure_connection()
    raw: Any = connection.connection
    done = 0
    with ThreadPoolExecutor(max_workers=1) as pool, raw.cursor() as cursor:
        pending = pool.submit(pack, parts[0])
        for number, part in enumerate(parts):
            months = pending.result()
            if number + 1 < len(parts):
                pending = pool.submit(pack, parts[number + 1])
            _copy_in(cursor, table(), months, lambda _done: None)
            done += len(part)
            if progress is not None:  # between COPYs: it may use the connection
                progress(done)


def _pupil_parts(frame: pl.DataFrame, size: int) -> list[pl.DataFrame]:
    """``frame`` (sorted by child) in parts of about ``size`` rows, each pupil in one part."""
    ids = frame["child_id"]
    starts = {0}
    for at in range(size, len(frame), size):
        starts.add(int(ids.search_sorted(ids[at], side="left")))
    bounds = [*sorted(starts), len(frame)]
    return [frame[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _write(
    changed: pl.DataFrame,
    skipped: int,
    new: pl.DataFrame,
    updated: pl.DataFrame,
    progress: Callable[[int], None] | None,
) -> Written:
    """Write the ``new`` and ``updated`` months that hold the ``changed`` days."""
    per_month = len(changed) / max(len(new) + len(updated), 1)

    def report(done_months: int) -> None:
        if progress is not None:
            progress(skipped + int(done_months * per_month))

    if connection.vendor == "postgresql":
        _write_postgresql(new, updated, report)
    else:
        _write_executemany(pl.concat([new, updated]), report)
    return Written(len(changed), changed["date"].max())  # type: ignore[arg-type]


def _stored(
    start: dt.date, end: dt.date, child_ids: list[int] | None, keys: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stored days (``DAY_SCHEMA``) and the keys (``child_id``, ``month``) of the stored
    months from ``start``'s month to ``end``'s (of ``child_ids`` when given)."""
    if connection.vendor == "postgresql":
        condition, params = month_condition(start, end, child_ids)
        if keys is None:
            keys = copy_lines(
                f"SELECT child_id, {MONTH_NUMBER} FROM {table()} WHERE {condition}",
                params,
                ["child_id", "month"],
            ).with_columns(month_date(pl.col("month")).alias("month"))
        if keys.is_empty():
            return pl.DataFrame(schema=DAY_SCHEMA), keys
        return copy_days(condition, params, reasons=True), keys
    months = months_sqlite(start, end, child_ids, details=True)
    return unpack_months(months), months.select("child_id", "month")


_SQLITE_MONTH_COLUMNS: dict[str, Any] = {
    **{k: pl.Int64 for k in MONTH_TOTALS},
    "child_id": pl.Int64,
    "month": pl.Date,
    "days": pl.String,
    "reasons": pl.String,
    "import_id": pl.Int64,
}


def months_sqlite(
    start: dt.date | None,
    end: dt.date | None,
    ids: list[int] | None,
    *,
    details: bool,
    totals: bool = False,
) -> pl.DataFrame:
    """The stored months from ``start``'s to ``end``'s of ``ids`` on SQLite (``child_id``,
    ``month``, ``days``; with ``details`` also ``reasons`` and ``import_id``, with ``totals``
    the ``MONTH_TOTALS``). The month comes as text from the driver and is made a date by
    Polars."""
    names = ["child_id", "month", "days", *(["reasons", "import_id"] if details else [])]
    names += list(MONTH_TOTALS) if totals else []
    schema = {k: _SQLITE_MONTH_COLUMNS[k] for k in names}
    where, params = month_condition(start, end, None)
    name = table()
    # SQLite: the month as text (the driver would otherwise make each a Python date).
    columns = ", ".join(names).replace("month", "CAST(month AS TEXT)", 1)
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        chunks = [ids[i : i + 900] for i in range(0, len(ids), 900)]
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for chunk in chunks:
            sql = f"SELECT {columns} FROM {name} WHERE {where}"
            values: list[Any] = [v.isoformat() for v in params]
            if chunk is not None:
                sql += f" AND child_id IN ({', '.join(['%s'] * len(chunk))})"
                values += chunk
            cursor.execute(sql, values)
            rows.extend(cursor.fetchall())
    return pl.DataFrame(rows, schema={**schema, "month": pl.String}, orient="row").with_columns(
        pl.col("month").str.to_date("%Y-%m-%d")
    )


# Days since this date number the months in the rows read from PostgreSQL (a date's own
# number is 10,957 days after 1970-01-01, Polars' date zero).
MONTH_EPOCH = dt.date(2000, 1, 1)
EPOCH_DAYS = (MONTH_EPOCH - dt.date(1970, 1, 1)).days  # a month number + this: days since 1970
MONTH_NUMBER = f"(month - DATE '{MONTH_EPOCH.isoformat()}')"


def copy_out(sql: str, params: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run ``sql`` with ``COPY … TO STDOUT`` on PostgreSQL and read the rows with Polars."""
    buffer = copy_text(sql, params, csv=True)
    if not buffer:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(bytes(buffer), has_header=False, schema=schema)


def copy_text(sql: str, params: list[Any], *, csv: bool = False, binary: bool = False) -> bytearray:
    """The rows of ``sql`` as ``COPY … TO STDOUT`` writes them (text, CSV or binary format),
    read straight from libpq.

    COPY sends a message for each row, and psycopg's own loop over them costs a few
    microseconds a message in Python: for a municipality's 300,000 months that was most of a
    second. Here the query (its parameters bound by psycopg on the client, as psycopg does for
    every COPY) goes to libpq, whose blocking ``PQgetCopyData`` is called in a plain loop, and
    the results are checked as psycopg would check them.
    """
    connection.ensure_connection()
    raw: Any = connection.connection
    form = " (FORMAT csv)" if csv else " (FORMAT binary)" if binary else ""
    query = psycopg.ClientCursor(raw).mogrify(f"COPY ({sql}) TO STDOUT{form}", params)
    pgconn = raw.pgconn
    buffer = bytearray()
    with raw.lock:
        pgconn.send_query(query.encode(raw.info.encoding))
        started = pgconn.get_result()
        error = None if started.status == pq.ExecStatus.COPY_OUT else started
        if error is None:
            while True:
                size, data = pgconn.get_copy_data(0)  # 0: wait for the next row
                if size < 0:  # -1: the end of the COPY
                    break
                buffer += data
        while (result := pgconn.get_result()) is not None:
            if result.status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.COPY_OUT):
                error = error or result
    if error is not None:
        raise psycopg.DatabaseError(error.get_error_message())
    return buffer


def copy_lines(sql: str, params: list[Any], names: Sequence[str]) -> pl.DataFrame:
    """The rows of ``sql`` (integer columns ``names``) on PostgreSQL, read by Polars (Int64)."""
    return copy_out(sql, params, {k: pl.Int64 for k in names})


def month_date(number: pl.Expr) -> pl.Expr:
    """A month number (days from 2000-01-01 to the month's first day; plus days) as a date."""
    return (number + EPOCH_DAYS).cast(pl.Date)


def copy_days(
    condition: str,
    params: list[Any],
    *,
    values: Sequence[str] = DAY_VALUES,
    month_columns: Sequence[str] = (),
    reasons: bool = False,
) -> pl.DataFrame:
    """The days of the stored months matching ``condition`` (SQL on the month table), unpacked
    on PostgreSQL: ``child_id``, ``date``, the months' own ``month_columns`` (integers, e.g.
    ``import_id``), the day ``values`` and with ``reasons`` ``absence_reasons``, sorted by
    child and date.
    """
    months, days = copy_unpacked(
        f"WHERE {condition}", params, values=values, month_columns=month_columns
    )
    counts = months["days"].to_numpy()
    frame = days.with_columns(
        *[pl.Series(k, np.repeat(months[k].to_numpy(), counts)) for k in month_columns]
    ).select("child_id", "date", *month_columns, *[k for k in DAY_VALUES if k in values])
    if not reasons:
        return frame
    given = unpack_reasons(
        copy_out(
            f"SELECT child_id, month, reasons FROM {table()} "
            f"WHERE ({condition}) AND days <> '' AND reasons <> ''",
            params,
            {"child_id": pl.Int64, "month": pl.Date, "reasons": pl.String},
        )
    )
    return frame.join(
        given, on=["child_id", "date"], how="left", maintain_order="left"
    ).with_columns(pl.col("absence_reasons").fill_null(""))


# ``kernel.NULL`` (here without importing Numba): an empty value in the compiled loops' output.
NULL = np.iinfo(np.int64).min


def nullable(values: np.ndarray) -> pl.Series:
    """A column of the compiled loops' output, ``NULL`` made null."""
    series = pl.Series(values)
    return series.replace(NULL, None) if bool((values == NULL).any()) else series


def copy_unpacked(
    where: str,
    params: list[Any],
    *,
    values: Sequence[str] = DAY_VALUES,
    month_columns: Sequence[str] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stored months ``FROM`` the month table ``where`` (SQL) and their days, unpacked by
    the compiled loop ``kernel.unpack_lines`` as they arrive:

    - months: ``child_id``, ``month_number`` (see :func:`month_date`), the integer
      ``month_columns``, ``days`` (how many days the month has), ``first_day`` (the first day
      of the month with minutes scheduled, 0 if none) and ``last_day``;
    - days: ``child_id``, ``date`` and the day ``values``, month after month;

    both sorted by child and month (and date). For a municipality's term (300,000 months, 5
    million days) this takes a fraction of the time of unpacking the text with Polars.
    """
    # Imported here: Numba takes half a second to import, which every other command is spared.
    from samsyn.attendance.importing import kernel

    extras = "".join(f"{k}, ':', " for k in month_columns)  # concat writes NULL as ''
    buffer = copy_text(
        f"SELECT concat(child_id, ':', {MONTH_NUMBER}, ':', {extras}days) "
        f"FROM {table()} {where} AND days <> ''",
        params,
    )
    wanted = [k for k in DAY_VALUES if k in values]
    data = np.frombuffer(buffer, np.uint8)
    lines, semicolons = kernel.count_lines(data, len(data))
    lines += 1  # the last line may have no line end
    size = semicolons + lines
    child = np.empty(lines, np.int64)
    number = np.empty(lines, np.int64)
    extra = np.empty((len(month_columns), lines), np.int64)
    counts = np.empty(lines, np.int64)
    first = np.empty(lines, np.int64)
    last = np.empty(lines, np.int64)
    dates = np.empty(size, np.int32)
    found = np.empty((len(wanted), size), np.int64)
    fields = np.array([1 + DAY_VALUES.index(k) for k in wanted], np.int64)
    months, days = kernel.unpack_lines(
        data, len(data), fields, child, number, extra, counts, first, last, dates, found
    )
    if months < 0:
        raise RuntimeError(f"The stored attendance months cannot be read (byte {days}).")
    # The months in order, and their days with them (each month's days are in order).
    counts = counts[:months]
    order = np.lexsort((number[:months], child[:months]))
    starts = np.cumsum(counts) - counts
    counts = counts[order]
    gather = np.repeat(starts[order] - np.cumsum(counts) + counts, counts) + np.arange(
        int(counts.sum())
    )
    month_frame = pl.DataFrame(
        {
            "child_id": child[:months][order],
            "month_number": number[:months][order],
            **{
                k: nullable(row[:months][order])
                for k, row in zip(month_columns, extra, strict=True)
            },
            "days": counts,
            "first_day": first[:months][order],
            "last_day": last[:months][order],
        }
    )
    day_frame = pl.DataFrame(
        {
            "child_id": np.repeat(month_frame["child_id"].to_numpy(), counts),
            "date": pl.Series(dates[gather] + EPOCH_DAYS, dtype=pl.Int32).cast(pl.Date),
            **{k: row[gather] for k, row in zip(wanted, found, strict=True)},
        }
    )
    return month_frame, day_frame


def _copy_in(cursor: Any, table: str, frame: pl.DataFrame, report: Callable[[int], None]) -> None:
    """COPY ``frame`` (COLUMNS) into ``table`` in batches, reporting after each."""
    columns = ", ".join(COLUMNS)
    done = 0
    for batch in frame.select(COLUMNS).iter_slices(_COPY_BATCH):
        buffer = io.BytesIO()
        batch.write_csv(buffer, include_header=False)
        # One COPY per batch: the progress function may use the connection between them
        # (during a COPY it would wait for the connection's lock for ever).
        with cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (reasons))"
        ) as copy:
            copy.write(buffer.getvalue())
        done += len(batch)
        report(done)


def _write_postgresql(
    new: pl.DataFrame, updated: pl.DataFrame, report: Callable[[int], None]
) -> None:
    connection.ensure_connection()
    raw: Any = connection.connection
    with raw.cursor() as cursor:
        if not new.is_empty():
            _copy_in(cursor, table(), new, report)
        if updated.is_empty():
            return
        _temporary_months(cursor, "attendance_months_in")
        _copy_in(cursor, "attendance_months_in", updated, lambda done: report(len(new) + done))
        sets = ", ".join(f"{k} = i.{k}" for k in STORED)
        cursor.execute(
            f"UPDATE {table()} AS m SET {sets} FROM attendance_months_in AS i "
            "WHERE m.child_id = i.child_id AND m.month = i.month"
        )
        cursor.execute("DROP TABLE attendance_months_in")


def _write_executemany(frame: pl.DataFrame, report: Callable[[int], None]) -> None:
    columns = ", ".join(COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sets = ", ".join(f"{k} = excluded.{k}" for k in STORED)
    sql = (
        f"INSERT INTO {table()} ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT (child_id, month) DO UPDATE SET {sets}"
    )
    frame = frame.select(COLUMNS).with_columns(pl.col("month").dt.to_string("%Y-%m-%d"))
    done = 0
    with connection.cursor() as cursor:
        for batch in frame.iter_slices(_SQLITE_BATCH):
            rows = batch.rows()
            cursor.executemany(sql, rows)
            done += len(rows)
            report(done)
