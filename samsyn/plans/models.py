"""Barnets plan: the one plan per child, its versions, goals, interventions and follow-ups.

The plan's current sections live on :class:`Plan`; every change also writes a
:class:`PlanVersion` holding a full JSON snapshot of all sections, so versions can be compared.
:class:`Goal` and :class:`Intervention` rows hold the *current* version in normalized form, for
statistics (which interventions were used, from when to when, of which type).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child, Guardian
from samsyn.organisations.models import Unit

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def unit_label(unit: Unit, *, protected: bool) -> str:
    """A unit as shown on a plan: for a child with protected identity only the agency, so that
    the plan never tells where the child goes to school or is treated."""
    return unit.agency.name if protected else unit.name


class ProviderKind(models.TextChoices):
    SCHOOL = "school", _("School")
    STUDENT_HEALTH = "student_health", _("Student health services")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CARE = "health_care", _("Health care (region)")
    LEISURE = "leisure", _("Leisure")
    JOINT = "joint", _("Joint (several agencies)")


class InterventionType(models.Model):
    """An entry in the intervention catalogue (seeded from the source documents)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    provider_kind = models.CharField(_("provider"), max_length=20, choices=ProviderKind.choices)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


# A draft counts as open: a child never has two plans in the making or in force at once.
OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.ACTIVE)


class PlanKind(models.TextChoices):
    SIP = "sip", _("SIP (coordinated individual plan)")
    GIP = "gip", _("GIP (joint individual plan)")
    SINGLE = "single", _("Plan within one agency")


class Plan(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="plans")
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    # Derived by the services from the participating units, never set by hand.
    kind = models.CharField(
        _("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.SINGLE
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    # Sections (the current version).
    reason = models.TextField(_("why the child has a plan"), blank=True)
    child_view = models.TextField(_("the child's view"), blank=True)
    guardians_view = models.TextField(_("the guardians' view"), blank=True)
    wellbeing = models.JSONField(_("wellbeing ratings"), default=dict, blank=True)
    growth = models.TextField(_("how I grow and develop"), blank=True)
    care = models.TextField(_("what I need from those who look after me"), blank=True)
    wider_world = models.TextField(_("my wider world"), blank=True)
    resilience = models.TextField(_("resilience"), blank=True)
    vulnerability = models.TextField(_("vulnerability"), blank=True)
    protective_environment = models.TextField(_("protective environment"), blank=True)
    adverse_environment = models.TextField(_("adverse environment"), blank=True)
    expected_outcomes = models.TextField(_("expected outcomes"), blank=True)
    risk_assessment = models.TextField(_("risk assessment"), blank=True)
    evaluation = models.TextField(_("how the plan is evaluated"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["draft", "active"]),
                name="one_open_plan_per_child",
            )
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.child}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once")
        ]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class Goal(models.Model):
    """A goal of the current version, tied to a wellbeing indicator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    indicator = models.CharField(_("wellbeing indicator"), max_length=20)
    text = models.TextField(_("goal"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text

    @property
    def indicator_label(self) -> str:
        from samsyn.concerns.models import Indicator

        return str(dict(Indicator.choices).get(self.indicator, self.indicator))


class Intervention(models.Model):
    """Who (unit and person) does what, from when to when, in the current version."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="interventions")
    intervention_type = models.ForeignKey(
        InterventionType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
    )
    title = models.CharField(_("intervention (free text)"), max_length=200, blank=True)
    description = models.TextField(_("what is done"), blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    responsible = models.CharField(_("responsible person"), max_length=200, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "id"]
        indexes = [
            models.Index(fields=["intervention_type", "start_date"], name="intervention_stats")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="intervention_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(intervention_type__isnull=False) | ~Q(title=""),
                name="intervention_type_or_title",
            ),
        ]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.title or (self.intervention_type.name if self.intervention_type else "")

    @property
    def unit_label(self) -> str:
        """The unit's name, or only its agency's for a child with protected identity."""
        return unit_label(self.unit, protected=self.plan.child.is_protected)


class HowAgreed(models.TextChoices):
    MEETING = "meeting", _("At a meeting")
    WRITTEN = "written", _("In writing")
    PHONE = "phone", _("By telephone")
    DIGITAL = "digital", _("Digitally")


class GuardianAgreement(models.Model):
    """A guardian's agreement (or not) to one version of the plan."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="agreements")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField(_("agrees"))
    on_date = models.DateField(_("date"))
    how = models.CharField(_("how"), max_length=10, choices=HowAgreed.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "guardian"], name="agreement_once_per_guardian"
            )
        ]
        verbose_name = _("guardian's agreement")
        verbose_name_plural = _("guardians' agreements")

    def __str__(self) -> str:
        return f"{self.guardian_id}: {self.agrees}"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")


class Decision(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    REVISE = "revise", _("Revise the plan")
    CLOSE = "close", _("Close the plan")


class Attainment(models.IntegerChoices):
    MUCH_WORSE = 1, _("Much worse")
    WORSE = 2, _("Somewhat worse")
    UNCHANGED = 3, _("Unchanged")
    BETTER = 4, _("Better, part of the way")
    REACHED = 5, _("Goal reached")


class FollowUp(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="follow_ups")
    due_date = models.DateField(_("date of follow-up"))
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wellbeing = models.JSONField(_("wellbeing ratings"), default=dict, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    plan_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="follow_up_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="scheduled"),
                name="one_scheduled_follow_up_per_plan",
            )
        ]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.due_date}"


class GoalRating(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="ratings")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, related_name="+")
    goal_text = models.TextField()
    indicator = models.CharField(max_length=20)
    attainment = models.PositiveSmallIntegerField(
        _("attainment"), choices=Attainment.choices, validators=RATING_VALIDATORS
    )

    class Meta:
        ordering = ["follow_up", "id"]
        verbose_name = _("goal rating")
        verbose_name_plural = _("goal ratings")

    def __str__(self) -> str:
        return f"{self.goal_text}: {self.attainment}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Follow-up soon")
    OVERDUE = "overdue", _("Follow-up overdue")


class FollowUpReminder(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "user", "kind"], name="follow_up_reminder_once"
            )
        ]
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.kind}"
