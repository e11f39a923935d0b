"""Who works where, and under which secrecy.

A *principal* (huvudman) runs *agencies* (verksamheter/förvaltningar); an agency has *units*
(enheter). Every unit belongs to one **secrecy domain**: the information its staff record is bound
by that domain's confidentiality (OSL), and crossing domains needs a ground. Staff are users with
*memberships* (unit + role, with dates).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SecrecyDomain(models.TextChoices):
    SCHOOL = "school", _("School")
    SCHOOL_HEALTH = "school_health", _("School health services")
    PRESCHOOL = "preschool", _("Preschool")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CARE = "health_care", _("Health care")
    POLICE = "police", _("Police")
    LEISURE = "leisure", _("Leisure")


class PrincipalKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    PRIVATE = "private", _("Private organiser")
    STATE = "state", _("State agency")


class UnitType(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration")
    SCHOOL = "school", _("Compulsory school (F–9)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    PRESCHOOL = "preschool", _("Preschool")
    STUDENT_HEALTH = "student_health", _("Student health team")
    ACTIVITY_RESPONSIBILITY = "activity_responsibility", _("Municipal activity responsibility")
    BVC = "bvc", _("Child health centre (BVC)")
    MATERNITY = "maternity", _("Maternity clinic (MVC)")
    SOCIAL_SERVICES = "social_services", _("Individual and family care (IFO)")
    INTAKE = "intake", _("Social services intake group")
    CAMHS = "camhs", _("Child and adolescent psychiatry (BUP)")
    PRIMARY_CARE = "primary_care", _("Primary care clinic")
    POLICE_AREA = "police_area", _("Police area")
    LEISURE_CENTRE = "leisure_centre", _("Leisure centre")


# The secrecy domain a unit of each type belongs to.
UNIT_TYPE_DOMAIN: dict[str, str] = {
    UnitType.ADMINISTRATION: SecrecyDomain.SCHOOL,
    UnitType.SCHOOL: SecrecyDomain.SCHOOL,
    UnitType.UPPER_SECONDARY: SecrecyDomain.SCHOOL,
    UnitType.PRESCHOOL: SecrecyDomain.PRESCHOOL,
    UnitType.STUDENT_HEALTH: SecrecyDomain.SCHOOL_HEALTH,
    UnitType.ACTIVITY_RESPONSIBILITY: SecrecyDomain.SCHOOL,
    UnitType.BVC: SecrecyDomain.HEALTH_CARE,
    UnitType.MATERNITY: SecrecyDomain.HEALTH_CARE,
    UnitType.SOCIAL_SERVICES: SecrecyDomain.SOCIAL_SERVICES,
    UnitType.INTAKE: SecrecyDomain.SOCIAL_SERVICES,
    UnitType.CAMHS: SecrecyDomain.HEALTH_CARE,
    UnitType.PRIMARY_CARE: SecrecyDomain.HEALTH_CARE,
    UnitType.POLICE_AREA: SecrecyDomain.POLICE,
    UnitType.LEISURE_CENTRE: SecrecyDomain.LEISURE,
}


class Role(models.TextChoices):
    PRINCIPAL = "principal", _("Principal (rektor)")
    TEACHER = "teacher", _("Teacher")
    PRESCHOOL_TEACHER = "preschool_teacher", _("Preschool teacher")
    SCHOOL_NURSE = "school_nurse", _("School nurse")
    COUNSELLOR = "counsellor", _("School counsellor (kurator)")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SPECIAL_EDUCATOR = "special_educator", _("Special educator")
    ACTIVITY_COORDINATOR = "activity_coordinator", _("Activity responsibility coordinator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    BVC_NURSE = "bvc_nurse", _("BVC nurse")
    MIDWIFE = "midwife", _("Midwife")
    CLINICIAN = "clinician", _("Clinician")
    POLICE_OFFICER = "police_officer", _("Police officer")
    LEISURE_LEADER = "leisure_leader", _("Leisure leader")
    SSPF_COORDINATOR = "sspf_coordinator", _("SSPF coordinator")
    LOG_REVIEWER = "log_reviewer", _("Access log reviewer")
    ANALYST = "analyst", _("Analyst (statistics only)")
    SYSTEM_ADMIN = "system_admin", _("System administrator (configuration only)")


# Roles that never see an individual child's information, whatever else holds.
NO_CHILD_DATA_ROLES = frozenset({Role.ANALYST, Role.SYSTEM_ADMIN})


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name")
        ]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Principal(models.Model):
    """Huvudman: the legal body responsible for the agencies (and for their personal data)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PrincipalKind.choices)
    organisation_number = models.CharField(_("organisation number"), max_length=11, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("principal")
        verbose_name_plural = _("principals")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """Verksamhet/förvaltning, e.g. the education department or the region's child psychiatry."""

    principal = models.ForeignKey(Principal, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["principal", "name"]
        constraints = [
            models.UniqueConstraint(fields=["principal", "name"], name="agency_unique_name")
        ]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """Enhet. A student health team or an intake group is a unit with a parent unit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children_units"
    )
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=30, choices=UnitType.choices)
    secrecy_domain = models.CharField(
        _("secrecy domain"), max_length=20, choices=SecrecyDomain.choices
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    school_unit_code = models.CharField(_("school unit code"), max_length=8, blank=True)
    lowest_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    highest_grade = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unit_unique_name")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff member's place of work: one unit, one role, from a date, possibly until one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["unit__name", "role"]
        indexes = [models.Index(fields=["unit", "role"], name="membership_unit_role")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_dates_ordered",
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.unit}"
