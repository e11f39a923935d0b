"""Reads of the Barnteam. Callers have decided and logged ``What.TEAM`` first (except the
worklist of one's own invitations, which logs per child itself)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.children.models import Child
from samsyn.consent.models import Consent, Purpose
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Membership, Role
from samsyn.teams.models import (
    Barnteam,
    FamilyParticipant,
    Invitation,
    Meeting,
    TeamMember,
    TeamStatus,
)


def child_active_team(*, child: Child) -> Barnteam | None:
    return Barnteam.objects.filter(child=child, status=TeamStatus.ACTIVE).first()


def team_by_public_id(public_id: uuid.UUID | str) -> Barnteam | None:
    return (
        Barnteam.objects.select_related("child", "convened_by").filter(public_id=public_id).first()
    )


def meeting_by_public_id(public_id: uuid.UUID | str) -> Meeting | None:
    return (
        Meeting.objects.select_related("team__child", "team__convened_by")
        .filter(public_id=public_id)
        .first()
    )


def team_members(*, team: Barnteam) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(team=team, left_at__isnull=True)
        .select_related("user", "unit__agency")
        .order_by("-is_lead", "joined_at", "id")
    )


def team_lead(*, team: Barnteam) -> TeamMember | None:
    return team_members(team=team).filter(is_lead=True).first()


def team_family(*, team: Barnteam) -> QuerySet[FamilyParticipant]:
    return FamilyParticipant.objects.filter(team=team).select_related("guardian")


def team_meetings(*, team: Barnteam) -> QuerySet[Meeting]:
    return Meeting.objects.filter(team=team).order_by("-starts_at")


def team_next_meeting(*, team: Barnteam) -> Meeting | None:
    return (
        Meeting.objects.filter(team=team, ends_at__gte=timezone.now()).order_by("starts_at").first()
    )


def meeting_invitations(*, meeting: Meeting) -> QuerySet[Invitation]:
    return Invitation.objects.filter(meeting=meeting).select_related(
        "member__user", "member__unit", "participant__guardian"
    )


def my_invitations(*, user: User) -> QuerySet[Invitation]:
    """The user's invitations to meetings that have not ended, in active teams; unanswered
    first."""
    return (
        Invitation.objects.filter(
            member__user=user,
            member__left_at__isnull=True,
            meeting__team__status=TeamStatus.ACTIVE,
            meeting__ends_at__gte=timezone.now(),
        )
        .select_related("meeting__team__child")
        .order_by("meeting__starts_at", "id")
    )


def covered_units(*, child: Child, purpose: str = Purpose.BARNTEAM) -> set[int]:
    """Units covered by a consent in force for ``purpose``."""
    today = timezone.localdate()
    return set(
        Consent.objects.filter(
            child=child,
            purpose=purpose,
            complete_at__isnull=False,
            withdrawn_at__isnull=True,
            valid_from__lte=today,
            valid_to__gte=today,
        ).values_list("units", flat=True)
    )


def member_candidates(*, child: Child, exclude: list[int] | None = None) -> list[Membership]:
    """Staff with an active membership at a unit a Barnteam consent in force covers (not
    analysts, administrators or log reviewers); one row per (user, unit)."""
    units = covered_units(child=child)
    rows = (
        Membership.objects.filter(
            pk__in=active_memberships_at(units).values("pk"),
        )
        .exclude(role__in=[*NO_CHILD_DATA_ROLES, Role.LOG_REVIEWER])
        .exclude(user_id__in=exclude or [])
        .filter(user__is_active=True)
        .select_related("user", "unit__agency")
        .order_by("unit__name", "user__last_name", "user__first_name", "pk")
    )
    seen: set[tuple[int, int]] = set()
    result: list[Membership] = []
    for m in rows:
        if (m.user_id, m.unit_id) not in seen:
            seen.add((m.user_id, m.unit_id))
            result.append(m)
    return result


def active_memberships_at(units: set[int]) -> QuerySet[Membership]:
    day = timezone.localdate()
    return Membership.objects.filter(
        Q(unit_id__in=units),
        Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )
