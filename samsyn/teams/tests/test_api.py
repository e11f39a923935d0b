"""The Barnteam API: convene under consent, lead, meetings, invitations, .ics; refusals 404."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from samsyn.access.policy import What
from samsyn.audit.models import AccessLogEntry
from samsyn.teams.models import Barnteam
from samsyn.testing.factories import consent_for
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _send(client: Client, method: str, url: str, data: dict) -> object:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _members(world: World, *pairs: tuple[str, str]) -> list[dict]:
    return [{"username": u, "unit": str(world.units[k].public_id)} for u, k in pairs]


def test_api_team__convene_meeting_respond_ics(world):
    pupil = world.children["pupil"]
    consent_for(pupil, [world.units["ifo"], world.units["bup"]], purposes=("barnteam",))
    rektor = _client(world, "rektor")
    response = _send(
        rektor,
        "post",
        f"/api/v1/children/{pupil.public_id}/team",
        {
            "members": _members(world, ("bup", "bup"), ("socialsekreterare", "ifo")),
            "lead": "socialsekreterare",
        },
    )
    assert response.status_code == 201, response.content
    team = response.json()
    assert team["lead"]["username"] == "socialsekreterare"
    assert len(team["members"]) == 3
    assert team["family"]
    bup_member = next(m for m in team["members"] if m["username"] == "bup")
    response = _send(
        rektor, "put", f"/api/v1/teams/{team['id']}/lead", {"member": bup_member["id"]}
    )
    assert response.status_code == 200
    assert response.json()["lead"]["username"] == "bup"
    start = timezone.now() + dt.timedelta(days=4)
    response = _send(
        rektor,
        "post",
        f"/api/v1/teams/{team['id']}/meetings",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "location": "Norrskolan",
        },
    )
    assert response.status_code == 201
    meeting = response.json()
    bup = _client(world, "bup")
    mine = bup.get("/api/v1/invitations/mine").json()
    assert len(mine) == 1 and mine[0]["status"] == "invited"
    response = _send(
        bup,
        "post",
        f"/api/v1/meetings/{meeting['id']}/invitations/{mine[0]['id']}/respond",
        {"status": "accepted"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    ics = bup.get(f"/api/v1/meetings/{meeting['id']}/ics")
    assert ics.status_code == 200
    assert pupil.full_name not in ics.content.decode()
    assert icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]["SUMMARY"] == "Barnteam"
    response = _send(
        bup, "put", f"/api/v1/meetings/{meeting['id']}/minutes", {"minutes": "Anteckningar"}
    )
    assert response.status_code == 200
    assert response.json()["minutes"] == "Anteckningar"


def test_api_team__convene__unit_not_covered__422_in_swedish(world):
    pupil = world.children["pupil"]
    consent_for(pupil, [world.units["ifo"]], purposes=("barnteam",))
    response = _send(
        _client(world, "rektor"),
        "post",
        f"/api/v1/children/{pupil.public_id}/team",
        {"members": _members(world, ("bup", "bup"))},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_members"
    assert body["message"].startswith("Inget samtycke i kraft omfattar BUP Test")
    assert not Barnteam.objects.exists()


@pytest.mark.parametrize("username", ["larare", "bup", "polis", "analytiker"])
def test_api_team__convene__not_barnkontakt__404_logged(world, username):
    pupil = world.children["pupil"]
    consent_for(pupil, [world.units["bup"]], purposes=("barnteam",))
    response = _send(
        _client(world, username),
        "post",
        f"/api/v1/children/{pupil.public_id}/team",
        {"members": _members(world, ("bup", "bup"))},
    )
    assert response.status_code == 404
    assert response.json()["message"] == "Hittades inte."
    assert AccessLogEntry.objects.filter(
        user=world.users[username], child=pupil, what=What.TEAM, allowed=False
    ).exists()


def test_api_team__withdrawn__member_gets_404(world):
    pupil = world.children["pupil"]
    (consent,) = consent_for(pupil, [world.units["bup"]], purposes=("barnteam",))
    rektor = _client(world, "rektor")
    team = _send(
        rektor,
        "post",
        f"/api/v1/children/{pupil.public_id}/team",
        {"members": _members(world, ("bup", "bup"))},
    ).json()
    bup = _client(world, "bup")
    assert bup.get(f"/api/v1/teams/{team['id']}").status_code == 200
    response = _send(
        rektor, "post", f"/api/v1/consents/{consent.public_id}/withdraw", {"note": "Mamman"}
    )
    assert response.status_code == 200
    assert bup.get(f"/api/v1/teams/{team['id']}").status_code == 404
