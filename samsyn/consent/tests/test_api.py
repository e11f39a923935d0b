"""The consent API: the same policy as the pages, refusals are 404s (logged), errors 422 with
Swedish messages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from samsyn.access.policy import What
from samsyn.audit.models import AccessLogEntry
from samsyn.consent.models import Consent
from samsyn.testing.factories import GuardianshipFactory
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _post(client: Client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def _payload(world: World, given_by: list[str]) -> dict:
    today = timezone.localdate()
    return {
        "purpose": "barnteam",
        "units": [str(world.units[k].public_id) for k in ("school", "bup")],
        "categories": ["school", "health_care"],
        "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=200)).isoformat(),
        "how_given": "written",
        "given_by": given_by,
        "child_view": "mixed",
        "child_view_note": "Jag vill inte att polisen vet.",
    }


def test_api_consent__create_answer_withdraw__barnkontakt(world):
    pupil = world.children["pupil"]
    GuardianshipFactory(child=pupil)
    guardians = [str(g.guardian.public_id) for g in pupil.guardianships.select_related("guardian")]
    client = _client(world, "rektor")
    url = f"/api/v1/children/{pupil.public_id}/consents"
    response = _post(client, url, _payload(world, guardians[:1]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "pending"
    assert {g["decision"] for g in body["guardians"]} == {"given", "pending"}
    consent_id = body["id"]
    response = _post(
        client,
        f"/api/v1/consents/{consent_id}/answers",
        {"guardian": guardians[1], "decision": "given", "how_given": "oral"},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "in_force"
    listed = client.get(url).json()
    assert [c["id"] for c in listed] == [consent_id]
    response = _post(
        client, f"/api/v1/consents/{consent_id}/withdraw", {"note": "Pappan, muntligt"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


@pytest.mark.parametrize("username", ["larare", "bup", "polis", "admin"])
def test_api_consent__others__404_in_swedish_and_logged(world, username):
    pupil = world.children["pupil"]
    client = _client(world, username)
    url = f"/api/v1/children/{pupil.public_id}/consents"
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Hittades inte."}
    assert _post(client, url, _payload(world, [])).status_code == 404
    assert not Consent.objects.exists()
    assert (
        AccessLogEntry.objects.filter(
            user=world.users[username], child=pupil, what=What.CONSENT, allowed=False
        ).count()
        >= 2
    )


def test_api_consent__too_long__422_in_swedish(world):
    pupil = world.children["pupil"]
    payload = _payload(world, [])
    payload["valid_to"] = (timezone.localdate() + dt.timedelta(days=800)).isoformat()
    response = _post(
        _client(world, "rektor"), f"/api/v1/children/{pupil.public_id}/consents", payload
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_valid_to"
    assert body["message"] == "Ett samtycke kan gälla högst ett år; förnya det därefter."


def test_api_consent__unknown_consent__404(world):
    response = _client(world, "rektor").get("/api/v1/consents/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
