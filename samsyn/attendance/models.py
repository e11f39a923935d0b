"""School attendance, stored per pupil and month of school days, and the log of the imports.

A school system reports attendance per lesson; a year for 50,000 pupils is about 57 million
lessons, about 9 million pupil-days. Samsyn keeps the sums of each pupil-day, packed one row per
pupil and month (about 550,000 rows a year, ADR 8). An import replaces each pupil-day it contains
as a whole: the day's lessons in the file *are* the day.
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
    # The last date among the pupil-days written (the day to refresh the signals as of).
    last_day_written = models.DateField(_("last day written"), null=True, blank=True)
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


class AttendanceMonth(models.Model):
    """One pupil's attendance over one calendar month: the sums of each school day's lessons.

    The days are packed into one text value (ADR 8), ordered by date, separated by ``;``, each
    ``day-of-month,scheduled,attended,valid absence,invalid absence,other attendance,lessons``
    (minutes, and the number of lessons). A year for 50,000 pupils is about 550,000 rows instead
    of 9 million day rows: an import writes and the indicators read a twentieth of the rows.
    ``samsyn.attendance.importing.packing`` packs and unpacks; everything else reads days
    through ``selectors.load_days``. The month's totals are kept beside it for the statistics.
    """

    # Neither a database constraint nor an index of its own (the unique (child, month) index
    # serves lookups by child): only the import writes months, and it maps every personnummer
    # to an existing child; Django's collector still cascades deletes.
    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        related_name="attendance_months",
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField(_("month"))  # the first day of the month
    days = models.TextField(_("days (packed)"))
    # The days' distinct absence reasons: ``day-of-month<US>reasons`` for each day that has any,
    # separated by the record separator (US = \x1f, RS = \x1e); reasons joined by "; ".
    reasons = models.TextField(_("absence reasons"), blank=True, default="")
    school_days = models.PositiveSmallIntegerField(_("school days"))
    scheduled_minutes = models.PositiveIntegerField(_("scheduled minutes"))
    valid_absence_minutes = models.PositiveIntegerField(_("valid absence minutes"))
    invalid_absence_minutes = models.PositiveIntegerField(_("invalid absence minutes"))
    # The import that last changed this month (no constraint, no index: one import writes
    # hundreds of thousands of months that all point at one import row).
    import_run = models.ForeignKey(
        AttendanceImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="months",
        db_column="import_id",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["child", "month"]
        constraints = [
            models.UniqueConstraint(fields=["child", "month"], name="attendance_month_child")
        ]
        # The statistics sum a period's months of every pupil: on PostgreSQL the index holds
        # the totals too, so those sums never touch the wide rows (an index-only scan).
        indexes = [
            models.Index(
                fields=["month"],
                name="attendance_month_totals",
                include=[
                    "child",
                    "scheduled_minutes",
                    "valid_absence_minutes",
                    "invalid_absence_minutes",
                ],
            )
        ]
        verbose_name = _("attendance month")
        verbose_name_plural = _("attendance months")

    def __str__(self) -> str:
        return f"{self.child_id} {self.month:%Y-%m}"


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
    "AttendanceImport",
    "AttendanceMonth",
    "AttendanceSettings",
    "GuardianNotification",
    "ImportStatus",
    "InvestigationStatus",
    "NotificationMethod",
    "SignalLevel",
    "SourceKind",
]
