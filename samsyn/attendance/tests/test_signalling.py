"""From days to signals, investigations and the same-day notification duty; the signals command."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from samsyn.attendance.models import (
    AbsenceInvestigation,
    AbsenceSignal,
    AttendanceSettings,
    GuardianNotification,
)
from samsyn.attendance.signalling import signals_refresh, thresholds_for
from samsyn.attendance.testing.storage import store_days

pytestmark = pytest.mark.django_db


def _school_days(end: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _last_school_day() -> dt.date:
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _write(child, days, *, absent=(), unexcused=(), scheduled=300):
    store_days(
        {
            "child": child,
            "date": d,
            "scheduled_minutes": scheduled,
            "attendance_minutes": 0 if d in absent or d in unexcused else scheduled,
            "valid_absence_minutes": scheduled if d in absent else 0,
            "invalid_absence_minutes": 60 if d in unexcused else 0,
            "other_attendance_minutes": scheduled - 60 if d in unexcused else 0,
            "lesson_count": 5,
        }
        for d in days
    )


def test_refresh__long_absence__signal_level_2_and_investigation_at_the_school(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    pupil = world.children["pupil"]
    _write(pupil, days, absent=set(days[-6:]))

    result = signals_refresh(as_of=as_of)

    signal = AbsenceSignal.objects.get(child=pupil)
    assert signal.unit == world.units["school"] and signal.grade == 4
    # 6 consecutive full days: LONG_ABSENCE 2; 30 % of W20: ABSENCE_SHARE 2.
    assert signal.level == 2
    assert {"long_absence", "absence_share"} <= set(signal.indicator_names)
    investigation = AbsenceInvestigation.objects.get(child=pupil)
    assert investigation.status == "open" and investigation.unit == world.units["school"]
    assert (result.signals_opened, result.investigations_opened) == (1, 1)


def test_refresh__again_and_recovered__updated_then_closed_one_investigation(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    pupil = world.children["pupil"]
    _write(pupil, days, absent={days[2], days[5], days[9], days[13]})  # 4 occasions: level 1

    signals_refresh(as_of=as_of)
    again = signals_refresh(as_of=as_of)
    assert (again.signals_opened, again.signals_updated) == (0, 1)
    assert AbsenceInvestigation.objects.filter(child=pupil).count() == 1

    _write(pupil, days)  # the corrected days: present every day
    closed = signals_refresh(as_of=as_of)
    assert closed.signals_closed == 1
    assert AbsenceSignal.objects.get(child=pupil).closed_on == as_of
    # The investigation is the principal's to close, not the system's.
    assert AbsenceInvestigation.objects.get(child=pupil).status == "open"


def test_refresh__level_1_share_only__signal_without_investigation(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    pupil = world.children["pupil"]
    _write(pupil, days, absent={days[4], days[12]})  # 10 %: ABSENCE_SHARE 1, 2 occasions

    signals_refresh(as_of=as_of)

    assert AbsenceSignal.objects.get(child=pupil).level == 1
    assert not AbsenceInvestigation.objects.exists()


def test_refresh__unexcused_today__one_duty_for_the_day(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    pupil = world.children["pupil"]
    _write(pupil, days, unexcused={as_of})

    signals_refresh(as_of=as_of)
    signals_refresh(as_of=as_of)

    duty = GuardianNotification.objects.get(child=pupil)
    assert (duty.date, duty.invalid_minutes, duty.done) == (as_of, 60, False)


def test_refresh__municipality_thresholds__used(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    pupil = world.children["pupil"]
    _write(pupil, days, absent={days[4], days[12]})  # 10 %
    AttendanceSettings.objects.create(
        municipality=pupil.municipality, thresholds={"share_levels": ["0.15", "0.25", "0.5"]}
    )
    assert float(thresholds_for(pupil.municipality_id).share_levels[0]) == 0.15

    signals_refresh(as_of=as_of)

    assert not AbsenceSignal.objects.exists()


def test_signals_command__csv_and_json__one_row_per_pupil_and_indicator(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    pupil = world.children["pupil"]
    _write(pupil, days, absent=set(days[-6:]))
    out = StringIO()

    call_command("attendance_signals", as_of=as_of.isoformat(), format="csv", stdout=out)

    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert list(rows[0]) == [
        "personnummer",
        "indicator",
        "level",
        "value",
        "window_start",
        "window_end",
    ]
    by_indicator = {r["indicator"]: r for r in rows}
    assert by_indicator["absence_share"]["value"] == "0.3000"
    assert by_indicator["absence_share"]["level"] == "2"
    assert by_indicator["long_absence"]["value"] == "6"
    assert by_indicator["long_absence"]["window_start"] == days[0].isoformat()
    assert by_indicator["long_absence"]["window_end"] == as_of.isoformat()
    assert {r["personnummer"] for r in rows} == {pupil.personnummer}
    assert not AbsenceSignal.objects.exists(), "without --update nothing is stored"

    out = StringIO()
    call_command(
        "attendance_signals",
        as_of=as_of.isoformat(),
        format="json",
        school=world.units["other_school"].school_unit_code or str(world.units["other_school"].pk),
        stdout=out,
    )
    assert json.loads(out.getvalue()) == []


def test_signals_command__update__stores(world):
    as_of = _last_school_day()
    days = _school_days(as_of, 20)
    _write(world.children["pupil"], days, absent=set(days[-6:]))
    call_command("attendance_signals", as_of=as_of.isoformat(), update=True, stdout=StringIO())
    assert AbsenceSignal.objects.count() == 1


def test_the_signals_leave_room_on_their_pages_for_the_daily_update() -> None:
    """Migration 0006: on PostgreSQL a refresh can rewrite each open signal on its own page."""
    from django.db import connection

    from samsyn.attendance.models import AbsenceSignal

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [AbsenceSignal._meta.db_table]
        )
        (options,) = cursor.fetchone()
    assert "fillfactor=65" in options
