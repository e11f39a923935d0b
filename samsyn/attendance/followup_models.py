"""What Samsyn does with attendance: signals, the same-day guardian notification, investigations.

Imported by :mod:`samsyn.attendance.models`; kept apart from the storage of the days themselves.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child
from samsyn.organisations.models import Municipality, Unit


class SignalLevel(models.IntegerChoices):
    """The three-level model of the attendance teams (närvaroteamen)."""

    AT_RISK = 1, _("Level 1: at risk")
    PROBLEMATIC = 2, _("Level 2: problematic absence")
    SEVERE = 3, _("Level 3: severe problematic absence")


class AbsenceSignal(models.Model):
    """A pupil's absence signal at their school: opened when an indicator comes into effect,
    updated at every evaluation, closed when none is in effect any more."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="absence_signals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=SignalLevel.choices)
    highest_level = models.PositiveSmallIntegerField(
        _("highest level"), choices=SignalLevel.choices
    )
    # [{"indicator", "level", "value", "window_start", "window_end"}] in effect at ``as_of``.
    indicators = models.JSONField(_("indicators"), default=list)
    as_of = models.DateField(_("evaluated as of"))
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-level", "child__last_name", "child__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_on__isnull=True),
                name="absence_signal_one_open_per_child",
            )
        ]
        indexes = [models.Index(fields=["unit", "closed_on"], name="absence_signal_unit_open")]
        verbose_name = _("absence signal")
        verbose_name_plural = _("absence signals")

    def __str__(self) -> str:
        return f"{self.child_id} {self.level}"

    @property
    def indicator_names(self) -> list[str]:
        return [str(i["indicator"]) for i in self.indicators]


class NotificationMethod(models.TextChoices):
    PHONE = "phone", _("Telephone")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    SCHOOL_APP = "school_app", _("The school's app")
    MEETING = "meeting", _("In person")
    LETTER = "letter", _("Letter")


class GuardianNotification(models.Model):
    """The duty to tell the guardians the same day about unexcused absence (Skollagen 7 kap.
    17 §), and how and when it was done."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="guardian_notifications"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date of the absence"))
    invalid_minutes = models.PositiveIntegerField(_("unexcused minutes"))
    notified_at = models.DateTimeField(_("guardians told"), null=True, blank=True)
    method = models.CharField(
        _("how"), max_length=20, choices=NotificationMethod.choices, blank=True
    )
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-date", "child__last_name", "child__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="guardian_notification_day")
        ]
        indexes = [models.Index(fields=["unit", "date"], name="guardian_notification_unit")]
        verbose_name = _("guardian notification")
        verbose_name_plural = _("guardian notifications")

    def __str__(self) -> str:
        return f"{self.child_id} {self.date}"

    @property
    def done(self) -> bool:
        return self.notified_at is not None


class InvestigationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AbsenceInvestigation(models.Model):
    """The principal's investigation of repeated or long absence (Skollagen 7 kap. 19 a §),
    with the pupil, the guardians and the student health team; reported to the organiser."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="absence_investigations"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened"))
    # The indicators that opened it, as on the signal.
    indicators = models.JSONField(_("indicators"), default=list)
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigator"),
    )
    with_pupil = models.BooleanField(_("with the pupil"), default=False)
    with_guardians = models.BooleanField(_("with the guardians"), default=False)
    with_student_health = models.BooleanField(_("with the student health team"), default=False)
    participants = models.TextField(_("others taking part"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.OPEN,
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where it led in the core flow, if anywhere.
    concern = models.ForeignKey(
        "concerns.Concern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status="open"),
                name="absence_investigation_one_open_per_child",
            )
        ]
        indexes = [models.Index(fields=["unit", "status"], name="absence_investigation_unit")]
        verbose_name = _("absence investigation")
        verbose_name_plural = _("absence investigations")

    def __str__(self) -> str:
        return f"{self.child_id} {self.opened_on}"


class AttendanceSettings(models.Model):
    """A municipality's own indicator thresholds; a field left empty keeps the default."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="attendance_settings"
    )
    # Field name of :class:`samsyn.attendance.indicators.Thresholds` -> value (lists for levels).
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)

    class Meta:
        verbose_name = _("attendance settings")
        verbose_name_plural = _("attendance settings")

    def __str__(self) -> str:
        return str(self.municipality)
