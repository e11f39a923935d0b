"""Pupil-days packed per pupil and month (ADR 8): nothing lost or changed on the way."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import transaction

from samsyn.attendance.importing import writer
from samsyn.attendance.importing.packing import DAY_SCHEMA, pack_months, unpack_months
from samsyn.attendance.models import AttendanceMonth
from samsyn.attendance.selectors import load_days
from samsyn.attendance.testing.storage import store_days, stored_days
from samsyn.testing.factories import ChildFactory


def _day(child_id: int, date: dt.date, scheduled: int, valid: int, invalid: int, reasons: str):
    return {
        "child_id": child_id,
        "date": date,
        "scheduled_minutes": scheduled,
        "attendance_minutes": scheduled - valid - invalid,
        "valid_absence_minutes": valid,
        "invalid_absence_minutes": invalid,
        "other_attendance_minutes": 0,
        "lesson_count": 6,
        "absence_reasons": reasons,
    }


DAYS = [
    _day(7, dt.date(2026, 1, 30), 300, 60, 0, "Sjuk; Tandläkare, akut"),
    _day(7, dt.date(2026, 1, 8), 300, 0, 40, ""),
    _day(7, dt.date(2026, 2, 2), 0, 0, 0, "Inställd"),  # cancelled: no school day
    _day(3, dt.date(2026, 1, 8), 250, 250, 0, "Läkarbesök – BUP"),
]


def test_pack_then_unpack_gives_back_every_day_and_value() -> None:
    days = pl.DataFrame(DAYS, schema=DAY_SCHEMA)
    months = pack_months(days)
    assert len(months) == 3
    back = unpack_months(months)
    assert back.sort("child_id", "date").to_dicts() == days.sort("child_id", "date").to_dicts()


def test_a_month_packs_the_same_whatever_the_order_of_the_days() -> None:
    days = pl.DataFrame(DAYS, schema=DAY_SCHEMA)
    expected = pack_months(days.sort("child_id", "date")).to_dicts()
    assert expected[0]["days"].startswith("8,250,")  # child 3 first, its one day
    assert pack_months(days.reverse()).to_dicts() == expected
    # Child ids beyond the one-number sort key: sorted on both columns instead.
    big = days.with_columns(pl.col("child_id") + (1 << 50))
    assert [m["days"] for m in pack_months(big.reverse()).to_dicts()] == [
        m["days"] for m in expected
    ]
    one_day = days.filter(pl.col("date") == dt.date(2026, 1, 8))
    assert len(pack_months(one_day.reverse())) == 2


def test_a_month_keeps_the_totals_of_its_school_days() -> None:
    months = pack_months(pl.DataFrame(DAYS, schema=DAY_SCHEMA))
    january = months.filter(pl.col("child_id") == 7, pl.col("month") == dt.date(2026, 1, 1))
    row = january.to_dicts()[0]
    assert (row["school_days"], row["scheduled_minutes"]) == (2, 600)
    assert (row["valid_absence_minutes"], row["invalid_absence_minutes"]) == (60, 40)
    february = months.filter(pl.col("child_id") == 7, pl.col("month") == dt.date(2026, 2, 1))
    assert february["school_days"].to_list() == [0]


@pytest.mark.django_db
def test_days_of_one_month_written_at_different_times_are_all_kept() -> None:
    child = ChildFactory()
    first = [_day(child.pk, dt.date(2026, 3, d), 300, 0, 0, "") for d in (2, 3)]
    later = [_day(child.pk, dt.date(2026, 3, d), 300, 300, 0, "Sjuk") for d in (4, 5)]
    assert store_days(first) == 2
    assert store_days(later) == 2
    assert store_days(later) == 0  # the same days again: nothing to write
    stored = stored_days(child)
    assert [d.date.day for d in stored] == [2, 3, 4, 5]
    assert [d.absence_reasons for d in stored] == ["", "", "Sjuk", "Sjuk"]
    month = AttendanceMonth.objects.get(child=child)
    assert (month.school_days, month.valid_absence_minutes) == (4, 600)


@pytest.mark.django_db
@pytest.mark.parametrize("few_months", [2, 0], ids=["appended-in-sql-first", "ends-read-first"])
def test_days_after_the_stored_ones_and_days_among_them_in_one_file(
    monkeypatch: pytest.MonkeyPatch, few_months: int
) -> None:
    """On PostgreSQL a file of a month or two is appended in SQL first, a larger one after
    reading the stored months' ends: the same days either way."""
    monkeypatch.setattr(writer, "_FEW_MONTHS", few_months)
    child, other = ChildFactory(), ChildFactory()
    store_days(
        [
            _day(child.pk, dt.date(2026, 3, 2), 300, 30, 0, "Tandläkare"),
            _day(child.pk, dt.date(2026, 3, 9), 300, 0, 0, ""),
            _day(other.pk, dt.date(2026, 3, 9), 300, 0, 0, "Inställd lektion"),
        ]
    )
    written = store_days(
        [
            # after every stored day of the month: added to its end
            _day(child.pk, dt.date(2026, 3, 10), 300, 0, 60, "Ogiltig"),
            _day(child.pk, dt.date(2026, 3, 11), 0, 0, 0, ""),
            # among the stored days, and a changed stored day: the month is merged
            _day(other.pk, dt.date(2026, 3, 3), 200, 0, 0, ""),
            _day(other.pk, dt.date(2026, 3, 9), 300, 300, 0, "Sjuk"),
            # a month with nothing stored yet
            _day(other.pk, dt.date(2026, 4, 1), 100, 0, 0, ""),
        ]
    )
    assert written == 5
    assert [
        (d.date.day, d.invalid_absence_minutes, d.absence_reasons) for d in stored_days(child)
    ] == [
        (2, 0, "Tandläkare"),
        (9, 0, ""),
        (10, 60, "Ogiltig"),
        (11, 0, ""),
    ]
    assert [(d.date, d.valid_absence_minutes) for d in stored_days(other)] == [
        (dt.date(2026, 3, 3), 0),
        (dt.date(2026, 3, 9), 300),
        (dt.date(2026, 4, 1), 0),
    ]
    march = AttendanceMonth.objects.get(child=child, month=dt.date(2026, 3, 1))
    assert (march.school_days, march.scheduled_minutes) == (3, 900)
    assert (march.valid_absence_minutes, march.invalid_absence_minutes) == (30, 60)
    assert march.days.count(";") == 3


