"""API authentication: session (with CSRF on unsafe methods) and personal bearer tokens."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext, override

from samsyn.accounts.models import ApiToken, hash_token
from samsyn.accounts.services import (
    TokenError,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from samsyn.cli import translate_argv

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me__anonymous__401_with_swedish_message(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    with override("sv"):
        expected = gettext("Sign in, or send a personal API token as “Authorization: Bearer …”.")
    assert body["message"] == expected
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me__session__shows_memberships_and_that_teacher_sees_children(client, world):
    client.force_login(world.users["larare"])

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "larare"
    assert body["sees_children"] is True
    assert body["is_log_reviewer"] is False
    assert body["may_register_at"] == []
    [membership] = body["memberships"]
    assert membership["role"] == "teacher"
    assert membership["unit"]["public_id"] == str(world.units["school"].public_id)
    assert response["Cache-Control"] == "no-store"


def test_me__principal__may_register_at_own_school(client, world):
    client.force_login(world.users["rektor"])

    body = client.get("/api/v1/me").json()

    assert body["may_register_at"] == [str(world.units["school"].public_id)]


@pytest.mark.parametrize("username", ["analytiker", "admin", "granskare"])
def test_me__role_without_child_data__sees_no_children(client, world, username):
    client.force_login(world.users[username])

    body = client.get("/api/v1/me").json()

    assert body["sees_children"] is False
    assert body["is_log_reviewer"] is (username == "granskare")


def test_me__bearer_token__authenticates_and_notes_last_use(client, world):
    token, raw = api_token_create(user=world.users["kurator"], name="skript")

    response = client.get("/api/v1/me", **_bearer(raw))

    assert response.status_code == 200
    assert response.json()["username"] == "kurator"
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "inactive_user"])
def test_me__bad_token__401_invalid_token(client, world, state):
    user = world.users["kurator"]
    token, raw = api_token_create(user=user, name="skript")
    if state == "revoked":
        api_token_revoke(token=token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    elif state == "unknown":
        raw = raw[:-4] + "AAAA"
    else:
        user.is_active = False
        user.save(update_fields=["is_active"])

    response = client.get("/api/v1/me", **_bearer(raw))

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_bad_token__with_a_session__is_still_refused(client, world):
    client.force_login(world.users["rektor"])

    response = client.get("/api/v1/me", **_bearer("sam_not-a-token"))

    assert response.status_code == 401


def test_post__session_without_csrf_token__403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["rektor"])
    child = world.children["pupil"]
    url = f"/api/v1/children/{child.public_id}/barnkontakt"
    body = json.dumps({"user": "larare", "reason": "Delegerat"})

    response = client.post(url, body, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_post__session_with_csrf_token__accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["rektor"])
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    child = world.children["pupil"]

    response = client.post(
        f"/api/v1/children/{child.public_id}/barnkontakt",
        json.dumps({"user": "larare", "reason": "Delegerat till läraren"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )

    assert response.status_code == 200, response.content
    assert response.json()["user"]["username"] == "larare"


def test_post__bearer_token__needs_no_csrf(world):
    client = Client(enforce_csrf_checks=True)
    _, raw = api_token_create(user=world.users["rektor"], name="skript")
    child = world.children["pupil"]

    response = client.post(
        f"/api/v1/children/{child.public_id}/barnkontakt",
        json.dumps({"user": "larare", "reason": "Delegerat till läraren"}),
        content_type="application/json",
        **_bearer(raw),
    )

    assert response.status_code == 200, response.content


def test_post__anonymous__401_not_csrf(world):
    client = Client(enforce_csrf_checks=True)
    child = world.children["pupil"]

    response = client.post(
        f"/api/v1/children/{child.public_id}/transfer", "{}", content_type="application/json"
    )

    assert response.status_code == 401


def test_token_create__stores_only_the_hash(world):
    token, raw = api_token_create(user=world.users["rektor"], name="  Schemasystem ")

    assert raw.startswith("sam_")
    assert token.key_hash == hash_token(raw)
    assert raw not in token.key_hash
    assert token.name == "Schemasystem"
    assert token.expires_at is not None
    assert api_token_authenticate(raw=raw) == world.users["rektor"]


@pytest.mark.parametrize(
    "kwargs", [{"name": " "}, {"name": "x", "days": 0}, {"name": "x", "days": 9999}]
)
def test_token_create__bad_input__refused(world, kwargs):
    with pytest.raises(TokenError):
        api_token_create(user=world.users["rektor"], **kwargs)


def test_token_create_command__prints_the_token_once(world, capsys):
    assert translate_argv(["token", "create", "rektor"]) == ["token_create", "rektor"]

    call_command("token_create", "rektor", "--name", "Skript", "--days", "30")

    out = capsys.readouterr()
    raw = out.out.strip()
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.user == world.users["rektor"]
    assert raw not in out.err
    assert (token.expires_at - timezone.now()).days in (29, 30)


def test_token_create_command__unknown_user__error(world):
    with pytest.raises(CommandError):
        call_command("token_create", "ingen", "--name", "Skript")
