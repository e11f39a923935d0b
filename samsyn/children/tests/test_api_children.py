"""The children API: every route goes through the access policy, refusals look like 404s and
are logged, errors have stable codes and Swedish messages."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from samsyn.accounts.services import api_token_create
from samsyn.audit.models import AccessLogEntry
from samsyn.children.identity import (
    InvalidIdentityNumber,
    make_identity_number,
    parse_identity_number,
)
from samsyn.children.models import Child, Handover, HandoverStatus
from samsyn.children.selectors import child_current_barnkontakt
from samsyn.children.services import barnkontakt_refresh
from samsyn.testing.factories import ChildFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found"}


def _today() -> dt.date:
    return timezone.localdate()


def _post(client, url: str, data: dict, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def _bearer(world, username: str) -> dict[str, str]:
    _, raw = api_token_create(user=world.users[username], name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _not_found_body() -> dict[str, str]:
    with override("sv"):
        return {"code": "not_found", "message": gettext("Not found.")}


# --- GET /children/{id} ---


def test_child__principal_session__sees_identity_guardians_address_enrolments_barnkontakt(
    client, world
):
    child = world.children["pupil"]
    client.force_login(world.users["rektor"])

    response = client.get(f"/api/v1/children/{child.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["public_id"] == str(child.public_id)
    assert body["personnummer"] == child.personnummer_formatted
    assert body["ground"] == "named_contact"
    assert body["address"]["city"] == child.city
    [guardian] = body["guardians"]
    assert guardian["contact"]["phone"]
    assert [e["unit"]["name"] for e in body["enrolments"]] == ["Norrskolan"]
    assert body["barnkontakt"]["user"]["username"] == "rektor"
    assert "id" not in body
    logged = set(
        AccessLogEntry.objects.filter(child=child, user=world.users["rektor"]).values_list(
            "what", "allowed"
        )
    )
    assert logged == {
        ("identity", True),
        ("address", True),
        ("guardians", True),
        ("enrolments", True),
        ("barnkontakt", True),
    }
    assert response["Cache-Control"] == "no-store"


def test_child__teacher_bearer_token__sees_own_pupil_on_own_unit_ground(client, world):
    child = world.children["pupil"]

    response = client.get(f"/api/v1/children/{child.public_id}", **_bearer(world, "larare"))

    assert response.status_code == 200
    assert response.json()["ground"] == "own_unit"


def test_child__protected_identity__no_address_for_anyone(client, world):
    child = world.children["protected_pupil"]
    client.force_login(world.users["rektor"])

    body = client.get(f"/api/v1/children/{child.public_id}").json()

    assert body["protected_identity"] == "skyddad_folkbokforing"
    assert body["address"] is None
    assert all(g["contact"] is None for g in body["guardians"])
    assert child.city not in json.dumps(body)


@pytest.mark.parametrize("username", ["annan_rektor", "polis", "analytiker", "admin", "fritid"])
def test_child__user_without_ground__404_like_missing_and_refusal_logged(client, world, username):
    child = world.children["pupil"]
    user = world.users[username]
    client.force_login(user)

    refused = client.get(f"/api/v1/children/{child.public_id}")
    missing = client.get(f"/api/v1/children/{uuid.uuid4()}")

    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json() == _not_found_body()
    assert AccessLogEntry.objects.filter(
        child=child, user=user, what="identity", action="view", allowed=False
    ).exists()


def test_child__malformed_id__404(client, world):
    client.force_login(world.users["rektor"])

    response = client.get("/api/v1/children/42")

    assert response.status_code == 404
    assert response.json() == _not_found_body()


def test_child__anonymous__401(client, world):
    response = client.get(f"/api/v1/children/{world.children['pupil'].public_id}")

    assert response.status_code == 401
    assert not AccessLogEntry.objects.filter(child=world.children["pupil"]).exists()


# --- GET /children ---


def test_search__by_name__lists_and_logs_each_child(client, world):
    client.force_login(world.users["larare"])

    response = client.get("/api/v1/children", {"q": "Alva"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["next"] is None
    assert [c["public_id"] for c in body["items"]] == [str(world.children["pupil"].public_id)]
    assert AccessLogEntry.objects.filter(
        child=world.children["pupil"], user=world.users["larare"], action="list", allowed=True
    ).exists()


def test_search__protected_child_not_found_by_name_for_teacher(client, world):
    client.force_login(world.users["larare"])

    body = client.get("/api/v1/children", {"q": "Siri"}).json()

    assert body["count"] == 0


def test_search__other_schools_pupil__not_found(client, world):
    other = world.children["other_pupil"]
    client.force_login(world.users["rektor"])

    body = client.get("/api/v1/children", {"q": other.personnummer}).json()

    assert body["count"] == 0


def test_search__pages__count_next_and_bounded_queries(
    client, world, django_assert_max_num_queries
):
    for i in range(30):
        child = ChildFactory(last_name=f"Sökbar{i:02d}", municipality=world.municipality)
        EnrolmentFactory(child=child, unit=world.units["school"], grade=3)
    client.force_login(world.users["larare"])

    with django_assert_max_num_queries(25):
        first = client.get("/api/v1/children", {"q": "Sökbar"}).json()
    with django_assert_max_num_queries(25):
        second = client.get("/api/v1/children", {"q": "Sökbar", "page": 2}).json()

    assert first["count"] == second["count"] == 30
    assert len(first["items"]) == 25 and len(second["items"]) == 5
    assert "page=2" in first["next"] and second["next"] is None
    assert AccessLogEntry.objects.filter(user=world.users["larare"], action="list").count() == 30


def test_search__bad_page__422_with_field(client, world):
    client.force_login(world.users["larare"])

    response = client.get("/api/v1/children", {"q": "A", "page": 0})

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["field"] == "page"


# --- POST /children, transfer, handovers ---


def test_register__invalid_personnummer__422_swedish_message_nothing_saved(client, world):
    client.force_login(world.users["rektor"])
    before = Child.objects.count()
    good = make_identity_number(_today() - dt.timedelta(days=365 * 7), 123)
    bad = f"{good[:8]}-{good[8:11]}{(int(good[11]) + 1) % 10}"
    with override("sv"), pytest.raises(InvalidIdentityNumber) as expected:
        parse_identity_number(bad, allow_temporary=True, today=_today())

    response = _post(
        client,
        "/api/v1/children",
        {
            "personnummer": bad,
            "first_name": "Ny",
            "last_name": "Elev",
            "unit": str(world.units["school"].public_id),
            "start_date": _today().isoformat(),
            "grade": 1,
        },
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_personnummer",
        "field": "personnummer",
        "message": str(expected.value),
    }
    assert Child.objects.count() == before


def test_register__missing_fields__422_names_the_fields(client, world):
    client.force_login(world.users["rektor"])

    response = _post(client, "/api/v1/children", {"personnummer": "x"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    fields = {e["field"] for e in body["errors"]}
    assert {"first_name", "last_name", "unit", "start_date"} <= fields
    with override("sv"):
        assert body["errors"][0]["message"] == gettext("This field is required.")


def test_register__teacher__422_on_unit(client, world):
    client.force_login(world.users["larare"])
    pnr = make_identity_number(_today() - dt.timedelta(days=365 * 7), 321)

    response = _post(
        client,
        "/api/v1/children",
        {
            "personnummer": pnr,
            "first_name": "Ny",
            "last_name": "Elev",
            "unit": str(world.units["school"].public_id),
            "start_date": _today().isoformat(),
            "grade": 1,
        },
    )

    assert response.status_code == 422
    assert response.json()["field"] == "unit"
    assert not Child.objects.filter(personnummer=pnr).exists()


def test_register_then_transfer_preschool_to_school__handover_for_principal(client, world):
    forskolechef, rektor = world.users["forskolechef"], world.users["rektor"]
    pnr = make_identity_number(_today() - dt.timedelta(days=365 * 5), 654)
    client.force_login(forskolechef)

    created = _post(
        client,
        "/api/v1/children",
        {
            "personnummer": pnr,
            "first_name": "Liv",
            "last_name": "Lind",
            "unit": str(world.units["preschool"].public_id),
            "start_date": (_today() - dt.timedelta(days=30)).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    public_id = created.json()["public_id"]
    child = Child.objects.get(public_id=public_id)
    assert child_current_barnkontakt(child=child).user == forskolechef

    moved = _post(
        client,
        f"/api/v1/children/{public_id}/transfer",
        {
            "unit": str(world.units["school"].public_id),
            "start_date": _today().isoformat(),
            "grade": 0,
        },
    )

    assert moved.status_code == 200, moved.content
    assert moved.json()["unit"]["name"] == "Norrskolan"
    assert child_current_barnkontakt(child=child).user == rektor
    handover = Handover.objects.get(child=child)

    client.force_login(rektor)
    mine = client.get("/api/v1/children/mine").json()
    assert mine["items"][0]["public_id"] == public_id
    assert mine["items"][0]["has_open_handover"] is True
    assert mine["handovers_waiting"] == 1
    assert [h["id"] for h in mine["handovers"]] == [handover.pk]
    assert mine["handovers"][0]["from_barnkontakt"]["username"] == "forskolechef"

    acked = _post(client, f"/api/v1/handovers/{handover.pk}/acknowledge", {"note": "Läst"})
    assert acked.status_code == 200, acked.content
    assert acked.json()["status"] == HandoverStatus.ACKNOWLEDGED
    handover.refresh_from_db()
    assert handover.note == "Läst"


def test_transfer__school_without_grade__422_invalid_grade(client, world):
    client.force_login(world.users["forskolechef"])
    child = world.children["preschooler"]

    response = _post(
        client,
        f"/api/v1/children/{child.public_id}/transfer",
        {"unit": str(world.units["school"].public_id), "start_date": _today().isoformat()},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_grade"
    assert response.json()["field"] == "grade"


@pytest.mark.parametrize("unit_key", ["school", None])
def test_transfer__other_schools_principal__404_whatever_the_input(client, world, unit_key):
    client.force_login(world.users["annan_rektor"])
    child = world.children["pupil"]
    unit = str(world.units[unit_key].public_id) if unit_key else str(uuid.uuid4())

    response = _post(
        client,
        f"/api/v1/children/{child.public_id}/transfer",
        {"unit": unit, "start_date": _today().isoformat(), "grade": 5},
    )

    assert response.status_code == 404
    assert response.json() == _not_found_body()
    assert child.enrolments.count() == 1


def test_handover_acknowledge__not_the_new_barnkontakt__404(client, world):
    child = world.children["preschooler"]
    client.force_login(world.users["forskolechef"])
    _post(
        client,
        f"/api/v1/children/{child.public_id}/transfer",
        {
            "unit": str(world.units["school"].public_id),
            "start_date": _today().isoformat(),
            "grade": 0,
        },
    )
    handover = Handover.objects.get(child=child)
    client.force_login(world.users["larare"])

    response = _post(client, f"/api/v1/handovers/{handover.pk}/acknowledge", {})
    missing = _post(client, "/api/v1/handovers/999999/acknowledge", {})

    assert response.status_code == missing.status_code == 404
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.OPEN


def test_transfer__refused__attempt_is_logged(client, world):
    child = world.children["pupil"]
    client.force_login(world.users["annan_rektor"])

    response = client.post(
        f"/api/v1/children/{child.public_id}/transfer",
        json.dumps(
            {
                "unit": str(world.units["other_school"].public_id),
                "start_date": timezone.localdate().isoformat(),
                "grade": 4,
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        child=child, user=world.users["annan_rektor"], what="enrolments", allowed=False
    ).exists()


# --- Barnkontakt ---


def test_barnkontakt__principal_delegates_to_teacher__history_kept(client, world):
    child = world.children["pupil"]
    client.force_login(world.users["rektor"])

    set_response = _post(
        client,
        f"/api/v1/children/{child.public_id}/barnkontakt",
        {"user": "larare", "reason": "Mentor för klassen"},
    )
    history = client.get(f"/api/v1/children/{child.public_id}/barnkontakt")

    assert set_response.status_code == 200
    assert set_response.json()["source"] == "override"
    body = history.json()
    assert body["current"]["user"]["username"] == "larare"
    assert [a["user"]["username"] for a in body["history"]] == ["larare", "rektor"]


def test_barnkontakt__missing_reason__422_on_reason(client, world):
    child = world.children["pupil"]
    client.force_login(world.users["rektor"])

    response = _post(
        client, f"/api/v1/children/{child.public_id}/barnkontakt", {"user": "larare", "reason": " "}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "reason"


def test_barnkontakt__unknown_user__422_for_principal_but_404_for_outsider(client, world):
    child = world.children["pupil"]
    url = f"/api/v1/children/{child.public_id}/barnkontakt"
    client.force_login(world.users["rektor"])
    own = _post(client, url, {"user": "ingen", "reason": "Test"})
    client.force_login(world.users["annan_rektor"])
    outsider = _post(client, url, {"user": "ingen", "reason": "Test"})

    assert own.status_code == 422 and own.json()["code"] == "invalid_user"
    assert outsider.status_code == 404


def test_barnkontakt__teacher_may_look_but_not_change(client, world):
    child = world.children["pupil"]
    client.force_login(world.users["larare"])

    looked = client.get(f"/api/v1/children/{child.public_id}/barnkontakt")
    changed = _post(
        client,
        f"/api/v1/children/{child.public_id}/barnkontakt",
        {"user": "larare", "reason": "Vill själv"},
    )

    assert looked.status_code == 200
    assert changed.status_code == 404
    assert child_current_barnkontakt(child=child).user == world.users["rektor"]


# --- My children ---


def test_mine__principal__bounded_queries(client, world, django_assert_max_num_queries):
    for _ in range(30):
        child = ChildFactory(municipality=world.municipality)
        EnrolmentFactory(child=child, unit=world.units["school"], grade=2)
        barnkontakt_refresh(child=child)
    client.force_login(world.users["rektor"])

    with django_assert_max_num_queries(25):
        body = client.get("/api/v1/children/mine").json()

    assert body["count"] == 32
    assert len(body["items"]) == 25


def test_mine__analyst__empty(client, world):
    client.force_login(world.users["analytiker"])

    body = client.get("/api/v1/children/mine").json()

    assert body["count"] == 0 and body["items"] == []


# --- Language ---


def test_error__accept_language_english__english_message(client, world):
    client.force_login(world.users["annan_rektor"])

    response = client.get(
        f"/api/v1/children/{world.children['pupil'].public_id}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_handover_acknowledge__empty_body__accepted(client, world):
    child = world.children["preschooler"]
    client.force_login(world.users["forskolechef"])
    _post(
        client,
        f"/api/v1/children/{child.public_id}/transfer",
        {
            "unit": str(world.units["school"].public_id),
            "start_date": _today().isoformat(),
            "grade": 0,
        },
    )
    handover = Handover.objects.get(child=child)
    client.force_login(world.users["rektor"])

    response = client.post(
        f"/api/v1/handovers/{handover.pk}/acknowledge", "", content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == HandoverStatus.ACKNOWLEDGED


def test_register__body_not_json__400(client, world):
    client.force_login(world.users["rektor"])

    response = client.post("/api/v1/children", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    with override("sv"):
        expected = gettext("The request body could not be read as JSON.")
    assert expected.encode() in response.content  # UTF-8 as it is, not \u escapes


def test_child_detail__protected_identity__neither_address_nor_unit_shown(client, world):
    child = world.children["protected_pupil"]
    client.force_login(world.users["rektor"])
    response = client.get(f"/api/v1/children/{child.public_id}")
    body = response.json()
    assert response.status_code == 200
    assert body["address"] is None
    assert body["enrolments"] and all(e["unit"] is None for e in body["enrolments"])
    assert body["barnkontakt"]["unit"] is None
    assert world.units["school"].name not in response.content.decode()
    assert child.street_address not in response.content.decode()
