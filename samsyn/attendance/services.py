"""Attendance use cases that change state: importing lesson attendance.

Every import is logged as an :class:`AttendanceImport` (also a rejected one) and is

- atomic: a file with any bad line writes no attendance; every bad line is reported with its
  line number and a Swedish reason (``Rad 7: ogiltigt personnummer …``);
- idempotent: each pupil-day in the file replaces the stored day as a whole, and a day whose
  values are unchanged is not written (``days_written`` = 0 for a second import of a file);
- tolerant of unknown pupils: lines whose (valid) personnummer matches no child are skipped and
  the numbers listed in ``unknown_pupils``; they do not reject the file.

``progress(done, total)`` is called as the work goes: the units are lines read plus pupil-days
written (``total`` is 0 until the file has been read). The import row's ``progress_done`` and
``progress_total`` follow, for a UI that polls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from samsyn.attendance.importing import sources
from samsyn.attendance.importing.errors import FileRejected, LineError
from samsyn.attendance.importing.pipeline import ParsedDays, parse_days
from samsyn.attendance.importing.writer import write_days
from samsyn.attendance.models import AttendanceImport, ImportStatus, SourceKind
from samsyn.attendance.ss12000 import (
    SS12000_NAMES,
    SS12000Client,
    SS12000Error,
    lessons_from_ss12000,
)
from samsyn.children.identity import format_identity_number
from samsyn.children.models import Child

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from samsyn.accounts.models import User

Progress = Callable[[int, int], None]
_LOOKUP_BATCH = 900
_SAVE_INTERVAL = 1.0  # seconds between progress updates of the import row


@dataclass
class ImportResult:
    import_id: int
    source_kind: str
    file_name: str
    status: str
    lines_total: int = 0
    days_in_file: int = 0
    days_written: int = 0
    last_day_written: dt.date | None = None
    unknown_pupils: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.status == ImportStatus.REJECTED

    @property
    def succeeded(self) -> bool:
        return self.status == ImportStatus.SUCCEEDED

    def error_texts(self) -> list[str]:
        """``Rad 7: ogiltigt personnummer …`` (``Post 7: …`` for SS 12000)."""
        record = self.source_kind == SourceKind.SS12000
        return [error.text(record=record) for error in self.errors]


class _Reporter:
    """Calls the caller's progress function and keeps the import row's progress up to date."""

    def __init__(self, run: AttendanceImport, progress: Progress | None) -> None:
        self.run = run
        self.progress = progress
        self.total = 0
        self._saved = 0.0

    def __call__(self, done: int, total: int | None = None, *, save: bool = False) -> None:
        if total is not None:
            self.total = total
        if self.progress is not None:
            self.progress(done, self.total)
        now = time.monotonic()
        if save or now - self._saved >= _SAVE_INTERVAL:
            self._saved = now
            AttendanceImport.objects.filter(pk=self.run.pk).update(
                progress_done=done, progress_total=self.total
            )


def _kind_of(source: Path | bytes, kind: str | None) -> str:
    if kind:
        return str(SourceKind(kind))
    if isinstance(source, Path):
        if source.suffix.lower() in (".xlsx", ".xlsm"):
            return SourceKind.XLSX
        with source.open("rb") as handle:
            head = handle.read(4)
    else:
        head = source[:4]
    return SourceKind.XLSX if sources.looks_like_xlsx(head) else SourceKind.CSV


def _child_ids(numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    if connection.vendor == "postgresql":
        # One query with an array parameter: 50,000 numbers in an IN list cost seconds.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT personnummer, id FROM {Child._meta.db_table} WHERE personnummer = ANY(%s)",
                [numbers],
            )
            found.update(cursor.fetchall())
    else:
        for start in range(0, len(numbers), _LOOKUP_BATCH):
            batch = numbers[start : start + _LOOKUP_BATCH]
            found.update(
                Child.objects.filter(personnummer__in=batch).values_list("personnummer", "id")
            )
    return found


def _start(kind: str, name: str, user: User | None) -> AttendanceImport:
    return AttendanceImport.objects.create(
        source_kind=kind,
        file_name=name[:255],
        created_by=user,
        status=ImportStatus.RUNNING,
    )


def _finish(
    run: AttendanceImport, status: str, *, errors: list[LineError] | None = None
) -> ImportResult:
    run.status = status
    run.finished_at = timezone.now()
    if errors is not None:
        run.errors = [e.as_dict() for e in errors]
    run.save()
    return ImportResult(
        import_id=run.pk,
        source_kind=run.source_kind,
        file_name=run.file_name,
        status=run.status,
        lines_total=run.lines_total,
        days_in_file=run.days_in_file,
        days_written=run.days_written,
        last_day_written=run.last_day_written,
        unknown_pupils=list(run.unknown_pupils),
        errors=errors or [],
    )


def _run(
    run: AttendanceImport,
    read: Callable[[], sources.LessonSource],
    progress: Progress | None,
    allowed: set[int] | None = None,
) -> ImportResult:
    """Read, validate, sum and write one source; the import row records how it went."""
    report = _Reporter(run, progress)
    report(0, 0, save=True)
    try:
        source = read()
        looked_up: dict[str, int] = {}

        def known_numbers(numbers: list[str]) -> set[str]:
            looked_up.update(_child_ids(numbers))
            return set(looked_up)

        source.known_numbers = known_numbers
        try:
            parsed: ParsedDays = parse_days(source)
        finally:
            # A CSV file's SHA-256 is known once parse_days has read it (see sources.read_csv).
            run.sha256 = source.sha256
    except FileRejected as exc:
        return _finish(run, ImportStatus.REJECTED, errors=exc.errors)
    except Exception as exc:
        _finish(run, ImportStatus.FAILED, errors=[LineError(None, str(exc))])
        raise

    numbers = parsed.numbers()
    ids = {n: looked_up[n] for n in numbers if n in looked_up}
    ids.update(_child_ids([n for n in numbers if n not in looked_up]))
    if allowed is not None:
        ids = {number: pk for number, pk in ids.items() if pk in allowed}
    unknown = sorted(set(numbers) - set(ids))
    run.unknown_pupils = [
        *source.unknown_pupils,
        *(format_identity_number(number) for number in unknown),
    ]
    run.lines_total = parsed.lines_total
    known = parsed.with_child_ids(ids)
    run.days_in_file = len(known)
    lines = parsed.lines_total
    total = lines + len(known)
    report(lines, total, save=True)
    try:
        with transaction.atomic():
            written = write_days(
                known, import_id=run.pk, progress=lambda done: report(lines + done)
            )
            run.days_written = written.days
            run.last_day_written = written.last
            result = _finish(run, ImportStatus.SUCCEEDED)
    except Exception as exc:
        run.days_written = 0
        _finish(run, ImportStatus.FAILED, errors=[LineError(None, str(exc))])
        raise
    report(total, total, save=True)
    return result


def import_attendance_file(
    source: str | Path | bytes,
    *,
    user: User | None = None,
    source_name: str | None = None,
    kind: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one CSV or Excel file of lessons (a path or its bytes).

    ``kind`` is ``"csv"`` or ``"xlsx"``; by default the file name's extension (for a path) or the
    content decides. A rejected file is returned with status ``rejected`` and its ``errors``;
    nothing is written then. An unexpected failure marks the import ``failed`` and is raised.
    """
    data: Path | bytes = Path(source) if isinstance(source, str) else source
    name = source_name or (data.name if isinstance(data, Path) else "")
    source_kind = _kind_of(data, kind)
    run = _start(source_kind, name, user)
    reader = sources.read_xlsx if source_kind == SourceKind.XLSX else sources.read_csv
    return _run(run, lambda: reader(data), progress)


