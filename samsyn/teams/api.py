"""``/api/v1/children/{child_id}/team``, ``/api/v1/teams/…``, ``/api/v1/meetings/…`` and
``/api/v1/invitations/mine``: thin routes over the Barnteam services and selectors. Every route
decides and logs ``What.TEAM`` through :func:`samsyn.access.services.access_child`; a refusal is
a 404 exactly like a missing object."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child, access_children_listed
from samsyn.api_common import AUTH_RESPONSES, OBJECT_RESPONSES, actor, field_error, not_found
from samsyn.children.api_helpers import (
    active_user_by_username,
    child_by_public_id,
    unit_by_public_id,
)
from samsyn.teams import selectors, services
from samsyn.teams.ics import meeting_ics
from samsyn.teams.models import Barnteam, Invitation, Meeting, TeamMember

router = Router()


class MemberOut(Schema):
    id: int
    username: str
    name: str
    unit: UUID
    unit_name: str
    agency: str
    is_lead: bool = Field(description="the Stödsamordnare: the family's single contact")


class FamilyOut(Schema):
    id: int
    is_child: bool
    guardian: UUID | None
    name: str


class MeetingSummary(Schema):
    id: UUID
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str


class TeamOut(Schema):
    id: UUID
    child: UUID
    status: str
    convened_by: str
    convened_at: dt.datetime
    lead: MemberOut | None
    members: list[MemberOut]
    family: list[FamilyOut]
    meetings: list[MeetingSummary]


class InvitationOut(Schema):
    id: int
    meeting: UUID
    member: int | None
    participant: int | None
    name: str
    status: str = Field(description="invited, accepted or declined")
    responded_at: dt.datetime | None
    reminded_at: dt.datetime | None


class MeetingOut(MeetingSummary):
    team: UUID
    agenda: str
    minutes: str
    decisions: str
    invitations: list[InvitationOut]


class MemberIn(Schema):
    username: str = Field(max_length=150)
    unit: UUID


class ConveneIn(Schema):
    members: list[MemberIn] = Field(min_length=1)
    lead: str | None = Field(default=None, description="username of the Stödsamordnare")
    with_guardians: bool = True
    with_child: bool = False


class LeadIn(Schema):
    member: int


class MeetingIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str = Field(max_length=200)
    agenda: str = Field(default="", max_length=4000)


class MinutesIn(Schema):
    minutes: str = Field(max_length=20000)
    decisions: str = Field(default="", max_length=10000)


class RespondIn(Schema):
    status: Literal["accepted", "declined"]


def _member_out(m: TeamMember, protected: bool) -> MemberOut:
    return MemberOut(
        id=m.pk,
        username=m.user.get_username(),
        name=str(m.user),
        unit=m.unit.public_id,
        unit_name="" if protected else m.unit.name,
        agency=m.unit.agency.name,
        is_lead=m.is_lead,
    )


def team_out(team: Barnteam) -> TeamOut:
    protected = team.child.is_protected
    members = [_member_out(m, protected) for m in selectors.team_members(team=team)]
    return TeamOut(
        id=team.public_id,
        child=team.child.public_id,
        status=team.status,
        convened_by=str(team.convened_by),
        convened_at=team.convened_at,
        lead=next((m for m in members if m.is_lead), None),
        members=members,
        family=[
            FamilyOut(
                id=p.pk,
                is_child=p.is_child,
                guardian=p.guardian.public_id if p.guardian else None,
                name=p.guardian.full_name if p.guardian else "",
            )
            for p in selectors.team_family(team=team)
        ],
        meetings=[
            MeetingSummary(
                id=m.public_id, starts_at=m.starts_at, ends_at=m.ends_at, location=m.location
            )
            for m in selectors.team_meetings(team=team)
        ],
    )


def _invitation_out(i: Invitation) -> InvitationOut:
    if i.member is not None:
        name = str(i.member.user)
    elif i.participant is not None and i.participant.guardian is not None:
        name = i.participant.guardian.full_name
    else:
        name = ""
    return InvitationOut(
        id=i.pk,
        meeting=i.meeting.public_id,
        member=i.member_id,
        participant=i.participant_id,
        name=name,
        status=i.status,
        responded_at=i.responded_at,
        reminded_at=i.reminded_at,
    )


def meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.public_id,
        team=meeting.team.public_id,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        agenda=meeting.agenda,
        minutes=meeting.minutes,
        decisions=meeting.decisions,
        invitations=[_invitation_out(i) for i in selectors.meeting_invitations(meeting=meeting)],
    )


def _team(request: HttpRequest, team_id: UUID, action: Action) -> Barnteam:
    team = selectors.team_by_public_id(team_id)
    if team is None:
        raise not_found()
    if not access_child(user=actor(request), child=team.child, what=What.TEAM, action=action):
        raise not_found()
    return team


def _meeting(request: HttpRequest, meeting_id: UUID, action: Action) -> Meeting:
    meeting = selectors.meeting_by_public_id(meeting_id)
    if meeting is None:
        raise not_found()
    child = meeting.team.child
    if not access_child(user=actor(request), child=child, what=What.TEAM, action=action):
        raise not_found()
    return meeting


@router.post(
    "/children/{child_id}/team",
    response={201: TeamOut, **OBJECT_RESPONSES},
    summary="Convene the child's Barnteam",
)
def team_convene(request: HttpRequest, child_id: UUID, payload: ConveneIn) -> Status[TeamOut]:
    """Only the child's Barnkontakt; every member works at a unit covered by a consent in force
    for a Barnteam."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    if not access_child(user=user, child=child, what=What.TEAM, action=Action.CREATE):
        raise not_found()
    members = []
    for item in payload.members:
        member = active_user_by_username(item.username)
        unit = unit_by_public_id(item.unit)
        if member is None or unit is None:
            raise field_error("members", _("Choose staff at the units the consent covers."))
        members.append((member, unit))
    lead = active_user_by_username(payload.lead) if payload.lead else None
    if payload.lead and lead is None:
        raise field_error("lead", _("The Stödsamordnare must be a member of the team."))
    team = services.barnteam_convene(
        actor=user,
        child=child,
        members=members,
        lead=lead,
        with_guardians=payload.with_guardians,
        with_child=payload.with_child,
    )
    fresh = selectors.team_by_public_id(team.public_id)
    assert fresh is not None
    return Status(201, team_out(fresh))


