"""Convening the Barnteam and keeping its membership. One function per use case.

Only the child's Barnkontakt convenes a team. Every professional member works at a unit that a
consent in force (purpose Barnteam) covers: consent is what lets information cross secrecy
domains, and the team is the circle it crosses to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What, active_memberships
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import Child, Guardianship
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.consent.models import Consent, Purpose
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Role, Unit
from samsyn.teams.models import (
    Barnteam,
    FamilyParticipant,
    Invitation,
    InvitationStatus,
    Meeting,
    TeamMember,
    TeamStatus,
)


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
    *,
    actor: User,
    child: Child,
    members: Iterable[tuple[User, Unit]],
    lead: User | None = None,
    with_guardians: bool = True,
    with_child: bool = False,
) -> Barnteam:
    """Convene the child's Barnteam with professional ``members`` (user, unit).

    The guardians with custody take part (``with_guardians``), and the child when
    ``with_child``: they are invited to the meetings but do not sign in.
    """
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
        if with_guardians:
            FamilyParticipant.objects.bulk_create(
                FamilyParticipant(team=team, guardian_id=g)
                for g in Guardianship.objects.filter(child=child).values_list(
                    "guardian_id", flat=True
                )
            )
        if with_child:
            FamilyParticipant.objects.create(team=team, is_child=True)
    return team


def team_member_add(*, actor: User, team: Barnteam, user: User, unit: Unit) -> TeamMember:
    decision = access_child(user=actor, child=team.child, what=What.TEAM, action=Action.CHANGE)
    if not decision.allowed or team.status != TeamStatus.ACTIVE:
        raise NotFoundForUser()
    if TeamMember.objects.filter(team=team, user=user, left_at__isnull=True).exists():
        raise ServiceError(_("%(name)s is already in the team.") % {"name": user}, field="user")
    _check_member(team.child, user, unit, _covered_units(team.child, Purpose.BARNTEAM))
    with transaction.atomic():
        member = TeamMember.objects.create(team=team, user=user, unit=unit)
        # The new member is invited to the meetings still to come.
        Invitation.objects.bulk_create(
            Invitation(meeting=meeting, member=member)
            for meeting in Meeting.objects.filter(team=team, starts_at__gt=timezone.now())
        )
    return member


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


def _may_change(actor: User, team: Barnteam) -> None:
    decision = access_child(user=actor, child=team.child, what=What.TEAM, action=Action.CHANGE)
    if not decision.allowed or team.status != TeamStatus.ACTIVE:
        raise NotFoundForUser()


def meeting_schedule(
    *,
    actor: User,
    team: Barnteam,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    agenda: str = "",
) -> Meeting:
    """Call a meeting: an invitation (kallelse) to every member and family participant."""
    _may_change(actor, team)
    if ends_at <= starts_at:
        raise ServiceError(_("The meeting must end after it starts."), field="ends_at")
    if starts_at < timezone.now():
        raise ServiceError(_("The meeting cannot start in the past."), field="starts_at")
    if not location.strip():
        raise ServiceError(_("Say where the meeting is held."), field="location")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            team=team,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location.strip(),
            agenda=agenda.strip(),
            created_by=actor,
        )
        members = TeamMember.objects.filter(team=team, left_at__isnull=True)
        Invitation.objects.bulk_create(
            [
                *(
                    Invitation(
                        meeting=meeting,
                        member=m,
                        status=InvitationStatus.ACCEPTED
                        if m.user_id == actor.pk
                        else InvitationStatus.INVITED,
                        responded_at=timezone.now() if m.user_id == actor.pk else None,
                    )
                    for m in members
                ),
                *(Invitation(meeting=meeting, participant=p) for p in team.family.all()),
            ]
        )
    return meeting


def invitation_respond(*, actor: User, invitation: Invitation, status: str) -> Invitation:
    """Accept or decline: a member answers their own invitation; a member records the answer of
    a family participant (who does not sign in)."""
    meeting = invitation.meeting
    team = meeting.team
    own = invitation.member is not None and invitation.member.user_id == actor.pk
    what_action = Action.VIEW if own else Action.CHANGE
    decision = access_child(user=actor, child=team.child, what=What.TEAM, action=what_action)
    if not decision.allowed or team.status != TeamStatus.ACTIVE:
        raise NotFoundForUser()
    if invitation.member is not None and not own:
        raise NotFoundForUser()
    if status not in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
        raise ServiceError(_("Choose accept or decline."), field="status")
    if meeting.ends_at < timezone.now():
        raise ServiceError(_("The meeting is over."), field="status")
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def meeting_minutes_record(
    *, actor: User, meeting: Meeting, minutes: str, decisions: str = ""
) -> Meeting:
    """A member writes the minutes and the decisions of a meeting."""
    _may_change(actor, meeting.team)
    if not minutes.strip():
        raise ServiceError(_("Write the minutes."), field="minutes")
    meeting.minutes = minutes.strip()
    meeting.decisions = decisions.strip()
    meeting.minutes_by = actor
    meeting.minutes_at = timezone.now()
    meeting.save(update_fields=["minutes", "decisions", "minutes_by", "minutes_at"])
    return meeting


def invitations_remind(*, days: int, now: dt.datetime | None = None) -> list[Invitation]:
    """Mark as reminded the unanswered invitations of professional members to meetings that
    start within ``days`` days and have not been reminded; return them."""
    moment = now or timezone.now()
    due = list(
        Invitation.objects.filter(
            status=InvitationStatus.INVITED,
            reminded_at__isnull=True,
            member__isnull=False,
            member__left_at__isnull=True,
            meeting__team__status=TeamStatus.ACTIVE,
            meeting__starts_at__gt=moment,
            meeting__starts_at__lte=moment + dt.timedelta(days=days),
        )
        .select_related("member__user", "meeting")
        .order_by("meeting__starts_at", "id")
    )
    Invitation.objects.filter(pk__in=[i.pk for i in due]).update(reminded_at=moment)
    for invitation in due:
        invitation.reminded_at = moment
    return due
