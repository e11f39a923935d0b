"""The consent pages: the Barnkontakt records a consent per guardian, with the child's view;
a pending guardian answers later; a withdrawal takes effect at once — a team member from another
secrecy domain gets a 404 on the team page in the very next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import What
from samsyn.audit.models import AccessLogEntry
from samsyn.children.models import Child
from samsyn.consent.models import Consent, GuardianDecision
from samsyn.consent.selectors import ConsentState, consent_state
from samsyn.testing.factories import GuardianshipFactory, barnteam_for, consent_for
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _joint_custody(child: Child) -> list[int]:
    GuardianshipFactory(child=child)
    return list(child.guardianships.values_list("guardian_id", flat=True))


def _form(world: World, given_by: list[int], **overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "purpose": "barnteam",
        "units": [world.units[k].pk for k in ("school", "student_health", "ifo", "bup")],
        "categories": ["school", "school_health", "social_services", "health_care"],
        "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=300)).isoformat(),
        "how_given": "written",
        "given_by": given_by,
        "child_view": "agrees",
        "child_view_note": "Jag vill att alla pratar med varandra.",
    }
    data.update(overrides)
    return data


def test_consent__record__barnkontakt__joint_custody_needs_both_guardians(world):
    pupil = world.children["pupil"]
    first, second = _joint_custody(pupil)
    client = _client(world, "rektor")
    page = client.get(reverse("consent:record", args=[pupil.public_id]))
    assert page.status_code == 200
    assert "Barnets åsikt" in page.content.decode() or "åsikt" in page.content.decode()
    response = client.post(reverse("consent:record", args=[pupil.public_id]), _form(world, [first]))
    assert response.status_code == 302
    consent = Consent.objects.get(child=pupil)
    assert consent_state(consent) == ConsentState.PENDING
    assert consent.documented_by == world.users["rektor"]
    assert consent.child_age == 10
    # The second guardian answers later.
    response = client.post(
        reverse("consent:answer", args=[consent.public_id]),
        {"answer-guardian": second, "answer-decision": "given", "answer-how_given": "oral"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent_state(consent) == ConsentState.IN_FORCE
    detail = client.get(reverse("consent:detail", args=[consent.public_id]))
    assert detail.status_code == 200
    assert "Jag vill att alla pratar med varandra." in detail.content.decode()


def test_consent__record__guardian_refuses__not_in_force(world):
    pupil = world.children["pupil"]
    first, second = _joint_custody(pupil)
    client = _client(world, "rektor")
    client.post(reverse("consent:record", args=[pupil.public_id]), _form(world, [first]))
    consent = Consent.objects.get(child=pupil)
    client.post(
        reverse("consent:answer", args=[consent.public_id]),
        {"answer-guardian": second, "answer-decision": "refused", "answer-how_given": "oral"},
    )
    consent.refresh_from_db()
    assert consent.guardians.get(guardian_id=second).decision == GuardianDecision.REFUSED
    assert consent_state(consent) == ConsentState.PENDING
    assert consent.complete_at is None


def test_consent__record__errors_shown_in_swedish_with_summary(world):
    pupil = world.children["pupil"]
    client = _client(world, "rektor")
    response = client.post(
        reverse("consent:record", args=[pupil.public_id]), _form(world, [], units=[])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body
    assert not Consent.objects.filter(child=pupil).exists()


@pytest.mark.parametrize("username", ["larare", "bup", "polis", "analytiker", "annan_rektor"])
def test_consent__record__others__404_and_logged(world, username):
    pupil = world.children["pupil"]
    client = _client(world, username)
    assert client.get(reverse("consent:record", args=[pupil.public_id])).status_code == 404
    response = client.post(reverse("consent:record", args=[pupil.public_id]), _form(world, []))
    assert response.status_code == 404
    assert client.get(reverse("consent:list", args=[pupil.public_id])).status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            user=world.users[username], child=pupil, what=What.CONSENT, allowed=False
        ).count()
        == 3
    )
    assert not Consent.objects.filter(child=pupil).exists()


def test_consent__withdraw__bup_loses_team_page_at_once(world):
    pupil = world.children["pupil"]
    units = [world.units[k] for k in ("school", "student_health", "ifo", "bup")]
    (consent,) = consent_for(
        pupil, units, purposes=("barnteam",), documented_by=world.users["rektor"]
    )
    team = barnteam_for(
        pupil,
        world.users["rektor"],
        world.units["school"],
        [(world.users["bup"], world.units["bup"]), (world.users["socialsekreterare"], units[2])],
    )
    bup = _client(world, "bup")
    social = _client(world, "socialsekreterare")
    team_url = reverse("teams:detail", args=[team.public_id])
    assert bup.get(team_url).status_code == 200
    rektor = _client(world, "rektor")
    response = rektor.post(
        reverse("consent:withdraw", args=[consent.public_id]),
        {"withdraw-note": "Mamman återkallade per telefon till rektor."},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent_state(consent) == ConsentState.WITHDRAWN
    assert consent.withdrawn_by == world.users["rektor"]
    assert bup.get(team_url).status_code == 404
    assert social.get(team_url).status_code == 404
    assert AccessLogEntry.objects.filter(
        user=world.users["bup"], child=pupil, what=What.TEAM, allowed=False
    ).exists()
    # The Barnkontakt still sees the team.
    assert rektor.get(team_url).status_code == 200


def test_consent__withdraw__needs_a_note(world):
    pupil = world.children["pupil"]
    (consent,) = consent_for(pupil, [world.units["school"]], purposes=("barnteam",))
    response = _client(world, "rektor").post(
        reverse("consent:withdraw", args=[consent.public_id]), {"withdraw-note": "  "}
    )
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_consent__panel__on_child_page__states_shown(world):
    pupil = world.children["pupil"]
    consent_for(pupil, [world.units["school"]], purposes=("barnteam",), state="expired")
    consent_for(pupil, [world.units["school"]], purposes=("plan",), state="withdrawn")
    body = _client(world, "rektor").get(reverse("children:detail", args=[pupil.public_id]))
    text = body.content.decode()
    assert body.status_code == 200
    assert reverse("consent:list", args=[pupil.public_id]) in text
    assert reverse("consent:record", args=[pupil.public_id]) in text
    # A teacher at the school sees the child but not the consents.
    teacher = _client(world, "larare").get(reverse("children:detail", args=[pupil.public_id]))
    assert reverse("consent:list", args=[pupil.public_id]) not in teacher.content.decode()
