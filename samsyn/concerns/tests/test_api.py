"""The concerns API: same services and policy as the pages; 404s look like missing objects,
422s carry Swedish messages, every access is logged."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.concerns.models import Concern, ReportOfConcern
from samsyn.concerns.tests.helpers import concern_by, report_by
from samsyn.testing.world import World

NOT_FOUND = {"code": "not_found", "message": "Hittades inte."}
TRIAGE = {
    "in_the_way": "a",
    "information": "b",
    "i_can_do": "c",
    "agency_can_do": "d",
    "help_needed": "e",
}


def _client(world: World, username: str) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(world.users[username])
    return client


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api__teacher_registers_concern__rektor_triages__teacher_sees_answered(
    world: World,
) -> None:
    child = world.children["pupil"]
    teacher = _client(world, "larare")
    confirm = _post(teacher, "/api/v1/concerns/confirm-child", {"personnummer": child.personnummer})
    assert confirm.status_code == 200
    assert confirm.json() == {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "birth_year": child.birth_date.year,
    }
    created = _post(
        teacher,
        "/api/v1/concerns",
        {"personnummer": child.personnummer, "observed": "Trött.", "indicators": ["healthy"]},
    )
    assert created.status_code == 201
    concern_id = created.json()["id"]
    assert created.json()["status"] == "received"

    rektor = _client(world, "rektor")
    worklist = rektor.get("/api/v1/concerns/worklist").json()
    assert [c["id"] for c in worklist["to_answer"]] == [concern_id]
    assert teacher.get(f"/api/v1/concerns/{concern_id}").json() == NOT_FOUND
    assert rektor.get(f"/api/v1/concerns/{concern_id}").status_code == 200
    triaged = _post(
        rektor, f"/api/v1/concerns/{concern_id}/triage", {**TRIAGE, "decision": "own_agency"}
    )
    assert triaged.status_code == 200
    mine = teacher.get("/api/v1/concerns/mine").json()
    assert mine[0]["status"] == "triaged"
    assert set(mine[0]) == {"id", "child_name", "created_at", "status", "answered_at"}
    assert AccessLogEntry.objects.filter(
        user=world.users["larare"], what=What.CONCERN, action=Action.VIEW, allowed=False
    ).exists()


@pytest.mark.parametrize("username", ["polis", "analytiker", "admin"])
def test_api__concern_detail_and_triage__outsiders__404(world: World, username: str) -> None:
    concern = concern_by(world)
    client = _client(world, username)
    response = client.get(f"/api/v1/concerns/{concern.public_id}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    response = _post(
        client, f"/api/v1/concerns/{concern.public_id}/triage", {**TRIAGE, "decision": "report"}
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("username", ["analytiker", "admin"])
def test_api__no_child_data_role__cannot_register(world: World, username: str) -> None:
    child = world.children["pupil"]
    client = _client(world, username)
    response = _post(
        client,
        "/api/v1/concerns",
        {"personnummer": child.personnummer, "observed": "x", "indicators": ["safe"]},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    response = _post(client, "/api/v1/concerns/confirm-child", {"personnummer": child.personnummer})
    assert response.status_code == 404
    assert not Concern.objects.exists()


def test_api__unknown_id__404(world: World) -> None:
    client = _client(world, "rektor")
    assert client.get(f"/api/v1/concerns/{uuid.uuid4()}").json() == NOT_FOUND
    assert client.get("/api/v1/concerns/not-a-uuid").status_code == 404


def test_api__422_swedish_messages(world: World) -> None:
    client = _client(world, "larare")
    response = _post(client, "/api/v1/concerns/confirm-child", {"personnummer": "123"})
    assert response.status_code == 422
    assert response.json()["field"] == "personnummer"
    assert "personnummer" in response.json()["message"]
    response = _post(client, "/api/v1/concerns/confirm-child", {"personnummer": "19121212-1212"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_personnummer",
        "field": "personnummer",
        "message": "Inget barn med det personnumret finns i Samsyn.",
    }
    child = world.children["pupil"]
    response = _post(
        client,
        "/api/v1/concerns",
        {"personnummer": child.personnummer, "observed": "x", "indicators": []},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    response = _post(
        client,
        "/api/v1/concerns",
        {
            "personnummer": child.personnummer,
            "observed": "x",
            "indicators": ["safe"],
            "reporter_unit": str(world.units["bup"].public_id),
        },
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Välj en av dina egna enheter."


def test_api__overdue_for_lead(world: World) -> None:
    from samsyn.organisations.models import Role
    from samsyn.testing.factories import staff

    concern = concern_by(world)
    Concern.objects.filter(pk=concern.pk).update(
        respond_by=timezone.localdate() - dt.timedelta(days=2)
    )
    world.users["bitr"] = staff(Role.UNIT_MANAGER, world.units["school"], username="bitr")
    data = _client(world, "bitr").get("/api/v1/concerns/worklist").json()
    assert [c["id"] for c in data["overdue_at_my_units"]] == [str(concern.public_id)]
    assert data["overdue_at_my_units"][0]["overdue"] is True
    assert data["to_answer"] == []


def test_api__report_to_intake_and_feedback(world: World) -> None:
    child = world.children["pupil"]
    teacher = _client(world, "larare")
    created = _post(
        teacher,
        "/api/v1/reports",
        {"personnummer": child.personnummer, "description": "Slag.", "immediate_danger": True},
    )
    assert created.status_code == 201
    report_id = created.json()["id"]
    intake = _client(world, "mottagning")
    listed = intake.get("/api/v1/reports/intake").json()
    assert listed[0]["personnummer"] == child.personnummer_formatted
    assert _post(intake, f"/api/v1/reports/{report_id}/receive", {}).status_code == 200
    decided = _post(
        intake,
        f"/api/v1/reports/{report_id}/decision",
        {"investigation_opened": False, "feedback": "Ingen utredning; stöd erbjuds."},
    )
    assert decided.status_code == 200
    mine = teacher.get("/api/v1/reports/mine").json()
    assert mine[0]["feedback"] == "Ingen utredning; stöd erbjuds."
    assert mine[0]["investigation_opened"] is False
    assert "personnummer" not in mine[0]
    grounds = set(
        AccessLogEntry.objects.filter(user=world.users["mottagning"]).values_list(
            "ground", flat=True
        )
    )
    assert grounds == {Ground.LEGAL_DUTY}
    # Another social worker outside the intake group gets a 404.
    other = _client(world, "socialsekreterare")
    response = _post(other, f"/api/v1/reports/{report_id}/receive", {})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_api__report_from_concern_by_non_barnkontakt__404(world: World) -> None:
    concern = concern_by(world)
    response = _post(
        _client(world, "larare"),
        "/api/v1/reports",
        {"concern": str(concern.public_id), "description": "x"},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert not ReportOfConcern.objects.exists()


def test_api__consultation_created_by_barnkontakt_and_advice(world: World) -> None:
    concern = concern_by(world)
    child = concern.child
    rektor = _client(world, "rektor")
    created = _post(
        rektor,
        f"/api/v1/concerns/{concern.public_id}/consultations",
        {
            "group_unit": str(world.units["student_health"].public_id),
            "text": f"{child.first_name} {child.last_name}, {child.personnummer}, är orolig.",
        },
    )
    assert created.status_code == 201
    body = created.content.decode()
    assert child.first_name not in body
    assert child.personnummer not in body
    consultation_id = created.json()["id"]
    advice = _post(
        _client(world, "kurator"),
        f"/api/v1/consultations/{consultation_id}/advice",
        {"advice": "Samtal."},
    )
    assert advice.status_code == 200
    detail = rektor.get(f"/api/v1/concerns/{concern.public_id}").json()
    assert detail["consultations"][0]["advice"] == "Samtal."
    response = _post(
        _client(world, "larare"),
        f"/api/v1/concerns/{concern.public_id}/consultations",
        {"group_unit": str(world.units["student_health"].public_id), "text": "x"},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_api__reports_listed_for_reporter_only(world: World) -> None:
    report_by(world)
    assert _client(world, "rektor").get("/api/v1/reports/mine").json() == []
    assert _client(world, "larare").get("/api/v1/reports/intake").json() == []
