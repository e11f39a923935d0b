"""Acceptance: the same attendance through CSV, Excel and the fake SS 12000 server gives the same
signals (and the signals are not trivially empty)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.utils import timezone

from samsyn.attendance.models import AbsenceSignal, GuardianNotification
from samsyn.attendance.services import import_attendance_file, import_ss12000
from samsyn.attendance.signalling import evaluate, pupils_at_school, signals_refresh
from samsyn.attendance.testing.builders import Lesson, lessons_csv, lessons_ss12000, lessons_xlsx
from samsyn.attendance.testing.fake_ss12000 import FakeSS12000Server
from samsyn.attendance.testing.storage import delete_days
from samsyn.children.identity import format_identity_number

pytestmark = pytest.mark.django_db


def _school_days(end: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _lessons(world, days: list[dt.date]) -> list[Lesson]:
    pupil = format_identity_number(world.children["pupil"].personnummer)
    other = format_identity_number(world.children["other_pupil"].personnummer)
    lessons = []
    for n, day in enumerate(days):
        away = n >= len(days) - 6  # the pupil: six full days away at the end
        unexcused = n in (3, 9, 15)  # the other pupil: three unexcused lessons
        for hour in (8, 10, 13):
            lessons.append(
                Lesson(
                    pupil,
                    day,
                    dt.time(hour, 0),
                    attendance=0 if away else 60,
                    valid_absence=60 if away else 0,
                    reason="Sjukdom" if away else "",
                )
            )
            skip = unexcused and hour == 10
            lessons.append(
                Lesson(
                    other,
                    day,
                    dt.time(hour, 0),
                    attendance=0 if skip else 60,
                    invalid_absence=60 if skip else 0,
                )
            )
    # Today: one unexcused lesson for the other pupil (a duty for the school).
    lessons.append(Lesson(other, days[-1], dt.time(15, 0), attendance=0, invalid_absence=40))
    return lessons


def _signals(as_of: dt.date) -> pl.DataFrame:
    return evaluate(as_of, pupils_at_school(as_of)).sort(["child_id", "indicator"])


def test_csv_excel_and_ss12000__same_signals(world) -> None:
    today = timezone.localdate()
    while today.weekday() >= 5:
        today -= dt.timedelta(days=1)
    days = _school_days(today, 25)
    lessons = _lessons(world, days)
    results = []
    stored = []
    for source in ("csv", "xlsx", "ss12000"):
        delete_days()
        AbsenceSignal.objects.all().delete()
        GuardianNotification.objects.all().delete()
        if source == "csv":
            outcome = import_attendance_file(lessons_csv(lessons, delimiter=";"))
        elif source == "xlsx":
            outcome = import_attendance_file(lessons_xlsx(lessons))
        else:
            with FakeSS12000Server(lessons_ss12000(lessons), page_size=50) as server:
                outcome = import_ss12000(server.url, "test-token")
        assert outcome.succeeded, (source, outcome.error_texts())
        results.append(_signals(today))
        signals_refresh(as_of=today)
        stored.append(sorted(AbsenceSignal.objects.values_list("child_id", "level", "indicators")))
    assert results[0].height >= 3
    indicators = set(results[0]["indicator"].to_list())
    assert {"long_absence", "unexcused_repeated", "unexcused_today"} <= indicators
    assert results[0].equals(results[1]) and results[0].equals(results[2])
    assert stored[0] == stored[1] == stored[2]
