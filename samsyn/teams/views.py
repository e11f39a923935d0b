"""The Barnteam pages: convening, the team, its meetings, invitations and minutes, and the
member's own worklist of invitations (Mina möten).

Thin views. Every page decides and logs ``What.TEAM`` through :func:`access_child` first; a
refused child is a 404 that is *returned*, so the refusal's log row commits with the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child, access_children_listed
from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.children.view_helpers import child_by_public_id
from samsyn.core.responses import not_found, request_user
from samsyn.teams import selectors, services
from samsyn.teams.forms import ConveneForm, LeadForm, MeetingForm, MemberAddForm, MinutesForm
from samsyn.teams.ics import meeting_ics
from samsyn.teams.models import Barnteam, InvitationStatus, Meeting


@login_required
@require_http_methods(["GET", "POST"])
def convene(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Sammankalla Barnteam: only the child's Barnkontakt, only with staff at covered units."""
    user = request_user(request)
    child = child_by_public_id(child_id)
    if child is None:
        return not_found(request)
    decision = access_child(user=user, child=child, what=What.TEAM, action=Action.CREATE)
    if not decision or decision.ground != Ground.NAMED_CONTACT:
        return not_found(request)
    team = selectors.child_active_team(child=child)
    if team is not None:
        return redirect("teams:detail", public_id=team.public_id)
    candidates = selectors.member_candidates(child=child, exclude=[user.pk])
    form = ConveneForm(
        request.POST if request.method == "POST" else None, candidates=candidates, actor=user
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.barnteam_convene(
                actor=user,
                child=child,
                members=form.cleaned_data["members"],
                lead=form.cleaned_data["lead"],
                with_child=form.cleaned_data["with_child"],
            )
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The Barnteam is convened."))
            return redirect("teams:detail", public_id=team.public_id)
    return render(
        request,
        "teams/convene.html",
        {"child": child, "form": form, "has_candidates": bool(candidates)},
    )


def _team_context(user: User, team: Barnteam, **forms: Any) -> dict[str, Any]:
    child = team.child
    members = list(selectors.team_members(team=team))
    may_change = team.status == "active" and decide(user, child, What.TEAM, Action.CHANGE).allowed
    context: dict[str, Any] = {
        "team": team,
        "child": child,
        "members": members,
        "lead": next((m for m in members if m.is_lead), None),
        "family": list(selectors.team_family(team=team)),
        "meetings": list(selectors.team_meetings(team=team)),
        "now": timezone.now(),
        "may_change": may_change,
        "protected": child.is_protected,
    }
    if may_change:
        candidates = selectors.member_candidates(child=child, exclude=[m.user_id for m in members])
        context["add_form"] = forms.get("add_form") or MemberAddForm(candidates=candidates)
        context["lead_form"] = forms.get("lead_form") or LeadForm(members=members)
        context["meeting_form"] = forms.get("meeting_form") or MeetingForm()
    return context


def _team_page(request: HttpRequest, team: Barnteam, **forms: Any) -> HttpResponse:
    user = request_user(request)
    if not access_child(user=user, child=team.child, what=What.TEAM, action=Action.VIEW):
        return not_found(request)
    return render(request, "teams/detail.html", _team_context(user, team, **forms))


@login_required
@require_GET
def team_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    team = selectors.team_by_public_id(public_id)
    if team is None:
        return not_found(request)
    return _team_page(request, team)


def _team_for_change(request: HttpRequest, public_id: uuid.UUID) -> Barnteam | None:
    """The team, if the user may change it; a refusal is logged."""
    user = request_user(request)
    team = selectors.team_by_public_id(public_id)
    if team is None:
        return None
    if not decide(user, team.child, What.TEAM, Action.CHANGE):
        access_child(user=user, child=team.child, what=What.TEAM, action=Action.CHANGE)
        return None
    return team


@login_required
@require_POST
def member_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    team = _team_for_change(request, public_id)
    if team is None:
        return not_found(request)
    user = request_user(request)
    exclude = list(selectors.team_members(team=team).values_list("user_id", flat=True))
    form = MemberAddForm(
        request.POST, candidates=selectors.member_candidates(child=team.child, exclude=exclude)
    )
    if form.is_valid():
        member_user, unit = form.cleaned_data["member"]
        try:
            services.team_member_add(actor=user, team=team, user=member_user, unit=unit)
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error("member", exc.message)
        else:
            messages.success(request, _("%(name)s is now in the team.") % {"name": member_user})
            return redirect("teams:detail", public_id=team.public_id)
    return _team_page(request, team, add_form=form)


@login_required
@require_POST
def member_leave(request: HttpRequest, public_id: uuid.UUID, member_id: int) -> HttpResponse:
    team = _team_for_change(request, public_id)
    member = team.members.filter(pk=member_id, left_at__isnull=True).first() if team else None
    if team is None or member is None:
        return not_found(request)
    try:
        services.team_member_leave(actor=request_user(request), member=member)
    except NotFoundForUser:
        return not_found(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s has left the team.") % {"name": member.user})
    return redirect("teams:detail", public_id=team.public_id)


@login_required
@require_POST
def lead_set(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    team = _team_for_change(request, public_id)
    if team is None:
        return not_found(request)
    form = LeadForm(request.POST, members=list(selectors.team_members(team=team)))
    if form.is_valid():
        try:
            member = services.team_lead_set(
                actor=request_user(request), team=team, member=form.cleaned_data["member"]
            )
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error("member", exc.message)
        else:
            messages.success(
                request, _("%(name)s is now the Stödsamordnare.") % {"name": member.user}
            )
            return redirect("teams:detail", public_id=team.public_id)
    return _team_page(request, team, lead_form=form)


@login_required
@require_POST
def meeting_schedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    team = _team_for_change(request, public_id)
    if team is None:
        return not_found(request)
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request_user(request),
                team=team,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                agenda=data["agenda"],
            )
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The meeting is called. Everyone in the team is invited."))
            return redirect("teams:meeting", public_id=meeting.public_id)
    return _team_page(request, team, meeting_form=form)


# --- Meetings ---------------------------------------------------------------------------


def _meeting_page(
    request: HttpRequest, meeting: Meeting, minutes_form: MinutesForm | None = None
) -> HttpResponse:
    user = request_user(request)
    team = meeting.team
    if not access_child(user=user, child=team.child, what=What.TEAM, action=Action.VIEW):
        return not_found(request)
    invitations = list(selectors.meeting_invitations(meeting=meeting))
    may_change = team.status == "active" and decide(user, team.child, What.TEAM, Action.CHANGE)
    if may_change and minutes_form is None:
        minutes_form = MinutesForm(
            initial={"minutes": meeting.minutes, "decisions": meeting.decisions}
        )
    return render(
        request,
        "teams/meeting.html",
        {
            "meeting": meeting,
            "team": team,
            "child": team.child,
            "invitations": invitations,
            "mine": next(
                (i for i in invitations if i.member and i.member.user_id == user.pk), None
            ),
            "may_change": may_change,
            "minutes_form": minutes_form if may_change else None,
            "is_over": meeting.ends_at < timezone.now(),
            "protected": team.child.is_protected,
        },
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    meeting = selectors.meeting_by_public_id(public_id)
    if meeting is None:
        return not_found(request)
    return _meeting_page(request, meeting)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    meeting = selectors.meeting_by_public_id(public_id)
    if meeting is None:
        return not_found(request)
    if not decide(user, meeting.team.child, What.TEAM, Action.CHANGE):
        access_child(user=user, child=meeting.team.child, what=What.TEAM, action=Action.CHANGE)
        return not_found(request)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_minutes_record(
                actor=user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
            )
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("teams:meeting", public_id=meeting.public_id)
    return _meeting_page(request, meeting, minutes_form=form)


@login_required
@require_POST
def invitation_respond(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Accept or decline one's own invitation, or record a family participant's answer."""
    user = request_user(request)
    meeting = selectors.meeting_by_public_id(public_id)
    invitation_id = request.POST.get("invitation", "")
    invitation = (
        meeting.invitations.select_related("member", "meeting__team__child")
        .filter(pk=int(invitation_id))
        .first()
        if meeting is not None and invitation_id.isdigit()
        else None
    )
    if meeting is None or invitation is None:
        return not_found(request)
    try:
        services.invitation_respond(
            actor=user, invitation=invitation, status=request.POST.get("status", "")
        )
    except NotFoundForUser:
        return not_found(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You have accepted the invitation.")
            if invitation.status == InvitationStatus.ACCEPTED
            else _("You have declined the invitation.")
            if invitation.member
            else _("The answer is recorded."),
        )
    if request.POST.get("next") == "worklist":
        return redirect("teams:my_meetings")
    return redirect("teams:meeting", public_id=meeting.public_id)


@login_required
@require_GET
def meeting_calendar(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The meeting as an iCalendar invitation: no name or personnummer of the child."""
    user = request_user(request)
    meeting = selectors.meeting_by_public_id(public_id)
    if meeting is None:
        return not_found(request)
    team = meeting.team
    if not access_child(
        user=user, child=team.child, what=What.TEAM, action=Action.VIEW, detail="ics"
    ):
        return not_found(request)
    members = [
        i.member for i in selectors.meeting_invitations(meeting=meeting) if i.member is not None
    ]
    body = meeting_ics(
        meeting=meeting, members=members, base_url=request.build_absolute_uri("/")[:-1]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8; method=REQUEST")
    response["Content-Disposition"] = 'attachment; filename="barnteam.ics"'
    return response


# --- Worklist -----------------------------------------------------------------------------


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    """Mina möten: my invitations to coming meetings, unanswered first."""
    user = request_user(request)
    invitations = list(selectors.my_invitations(user=user))
    children = {i.meeting.team.child_id: i.meeting.team.child for i in invitations}
    shown = {
        c.pk
        for c in access_children_listed(user=user, children=children.values(), detail="my-meetings")
    }
    rows = [i for i in invitations if i.meeting.team.child_id in shown]
    return render(
        request,
        "teams/my_meetings.html",
        {
            "unanswered": [i for i in rows if i.status == InvitationStatus.INVITED],
            "answered": [i for i in rows if i.status != InvitationStatus.INVITED],
        },
    )
