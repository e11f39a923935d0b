"""Excel imports (openpyxl, read-only)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from samsyn.attendance.models import AttendanceImport
from samsyn.attendance.services import import_attendance_file
from samsyn.attendance.testing.builders import SWEDISH_DIACRITICS, lessons_xlsx
from samsyn.attendance.testing.scenarios import day_rows, pupils, sample_lessons, written
from samsyn.attendance.testing.storage import stored_day

pytestmark = pytest.mark.django_db


def test_xlsx_file_by_path(tmp_path) -> None:
    children = pupils(2)
    path = tmp_path / "Närvaro vecka 6.xlsx"
    path.write_bytes(lessons_xlsx(sample_lessons(children), headers=SWEDISH_DIACRITICS))
    result = import_attendance_file(path)
    assert result.succeeded, result.error_texts()
    assert (result.lines_total, result.days_written) == (12, 4)
    assert AttendanceImport.objects.get().source_kind == "xlsx"
    day = stored_day(child=children[0], date=dt.date(2026, 2, 2))
    assert (day.scheduled_minutes, day.lesson_count, day.absence_reasons) == (170, 3, "Sjuk")
    # The same file again writes nothing.
    assert import_attendance_file(path).days_written == 0


def test_xlsx_bytes_are_recognised_by_content() -> None:
    children = pupils(1)
    result = import_attendance_file(lessons_xlsx(sample_lessons(children)))
    assert result.succeeded
    assert result.source_kind == "xlsx"


def test_text_cells_and_blank_rows(tmp_path) -> None:
    (child,) = pupils(1)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        [
            "Datum",
            "Personnummer",
            "Närvaro_minuter",
            "Giltig_frånvaro_minuter",
            "Ogiltig_frånvaro_minuter",
            "Starttid",
        ]
    )
    sheet.append(["2026-02-02", written(child), "45", 15.0, 0, "08:00"])
    sheet.append([None, None, None, None, None, None])
    sheet.append([dt.datetime(2026, 2, 2), written(child), 60, 0, 0, dt.time(9, 30)])
    path = tmp_path / "n.xlsx"
    workbook.save(path)
    result = import_attendance_file(path)
    assert result.succeeded, result.error_texts()
    assert result.lines_total == 2
    assert day_rows()[0]["scheduled_minutes"] == 120
