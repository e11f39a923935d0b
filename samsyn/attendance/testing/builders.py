"""Build the same lessons as a CSV file, an Excel file or SS 12000 data (for tests and demos)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

ENGLISH = (
    "personnummer",
    "date",
    "start_time",
    "scheduled_minutes",
    "attendance_minutes",
    "valid_absence_minutes",
    "invalid_absence_minutes",
    "other_attendance_minutes",
    "absence_reason",
)
SWEDISH = (
    "personnummer",
    "datum",
    "starttid",
    "schemalagda_minuter",
    "narvaro_minuter",
    "giltig_franvaro_minuter",
    "ogiltig_franvaro_minuter",
    "annan_narvaro_minuter",
    "franvaroorsak",
)
SWEDISH_DIACRITICS = (
    "Personnummer",
    "Datum",
    "Starttid",
    "Schemalagda_minuter",
    "Närvaro_minuter",
    "Giltig_frånvaro_minuter",
    "Ogiltig_frånvaro_minuter",
    "Annan_närvaro_minuter",
    "Frånvaroorsak",
)


@dataclass(frozen=True)
class Lesson:
    personnummer: str  # as written in the file, e.g. 20120412-1238
    date: dt.date
    start_time: dt.time | None = dt.time(8, 0)
    attendance: int = 60
    valid_absence: int = 0
    invalid_absence: int = 0
    other_attendance: int = 0
    scheduled: int | None = None  # None: the sum of the four
    reason: str = ""

    @property
    def scheduled_or_sum(self) -> int:
        if self.scheduled is not None:
            return self.scheduled
        return self.attendance + self.valid_absence + self.invalid_absence + self.other_attendance

    def values(self) -> list[Any]:
        return [
            self.personnummer,
            self.date.isoformat(),
            self.start_time.strftime("%H:%M") if self.start_time else "",
            "" if self.scheduled is None else self.scheduled,
            self.attendance,
            self.valid_absence,
            self.invalid_absence,
            self.other_attendance,
            self.reason,
        ]


def lessons_csv(
    lessons: list[Lesson],
    *,
    headers: tuple[str, ...] = ENGLISH,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    drop: tuple[str, ...] = (),
) -> bytes:
    """A CSV file; ``drop`` leaves out columns by their English name."""
    keep = [i for i, name in enumerate(ENGLISH) if name not in drop]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([headers[i] for i in keep])
    for lesson in lessons:
        values = lesson.values()
        writer.writerow([values[i] for i in keep])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def lessons_xlsx(lessons: list[Lesson], *, headers: tuple[str, ...] = ENGLISH) -> bytes:
    """An Excel file with real date and number cells, as a school system would export it."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for lesson in lessons:
        sheet.append(
            [
                lesson.personnummer,
                lesson.date,
                lesson.start_time,
                lesson.scheduled,
                lesson.attendance,
                lesson.valid_absence,
                lesson.invalid_absence,
                lesson.other_attendance,
                lesson.reason or None,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def lessons_ss12000(lessons: list[Lesson]) -> dict[str, list[dict[str, Any]]]:
    """SS 12000 ``persons``, ``calendarEvents`` and ``attendances`` for the lessons.

    Every lesson is its own calendar event (start in Swedish local time, length the scheduled
    minutes); persons carry the personnummer as 12 digits in ``civicNo.value``.
    """
    namespace = uuid.UUID("6f1c1f4e-9a59-4a3e-9d7c-3f1b0f2b8a11")
    persons: dict[str, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    attendances: list[dict[str, Any]] = []
    stockholm = ZoneInfo("Europe/Stockholm")
    for n, lesson in enumerate(lessons):
        digits = lesson.personnummer.replace("-", "")
        person_id = str(uuid.uuid5(namespace, digits))
        persons.setdefault(
            person_id,
            {
                "id": person_id,
                "givenName": "Elev",
                "familyName": digits,
                "civicNo": {"value": digits, "nationality": "SE"},
            },
        )
        start = dt.datetime.combine(lesson.date, lesson.start_time or dt.time(8, 0), stockholm)
        event_id = str(uuid.uuid5(namespace, f"event-{n}"))
        events.append(
            {
                "id": event_id,
                "startTime": start.isoformat(),
                "endTime": (start + dt.timedelta(minutes=lesson.scheduled_or_sum)).isoformat(),
            }
        )
        attendance: dict[str, Any] = {
            "id": str(uuid.uuid5(namespace, f"attendance-{n}")),
            "calendarEvent": {"id": event_id},
            "student": {"id": person_id, "displayName": digits},
            "isReported": True,
            "attendanceMinutes": lesson.attendance,
            "validAbsenceMinutes": lesson.valid_absence,
            "invalidAbsenceMinutes": lesson.invalid_absence,
            "otherAttendanceMinutes": lesson.other_attendance,
        }
        if lesson.reason:
            attendance["absenceReason"] = lesson.reason
        attendances.append(attendance)
    return {
        "persons": list(persons.values()),
        "calendarEvents": events,
        "attendances": attendances,
    }