def import_ss12000(
    base_url: str,
    token: str,
    *,
    user: User | None = None,
    progress: Progress | None = None,
    page_size: int | None = None,
    client: SS12000Client | None = None,
) -> ImportResult:
    """Fetch persons, calendar events and attendances from an SS 12000 server and import them.

    All or nothing like a file. A server that cannot be reached or answers with an error marks
    the import ``failed`` with the reason in ``errors`` (returned, not raised).
    """
    client = client or SS12000Client(base_url, token, page_size=page_size)
    run = _start(SourceKind.SS12000, base_url, user)
    fetched = 0

    def on_page(count: int) -> None:
        nonlocal fetched
        fetched += count
        if progress is not None:
            progress(fetched, 0)

    try:
        persons = client.persons(on_page=on_page)
        events = client.calendar_events(on_page=on_page)
        attendances = client.attendances(on_page=on_page)
    except SS12000Error as exc:
        return _finish(run, ImportStatus.FAILED, errors=[LineError(None, str(exc))])

    def read() -> sources.LessonSource:
        digest = hashlib.sha256(
            json.dumps([persons, events, attendances], sort_keys=True, default=str).encode()
        ).hexdigest()
        rows, errors, unknown = lessons_from_ss12000(persons, events, attendances)
        lesson_source = sources.from_rows(rows, sha256=digest, record_numbers=True)
        lesson_source.extra_errors = errors
        lesson_source.names.update(SS12000_NAMES)
        lesson_source.unknown_pupils = unknown
        return lesson_source

    return _run(run, read, progress)


