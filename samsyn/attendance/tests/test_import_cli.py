"""``samsyn attendance import``: summaries in Swedish, exit code, SS 12000 options."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from samsyn.attendance.testing.builders import Lesson, lessons_csv, lessons_ss12000, lessons_xlsx
from samsyn.attendance.testing.fake_ss12000 import FakeSS12000Server
from samsyn.attendance.testing.scenarios import pupils, sample_lessons, written
from samsyn.attendance.testing.storage import stored_days
from samsyn.children.identity import make_identity_number

pytestmark = pytest.mark.django_db


def test_imports_files_and_prints_a_summary(tmp_path) -> None:
    children = pupils(2)
    stranger = make_identity_number(dt.date(2013, 5, 6), 5)
    csv_path = tmp_path / "vecka6.csv"
    csv_path.write_bytes(
        lessons_csv([*sample_lessons(children), Lesson(stranger, dt.date(2026, 2, 2))])
    )
    xlsx_path = tmp_path / "vecka7.xlsx"
    lessons = [Lesson(written(children[0]), dt.date(2026, 2, 9))]
    xlsx_path.write_bytes(lessons_xlsx(lessons))
    out = StringIO()
    call_command("attendance_import", str(csv_path), str(xlsx_path), stdout=out)
    text = out.getvalue()
    assert (
        f"{csv_path}: 13 rader lästa, 4 elevdagar i filen, 4 elevdagar skrivna, 1 okända elever."
        in text
    )
    assert f"Okända elever (deras rader hoppades över): {stranger[:8]}-{stranger[8:]}" in text
    assert f"{xlsx_path}: 1 rader lästa, 1 elevdagar i filen, 1 elevdagar skrivna" in text
    assert len(stored_days()) == 5


def test_a_rejected_file_is_listed_with_its_errors_and_fails(tmp_path) -> None:
    (child,) = pupils(1)
    good = tmp_path / "good.csv"
    good.write_bytes(lessons_csv([Lesson(written(child), dt.date(2026, 2, 2))]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(lessons_csv([Lesson("19991399-1234", dt.date(2026, 2, 2))]))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 importer avvisades eller misslyckades"):
        call_command("attendance_import", str(good), str(bad), stdout=out, stderr=err)
    assert f"{bad} avvisades; inget sparades:" in err.getvalue()
    assert "  Rad 2: ogiltigt personnummer 19991399-1234" in err.getvalue()
    assert len(stored_days()) == 1


def test_a_missing_file_fails(tmp_path) -> None:
    with pytest.raises(CommandError):
        call_command("attendance_import", str(tmp_path / "nope.csv"), stderr=StringIO())


def test_imports_from_ss12000(tmp_path) -> None:
    children = pupils(1)
    out = StringIO()
    with FakeSS12000Server(lessons_ss12000(sample_lessons(children)), token="t") as server:
        call_command(
            "attendance_import",
            "--ss12000-url",
            server.url,
            "--ss12000-token",
            "t",
            "--ss12000-page-size",
            "2",
            stdout=out,
        )
    assert (
        f"{server.url}: 6 rader lästa, 2 elevdagar i filen, 2 elevdagar skrivna" in out.getvalue()
    )


def test_nothing_to_import_is_an_error() -> None:
    with pytest.raises(CommandError, match="Ange en eller flera filer"):
        call_command("attendance_import")
