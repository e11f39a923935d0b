"""Attendance reads: the stored pupil-months unpacked into pupil-days (ADR 8), and the figures
the indicators are made of, read straight from the months (ADR 9)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import connection

from samsyn.attendance.importing.packing import DAY_SCHEMA as DETAIL_SCHEMA
from samsyn.attendance.importing.packing import DAY_VALUES, MONTH_TOTALS, unpack_months
from samsyn.attendance.importing.writer import (
    EPOCH_DAYS,
    MONTH_EPOCH,
    copy_days,
    copy_text,
    month_condition,
    months_sqlite,
    nullable,
    table,
)
from samsyn.attendance.indicators import Thresholds, exact, term_start

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


@dataclass(frozen=True)
class Months:
    """A period's stored months, read once and indexed but not unpacked: each month's child,
    number (days since 2000-01-01 to its first day), stored totals (``MONTH_TOTALS``, a row
    each) and where its packed days are in ``text``."""

    text: np.ndarray
    child: np.ndarray
    month: np.ndarray
    totals: np.ndarray
    start: np.ndarray
    end: np.ndarray


def read_months(child_ids: list[int] | None, start: dt.date, end: dt.date) -> Months:
    """The stored months from ``start``'s month to ``end`` (of ``child_ids``, or everyone's):
    on PostgreSQL as the rows of a binary COPY (``kernel.index_binary_months``), on SQLite
    from the rows (:func:`months_of_frame`)."""
    if connection.vendor == "postgresql":
        condition, params = month_condition(start, end, child_ids)
        columns = ", ".join(("child_id", "month", *MONTH_TOTALS, "days"))
        buffer = copy_text(
            f"SELECT {columns} FROM {table()} WHERE {condition} AND days <> ''",
            params,
            binary=True,
        )
        return index_binary_months(buffer)
    return months_of_frame(months_sqlite(start, end, child_ids, details=False, totals=True))


def months_of_frame(months: pl.DataFrame) -> Months:
    """Months (``child_id``, ``month``, ``days``, the ``MONTH_TOTALS``) as :class:`Months`:
    their packed days one after another in ``text``."""
    months = months.filter(pl.col("days") != "")
    size = months["days"].str.len_bytes().cast(pl.Int64).to_numpy()
    end = np.cumsum(size + 1) - 1  # each month's days and a line end after them
    text = bytearray("\n".join(months["days"]).encode())
    return Months(
        np.frombuffer(text, np.uint8),  # writable: the kind ``kernel.warm`` compiles for
        months["child_id"].to_numpy().astype(np.int64),
        (months["month"] - MONTH_EPOCH).dt.total_days().to_numpy().astype(np.int64),
        np.array([months[k].to_numpy() for k in MONTH_TOTALS], np.int64),
        end - size,
        end,
    )


def index_binary_months(buffer: bytes | bytearray) -> Months:
    """The months of a binary COPY (columns ``child_id, month``, the ``MONTH_TOTALS``,
    ``days``) indexed."""
    from samsyn.attendance.importing import kernel  # Numba: imported when first needed

    # Writable, the kind ``kernel.warm`` compiles for (a copy of ``bytes``).
    text = np.frombuffer(buffer if isinstance(buffer, bytearray) else bytearray(buffer), np.uint8)
    signature = np.frombuffer(kernel.PGCOPY, np.uint8)
    count = 0
    for store in (False, True):  # count the months, then read them into arrays of that size
        child, month, first, last = (np.empty(count, np.int64) for _ in range(4))
        totals = np.empty((len(MONTH_TOTALS), count), np.int64)
        count = kernel.index_binary_months(
            text, len(text), signature, child, month, totals, first, last, store
        )
        if count < 0:
            raise RuntimeError(f"The stored attendance months cannot be read (byte {-1 - count}).")
    return Months(text, child, month, totals, first, last)


def recent_figures(
    months: Months, pupils: Collection[int], as_of: dt.date, thresholds: Thresholds
) -> pl.DataFrame:
    """The figures the indicators are made of (``indicators.indicators_from_figures``) for
    ``pupils``, as of ``as_of``, from ``months`` (which must reach back to the start of the
    term and hold each pupil's last ``window_days`` + ``trend_prior_days`` school days).

    The compiled loop ``kernel.pupil_figures`` reads each pupil's months from the latest:
    those holding their last ``window_days`` + ``trend_prior_days`` school days day by day,
    the earlier ones through their stored totals. For a municipality's term (300,000 months)
    this takes a fraction of a second.
    """
    from samsyn.attendance.importing import kernel

    wanted = np.isin(months.child, np.fromiter(pupils, np.int64, len(pupils)))
    rows = np.flatnonzero(wanted)
    order = rows[np.lexsort((months.month[rows], months.child[rows]))]
    full = exact(thresholds.full_day_fraction)
    totals = np.ascontiguousarray(months.totals)  # one compiled kind of array (kernel.warm)

    def figures(part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out_child = np.empty(len(pupils), np.int64)
        out = np.empty((len(kernel.FIGURES), len(pupils)), np.int64)
        found = kernel.pupil_figures(
            months.text,
            part,
            months.child,
            months.month,
            totals,
            months.start,
            months.end,
            _day_number(as_of),
            _day_number(as_of.replace(day=1)),
            _day_number(term_start(as_of)),
            thresholds.window_days,
            thresholds.trend_prior_days,
            thresholds.window_days + thresholds.trend_prior_days,
            full.numerator,
            full.denominator,
            out_child,
            out,
        )
        if found < 0:
            raise RuntimeError("The stored attendance months cannot be read.")
        return out_child[:found], out[:, :found]

    # The loop releases the GIL: a municipality's pupils in parts, one per core.
    cores = min(os.cpu_count() or 1, 4) if len(order) > MANY_MONTHS else 1
    parts = _pupil_parts(months.child[order], cores)
    with ThreadPoolExecutor(len(parts)) as pool:
        done = list(pool.map(figures, [order[a:b] for a, b in parts]))
    columns: dict[str, Any] = {"child_id": np.concatenate([c for c, _ in done])}
    out = np.concatenate([o for _, o in done], axis=1)
    for name, row in zip(kernel.FIGURES, out, strict=True):
        if name in ("w_start", "w_end", "t_start"):
            columns[name] = (nullable(row) + EPOCH_DAYS).cast(pl.Int32).cast(pl.Date)
        else:
            columns[name] = row
    return pl.DataFrame(columns)


# From how many months the figures are computed in parts on several cores.
MANY_MONTHS = 20_000


def _pupil_parts(child: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges of about equal length of ``child`` (sorted), none splitting a pupil."""
    bounds = [0]
    for k in range(1, parts):
        at = int(np.searchsorted(child, child[len(child) * k // parts]))  # the pupil's first
        if bounds[-1] < at:
            bounds.append(at)
    return list(itertools.pairwise([*bounds, len(child)]))


def _day_number(date: dt.date) -> int:
    """``date`` as the months' lines number days: since 2000-01-01."""
    return (date - MONTH_EPOCH).days


def _between(days: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    if start is not None:
        days = days.filter(pl.col("date") >= start)
    if end is not None:
        days = days.filter(pl.col("date") <= end)
    return days