@router.get(
    "/children/{child_id}/team",
    response={200: TeamOut, **OBJECT_RESPONSES},
    summary="The child's active Barnteam",
)
def child_team(request: HttpRequest, child_id: UUID) -> TeamOut:
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    if not access_child(user=actor(request), child=child, what=What.TEAM, action=Action.VIEW):
        raise not_found()
    team = selectors.child_active_team(child=child)
    if team is None:
        raise not_found()
    return team_out(team)


@router.get("/teams/{team_id}", response={200: TeamOut, **OBJECT_RESPONSES}, summary="A Barnteam")
def team_get(request: HttpRequest, team_id: UUID) -> TeamOut:
    return team_out(_team(request, team_id, Action.VIEW))


@router.post(
    "/teams/{team_id}/members",
    response={201: TeamOut, **OBJECT_RESPONSES},
    summary="Add a member",
)
def team_member_add(request: HttpRequest, team_id: UUID, payload: MemberIn) -> Status[TeamOut]:
    team = _team(request, team_id, Action.CHANGE)
    member = active_user_by_username(payload.username)
    unit = unit_by_public_id(payload.unit)
    if member is None or unit is None:
        raise field_error("user", _("Choose staff at the units the consent covers."))
    services.team_member_add(actor=actor(request), team=team, user=member, unit=unit)
    return Status(201, team_out(team))


@router.delete(
    "/teams/{team_id}/members/{member_id}",
    response={200: TeamOut, **OBJECT_RESPONSES},
    summary="Remove a member",
)
def team_member_remove(request: HttpRequest, team_id: UUID, member_id: int) -> TeamOut:
    team = _team(request, team_id, Action.CHANGE)
    member = team.members.filter(pk=member_id, left_at__isnull=True).first()
    if member is None:
        raise not_found()
    services.team_member_leave(actor=actor(request), member=member)
    return team_out(team)


