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


class FamilyParticipant(models.Model):
    """A guardian, or the child, taking part in the team (they do not sign in)."""

    team = models.ForeignKey(Barnteam, on_delete=models.CASCADE, related_name="family")
    guardian = models.ForeignKey(
        "children.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_child = models.BooleanField(_("the child"), default=False)

    class Meta:
        ordering = ["is_child", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_child=True, guardian__isnull=True)
                | Q(is_child=False, guardian__isnull=False),
                name="family_participant_guardian_or_child",
            ),
            models.UniqueConstraint(
                fields=["team", "guardian"], name="family_participant_guardian_once"
            ),
            models.UniqueConstraint(
                fields=["team"], condition=Q(is_child=True), name="family_participant_child_once"
            ),
        ]
        verbose_name = _("family participant")
        verbose_name_plural = _("family participants")

    def __str__(self) -> str:
        return str(self.guardian) if self.guardian_id else str(_("The child"))


class Meeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Barnteam, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["team", "starts_at"], name="meeting_team_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"Barnteam {self.starts_at:%Y-%m-%d %H:%M}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited, no answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    """Kallelse: one per professional member or family participant of the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        TeamMember, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    participant = models.ForeignKey(
        FamilyParticipant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "reminded_at"], name="invitation_unanswered")]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, participant__isnull=True)
                | Q(member__isnull=True, participant__isnull=False),
                name="invitation_member_or_participant",
            ),
            models.UniqueConstraint(fields=["meeting", "member"], name="invitation_member_once"),
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="invitation_participant_once"
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.member or self.participant} – {self.status}"