@pytest.mark.django_db
def test_load_days_cuts_the_months_at_the_dates_asked_for() -> None:
    child = ChildFactory()
    store_days(_day(child.pk, dt.date(2026, 3, d), 300, 0, 0, "") for d in range(2, 28))
    days = load_days([child.pk], dt.date(2026, 3, 10), dt.date(2026, 3, 12))
    assert days["date"].to_list() == [dt.date(2026, 3, d) for d in (10, 11, 12)]


@pytest.mark.django_db
def test_a_large_file_packed_in_parts_while_the_parts_before_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL a large file's months are packed part by part (whole pupils each), the
    next part in a thread while the one before is COPied: every day arrives, in its month."""
    from samsyn.attendance.importing import writer

    monkeypatch.setattr(writer, "_PACK_PART", 7)  # parts of about a week of days
    children = [ChildFactory() for _ in range(4)]
    days = [
        _day(child.pk, dt.date(2026, 1, 5) + dt.timedelta(days=n), 300, 10 * (n % 3), n % 2, "")
        for child in reversed(children)
        for n in range(0, 40, 2)
        if n % 7 < 5
    ]
    reported: list[int] = []
    with transaction.atomic():
        written = writer.write_days(
            pl.DataFrame(days, schema=DAY_SCHEMA), import_id=None, progress=reported.append
        )
    assert written.days == len(days)
    assert reported[-1] == len(days)
    assert reported == sorted(reported)
    for child in children:
        mine = [d for d in days if d["child_id"] == child.pk]
        assert [(d.date, d.valid_absence_minutes) for d in stored_days(child)] == [
            (d["date"], d["valid_absence_minutes"]) for d in sorted(mine, key=lambda d: d["date"])
        ]
    assert AttendanceMonth.objects.count() == 4 * 2  # January and February of each


def test_parts_of_a_file_hold_whole_pupils() -> None:
    from samsyn.attendance.importing.writer import _pupil_parts

    frame = pl.DataFrame({"child_id": [1, 1, 1, 2, 2, 3, 4, 4, 4, 4]})
    parts = _pupil_parts(frame, 3)
    assert [p["child_id"].to_list() for p in parts] == [[1, 1, 1], [2, 2, 3], [4, 4, 4, 4]]
    assert [p["child_id"].to_list() for p in _pupil_parts(frame, 100)] == [
        frame["child_id"].to_list()
    ]
