from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from samsyn.audit.models import AccessLogEntry
from samsyn.plans.models import Plan, PlanStatus
from samsyn.plans.tests.helpers import make_plan, team_with_bup

pytestmark = pytest.mark.django_db


def _send(client, method: str, url: str, data: dict):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _body(world) -> dict:
    today = timezone.localdate()
    return {
        "sections": {"reason": "Alva är ofta borta.", "child_view": "Jag vill ha en kompis."},
        "wellbeing": {"safe": 3, "achieving": 2},
        "goals": [{"indicator": "achieving", "text": "Går i skolan varje dag."}],
        "interventions": [
            {
                "type": "narvaroteam",
                "unit": str(world.units["school"].public_id),
                "responsible": "Rut",
                "start_date": today.isoformat(),
            },
            {
                "type": "bup-utredning",
                "unit": str(world.units["bup"].public_id),
                "start_date": today.isoformat(),
            },
        ],
        "note": "API",
    }


def test_api_catalogue__signed_in(client, world):
    client.force_login(world.users["larare"])
    response = client.get("/api/v1/interventions/catalogue")
    assert response.status_code == 200
    assert "Mini-Maria" in {t["name"] for t in response.json()}


def test_api_plan__rektor__create_update_versions_compare(client, world):
    client.force_login(world.users["rektor"])
    url = f"/api/v1/children/{world.children['pupil'].public_id}/plan"
    assert client.get(url).status_code == 404  # no plan yet
    response = _send(client, "put", url, _body(world))
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["kind"] == "sip"
    assert plan["version"] == 1
    body = _body(world)
    body["sections"]["reason"] = "Alva är ofta borta och ledsen."
    response = _send(client, "put", url, body)
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert client.get(url).json()["sections"]["reason"] == "Alva är ofta borta och ledsen."
    versions = client.get(f"/api/v1/plans/{plan['id']}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    compare = client.get(f"/api/v1/plans/{plan['id']}/versions/compare?before=1&after=2").json()
    changed = {s["section"] for s in compare["sections"] if s["changed"]}
    assert changed == {"reason"}
    assert client.get(f"/api/v1/plans/{plan['id']}/versions/1").json()["snapshot"]["sections"]
    pdf = client.get(f"/api/v1/plans/{plan['id']}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_api_plan__422__swedish_message(client, world):
    client.force_login(world.users["rektor"])
    url = f"/api/v1/children/{world.children['pupil'].public_id}/plan"
    body = _body(world)
    body["interventions"][0]["end_date"] = "2000-01-01"
    response = _send(client, "put", url, body)
    assert response.status_code == 422
    assert response.json()["message"] == "En insats kan inte sluta innan den börjar."
    body = _body(world)
    body["interventions"][0]["unit"] = "00000000-0000-0000-0000-000000000000"
    response = _send(client, "put", url, body)
    assert response.status_code == 422
    assert response.json()["field"] == "interventions.0.unit"
    assert Plan.objects.count() == 0


@pytest.mark.parametrize("username", ["larare", "analytiker", "admin"])
def test_api_plan__refused__404_logged(client, world, username):
    plan = make_plan(world)
    client.force_login(world.users[username])
    child_url = f"/api/v1/children/{world.children['pupil'].public_id}/plan"
    response = client.get(child_url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _send(client, "put", child_url, _body(world)).status_code == 404
    assert client.get(f"/api/v1/plans/{plan.public_id}/versions").status_code == 404
    assert client.get(f"/api/v1/plans/{plan.public_id}/pdf").status_code == 404
    assert Plan.objects.get().version == 1
    assert AccessLogEntry.objects.filter(username=username, what="plan", allowed=False).count() >= 4


def test_api_plan__bup__consent_in_force_then_withdrawn(client, world):
    team_with_bup(world)
    plan = make_plan(world)
    client.force_login(world.users["bup"])
    url = f"/api/v1/children/{world.children['pupil'].public_id}/plan"
    assert client.get(url).status_code == 200
    from samsyn.consent.models import Consent

    Consent.objects.filter(child=plan.child).update(withdrawn_at=timezone.now())
    assert client.get(url).status_code == 404


def test_api_follow_up__schedule_record_close(client, world):
    plan = make_plan(world)
    client.force_login(world.users["rektor"])
    due = timezone.localdate() + dt.timedelta(days=14)
    response = _send(
        client, "post", f"/api/v1/plans/{plan.public_id}/follow-ups", {"due_date": due.isoformat()}
    )
    assert response.status_code == 201
    follow_up_id = response.json()["id"]
    goal = plan.goals.get()
    response = _send(
        client,
        "post",
        f"/api/v1/follow-ups/{follow_up_id}",
        {"ratings": [], "wellbeing": {"safe": 4}, "decision": "close"},
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Bedöm varje mål."
    response = _send(
        client,
        "post",
        f"/api/v1/follow-ups/{follow_up_id}",
        {"ratings": [{"goal": goal.pk, "attainment": 5}], "decision": "close"},
    )
    assert response.status_code == 200
    assert response.json()["decision"] == "close"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED


def test_api_agreement__rektor(client, world):
    plan = make_plan(world)
    guardian = world.children["pupil"].guardianships.get().guardian
    client.force_login(world.users["rektor"])
    response = _send(
        client,
        "post",
        f"/api/v1/plans/{plan.public_id}/agreements",
        {
            "guardian": str(guardian.public_id),
            "agrees": False,
            "on_date": timezone.localdate().isoformat(),
            "how": "phone",
        },
    )
    assert response.status_code == 201
    assert response.json()["agrees"] is False
