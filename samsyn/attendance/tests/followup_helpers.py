"""Attendance data for the tests of the attendance pages and follow-up services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samsyn.attendance.signalling import signals_refresh
from samsyn.attendance.testing.storage import store_days
from samsyn.children.models import Child, EnrolmentKind
from samsyn.testing.factories import ChildFactory, EnrolmentFactory, GuardianshipFactory
from samsyn.testing.world import World


def attendance_days(
    child: Child,
    *,
    days: int = 20,
    scheduled: int = 300,
    valid: int = 0,
    invalid: int = 0,
    invalid_today: int = 0,
    end: dt.date | None = None,
) -> None:
    """``days`` consecutive school days up to ``end`` (today), the same minutes each day."""
    last = end or timezone.localdate()
    rows = []
    for n in range(days):
        day = last - dt.timedelta(days=days - 1 - n)
        bad = invalid + (invalid_today if day == last else 0)
        rows.append(
            {
                "child": child,
                "date": day,
                "scheduled_minutes": scheduled,
                "attendance_minutes": max(scheduled - valid - bad, 0),
                "valid_absence_minutes": valid,
                "invalid_absence_minutes": bad,
                "lesson_count": 5,
            }
        )
    store_days(rows)


def pupil_at(world: World, unit_key: str, grade: int, first: str, last: str) -> Child:
    child = ChildFactory(
        municipality=world.municipality,
        birth_date=timezone.localdate() - dt.timedelta(days=365 * (grade + 6) + 40),
        first_name=first,
        last_name=last,
    )
    EnrolmentFactory(
        child=child,
        unit=world.units[unit_key],
        kind=EnrolmentKind.SCHOOL,
        grade=grade,
        start_date=timezone.localdate() - dt.timedelta(days=100),
    )
    GuardianshipFactory(child=child)
    return child


def signals_world(world: World) -> World:
    """Signals at Norrskolan: Alva Berg level 3 with today's unexcused absence, Lisa Låg
    level 1 (grade 4), Maja Mitt level 2 (grade 7); and one at Söderskolan (level 3)."""
    attendance_days(world.children["pupil"], valid=200, invalid_today=30)
    low = pupil_at(world, "school", 4, "Lisa", "Låg")
    attendance_days(low, valid=30)
    mid = pupil_at(world, "school", 7, "Maja", "Mitt")
    attendance_days(mid, valid=75)
    attendance_days(world.children["other_pupil"], valid=200)
    world.children["low"] = low
    world.children["mid"] = mid
    signals_refresh(as_of=timezone.localdate())
    return world
