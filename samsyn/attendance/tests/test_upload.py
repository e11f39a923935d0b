"""Uploading the school system's file in the UI: imported as a background task with a progress
page; only the uploader's pupils are written; a bad file changes nothing and lists its lines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.attendance.models import AttendanceImport
from samsyn.attendance.testing.builders import Lesson, lessons_csv
from samsyn.attendance.testing.storage import stored_day, stored_days
from samsyn.audit.models import AccessLogEntry
from samsyn.children.identity import format_identity_number

pytestmark = pytest.mark.django_db


def _client(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _number(child) -> str:
    return format_identity_number(child.personnummer)


def _upload(client: Client, data: bytes, django_capture_on_commit_callbacks, name="narvaro.csv"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("attendance:upload"), {"file": SimpleUploadedFile(name, data)})


def test_upload__principal__own_pupils_imported_others_skipped(
    world, django_capture_on_commit_callbacks
) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    pupil, other = world.children["pupil"], world.children["other_pupil"]
    data = lessons_csv(
        [
            Lesson(_number(pupil), day, dt.time(8, 0), attendance=40, invalid_absence=20),
            Lesson(_number(other), day, dt.time(8, 0), attendance=60),
        ]
    )
    client = _client(world, "rektor")

    response = _upload(client, data, django_capture_on_commit_callbacks)

    run = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:upload_status", args=[run.pk])
    assert run.status == "succeeded" and run.created_by == world.users["rektor"]
    stored = stored_day()
    assert (stored.child_id, stored.invalid_absence_minutes) == (pupil.pk, 20)
    assert _number(other) in run.unknown_pupils
    entry = AccessLogEntry.objects.get(child=pupil, what=What.ATTENDANCE)
    assert (entry.action, entry.allowed, entry.username) == (Action.CHANGE, True, "rektor")
    page = client.get(response["Location"]).content.decode()
    assert "1 sparade" in page or "1 saved" in page
    assert 'http-equiv="refresh"' not in page


def test_upload__bad_file__nothing_saved_lines_listed(
    world, django_capture_on_commit_callbacks
) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    pupil = world.children["pupil"]
    good = Lesson(_number(pupil), day, dt.time(8, 0))
    bad = Lesson(_number(pupil), day, dt.time(9, 0), attendance=-5)
    client = _client(world, "rektor")

    response = _upload(client, lessons_csv([good, bad]), django_capture_on_commit_callbacks)

    assert not stored_days()
    page = client.get(response["Location"]).content.decode()
    assert "Rad 3" in page
    assert "inget sparades" in page.lower()


def test_upload_status__running__page_refreshes_with_progress(world) -> None:
    run = AttendanceImport.objects.create(
        source_kind="csv",
        file_name="stor.csv",
        created_by=world.users["rektor"],
        status="running",
        progress_done=250,
        progress_total=1000,
    )
    page = _client(world, "rektor").get(reverse("attendance:upload_status", args=[run.pk]))
    html = page.content.decode()
    assert 'http-equiv="refresh"' in html
    assert '<progress id="import-progress" max="100" value="25">' in html


def test_upload__not_a_school_lead_or_someone_elses_import__404(world) -> None:
    run = AttendanceImport.objects.create(
        source_kind="csv", file_name="x.csv", created_by=world.users["rektor"], status="succeeded"
    )
    for username in ("larare", "skolskoterska", "socialsekreterare", "analytiker"):
        client = _client(world, username)
        assert client.get(reverse("attendance:upload")).status_code == 404, username
        status = client.get(reverse("attendance:upload_status", args=[run.pk]))
        assert status.status_code == 404, username
