"""Stored pupil-days for tests and demo data: write through the import's writer, read back
through the selector (the months they are packed in are an implementation detail, ADR 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction

from samsyn.attendance.importing.packing import DAY_SCHEMA
from samsyn.attendance.importing.writer import write_days
from samsyn.attendance.selectors import load_days
from samsyn.children.models import Child


@dataclass(frozen=True)
class StoredDay:
    child_id: int
    date: dt.date
    scheduled_minutes: int
    attendance_minutes: int
    valid_absence_minutes: int
    invalid_absence_minutes: int
    other_attendance_minutes: int
    lesson_count: int
    absence_reasons: str
    import_run_id: int | None


def store_days(rows: Iterable[Mapping[str, Any]], *, import_id: int | None = None) -> int:
    """Store pupil-days given as mappings with ``child`` (or ``child_id``), ``date`` and the
    minutes; ``other_attendance_minutes`` defaults to 0, ``lesson_count`` to 1,
    ``absence_reasons`` to "". Returns the days written."""
    records = []
    for row in rows:
        child = row.get("child")
        records.append(
            {
                "child_id": child.pk if isinstance(child, Child) else row["child_id"],
                "date": row["date"],
                "scheduled_minutes": row["scheduled_minutes"],
                "attendance_minutes": row["attendance_minutes"],
                "valid_absence_minutes": row.get("valid_absence_minutes", 0),
                "invalid_absence_minutes": row.get("invalid_absence_minutes", 0),
                "other_attendance_minutes": row.get("other_attendance_minutes", 0),
                "lesson_count": row.get("lesson_count", 1),
                "absence_reasons": row.get("absence_reasons", ""),
            }
        )
    frame = pl.DataFrame(records, schema=DAY_SCHEMA)
    with transaction.atomic():
        return write_days(frame, import_id=import_id).days


def stored_days(
    child: Child | None = None, date: dt.date | None = None, *, import_id: int | None = None
) -> list[StoredDay]:
    """The stored pupil-days (of ``child``, on ``date``), by child and date."""
    days = load_days(None if child is None else [child.pk], date, date, details=True)
    if import_id is not None:
        days = days.filter(pl.col("import_id") == import_id)
    return [
        StoredDay(
            **{k: v for k, v in row.items() if k != "import_id"}, import_run_id=row["import_id"]
        )
        for row in days.iter_rows(named=True)
    ]


def stored_day(child: Child | None = None, date: dt.date | None = None) -> StoredDay:
    """The one stored pupil-day (of ``child``, on ``date``); AssertionError unless exactly one."""
    days = stored_days(child, date)
    assert len(days) == 1, f"expected one stored day, found {len(days)}"
    return days[0]


def delete_days() -> None:
    """Remove every stored pupil-day."""
    from samsyn.attendance.models import AttendanceMonth

    AttendanceMonth.objects.all().delete()
