"""Children, guardians, enrolments and the child's named contact person (Barnkontakt)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.children.identity import format_identity_number
from samsyn.organisations.models import District, Municipality, Unit


class IdKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personnummer")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Samordningsnummer")
    TEMPORARY = "temporary", _("Temporary school number")


class ProtectedIdentity(models.TextChoices):
    NONE = "none", _("None")
    SEKRETESSMARKERING = "sekretessmarkering", _("Sekretessmarkering")
    SKYDDAD_FOLKBOKFORING = "skyddad_folkbokforing", _("Skyddad folkbokföring")


class LifeStage(models.TextChoices):
    BVC = "bvc", _("Child health care (BVC)")
    PRESCHOOL = "preschool", _("Preschool")
    SCHOOL = "school", _("Compulsory school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    OUT_OF_SCHOOL = "out_of_school", _("Not in school (activity responsibility)")


class Child(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personnummer = models.CharField(_("personnummer"), max_length=12, unique=True)
    id_kind = models.CharField(
        _("kind of number"), max_length=20, choices=IdKind.choices, default=IdKind.PERSONNUMMER
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    protected_identity = models.CharField(
        _("protected identity"),
        max_length=30,
        choices=ProtectedIdentity.choices,
        default=ProtectedIdentity.NONE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="child_name"),
            models.Index(fields=["birth_date"], name="child_birth_date"),
        ]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def personnummer_formatted(self) -> str:
        return format_identity_number(self.personnummer)

    @property
    def is_protected(self) -> bool:
        return self.protected_identity != ProtectedIdentity.NONE


class Guardian(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personnummer = models.CharField(_("personnummer"), max_length=12, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Custody(models.TextChoices):
    JOINT = "joint", _("Joint custody")
    SOLE = "sole", _("Sole custody")


class Guardianship(models.Model):
    """Vårdnad: a guardian of a child. ``lives_with`` marks the child's household(s)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="guardianships")
    custody = models.CharField(_("custody"), max_length=10, choices=Custody.choices)
    lives_with = models.BooleanField(_("the child lives here"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "guardian"], name="guardianship_unique")
        ]
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")

    def __str__(self) -> str:
        return f"{self.guardian} – {self.child}"


class EnrolmentKind(models.TextChoices):
    BVC = "bvc", _("Child health care (BVC)")
    PRESCHOOL = "preschool", _("Preschool")
    SCHOOL = "school", _("Compulsory school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    ACTIVITY_RESPONSIBILITY = "activity_responsibility", _("Activity responsibility")
    # A child's relation to a unit outside the education path; visible only inside its domain.
    PATIENT = "patient", _("Patient")
    CLIENT = "client", _("Social services case")
    PARTICIPANT = "participant", _("Participant")


# Kinds that make up the child's life stage (and so decide the Barnkontakt).
LIFE_STAGE_KINDS = (
    EnrolmentKind.BVC,
    EnrolmentKind.PRESCHOOL,
    EnrolmentKind.SCHOOL,
    EnrolmentKind.UPPER_SECONDARY,
    EnrolmentKind.ACTIVITY_RESPONSIBILITY,
)


class Enrolment(models.Model):
    """A child's place at a unit from one date, possibly until another (inclusive)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="enrolments")
    kind = models.CharField(_("kind"), max_length=30, choices=EnrolmentKind.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # A named person at the unit, e.g. the child's BVC nurse.
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["start_date"]
        indexes = [
            models.Index(fields=["unit", "end_date"], name="enrolment_unit_end"),
            models.Index(fields=["child", "kind"], name="enrolment_child_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_dates_ordered",
            )
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.child} – {self.unit}"


class AssignmentSource(models.TextChoices):
    DERIVED = "derived", _("Derived from enrolment")
    OVERRIDE = "override", _("Set by hand")


class BarnkontaktAssignment(models.Model):
    """One period of one person being a child's Barnkontakt. History is never deleted."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="barnkontakt_assignments"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    life_stage = models.CharField(_("life stage"), max_length=20, choices=LifeStage.choices)
    source = models.CharField(_("source"), max_length=10, choices=AssignmentSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "ended_at"], name="barnkontakt_user_current")]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_at__isnull=True),
                name="barnkontakt_one_current_per_child",
            ),
            models.CheckConstraint(
                condition=Q(source="derived") | ~Q(reason=""),
                name="barnkontakt_override_has_reason",
            ),
        ]
        verbose_name = _("Barnkontakt assignment")
        verbose_name_plural = _("Barnkontakt assignments")

    def __str__(self) -> str:
        return f"{self.user} – {self.child} ({self.life_stage})"


class HandoverStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class Handover(models.Model):
    """Överlämning: made when a child's Barnkontakt changes, for the new Barnkontakt."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="handovers")
    from_assignment = models.ForeignKey(
        BarnkontaktAssignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_assignment = models.OneToOneField(
        BarnkontaktAssignment, on_delete=models.PROTECT, related_name="handover"
    )
    status = models.CharField(
        _("status"), max_length=15, choices=HandoverStatus.choices, default=HandoverStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.child} ({self.status})"
