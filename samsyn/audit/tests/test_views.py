"""The access-log pages: a child's log for the Barnkontakt and log reviewers, the review report
for log reviewers only. Opening a child's log is itself logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.testing.world import World


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_child_log__barnkontakt__sees_own_domain_and_the_view_is_logged(world: World) -> None:
    child = world.children["pupil"]
    access_child(user=world.users["larare"], child=child, what=What.IDENTITY, action=Action.VIEW)
    access_child(user=world.users["bup"], child=child, what=What.IDENTITY, action=Action.VIEW)
    response = _client(world, "rektor").get(reverse("audit:child_log", args=[child.public_id]))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    usernames = {e.username for e in entries}
    assert "larare" in usernames
    assert "bup" not in usernames  # another secrecy domain: not the school's business
    assert AccessLogEntry.objects.filter(
        user=world.users["rektor"],
        child=child,
        what=What.ACCESS_LOG,
        allowed=True,
        ground=Ground.NAMED_CONTACT,
    ).exists()
    html = response.content.decode()
    assert "Åtkomstlogg: Alva Berg" in html
    assert '<th scope="col">Grund</th>' in html


def test_child_log__log_reviewer__as_reviewer(world: World) -> None:
    child = world.children["pupil"]
    response = _client(world, "granskare").get(reverse("audit:child_log", args=[child.public_id]))
    assert response.status_code == 200
    assert response.context["as_reviewer"] is True
    entry = AccessLogEntry.objects.get(user=world.users["granskare"], child=child)
    assert (entry.what, entry.ground, entry.allowed) == (
        What.ACCESS_LOG,
        Ground.LOG_REVIEW,
        True,
    )


def test_child_log__protected_child__units_hidden_from_barnkontakt(world: World) -> None:
    child = world.children["protected_pupil"]
    access_child(user=world.users["larare"], child=child, what=What.IDENTITY, action=Action.VIEW)
    response = _client(world, "rektor").get(reverse("audit:child_log", args=[child.public_id]))
    assert response.status_code == 200
    assert "Norrskolan" not in response.content.decode()


@pytest.mark.parametrize("username", ["larare", "skolskoterska", "annan_rektor", "polis"])
def test_child_log__not_barnkontakt_nor_reviewer__404_and_logged(
    world: World, username: str
) -> None:
    child = world.children["pupil"]
    response = _client(world, username).get(reverse("audit:child_log", args=[child.public_id]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        user=world.users[username], child=child, what=What.ACCESS_LOG, allowed=False
    ).exists()


def test_review__reviewer__lists_refused_attempts_and_logs_the_children_it_names(
    world: World,
) -> None:
    pupil = world.children["pupil"]
    access_child(
        user=world.users["annan_larare"], child=pupil, what=What.IDENTITY, action=Action.VIEW
    )
    access_child(user=world.users["larare"], child=pupil, what=What.IDENTITY, action=Action.VIEW)
    before = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = _client(world, "granskare").get(reverse("audit:review"))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [(e.username, e.allowed) for e in entries] == [("annan_larare", False)]
    # The report names the child, so the reviewer's seeing it is logged: one row per child.
    reviewed = AccessLogEntry.objects.filter(seq__gt=before)
    assert [(e.child_id, e.what, e.action, e.ground) for e in reviewed] == [
        (pupil.pk, What.ACCESS_LOG, Action.LIST, Ground.LOG_REVIEW)
    ]
    html = response.content.decode()
    assert "Nekad" in html
    assert reverse("audit:child_log", args=[pupil.public_id]) in html


def test_review__date_filter(world: World) -> None:
    pupil = world.children["pupil"]
    access_child(user=world.users["fritid"], child=pupil, what=What.IDENTITY, action=Action.VIEW)
    client = _client(world, "granskare")
    today = timezone.localdate()
    last_week = {"since": (today - dt.timedelta(days=7)).isoformat(), "until": today.isoformat()}
    assert client.get(reverse("audit:review"), last_week).context["page"].paginator.count == 1
    long_ago = {
        "since": (today - dt.timedelta(days=60)).isoformat(),
        "until": (today - dt.timedelta(days=30)).isoformat(),
    }
    assert client.get(reverse("audit:review"), long_ago).context["page"].paginator.count == 0


def test_review__other_principals_staff__not_listed(world: World) -> None:
    """The municipality's reviewer does not review the police's or the region's staff."""
    pupil = world.children["pupil"]
    for username in ("polis", "bup"):
        access_child(
            user=world.users[username], child=pupil, what=What.IDENTITY, action=Action.VIEW
        )
    response = _client(world, "granskare").get(reverse("audit:review"))
    assert response.context["page"].paginator.count == 0


def test_review__dates_in_wrong_order__message_on_field(world: World) -> None:
    response = _client(world, "granskare").get(
        reverse("audit:review"), {"since": "2026-02-01", "until": "2026-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["until"] == ["Slutdatumet är före startdatumet."]


@pytest.mark.parametrize("username", ["rektor", "larare", "analytiker", "admin", "polis"])
def test_review__not_reviewer__404(world: World, username: str) -> None:
    response = _client(world, username).get(reverse("audit:review"))
    assert response.status_code == 404


def test_review__nav_link_only_for_reviewers(world: World) -> None:
    url = reverse("audit:review")
    assert url in _client(world, "granskare").get("/barn/mina/").content.decode()
    assert url not in _client(world, "rektor").get("/barn/mina/").content.decode()
