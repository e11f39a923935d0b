"""Convening the Barnteam and keeping its membership. One function per use case.

Only the child's Barnkontakt convenes a team. Every professional member works at a unit that a
consent in force (purpose Barnteam) covers: consent is what lets information cross secrecy
domains, and the team is the circle it crosses to.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What, active_memberships
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import Child
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.consent.models import Consent, Purpose
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Role, Unit
from samsyn.teams.models import Barnteam, TeamMember, TeamStatus


def _covered_units(child: Child, purpose: str) -> set[int]:
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


def _check_member(child: Child, user: User, unit: Unit, covered: set[int]) -> None:
    works_there = (
        active_memberships(user)
        .filter(unit=unit)
        .exclude(role__in=[*NO_CHILD_DATA_ROLES, Role.LOG_REVIEWER])
        .exists()
    )
    if not user.is_active or not works_there:
        raise ServiceError(
            _("%(name)s does not work at %(unit)s.") % {"name": user, "unit": unit.name},
            field="members",
        )
    if unit.pk not in covered:
        raise ServiceError(
            _("No consent in force covers %(unit)s. Record the guardians' consent first.")
            % {"unit": unit.name},
            field="members",
        )


def barnteam_convene(
    *, actor: User, child: Child, members: Iterable[tuple[User, Unit]], lead: User | None = None
) -> Barnteam:
    """Convene the child's Barnteam with professional ``members`` (user, unit)."""
    decision = access_child(user=actor, child=child, what=What.TEAM, action=Action.CREATE)
    if not decision.allowed or decision.ground != "named_contact":
        raise NotFoundForUser()
    if Barnteam.objects.filter(child=child, status=TeamStatus.ACTIVE).exists():
        raise ServiceError(_("The child already has a Barnteam."))
    pairs = list(dict.fromkeys(members))
    covered = _covered_units(child, Purpose.BARNTEAM)
    for user, unit in pairs:
        _check_member(child, user, unit, covered)
    if lead is not None and lead.pk not in {u.pk for u, _unit in pairs} and lead.pk != actor.pk:
        raise ServiceError(_("The Stödsamordnare must be a member of the team."), field="lead")
    with transaction.atomic():
        team = Barnteam.objects.create(child=child, convened_by=actor)
        assert decision.unit_id is not None
        TeamMember.objects.create(
            team=team, user=actor, unit_id=decision.unit_id, is_lead=lead == actor
        )
        for user, unit in pairs:
            if user.pk == actor.pk:
                continue
            TeamMember.objects.create(
                team=team, user=user, unit=unit, is_lead=lead is not None and lead.pk == user.pk
            )
    return team


def team_member_add(*, actor: User, team: Barnteam, user: User, unit: Unit) -> TeamMember:
    decision = access_child(user=actor, child=team.child, what=What.TEAM, action=Action.CHANGE)
    if not decision.allowed or team.status != TeamStatus.ACTIVE:
        raise NotFoundForUser()
    if TeamMember.objects.filter(team=team, user=user, left_at__isnull=True).exists():
        raise ServiceError(_("%(name)s is already in the team.") % {"name": user}, field="user")
    _check_member(team.child, user, unit, _covered_units(team.child, Purpose.BARNTEAM))
    return TeamMember.objects.create(team=team, user=user, unit=unit)


def team_member_leave(*, actor: User, member: TeamMember) -> TeamMember:
    decision = access_child(
        user=actor, child=member.team.child, what=What.TEAM, action=Action.CHANGE
    )
    if not decision.allowed:
        raise NotFoundForUser()
    if member.is_lead:
        raise ServiceError(_("Choose another Stödsamordnare first."))
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    return member


def team_lead_set(*, actor: User, team: Barnteam, member: TeamMember) -> TeamMember:
    """Choose the Stödsamordnare: the family's single point of contact."""
    decision = access_child(user=actor, child=team.child, what=What.TEAM, action=Action.CHANGE)
    if not decision.allowed:
        raise NotFoundForUser()
    if member.team_id != team.pk or member.left_at is not None:
        raise ServiceError(_("The Stödsamordnare must be a member of the team."), field="member")
    with transaction.atomic():
        TeamMember.objects.filter(team=team, is_lead=True).update(is_lead=False)
        member.is_lead = True
        member.save(update_fields=["is_lead"])
    return member


def barnteam_close(*, actor: User, team: Barnteam) -> Barnteam:
    decision = access_child(user=actor, child=team.child, what=What.TEAM, action=Action.CHANGE)
    if not decision.allowed or decision.ground != "named_contact":
        raise NotFoundForUser()
    team.status = TeamStatus.CLOSED
    team.closed_at = timezone.now()
    team.save(update_fields=["status", "closed_at"])
    return team
