"""Concerns (oro), their triage, reports of concern (orosanmälan) and de-identified consultation.

- A **concern** is registered by any member of staff (the *Upptäckare*) and lands with the
  child's Barnkontakt, with a response deadline. The reporter sees that it was received and
  answered, never the child's records.
- The Barnkontakt **triages** it with the five questions and a decision.
- A **report of concern** goes to the intake group of social services in the child's
  municipality without consent (SoL 14 kap. 1 §): the intake's ground is *legal duty*.
- A **consultation** presents a case to a consultation group without identifying the child.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samsyn.children.models import Child
from samsyn.organisations.models import Unit


class Indicator(models.TextChoices):
    """The wellbeing wheel (SHANARRI): välbefinnandehjulet."""

    SAFE = "safe", pgettext_lazy("wellbeing indicator", "Safe")
    HEALTHY = "healthy", pgettext_lazy("wellbeing indicator", "Healthy")
    ACHIEVING = "achieving", pgettext_lazy("wellbeing indicator", "Achieving")
    NURTURED = "nurtured", pgettext_lazy("wellbeing indicator", "Nurtured")
    ACTIVE = "active", pgettext_lazy("wellbeing indicator", "Active")
    RESPECTED = "respected", pgettext_lazy("wellbeing indicator", "Respected")
    RESPONSIBLE = "responsible", pgettext_lazy("wellbeing indicator", "Responsible")
    INCLUDED = "included", pgettext_lazy("wellbeing indicator", "Included")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ConcernStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Answered")


class Concern(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="concerns")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    observed = models.TextField(_("what was observed"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    respond_by = models.DateField(_("respond by"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.RECEIVED
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "respond_by"], name="concern_status_due"),
            models.Index(fields=["child", "created_at"], name="concern_child_created"),
            models.Index(fields=["reporter", "created_at"], name="concern_reporter_created"),
        ]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return f"{self.child} {self.created_at:%Y-%m-%d}"


class ConcernIndicator(models.Model):
    """One wellbeing indicator a concern touches (a row each, for the statistics)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField(max_length=12, choices=Indicator.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "indicator"], name="concern_indicator_once")
        ]

    def __str__(self) -> str:
        return self.indicator


class TriageDecision(models.TextChoices):
    NO_ACTION = "no_action", _("No further action")
    OWN_AGENCY = "own_agency", _("Support within own agency")
    CONSULTATION = "consultation", _("De-identified consultation")
    BARNTEAM = "barnteam", _("Convene a Barnteam")
    REPORT = "report", _("Report of concern to social services")


class Triage(models.Model):
    """The Barnkontakt's answer to a concern: the five questions and a decision."""

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="triage")
    in_the_way = models.TextField(_("What stands in the way of the child's wellbeing?"))
    information = models.TextField(_("Do I have all the information I need?"))
    i_can_do = models.TextField(_("What can I do now?"))
    agency_can_do = models.TextField(_("What can my agency do?"))
    help_needed = models.TextField(_("What further help is needed from other agencies?"))
    decision = models.CharField(_("decision"), max_length=15, choices=TriageDecision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("triage")
        verbose_name_plural = _("triages")

    def __str__(self) -> str:
        return f"{self.concern} → {self.decision}"


class ReportStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received by social services")
    DECIDED = "decided", _("Decision made")


class ReportOfConcern(models.Model):
    """Orosanmälan: to the intake group of social services, without consent (a legal duty)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="reports_of_concern")
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    intake_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what the report is about"))
    immediate_danger = models.BooleanField(_("the child is in immediate danger"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SENT
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    investigation_opened = models.BooleanField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(_("feedback to the reporter"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["intake_unit", "status"], name="report_intake_status"),
            models.Index(fields=["child", "created_at"], name="report_child_created"),
        ]
        verbose_name = _("report of concern")
        verbose_name_plural = _("reports of concern")

    def __str__(self) -> str:
        return f"{self.child} {self.created_at:%Y-%m-%d}"


class Consultation(models.Model):
    """A de-identified case for a consultation group. ``text`` never identifies the child.

    ``concern`` links back for the Barnkontakt's side only; the group's side reads the text,
    the age in years and the advice, nothing else (see ``selectors.consultation_for_group``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="consultations")
    group_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    age_years = models.PositiveSmallIntegerField(_("age in years"))
    text = models.TextField(_("the case, de-identified"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    advice = models.TextField(_("the group's advice"), blank=True)
    advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    advice_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{_('Consultation')} {self.created_at:%Y-%m-%d}"
