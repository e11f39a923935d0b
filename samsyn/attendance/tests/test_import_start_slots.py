"""Duplicates are found through five-minute slots, but two lessons in one slot are not
duplicates unless their start times are equal."""

from __future__ import annotations

import datetime as dt

import pytest

from samsyn.attendance.services import import_attendance_file
from samsyn.attendance.testing.builders import Lesson, lessons_csv
from samsyn.attendance.testing.scenarios import pupils, written
from samsyn.attendance.testing.storage import stored_day, stored_days

pytestmark = pytest.mark.django_db


def test_two_lessons_three_minutes_apart__both_imported() -> None:
    (child,) = pupils(1)
    day = dt.date(2026, 2, 2)
    lessons = [
        Lesson(written(child), day, dt.time(8, 0), attendance=30),
        Lesson(written(child), day, dt.time(8, 3), attendance=0, valid_absence=40),
        Lesson(written(child), day, dt.time(23, 55), attendance=20),
    ]
    result = import_attendance_file(lessons_csv(lessons))
    assert result.succeeded, result.error_texts()
    stored = stored_day()
    assert (stored.lesson_count, stored.scheduled_minutes) == (3, 90)


def test_same_start_in_the_last_slot_of_the_day__rejected_with_both_lines() -> None:
    (child,) = pupils(1)
    day = dt.date(2026, 2, 2)
    lessons = [
        Lesson(written(child), day, dt.time(23, 56), attendance=2),
        Lesson(written(child), day, dt.time(23, 56), attendance=2),
    ]
    result = import_attendance_file(lessons_csv(lessons))
    assert result.rejected
    assert result.error_texts() == ["Rad 3: samma elev, datum och starttid som rad 2"]
    assert not stored_days()