__all__ = ["ImportResult", "import_attendance_file", "import_ss12000"]


# --- Uploads in the UI: a background task with its progress on the import row ----------------


def _upload_path(import_id: int) -> Path:
    folder = Path(settings.SAMSYN["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"attendance-{import_id}.upload"


def upload_start(
    *, user: User, data: bytes, name: str, allowed_children: set[int]
) -> AttendanceImport:
    """Keep an uploaded file and start importing it in the background once the request commits.

    Only ``allowed_children`` (the pupils of the uploader's schools) are written; lines about
    any other pupil are skipped and listed as unknown, as for a personnummer Samsyn lacks.
    The import row's ``progress_done``/``progress_total`` tell the status page how far it is.
    """
    run = AttendanceImport.objects.create(
        source_kind=_kind_of(data, None),
        file_name=name[:255],
        created_by=user,
        status=ImportStatus.PENDING,
    )
    _upload_path(run.pk).write_bytes(data)
    transaction.on_commit(lambda: _launch(run.pk, user.pk, allowed_children))
    return run


def _launch(import_id: int, user_id: int, allowed: set[int]) -> None:
    if settings.SAMSYN.get("ATTENDANCE_UPLOAD_INLINE"):
        upload_run(import_id, user_id, allowed)
        return
    threading.Thread(
        target=_upload_thread,
        args=(import_id, user_id, allowed),
        name=f"attendance-import-{import_id}",
        daemon=True,
    ).start()


def _upload_thread(import_id: int, user_id: int, allowed: set[int]) -> None:
    try:
        upload_run(import_id, user_id, allowed)
    except Exception:
        logger.exception("Attendance import %s failed", import_id)
    finally:
        connections.close_all()


def upload_run(import_id: int, user_id: int, allowed: set[int]) -> ImportResult:
    """Import an uploaded file (the background task), log the pupils whose attendance it
    changed, and update the signals as of the last day written."""
    from samsyn.access.policy import What
    from samsyn.access.services import access_children_changed
    from samsyn.accounts.models import User
    from samsyn.attendance.models import AttendanceMonth
    from samsyn.attendance.signalling import signals_refresh

    run = AttendanceImport.objects.get(pk=import_id)
    run.status = ImportStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    path = _upload_path(import_id)
    reader = sources.read_xlsx if run.source_kind == SourceKind.XLSX else sources.read_csv
    try:
        result = _run(run, lambda: reader(path), None, allowed)
    finally:
        path.unlink(missing_ok=True)
    if not result.succeeded or not result.days_written:
        return result
    written = AttendanceMonth.objects.filter(import_run_id=import_id)
    user = User.objects.get(pk=user_id)
    with transaction.atomic():
        access_children_changed(
            user=user,
            children=Child.objects.filter(pk__in=written.values("child_id")),
            what=What.ATTENDANCE,
            detail="attendance: upload",
        )
    if result.last_day_written is not None:
        signals_refresh(as_of=result.last_day_written)
    return result
