"""SS 12000 imports against a fake server; the same attendance in all three formats."""

from __future__ import annotations

import datetime as dt

import pytest

from samsyn.attendance.models import AttendanceImport, ImportStatus
from samsyn.attendance.services import import_attendance_file, import_ss12000
from samsyn.attendance.ss12000 import SS12000Client, lessons_from_ss12000
from samsyn.attendance.testing.builders import (
    SWEDISH,
    Lesson,
    lessons_csv,
    lessons_ss12000,
    lessons_xlsx,
)
from samsyn.attendance.testing.fake_ss12000 import FakeSS12000Server
from samsyn.attendance.testing.scenarios import day_rows, pupils, sample_lessons, written
from samsyn.attendance.testing.storage import delete_days, stored_day, stored_days
from samsyn.children.identity import make_identity_number

pytestmark = pytest.mark.django_db


def test_the_client_pages_through_every_endpoint() -> None:
    data = {"persons": [{"id": str(i)} for i in range(5)], "calendarEvents": [], "attendances": []}
    with FakeSS12000Server(data, page_size=2) as server:
        client = SS12000Client(server.url, "test-token")
        assert [p["id"] for p in client.persons()] == ["0", "1", "2", "3", "4"]
        assert client.calendar_events() == []
    person_requests = [r for r in server.requests if r.startswith("/persons")]
    assert person_requests == ["/persons", "/persons?pageToken=2", "/persons?pageToken=4"]


def test_import_from_ss12000_with_paging() -> None:
    children = pupils(2)
    data = lessons_ss12000(sample_lessons(children))
    with FakeSS12000Server(data, page_size=3) as server:
        result = import_ss12000(server.url, "test-token")
    assert result.succeeded, result.error_texts()
    assert (result.lines_total, result.days_in_file, result.days_written) == (12, 4, 4)
    # 12 attendances in pages of 3.
    assert len([r for r in server.requests if r.startswith("/attendances")]) == 4
    run = AttendanceImport.objects.get()
    assert (run.source_kind, run.file_name) == ("ss12000", server.url)
    assert len(run.sha256) == 64
    day = stored_day(child=children[0], date=dt.date(2026, 2, 2))
    assert (day.scheduled_minutes, day.attendance_minutes, day.lesson_count) == (170, 100, 3)
    with FakeSS12000Server(data, page_size=5) as server:
        assert import_ss12000(server.url, "test-token").days_written == 0


def test_same_attendance_from_csv_excel_and_ss12000_gives_identical_days() -> None:
    children = pupils(3)
    lessons = sample_lessons(children)
    # A summer date, where Swedish time is UTC+2, and a lesson with no absence reason.
    lessons.append(Lesson(written(children[2]), dt.date(2026, 6, 1), dt.time(23, 30), 30))
    import_attendance_file(lessons_csv(lessons, headers=SWEDISH, delimiter=";"))
    from_csv = day_rows()
    delete_days()
    import_attendance_file(lessons_xlsx(lessons))
    from_xlsx = day_rows()
    delete_days()
    with FakeSS12000Server(lessons_ss12000(lessons), page_size=4) as server:
        result = import_ss12000(server.url, "test-token")
    assert result.succeeded, result.error_texts()
    from_ss12000 = day_rows()
    assert len(from_csv) == 7
    assert from_csv == from_xlsx == from_ss12000


def test_unreported_attendance_is_skipped_and_unknown_persons_listed() -> None:
    (child,) = pupils(1)
    stranger = make_identity_number(dt.date(2013, 5, 6), 77)
    lessons = [
        Lesson(written(child), dt.date(2026, 2, 2)),
        Lesson(written(child), dt.date(2026, 2, 3)),
        Lesson(stranger, dt.date(2026, 2, 2)),
    ]
    data = lessons_ss12000(lessons)
    data["attendances"][1]["isReported"] = False
    data["persons"].append({"id": "no-number", "givenName": "A", "familyName": "B"})
    data["attendances"].append({**data["attendances"][0], "student": {"id": "no-number"}})
    with FakeSS12000Server(data) as server:
        result = import_ss12000(server.url, "test-token")
    assert result.succeeded, result.error_texts()
    assert result.unknown_pupils == [
        "person no-number utan personnummer",
        f"{stranger[:8]}-{stranger[8:]}",
    ]
    assert [day.date for day in stored_days()] == [dt.date(2026, 2, 2)]


def test_bad_records_reject_the_fetch() -> None:
    (child,) = pupils(1)
    data = lessons_ss12000([Lesson(written(child), dt.date(2026, 2, d)) for d in (2, 3, 4)])
    data["attendances"][1]["calendarEvent"] = {"id": "missing"}
    data["attendances"][2]["attendanceMinutes"] = -10
    with FakeSS12000Server(data) as server:
        result = import_ss12000(server.url, "test-token")
    assert result.rejected
    assert result.error_texts() == [
        "Post 2: kalenderhändelsen missing finns inte",
        "Post 3: attendanceMinutes: negativt antal minuter -10",
    ]
    assert len(stored_days()) == 0


def test_a_wrong_token_fails_the_import() -> None:
    with FakeSS12000Server(lessons_ss12000([])) as server:
        result = import_ss12000(server.url, "wrong")
    assert result.status == ImportStatus.FAILED
    assert result.error_texts() == ["SS 12000-servern svarade 401 för /persons."]
    assert AttendanceImport.objects.get().status == ImportStatus.FAILED


def test_mapping_uses_the_local_date_of_the_event() -> None:
    persons = [{"id": "p", "civicNo": {"value": "201204121238"}}]
    events = [{"id": "e", "startTime": "2026-02-02T23:30:00Z", "endTime": "2026-02-03T00:10:00Z"}]
    attendances = [{"calendarEvent": {"id": "e"}, "person": {"id": "p"}, "attendanceMinutes": 40}]
    rows, errors, unknown = lessons_from_ss12000(persons, events, attendances)
    assert (errors, unknown) == ([], [])
    assert rows["date"] == ["2026-02-03"]
    assert rows["start_time"] == ["00:30"]
    assert rows["scheduled_minutes"] == [40]
