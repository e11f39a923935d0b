"""Consent (samtycke): what the guardians, and with age the child, allow to be shared.

A consent names the child, the purpose (a Barnteam, the child's plan), the units that may share
and receive information, the categories of information (by the secrecy domain they come from),
and the period. Each guardian with custody decides on their own (both, with joint custody); the
child's own view is recorded, with the child's age. A consent is **in force** from the day every
guardian with custody has given it, within its period, until it is withdrawn or expires.
Withdrawal takes effect at once: the access policy reads these rows on every request.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child, Guardian
from samsyn.organisations.models import Unit


class Purpose(models.TextChoices):
    BARNTEAM = "barnteam", _("Barnteam: coordinated support around the child")
    PLAN = "plan", _("The child's plan (SIP/GIP)")


class HowGiven(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ORAL = "oral", _("Orally, documented by staff")
    DIGITAL = "digital", _("Digitally signed")


class ChildView(models.TextChoices):
    AGREES = "agrees", _("The child agrees")
    DISAGREES = "disagrees", _("The child does not agree")
    MIXED = "mixed", _("The child agrees in part")
    NOT_ASKED = "not_asked", _("The child has not been asked (age or maturity)")


class Consent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    units = models.ManyToManyField(Unit, related_name="consents", verbose_name=_("units"))
    # Secrecy domains whose information may be shared (values of SecrecyDomain).
    categories = models.JSONField(_("categories of information"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    how_given = models.CharField(_("how it was given"), max_length=10, choices=HowGiven.choices)
    child_view = models.CharField(
        _("the child's view"), max_length=10, choices=ChildView.choices, default=ChildView.NOT_ASKED
    )
    child_view_note = models.TextField(_("the child's own words"), blank=True)
    child_age = models.PositiveSmallIntegerField(_("the child's age when asked"))
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    documented_by_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    documented_at = models.DateTimeField(auto_now_add=True)
    # When the last guardian with custody gave consent; kept by the services. ``None`` while a
    # guardian has not answered or has refused. The policy reads it on every request.
    complete_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(_("withdrawal"), blank=True)

    class Meta:
        ordering = ["-documented_at", "-id"]
        indexes = [
            models.Index(fields=["child", "purpose"], name="consent_child_purpose"),
            models.Index(
                fields=["child", "withdrawn_at", "valid_to"], name="consent_child_in_force"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="consent_period_ordered"
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.child} – {self.get_purpose_display()}"


class GuardianDecision(models.TextChoices):
    PENDING = "pending", _("Not yet asked or answered")
    GIVEN = "given", _("Consent given")
    REFUSED = "refused", _("Consent refused")


class GuardianConsent(models.Model):
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="guardians")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=GuardianDecision.choices,
        default=GuardianDecision.PENDING,
    )
    how_given = models.CharField(
        _("how it was given"), max_length=10, choices=HowGiven.choices, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent", "guardian"], name="guardian_consent_once")
        ]
        verbose_name = _("guardian's consent")
        verbose_name_plural = _("guardians' consents")

    def __str__(self) -> str:
        return f"{self.guardian} – {self.decision}"
