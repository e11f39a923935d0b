"""Logging in and out."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from samsyn.testing.world import World

PASSWORD = "demo-password-1"  # UserFactory's


def test_login_page__swedish_form_with_labels(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in i Samsyn" in html
    assert '<label for="id_username" class="label">Användarnamn' in html
    assert 'autocomplete="current-password"' in html
    assert "Demoläge" not in html


def test_login_page__demo_mode__tells_the_password(client: Client, db: None, settings) -> None:
    settings.DEMO_MODE = True
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Demoläge: alla demokonton har lösenordet demo" in html


def test_login__principal__lands_on_my_children(client: Client, world: World) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "rektor", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("children:my_children")
    assert "Mina barn" in response.content.decode()


def test_login__wrong_password__error_in_swedish(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:login"), {"username": "rektor", "password": "fel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Det finns ett problem" in html
    assert "korrekt användarnamn och lösenord" in html


def test_login__analyst__told_no_access_to_children(client: Client, world: World) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "analytiker", "password": PASSWORD}, follow=True
    )
    assert "Ingen åtkomst till enskilda barn" in response.content.decode()


def test_logout__post_logs_out_get_does_not(client: Client, world: World) -> None:
    client.force_login(world.users["rektor"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("children:my_children")).status_code == 302