@router.put(
    "/teams/{team_id}/lead",
    response={200: TeamOut, **OBJECT_RESPONSES},
    summary="Choose the Stödsamordnare",
)
def team_lead(request: HttpRequest, team_id: UUID, payload: LeadIn) -> TeamOut:
    team = _team(request, team_id, Action.CHANGE)
    member = team.members.filter(pk=payload.member, left_at__isnull=True).first()
    if member is None:
        raise field_error("member", _("The Stödsamordnare must be a member of the team."))
    services.team_lead_set(actor=actor(request), team=team, member=member)
    return team_out(team)


@router.post(
    "/teams/{team_id}/meetings",
    response={201: MeetingOut, **OBJECT_RESPONSES},
    summary="Call a meeting",
)
def meeting_create(request: HttpRequest, team_id: UUID, payload: MeetingIn) -> Status[MeetingOut]:
    """Every member and family participant is invited (kallelse)."""
    team = _team(request, team_id, Action.CHANGE)
    meeting = services.meeting_schedule(
        actor=actor(request),
        team=team,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        location=payload.location,
        agenda=payload.agenda,
    )
    return Status(201, meeting_out(meeting))


@router.get(
    "/meetings/{meeting_id}", response={200: MeetingOut, **OBJECT_RESPONSES}, summary="A meeting"
)
def meeting_get(request: HttpRequest, meeting_id: UUID) -> MeetingOut:
    return meeting_out(_meeting(request, meeting_id, Action.VIEW))


@router.put(
    "/meetings/{meeting_id}/minutes",
    response={200: MeetingOut, **OBJECT_RESPONSES},
    summary="Write the minutes",
)
def meeting_minutes(request: HttpRequest, meeting_id: UUID, payload: MinutesIn) -> MeetingOut:
    meeting = _meeting(request, meeting_id, Action.CHANGE)
    services.meeting_minutes_record(
        actor=actor(request), meeting=meeting, minutes=payload.minutes, decisions=payload.decisions
    )
    return meeting_out(meeting)


@router.post(
    "/meetings/{meeting_id}/invitations/{invitation_id}/respond",
    response={200: InvitationOut, **OBJECT_RESPONSES},
    summary="Accept or decline an invitation",
)
def invitation_respond(
    request: HttpRequest, meeting_id: UUID, invitation_id: int, payload: RespondIn
) -> InvitationOut:
    """Your own invitation; or, as a member, a family participant's answer."""
    meeting = selectors.meeting_by_public_id(meeting_id)
    invitation = (
        meeting.invitations.select_related("member__user", "participant__guardian", "meeting")
        .filter(pk=invitation_id)
        .first()
        if meeting
        else None
    )
    if invitation is None:
        raise not_found()
    services.invitation_respond(actor=actor(request), invitation=invitation, status=payload.status)
    return _invitation_out(invitation)


@router.get(
    "/meetings/{meeting_id}/ics",
    response={200: str, **OBJECT_RESPONSES},
    summary="The meeting as an iCalendar invitation",
    openapi_extra={
        "responses": {"200": {"content": {"text/calendar": {"schema": {"type": "string"}}}}}
    },
)
def meeting_calendar(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    """``text/calendar`` (METHOD:REQUEST). It names neither the child nor their personnummer."""
    meeting = _meeting(request, meeting_id, Action.VIEW)
    members = [
        i.member for i in selectors.meeting_invitations(meeting=meeting) if i.member is not None
    ]
    body = meeting_ics(
        meeting=meeting, members=members, base_url=request.build_absolute_uri("/")[:-1]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="barnteam.ics"'
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/invitations/mine",
    response={200: list[InvitationOut], **AUTH_RESPONSES},
    summary="My invitations to coming meetings",
)
def invitations_mine(request: HttpRequest) -> list[InvitationOut]:
    user = actor(request)
    invitations = list(selectors.my_invitations(user=user).select_related("member__user"))
    children = {i.meeting.team.child_id: i.meeting.team.child for i in invitations}
    shown = {
        c.pk
        for c in access_children_listed(
            user=user, children=children.values(), detail="api: my invitations"
        )
    }
    return [_invitation_out(i) for i in invitations if i.meeting.team.child_id in shown]
