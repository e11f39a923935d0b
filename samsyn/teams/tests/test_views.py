"""The Barnteam pages: convening under consent, the Stödsamordnare, members, meetings with
invitations, minutes, the .ics file, the child page panel and Mina möten; reminders."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import What
from samsyn.audit.models import AccessLogEntry
from samsyn.children.services import ServiceError
from samsyn.teams.models import (
    Barnteam,
    FamilyParticipant,
    Invitation,
    InvitationStatus,
    Meeting,
    TeamMember,
)
from samsyn.teams.services import barnteam_convene, meeting_schedule
from samsyn.testing.factories import barnteam_for, consent_for
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db

TEAM_UNITS = ("school", "student_health", "ifo", "bup")


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _consent(world: World, units=TEAM_UNITS, state: str = "in_force") -> None:
    consent_for(
        world.children["pupil"],
        [world.units[k] for k in units],
        state=state,
        purposes=("barnteam",),
        documented_by=world.users["rektor"],
    )


def _key(world: World, user: str, unit: str) -> str:
    return f"{world.users[user].pk}:{world.units[unit].pk}"


def _team(world: World) -> Barnteam:
    _consent(world)
    return barnteam_convene(
        actor=world.users["rektor"],
        child=world.children["pupil"],
        members=[
            (world.users["skolskoterska"], world.units["student_health"]),
            (world.users["socialsekreterare"], world.units["ifo"]),
            (world.users["bup"], world.units["bup"]),
        ],
        lead=world.users["skolskoterska"],
        with_child=True,
    )


def _meeting(world: World, team: Barnteam, days: int = 7) -> Meeting:
    start = timezone.now() + dt.timedelta(days=days)
    return meeting_schedule(
        actor=world.users["rektor"],
        team=team,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        location="Norrskolan, konferensrummet",
        agenda="Nuläge och nästa steg",
    )


# --- Convening ---------------------------------------------------------------------------


def test_team__convene__barnkontakt__form_lists_only_staff_at_covered_units(world):
    _consent(world, units=("school", "student_health", "bup"))
    pupil = world.children["pupil"]
    response = _client(world, "rektor").get(reverse("teams:convene", args=[pupil.public_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert _key(world, "bup", "bup") in body
    assert _key(world, "skolskoterska", "student_health") in body
    assert _key(world, "socialsekreterare", "ifo") not in body
    assert _key(world, "analytiker", "admin") not in body


def test_team__convene__barnkontakt__creates_team_with_family_and_lead(world):
    _consent(world)
    pupil = world.children["pupil"]
    response = _client(world, "rektor").post(
        reverse("teams:convene", args=[pupil.public_id]),
        {
            "members": [
                _key(world, "bup", "bup"),
                _key(world, "socialsekreterare", "ifo"),
            ],
            "lead": _key(world, "socialsekreterare", "ifo"),
            "with_child": "on",
        },
    )
    assert response.status_code == 302
    team = Barnteam.objects.get(child=pupil)
    assert TeamMember.objects.filter(team=team, left_at__isnull=True).count() == 3
    assert TeamMember.objects.get(team=team, is_lead=True).user == world.users["socialsekreterare"]
    family = FamilyParticipant.objects.filter(team=team)
    assert family.filter(is_child=True).count() == 1
    assert family.filter(guardian__isnull=False).count() == pupil.guardianships.count()
    page = _client(world, "bup").get(reverse("teams:detail", args=[team.public_id]))
    assert page.status_code == 200
    assert str(world.users["socialsekreterare"]) in page.content.decode()


def test_team__convene__refused_without_consent_covering_a_member_unit(world):
    _consent(world, units=("school", "student_health"))
    with pytest.raises(ServiceError):
        barnteam_convene(
            actor=world.users["rektor"],
            child=world.children["pupil"],
            members=[(world.users["bup"], world.units["bup"])],
        )
    assert not Barnteam.objects.exists()


@pytest.mark.parametrize("state", ["none", "pending", "expired", "withdrawn"])
def test_team__convene__no_consent_in_force__form_offers_nobody(world, state):
    if state != "none":
        _consent(world, state=state)
    pupil = world.children["pupil"]
    client = _client(world, "rektor")
    response = client.get(reverse("teams:convene", args=[pupil.public_id]))
    assert response.status_code == 200
    assert _key(world, "bup", "bup") not in response.content.decode()
    posted = client.post(
        reverse("teams:convene", args=[pupil.public_id]), {"members": [_key(world, "bup", "bup")]}
    )
    assert posted.status_code == 200
    assert not Barnteam.objects.exists()


@pytest.mark.parametrize("username", ["larare", "skolskoterska", "bup", "polis", "admin"])
def test_team__convene__not_barnkontakt__404_and_logged(world, username):
    _consent(world)
    pupil = world.children["pupil"]
    response = _client(world, username).get(reverse("teams:convene", args=[pupil.public_id]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        user=world.users[username], child=pupil, what=What.TEAM
    ).exists()


# --- The team page -------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["larare", "annan_rektor", "polis", "fritid", "analytiker"])
def test_team__view__outsiders__404_and_logged(world, username):
    team = _team(world)
    response = _client(world, username).get(reverse("teams:detail", args=[team.public_id]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        user=world.users[username], what=What.TEAM, allowed=False
    ).exists()


def test_team__lead_and_members__changed_by_member(world):
    team = _team(world)
    bup_member = TeamMember.objects.get(team=team, user=world.users["bup"])
    client = _client(world, "socialsekreterare")
    response = client.post(
        reverse("teams:lead_set", args=[team.public_id]), {"lead-member": bup_member.pk}
    )
    assert response.status_code == 302
    bup_member.refresh_from_db()
    assert bup_member.is_lead
    nurse = TeamMember.objects.get(team=team, user=world.users["skolskoterska"])
    response = client.post(reverse("teams:member_leave", args=[team.public_id, nurse.pk]))
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.left_at is not None
    response = client.post(
        reverse("teams:member_add", args=[team.public_id]),
        {"add-member": _key(world, "kurator", "student_health")},
    )
    assert response.status_code == 302
    assert TeamMember.objects.filter(team=team, user=world.users["kurator"]).exists()


# --- Meetings and invitations ------------------------------------------------------------


def test_meeting__schedule__invites_members_and_family(world):
    team = _team(world)
    start = (timezone.localtime() + dt.timedelta(days=5)).replace(microsecond=0)
    response = _client(world, "rektor").post(
        reverse("teams:meeting_schedule", args=[team.public_id]),
        {
            "meeting-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "meeting-ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "meeting-location": "Norrskolan",
            "meeting-agenda": "Första mötet",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(team=team)
    invitations = Invitation.objects.filter(meeting=meeting)
    assert invitations.filter(member__isnull=False).count() == 4
    assert (
        invitations.filter(participant__isnull=False).count()
        == FamilyParticipant.objects.filter(team=team).count()
    )
    # The convener has accepted by calling the meeting.
    assert invitations.get(member__user=world.users["rektor"]).status == InvitationStatus.ACCEPTED


def test_meeting__schedule__in_the_past__error_shown(world):
    team = _team(world)
    start = timezone.localtime() - dt.timedelta(days=1)
    response = _client(world, "rektor").post(
        reverse("teams:meeting_schedule", args=[team.public_id]),
        {
            "meeting-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "meeting-ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "meeting-location": "Norrskolan",
        },
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Meeting.objects.exists()


def test_invitation__accept_and_decline__own_only(world):
    team = _team(world)
    meeting = _meeting(world, team)
    bup_inv = Invitation.objects.get(meeting=meeting, member__user=world.users["bup"])
    url = reverse("teams:respond", args=[meeting.public_id])
    response = _client(world, "bup").post(url, {"invitation": bup_inv.pk, "status": "accepted"})
    assert response.status_code == 302
    bup_inv.refresh_from_db()
    assert bup_inv.status == InvitationStatus.ACCEPTED
    assert bup_inv.responded_at is not None
    _client(world, "bup").post(url, {"invitation": bup_inv.pk, "status": "declined"})
    bup_inv.refresh_from_db()
    assert bup_inv.status == InvitationStatus.DECLINED
    # Another member cannot answer for bup.
    response = _client(world, "socialsekreterare").post(
        url, {"invitation": bup_inv.pk, "status": "accepted"}
    )
    assert response.status_code == 404
    bup_inv.refresh_from_db()
    assert bup_inv.status == InvitationStatus.DECLINED
    # A member records a guardian's answer.
    family_inv = Invitation.objects.filter(meeting=meeting, participant__isnull=False).first()
    assert family_inv is not None
    _client(world, "rektor").post(url, {"invitation": family_inv.pk, "status": "accepted"})
    family_inv.refresh_from_db()
    assert family_inv.status == InvitationStatus.ACCEPTED


def test_invitation__worklist__shows_unanswered(world, django_assert_max_num_queries):
    team = _team(world)
    meeting = _meeting(world, team)
    client = _client(world, "bup")
    with django_assert_max_num_queries(30):
        response = client.get(reverse("teams:my_meetings"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("teams:meeting", args=[meeting.public_id]) in body
    assert world.children["pupil"].full_name in body
    # The menu item is there for staff who see children.
    assert reverse("teams:my_meetings") in body


def test_meeting__minutes__written_by_member_not_by_outsider(world):
    team = _team(world)
    meeting = _meeting(world, team)
    url = reverse("teams:meeting_minutes", args=[meeting.public_id])
    response = _client(world, "bup").post(
        url, {"minutes-minutes": "Vi gick igenom läget.", "minutes-decisions": "BUP utreder."}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi gick igenom läget."
    assert meeting.minutes_by == world.users["bup"]
    response = _client(world, "larare").post(url, {"minutes-minutes": "Nej"})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi gick igenom läget."
    assert AccessLogEntry.objects.filter(
        user=world.users["larare"], what=What.TEAM, allowed=False
    ).exists()


def test_meeting__ics__no_child_identity_and_parses(world):
    team = _team(world)
    meeting = _meeting(world, team)
    pupil = world.children["pupil"]
    response = _client(world, "bup").get(reverse("teams:meeting_ics", args=[meeting.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    for secret in (pupil.full_name, pupil.personnummer, pupil.personnummer[2:]):
        assert secret not in raw
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Barnteam"
    assert str(event["UID"]) == f"barnteam-meeting-{meeting.public_id}@samsyn"
    assert event.decoded("DTSTART") == meeting.starts_at.astimezone(dt.UTC).replace(microsecond=0)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert reverse("teams:meeting", args=[meeting.public_id]) in str(event["DESCRIPTION"])
    attendees = [str(a) for a in event.get("ATTENDEE", [])]
    assert f"mailto:{world.users['bup'].email}" in attendees
    assert str(event["ORGANIZER"]) == f"mailto:{world.users['rektor'].email}"
    # Stable per meeting.
    again = _client(world, "rektor").get(reverse("teams:meeting_ics", args=[meeting.public_id]))
    assert icalendar.Calendar.from_ical(again.content).walk("VEVENT")[0]["UID"] == event["UID"]
    assert (
        _client(world, "larare")
        .get(reverse("teams:meeting_ics", args=[meeting.public_id]))
        .status_code
        == 404
    )


# --- Reminders -----------------------------------------------------------------------------


def test_reminders__command__marks_unanswered_within_days_once(world):
    team = _team(world)
    soon = _meeting(world, team, days=2)
    _meeting(world, team, days=10)
    Invitation.objects.filter(meeting=soon, member__user=world.users["bup"]).update(
        status=InvitationStatus.ACCEPTED
    )
    out = StringIO()
    call_command("teams_remind", stdout=out)
    text = out.getvalue()
    assert "skolskoterska" in text and "socialsekreterare" in text
    assert "\tbup" not in text and not text.startswith("bup")
    assert world.children["pupil"].last_name not in text
    reminded = Invitation.objects.filter(reminded_at__isnull=False)
    assert set(reminded.values_list("member__user__username", flat=True)) == {
        "skolskoterska",
        "socialsekreterare",
    }
    assert reminded.filter(meeting=soon).count() == 2
    out = StringIO()
    call_command("teams_remind", stdout=out)
    assert "0 reminded." in out.getvalue()


# --- The child page panel -----------------------------------------------------------------


def test_panel__barnteam__members_lead_next_meeting(world):
    team = _team(world)
    meeting = _meeting(world, team)
    pupil = world.children["pupil"]
    for username in ("rektor", "bup"):
        body = _client(world, username).get(reverse("children:detail", args=[pupil.public_id]))
        text = body.content.decode()
        assert body.status_code == 200
        assert reverse("teams:detail", args=[team.public_id]) in text
        assert reverse("teams:meeting", args=[meeting.public_id]) in text
        assert str(world.users["skolskoterska"]) in text
    teacher = _client(world, "larare").get(reverse("children:detail", args=[pupil.public_id]))
    assert reverse("teams:detail", args=[team.public_id]) not in teacher.content.decode()


def test_panel__barnkontakt__offers_convene_with_consent(world):
    _consent(world)
    pupil = world.children["pupil"]
    body = _client(world, "rektor").get(reverse("children:detail", args=[pupil.public_id]))
    assert reverse("teams:convene", args=[pupil.public_id]) in body.content.decode()


def test_team__withdrawn_consent__policy_team_keeps_barnkontakt(world):
    pupil = world.children["pupil"]
    (consent,) = consent_for(pupil, [world.units["bup"]], purposes=("barnteam",), state="withdrawn")
    team = barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [(world.users["bup"], world.units["bup"])],
    )
    assert (
        _client(world, "bup").get(reverse("teams:detail", args=[team.public_id])).status_code == 404
    )
    assert consent.withdrawn_at is not None


def test_team__member_added__invited_to_coming_meetings(world):
    team = _team(world)
    meeting = _meeting(world, team)
    response = _client(world, "rektor").post(
        reverse("teams:member_add", args=[team.public_id]),
        {"add-member": _key(world, "kurator", "student_health")},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(meeting=meeting, member__user=world.users["kurator"]).exists()


def test_team__pages__every_access_logged_with_ground(world):
    team = _team(world)
    meeting = _meeting(world, team)
    pupil = world.children["pupil"]
    client = _client(world, "bup")
    before = AccessLogEntry.objects.filter(user=world.users["bup"], child=pupil).count()
    for url in (
        reverse("teams:detail", args=[team.public_id]),
        reverse("teams:meeting", args=[meeting.public_id]),
        reverse("teams:meeting_ics", args=[meeting.public_id]),
    ):
        assert client.get(url).status_code == 200
    rows = AccessLogEntry.objects.filter(user=world.users["bup"], child=pupil).order_by("seq")
    assert rows.count() == before + 3
    assert {(r.what, r.action, r.allowed, r.ground) for r in rows[before:]} == {
        ("team", "view", True, "team_consent")
    }


def test_invitation__declined_from_worklist(world):
    team = _team(world)
    meeting = _meeting(world, team)
    invitation = Invitation.objects.get(meeting=meeting, member__user=world.users["bup"])
    response = _client(world, "bup").post(
        reverse("teams:respond", args=[meeting.public_id]),
        {"invitation": invitation.pk, "status": "declined", "next": "worklist"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:my_meetings")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    body = _client(world, "bup").get(reverse("teams:my_meetings")).content.decode()
    assert "Tackat nej" in body
