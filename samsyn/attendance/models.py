"""School attendance, stored per pupil and school day, and the log of the imports that wrote it.

A school system reports attendance per lesson; a year for 50,000 pupils is about 57 million
lessons. Samsyn stores one row per pupil and day (about 9 million a year): the sums of the day's
lessons. An import replaces each pupil-day it contains as a whole: the day's lessons in the file
*are* the day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child


class SourceKind(models.TextChoices):
    CSV = "csv", _("CSV file")
    XLSX = "xlsx", _("Excel file")
    SS12000 = "ss12000", _("SS 12000")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class AttendanceImport(models.Model):
    """One import of one file (or one SS 12000 fetch), kept also when it was rejected."""

    source_kind = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    lines_total = models.PositiveBigIntegerField(_("lines read"), default=0)
    days_in_file = models.PositiveBigIntegerField(_("pupil-days in the file"), default=0)
    days_written = models.PositiveBigIntegerField(_("pupil-days written"), default=0)
    # Identity numbers (YYYYMMDD-NNNN) in the file that match no child; their lines are skipped.
    unknown_pupils = models.JSONField(_("unknown pupils"), default=list, blank=True)
    # [{"line": int | None, "message": str}] — Swedish reasons, the line prefix not included.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["sha256"], name="attendance_import_sha256")]
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")

    def __str__(self) -> str:
        return f"{self.get_source_kind_display()} {self.file_name} ({self.status})"


class AttendanceDay(models.Model):
    """One pupil's attendance on one school day: the sums over the day's lessons."""

    # No index of its own: the unique (child, date) index serves lookups by child.
    # No database constraint: checking ~9 million new rows against the child table at commit
    # costs a third of a year's import (ADR 7). Rows are only written by the import, which maps
    # every personnummer to an existing child, and Django's collector still cascades deletes.
    # No index of its own either: the unique (child, date) index serves it.
    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        related_name="attendance_days",
        db_index=False,
        db_constraint=False,
    )
    date = models.DateField(_("date"))
    scheduled_minutes = models.PositiveIntegerField(_("scheduled minutes"))
    attendance_minutes = models.PositiveIntegerField(_("attendance minutes"))
    valid_absence_minutes = models.PositiveIntegerField(_("valid absence minutes"))
    invalid_absence_minutes = models.PositiveIntegerField(_("invalid absence minutes"))
    # Present at another school activity (e.g. the pupil council) instead of the lesson.
    other_attendance_minutes = models.PositiveIntegerField(_("other attendance minutes"))
    lesson_count = models.PositiveIntegerField(_("lessons"))
    # The day's distinct absence reasons, sorted, joined with "; ".
    absence_reasons = models.TextField(_("absence reasons"), blank=True, default="")
    # The import that last changed this day. Neither a database constraint nor an index: an
    # import writes millions of days that all point at one import row, and the constraint's
    # check per row (a lock on that one row) made bulk upserts many times slower. Django still
    # sets it to NULL when an import is deleted.
    import_run = models.ForeignKey(
        AttendanceImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="days",
        db_column="import_id",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["child", "date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="attendance_day_child_date")
        ]
        indexes = [models.Index(fields=["date"], name="attendance_day_date")]
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")

    def __str__(self) -> str:
        return f"{self.child_id} {self.date}"


# Signals, the guardian-notification duty, investigations and settings live in their own module.
from samsyn.attendance.followup_models import (  # noqa: E402
    AbsenceInvestigation,
    AbsenceSignal,
    AttendanceSettings,
    GuardianNotification,
    InvestigationStatus,
    NotificationMethod,
    SignalLevel,
)

__all__ = [
    "AbsenceInvestigation",
    "AbsenceSignal",
    "AttendanceDay",
    "AttendanceImport",
    "AttendanceSettings",
    "GuardianNotification",
    "ImportStatus",
    "InvestigationStatus",
    "NotificationMethod",
    "SignalLevel",
    "SourceKind",
]
