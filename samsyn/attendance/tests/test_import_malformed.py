"""Malformed files are rejected whole, with line-numbered Swedish messages, changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from samsyn.attendance.models import AttendanceImport, ImportStatus
from samsyn.attendance.services import ImportResult, import_attendance_file
from samsyn.attendance.testing.builders import Lesson, lessons_csv, lessons_xlsx
from samsyn.attendance.testing.scenarios import day_rows, pupils, sample_lessons, written
from samsyn.attendance.testing.storage import stored_day, stored_days
from samsyn.children.models import Child

pytestmark = pytest.mark.django_db

HEADER = (
    "personnummer,datum,starttid,narvaro_minuter,giltig_franvaro_minuter,"
    "ogiltig_franvaro_minuter,franvaroorsak"
)


def _file(child: Child, *bad_lines: str) -> bytes:
    """A header, five good lines (lines 2–6), then ``bad_lines`` from line 7."""
    pnr = written(child)
    good = [f"{pnr},2026-03-0{day},08:00,60,0,0," for day in range(2, 7)]
    return ("\n".join([HEADER, *good, *bad_lines]) + "\n").encode()


def _rejected(data: bytes, **kwargs: object) -> ImportResult:
    """Import ``data`` over existing days and check that nothing changed."""
    before = day_rows()
    days = len(stored_days())
    result = import_attendance_file(data, **kwargs)  # type: ignore[arg-type]
    assert result.rejected, result
    assert len(stored_days()) == days
    assert day_rows() == before
    run = AttendanceImport.objects.get(pk=result.import_id)
    assert run.status == ImportStatus.REJECTED
    assert run.days_written == 0
    assert run.errors == [e.as_dict() for e in result.errors]
    return result


@pytest.fixture
def child() -> Child:
    children = pupils(2)
    assert import_attendance_file(lessons_csv(sample_lessons(children))).succeeded
    return children[0]


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        (
            "19991399-1234,2026-03-09,08:00,60,0,0,",
            "Rad 7: ogiltigt personnummer 19991399-1234",
        ),
        ("20120412-1239,2026-03-09,08:00,60,0,0,", "Rad 7: ogiltigt personnummer 20120412-1239"),
        ("{pnr},2026-03-09,08:00,-5,0,0,", "Rad 7: narvaro_minuter: negativt antal minuter -5"),
        (
            "{pnr},2026-03-09,08:00,60,tio,0,",
            "Rad 7: giltig_franvaro_minuter: tio är inte ett helt antal minuter",
        ),
        (
            "{pnr},2026-03-09,08:00,60,0,4.5,",
            "Rad 7: ogiltig_franvaro_minuter: 4.5 är inte ett helt antal minuter",
        ),
        ("{pnr},2026-03-09,08:00,2000,0,0,", "Rad 7: narvaro_minuter: 2000 minuter är mer än"),
        ("{pnr},2026-02-30,08:00,60,0,0,", "Rad 7: ogiltigt datum 2026-02-30 (skriv ÅÅÅÅ-MM-DD)"),
        ("{pnr},9/3/2026,08:00,60,0,0,", "Rad 7: ogiltigt datum 9/3/2026"),
        ("{pnr},2026-03-09,8 o'clock,60,0,0,", "Rad 7: ogiltig starttid 8 o'clock"),
        ("{pnr},,08:00,60,0,0,", "Rad 7: datum saknas"),
        (",2026-03-09,08:00,60,0,0,", "Rad 7: personnummer saknas"),
        ("{pnr},2026-03-09,08:00,60,,0,", "Rad 7: giltig_franvaro_minuter saknas"),
        ("{pnr},2026-03-09,08:00,60,0", "Rad 7: ogiltig_franvaro_minuter saknas"),
        ("{pnr},2026-03-04,08:00,45,15,0,Sjuk", "Rad 7: samma elev, datum och starttid som rad 4"),
        ("{pnr},2026-03-09,08:00,60,0,0,,extra", "Rad 7: 8 fält i stället för 7"),
    ],
)
def test_a_bad_line_rejects_the_whole_file(child: Child, bad_line: str, expected: str) -> None:
    data = _file(
        child, bad_line.format(pnr=written(child)), f"{written(child)},2026-03-10,8:00,1,2,3,"
    )
    result = _rejected(data)
    texts = result.error_texts()
    assert any(text.startswith(expected) for text in texts), texts
    assert all(text.startswith("Rad 7:") for text in texts), texts


def test_every_bad_line_is_reported(child: Child) -> None:
    pnr = written(child)
    data = _file(
        child,
        f"{pnr},2026-02-30,08:00,60,0,0,",
        "19991399-1234,2026-03-09,08:00,60,0,0,",
        f"{pnr},2026-03-02,08:00,60,0,0,",
        f"{pnr},2026-03-09,08:00,-1,x,0,",
    )
    texts = _rejected(data).error_texts()
    assert texts[0].startswith("Rad 7: ogiltigt datum 2026-02-30")
    assert texts[1].startswith("Rad 8: ogiltigt personnummer 19991399-1234")
    assert texts[2] == "Rad 9: samma elev, datum och starttid som rad 2"
    assert texts[3] == "Rad 10: narvaro_minuter: negativt antal minuter -1"
    assert texts[4] == "Rad 10: giltig_franvaro_minuter: x är inte ett helt antal minuter"
    assert len(texts) == 5


def test_duplicates_are_found_across_written_forms_of_the_time(child: Child) -> None:
    data = _file(child, f"{written(child)},2026-03-02,8:00,60,0,0,")
    assert _rejected(data).error_texts() == ["Rad 7: samma elev, datum och starttid som rad 2"]


def test_lines_without_start_time_are_separate_lessons(child: Child) -> None:
    header = "personnummer,datum,narvaro_minuter,giltig_franvaro_minuter,ogiltig_franvaro_minuter"
    line = f"{written(child)},2026-03-09,60,0,0"
    result = import_attendance_file(f"{header}\n{line}\n{line}\n".encode())
    assert result.succeeded
    day = stored_day(child=child, date=dt.date(2026, 3, 9))
    assert (day.attendance_minutes, day.lesson_count) == (120, 2)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "personnummer,datum,narvaro_minuter,ogiltig_franvaro_minuter",
            [
                "Rad 1: den obligatoriska kolumnen giltig_franvaro_minuter "
                "(på engelska valid_absence_minutes) saknas"
            ],
        ),
        (
            "pnr,date,attendance_minutes,valid_absence_minutes,invalid_absence_minutes",
            ["Rad 1: den obligatoriska kolumnen personnummer (på engelska personnummer) saknas"],
        ),
        (
            "personnummer,datum,date,narvaro_minuter,giltig_franvaro_minuter,"
            "ogiltig_franvaro_minuter",
            ["Rad 1: kolumnen date finns två gånger"],
        ),
    ],
)
def test_missing_or_doubled_columns_reject_the_file(
    child: Child, header: str, expected: list[str]
) -> None:
    data = f"{header}\n{written(child)},2026-03-09,60,0,0,0\n".encode()
    assert _rejected(data).error_texts() == expected


ENCODING_MESSAGE = (
    "filen är varken UTF-8- eller Windows-1252-text (den kan vara UTF-16 eller inte en textfil)"
)


def test_utf16_is_rejected(child: Child) -> None:
    data = _file(child).decode().encode("utf-16")
    texts = _rejected(data).error_texts()
    assert len(texts) == 1
    assert texts[0].startswith("Rad 1: " + ENCODING_MESSAGE)


def test_binary_is_rejected_with_the_line_of_the_first_bad_byte(child: Child) -> None:
    data = _file(child) + b"\x00\x01\x02\xff\xfe binary\n"
    assert _rejected(data).error_texts()[0].startswith("Rad 7: " + ENCODING_MESSAGE)


def test_bytes_windows_1252_does_not_define_are_rejected(child: Child) -> None:
    # 0x81 is undefined in Windows-1252 and, after "Sj", not UTF-8 either.
    line = f"{written(child)},2026-03-09,08:00,0,60,0,Sj".encode() + b"\x81uk\n"
    data = _file(child) + line
    assert _rejected(data).error_texts()[0].startswith("Rad 7: " + ENCODING_MESSAGE)


def test_an_empty_file_is_rejected(child: Child) -> None:
    assert _rejected(b"").error_texts() == ["filen är tom"]


def test_a_broken_excel_file_is_rejected(child: Child) -> None:
    data = lessons_xlsx(sample_lessons([child]))[:200]
    assert _rejected(data, kind="xlsx").error_texts() == ["filen är ingen läsbar Excelfil (.xlsx)"]


def test_a_bad_excel_row_is_reported_by_its_row_number(child: Child) -> None:
    lessons = [
        Lesson(written(child), dt.date(2026, 3, 9)),
        Lesson("19991399-1234", dt.date(2026, 3, 9)),
    ]
    texts = _rejected(lessons_xlsx(lessons)).error_texts()
    assert len(texts) == 1
    assert texts[0].startswith("Rad 3: ogiltigt personnummer 19991399-1234")


def test_errors_beyond_the_limit_are_counted(child: Child, monkeypatch) -> None:
    import samsyn.attendance.importing.errors as errors
    import samsyn.attendance.importing.pipeline as pipeline

    monkeypatch.setattr(errors, "MAX_ERRORS", 3)
    monkeypatch.setattr(pipeline, "MAX_ERRORS", 3)
    data = _file(child, *[f"{written(child)},2026-02-30,08:00,60,0,0," for _ in range(10)])
    texts = _rejected(data).error_texts()
    assert texts[0] == "Sammanlagt 10 rader har saknade eller ogiltiga värden."
    assert texts[1].startswith("Rad 7: ogiltigt datum")
