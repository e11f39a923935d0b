"""The start page, the layout, the language switch and the 404 page."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from samsyn.core.responses import not_found
from samsyn.testing.world import World


def test_home__anonymous__to_login(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_home__staff__to_my_children(client: Client, world: World) -> None:
    client.force_login(world.users["larare"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("children:my_children")


def test_home__analyst__no_access_page_about_statistics(client: Client, world: World) -> None:
    client.force_login(world.users["analytiker"])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ingen åtkomst till enskilda barn" in html
    assert "statistik" in html
    assert "Mina barn" not in html  # no menu entries that lead nowhere
    assert reverse("admin:index") not in html


def test_home__system_admin__no_access_page_with_admin_link(client: Client, world: World) -> None:
    client.force_login(world.users["admin"])
    html = client.get("/").content.decode()
    assert "Ingen åtkomst till enskilda barn" in html
    assert reverse("admin:index") in html
    assert "statistik" not in html


def test_unknown_url__swedish_404_page(client: Client, world: World) -> None:
    client.force_login(world.users["rektor"])
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan kunde inte hittas" in response.content.decode()


def test_layout__landmarks_skip_link_and_current_page(client: Client, world: World) -> None:
    client.force_login(world.users["rektor"])
    html = client.get(reverse("children:my_children")).content.decode()
    assert '<html lang="sv">' in html
    assert '<a class="skip-link" href="#main">Hoppa till huvudinnehållet</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="main-nav" aria-label="Huvudmeny">' in html
    assert 'href="/barn/mina/" aria-current="page">Mina barn</a>' in html
    assert "<footer" in html
    assert 'action="/konto/logga-ut/" method="post"' in html
    assert "style=" not in html  # the CSP forbids inline styles
    assert "<script" not in html


def test_layout__security_headers(client: Client, world: World) -> None:
    client.force_login(world.users["rektor"])
    response = client.get(reverse("children:my_children"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"


def test_language_switch__english(client: Client, world: World) -> None:
    client.force_login(world.users["rektor"])
    # The override puts the thread's language back afterwards, for the tests that follow.
    with translation.override("sv"):
        response = client.post(
            reverse("core:set_language"), {"language": "en", "next": "/barn/mina/"}, follow=True
        )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "My children" in html
    assert "Log out" in html


def test_not_found__returned_not_raised(db: None) -> None:
    request = RequestFactory().get("/barn/okand/")
    request.user = AnonymousUser()
    with translation.override("sv"):
        response = not_found(request)
    assert response.status_code == 404
    assert "Sidan kunde inte hittas" in response.content.decode()


def test_static_stylesheet_exists() -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("samsyn/site.css")
    assert path is not None
    css = open(path, encoding="utf-8").read()  # noqa: SIM115
    assert ":focus-visible" in css
    assert "http" not in css  # no external fonts or CDNs


def test_age_filter__years_months_and_newborns() -> None:
    import datetime as dt

    from samsyn.core.templatetags.samsyn_tags import age, age_parts

    today = dt.date(2026, 3, 15)
    assert age_parts(dt.date(2016, 3, 16), today) == (9, 11)
    assert age_parts(dt.date(2016, 3, 15), today) == (10, 0)
    with translation.override("sv"):
        assert age(dt.date.today() - dt.timedelta(days=3)) == "Under en månad"
        assert age(dt.date.today() - dt.timedelta(days=365 * 10 + 3)) == "10 år"
