"""Migration attendance 0004 packs the stored pupil-days into pupil-months: nothing lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("attendance", "0003_day_child_without_db_constraint")]
AFTER = [("attendance", "0004_month_storage")]


# Migrating back and forth needs a transactional test, whose database is flushed afterwards;
# on PostgreSQL the append-only access log refuses that flush. The migration is plain ORM.
@pytest.mark.skipif(connection.vendor == "postgresql", reason="needs a flushable database")
@pytest.mark.django_db(transaction=True)
def test_days_stored_before_are_the_days_read_after() -> None:
    from samsyn.testing.factories import ChildFactory

    child = ChildFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    day_model = apps.get_model("attendance", "AttendanceDay")
    for date, invalid, reasons in [
        (dt.date(2026, 1, 30), 0, "Sjuk"),
        (dt.date(2026, 2, 2), 60, ""),
        (dt.date(2026, 2, 3), 0, ""),
    ]:
        day_model.objects.create(
            child_id=child.pk,
            date=date,
            scheduled_minutes=300,
            attendance_minutes=240 - invalid if reasons else 300 - invalid,
            valid_absence_minutes=60 if reasons else 0,
            invalid_absence_minutes=invalid,
            other_attendance_minutes=0,
            lesson_count=6,
            absence_reasons=reasons,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from samsyn.attendance.selectors import load_days

    days = load_days([child.pk], details=True)
    assert [d.isoformat() for d in days["date"]] == ["2026-01-30", "2026-02-02", "2026-02-03"]
    assert days["invalid_absence_minutes"].to_list() == [0, 60, 0]
    assert days["absence_reasons"].to_list() == ["Sjuk", "", ""]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
