"""Barnteam: the team around the child, convened by the Barnkontakt under consent.

This module holds the team and its professional members, which the access policy reads (a
member's ground is *team under consent*). Meetings, invitations and the family's participation
live beside them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child
from samsyn.organisations.models import Unit


class TeamStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Barnteam(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="barnteams")
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    convened_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TeamStatus.choices, default=TeamStatus.ACTIVE
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-convened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="active"), name="one_active_barnteam_per_child"
            )
        ]
        verbose_name = _("Barnteam")
        verbose_name_plural = _("Barnteams")

    def __str__(self) -> str:
        return f"Barnteam – {self.child}"


class TeamMember(models.Model):
    """A professional in the team, through one unit. ``is_lead`` marks the Stödsamordnare."""

    team = models.ForeignKey(Barnteam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("lead professional (Stödsamordnare)"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        indexes = [models.Index(fields=["user", "left_at"], name="teammember_user_current")]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_at__isnull=True),
                name="team_member_once",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(is_lead=True, left_at__isnull=True),
                name="team_one_lead",
            ),
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"{self.user} ({self.unit})"
