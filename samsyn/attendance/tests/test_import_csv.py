"""CSV imports: encodings, delimiters, headers, defaults, idempotence, unknown pupils."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from samsyn.attendance.models import AttendanceImport, ImportStatus
from samsyn.attendance.services import import_attendance_file
from samsyn.attendance.testing.builders import (
    ENGLISH,
    SWEDISH,
    SWEDISH_DIACRITICS,
    Lesson,
    lessons_csv,
)
from samsyn.attendance.testing.scenarios import day_rows, pupils, sample_lessons, written
from samsyn.attendance.testing.storage import stored_day, stored_days
from samsyn.children.identity import make_identity_number

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 2, 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("headers", [ENGLISH, SWEDISH, SWEDISH_DIACRITICS])
def test_csv_variants_give_the_same_days(
    encoding: str, delimiter: str, headers: tuple[str, ...]
) -> None:
    children = pupils(2)
    lessons = sample_lessons(children)
    data = lessons_csv(
        lessons,
        headers=headers,
        delimiter=delimiter,
        encoding="utf-8" if encoding == "utf-8-sig" else encoding,
        bom=encoding == "utf-8-sig",
    )
    result = import_attendance_file(data, source_name="närvaro.csv")
    assert result.succeeded, result.error_texts()
    assert result.lines_total == 12
    assert result.days_in_file == result.days_written == 4
    monday = stored_day(child=children[0], date=MONDAY)
    assert (
        monday.scheduled_minutes,
        monday.attendance_minutes,
        monday.valid_absence_minutes,
        monday.invalid_absence_minutes,
        monday.other_attendance_minutes,
        monday.lesson_count,
        monday.absence_reasons,
    ) == (170, 100, 50, 20, 0, 3, "Sjuk")
    tuesday = stored_day(child=children[1], date=dt.date(2026, 2, 3))
    assert tuesday.scheduled_minutes == 60 + 46 + 40
    assert tuesday.other_attendance_minutes == 30
    assert tuesday.absence_reasons == "Sjuk; Tandläkare"
    assert tuesday.import_run_id == result.import_id


def test_windows_1252_text_is_read_as_such() -> None:
    (child,) = pupils(1)
    data = lessons_csv(
        [Lesson(written(child), MONDAY, attendance=0, valid_absence=60, reason="Läkarbesök – BUP")],
        encoding="cp1252",
        delimiter=";",
    )
    assert b"\xe4" in data  # ä in Windows-1252
    result = import_attendance_file(data)
    assert result.succeeded, result.error_texts()
    assert stored_day().absence_reasons == "Läkarbesök – BUP"


def test_optional_columns_may_be_left_out() -> None:
    (child,) = pupils(1)
    lessons = [
        Lesson(written(child), MONDAY, None, attendance=40, valid_absence=10, invalid_absence=5),
        Lesson(written(child), MONDAY, None, attendance=60),
    ]
    data = lessons_csv(
        lessons,
        drop=("start_time", "scheduled_minutes", "other_attendance_minutes", "absence_reason"),
    )
    result = import_attendance_file(data)
    assert result.succeeded, result.error_texts()
    day = stored_day()
    # Without start times, every line is a lesson of its own; scheduled = the sum of the parts.
    assert (day.scheduled_minutes, day.lesson_count, day.absence_reasons) == (115, 2, "")


def test_scheduled_minutes_default_to_the_sum_per_line() -> None:
    (child,) = pupils(1)
    lessons = [
        Lesson(written(child), MONDAY, dt.time(8), attendance=30, other_attendance=10),
        Lesson(written(child), MONDAY, dt.time(9), attendance=0, scheduled=80, valid_absence=60),
    ]
    import_attendance_file(lessons_csv(lessons))
    assert stored_day().scheduled_minutes == 40 + 80


def test_short_and_long_personnummer_forms_are_the_same_pupil() -> None:
    (child,) = pupils(1)
    short = child.personnummer[2:8] + "-" + child.personnummer[8:]
    lessons = [
        Lesson(written(child), MONDAY, dt.time(8), attendance=60),
        Lesson(short, MONDAY, dt.time(9), attendance=45, invalid_absence=15, reason="Okänd"),
    ]
    result = import_attendance_file(lessons_csv(lessons))
    assert result.succeeded, result.error_texts()
    day = stored_day()
    assert (day.attendance_minutes, day.lesson_count, day.absence_reasons) == (105, 2, "Okänd")


def test_reimporting_the_same_file_writes_nothing() -> None:
    children = pupils(2)
    data = lessons_csv(sample_lessons(children))
    first = import_attendance_file(data)
    before = day_rows()
    second = import_attendance_file(data)
    assert second.succeeded
    assert second.days_in_file == 4
    assert second.days_written == 0
    assert day_rows() == before
    # The days still point at the import that wrote them.
    assert {day.import_run_id for day in stored_days()} == {first.import_id}
    runs = AttendanceImport.objects.order_by("pk")
    assert runs[0].sha256 == runs[1].sha256 != ""


def test_a_corrected_file_replaces_the_days_it_contains() -> None:
    (child,) = pupils(1)
    tuesday = dt.date(2026, 2, 3)
    original = [
        Lesson(written(child), MONDAY, dt.time(8), attendance=60),
        Lesson(written(child), MONDAY, dt.time(9), attendance=0, invalid_absence=60),
        Lesson(written(child), tuesday, dt.time(8), attendance=60),
    ]
    import_attendance_file(lessons_csv(original))
    corrected = [
        Lesson(written(child), MONDAY, dt.time(8), attendance=60),
        Lesson(written(child), MONDAY, dt.time(9), attendance=0, valid_absence=60, reason="Sjuk"),
    ]
    result = import_attendance_file(lessons_csv(corrected))
    assert result.days_written == 1
    monday = stored_day(date=MONDAY)
    assert (monday.valid_absence_minutes, monday.invalid_absence_minutes) == (60, 0)
    assert monday.absence_reasons == "Sjuk"
    assert monday.import_run_id == result.import_id
    # A day the corrected file does not contain is kept.
    assert stored_day(date=tuesday).attendance_minutes == 60


def test_unknown_pupils_are_listed_and_their_lines_skipped() -> None:
    (child,) = pupils(1)
    stranger = make_identity_number(dt.date(2013, 5, 6), 321)
    lessons = [
        Lesson(written(child), MONDAY),
        Lesson(stranger, MONDAY),
        Lesson(stranger, dt.date(2026, 2, 3)),
    ]
    result = import_attendance_file(lessons_csv(lessons))
    assert result.succeeded
    assert result.lines_total == 3
    assert result.days_in_file == result.days_written == 1
    assert result.unknown_pupils == [f"{stranger[:8]}-{stranger[8:]}"]
    assert AttendanceImport.objects.get().unknown_pupils == result.unknown_pupils
    assert len(stored_days()) == 1


def test_progress_is_reported_and_the_import_logged(tmp_path) -> None:
    children = pupils(2)
    path = tmp_path / "narvaro.csv"
    path.write_bytes(lessons_csv(sample_lessons(children)))
    calls: list[tuple[int, int]] = []
    result = import_attendance_file(path, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 0)
    assert calls[-1] == (16, 16)  # 12 lines read + 4 days written
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))
    run = AttendanceImport.objects.get(pk=result.import_id)
    assert run.status == ImportStatus.SUCCEEDED
    assert run.file_name == "narvaro.csv"
    assert run.source_kind == "csv"
    assert (run.lines_total, run.days_written) == (12, 4)
    assert (run.progress_done, run.progress_total) == (16, 16)
    assert run.finished_at is not None
    assert run.errors == []


def test_blank_lines_and_unknown_columns_are_ignored() -> None:
    (child,) = pupils(1)
    text = (
        "klass,personnummer,datum,narvaro_minuter,giltig_franvaro_minuter,"
        "ogiltig_franvaro_minuter\n"
        f"7A,{written(child)},2026-02-02,60,0,0\n"
        "\n"
        f"7A, {written(child)} ,2026-02-02 , 30 ,0,30\n"
    )
    result = import_attendance_file(text.encode())
    assert result.succeeded, result.error_texts()
    assert result.lines_total == 2
    day = stored_day()
    assert (day.scheduled_minutes, day.lesson_count) == (120, 2)


def test_progress_is_saved_between_write_batches(monkeypatch) -> None:
    """The import row is updated while days are written (on PostgreSQL between COPY batches)."""
    import samsyn.attendance.importing.writer as writer
    import samsyn.attendance.services as services

    monkeypatch.setattr(services, "_SAVE_INTERVAL", 0.0)
    monkeypatch.setattr(writer, "_COPY_BATCH", 1)
    monkeypatch.setattr(writer, "_SQLITE_BATCH", 1)
    # A file of a month or two is appended in SQL in one step: write this one the long way.
    monkeypatch.setattr(writer, "_FEW_MONTHS", 0)
    children = pupils(2)
    calls: list[tuple[int, int]] = []
    result = import_attendance_file(
        lessons_csv(sample_lessons(children)),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result.days_written == 4
    # 12 lines read, then 4 days in 2 months (one per pupil), written one month per batch.
    assert [done for done, _ in calls] == [0, 12, 12, 14, 16, 16]
