"""The access log through the API: the Barnkontakt and log reviewers see it, nobody else."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from samsyn.audit.models import AccessLogEntry
from samsyn.testing.factories import ChildFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _look(client, world, username: str, child_key: str = "pupil") -> None:
    client.force_login(world.users[username])
    client.get(f"/api/v1/children/{world.children[child_key].public_id}")


def test_access_log__barnkontakt__sees_who_looked_and_the_look_is_logged(client, world):
    child = world.children["pupil"]
    _look(client, world, "larare")
    client.force_login(world.users["rektor"])

    response = client.get(f"/api/v1/children/{child.public_id}/access-log")

    assert response.status_code == 200
    body = response.json()
    assert "larare" in {e["username"] for e in body["items"]}
    assert body["items"][0]["seq"] > body["items"][-1]["seq"]
    assert AccessLogEntry.objects.filter(
        child=child, user=world.users["rektor"], what="access_log", allowed=True
    ).exists()


@pytest.mark.parametrize("username", ["larare", "annan_rektor", "polis", "analytiker", "admin"])
def test_access_log__not_barnkontakt_nor_reviewer__404_and_logged(client, world, username):
    child = world.children["pupil"]
    client.force_login(world.users[username])

    response = client.get(f"/api/v1/children/{child.public_id}/access-log")
    missing = client.get(f"/api/v1/children/{uuid.uuid4()}/access-log")

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert AccessLogEntry.objects.filter(
        child=child, user=world.users[username], what="access_log", allowed=False
    ).exists()


def test_access_log__reviewer__sees_accesses_through_own_principal(client, world):
    child = world.children["pupil"]
    _look(client, world, "larare")
    client.force_login(world.users["granskare"])

    response = client.get(f"/api/v1/children/{child.public_id}/access-log")

    assert response.status_code == 200
    assert "larare" in {e["username"] for e in response.json()["items"]}


def test_review__reviewer__lists_refused_attempt_of_other_school(client, world):
    _look(client, world, "annan_rektor")
    client.force_login(world.users["granskare"])

    response = client.get("/api/v1/audit/review")

    assert response.status_code == 200
    items = response.json()["items"]
    refused = [e for e in items if e["username"] == "annan_rektor"]
    assert refused and refused[0]["allowed"] is False
    assert refused[0]["child"] == str(world.children["pupil"].public_id)


def test_review__since_in_the_future__empty(client, world):
    _look(client, world, "annan_rektor")
    client.force_login(world.users["granskare"])
    since = (timezone.now() + dt.timedelta(hours=1)).isoformat()

    body = client.get("/api/v1/audit/review", {"since": since}).json()

    assert body["count"] == 0


@pytest.mark.parametrize("username", ["rektor", "larare", "analytiker", "admin"])
def test_review__not_a_reviewer__404(client, world, username):
    client.force_login(world.users[username])

    response = client.get("/api/v1/audit/review")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_review__bounded_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["annan_rektor"])
    for _ in range(30):
        child = ChildFactory(municipality=world.municipality)
        EnrolmentFactory(child=child, unit=world.units["school"], grade=1)
        client.get(f"/api/v1/children/{child.public_id}")
    client.force_login(world.users["granskare"])

    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/audit/review").json()

    assert body["count"] >= 30
    assert len(body["items"]) == 25
    assert body["next"]


def test_access_log__bounded_queries(client, world, django_assert_max_num_queries):
    child = world.children["pupil"]
    for username in ["larare", "skolskoterska", "kurator", "annan_rektor"] * 8:
        _look(client, world, username)
    client.force_login(world.users["rektor"])

    with django_assert_max_num_queries(20):
        body = client.get(f"/api/v1/children/{child.public_id}/access-log").json()

    assert body["count"] > 25 and len(body["items"]) == 25
