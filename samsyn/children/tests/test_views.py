"""The children's pages, requested as anonymous, as each kind of user, and as users of other units
and other secrecy domains (RapidPro's CRUDL habit). A refused child is a 404, never a 403, and the
refused attempt is in the access log."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.children.identity import make_identity_number
from samsyn.children.models import (
    AssignmentSource,
    BarnkontaktAssignment,
    Child,
    Enrolment,
    EnrolmentKind,
    Handover,
    HandoverStatus,
)
from samsyn.children.services import barnkontakt_refresh, enrolment_start
from samsyn.organisations.models import Role
from samsyn.testing.factories import (
    ChildFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    MembershipFactory,
)
from samsyn.testing.world import World

OUTSIDERS = ["annan_larare", "annan_rektor", "polis", "analytiker", "admin", "fritid"]


# Queries a list page may make, whatever the number of rows (the menu items of the TSI apps
# included). A list that grows with its rows fails this.
MAX_PAGE_QUERIES = 30


def _new_child(**kwargs: Any) -> Child:
    return cast(Child, ChildFactory(**kwargs))


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _refusals(world: World, username: str, child: Child) -> int:
    return AccessLogEntry.objects.filter(
        user=world.users[username], child=child, allowed=False
    ).count()


def _child_pages(child: Child) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", reverse("children:detail", args=[child.public_id]), {}),
        ("get", reverse("audit:child_log", args=[child.public_id]), {}),
        (
            "post",
            reverse("children:transfer", args=[child.public_id]),
            {"transfer-unit": "1", "transfer-start_date": "2030-01-01"},
        ),
        (
            "post",
            reverse("children:barnkontakt_set", args=[child.public_id]),
            {"barnkontakt-user": "1", "barnkontakt-reason": "Test"},
        ),
    ]


# --- Who may not see the child gets a 404, and the attempt is logged ----------------------


@pytest.mark.parametrize("username", OUTSIDERS)
def test_child_pages__outsider__404_and_refusal_logged(world: World, username: str) -> None:
    child = world.children["pupil"]
    client = _client(world, username)
    for method, url, data in _child_pages(child):
        before = _refusals(world, username, child)
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert "Sidan kunde inte hittas" in response.content.decode()
        assert child.full_name not in response.content.decode()
        assert child.personnummer_formatted not in response.content.decode()
        assert _refusals(world, username, child) == before + 1, (method, url)


def test_child_detail__teacher__other_school_pupil__404_logged_as_identity_view(
    world: World,
) -> None:
    other = world.children["other_pupil"]
    response = _client(world, "larare").get(reverse("children:detail", args=[other.public_id]))
    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user=world.users["larare"], child=other)
    assert (entry.what, entry.action, entry.allowed, entry.ground) == (
        What.IDENTITY,
        Action.VIEW,
        False,
        Ground.NONE,
    )


def test_child_detail__unknown_id__404(world: World) -> None:
    response = _client(world, "rektor").get("/barn/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/barn/mina/",
        "/barn/sok/?q=Alva",
        "/barn/ny/",
        "/logg/granskning/",
    ],
)
def test_pages__anonymous__redirect_to_login(client: Client, world: World, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/?next=")


def test_child_pages__anonymous__redirect_to_login_and_nothing_logged(
    client: Client, world: World
) -> None:
    child = world.children["pupil"]
    for method, url, data in _child_pages(child):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/logga-in/")
    assert not AccessLogEntry.objects.filter(child=child).exists()


# --- The child's overview -----------------------------------------------------------------


def test_child_detail__principal__sees_every_part_and_each_is_logged(world: World) -> None:
    child = world.children["pupil"]
    response = _client(world, "rektor").get(reverse("children:detail", args=[child.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert child.full_name in html
    assert child.personnummer_formatted in html
    assert child.street_address in html
    assert "Norrskolan" in html
    assert "Registrera övergång" in html
    assert "Välj en annan barnkontakt" in html
    assert reverse("audit:child_log", args=[child.public_id]) in html
    logged = set(
        AccessLogEntry.objects.filter(user=world.users["rektor"], child=child).values_list(
            "what", "action", "allowed"
        )
    )
    assert logged == {
        (What.IDENTITY, Action.VIEW, True),
        (What.GUARDIANS, Action.VIEW, True),
        (What.ADDRESS, Action.VIEW, True),
        (What.ENROLMENTS, Action.VIEW, True),
        (What.BARNKONTAKT, Action.VIEW, True),
        # The panels other apps add for the Barnkontakt (samsyn.core.extensions).
        (What.CONSENT, Action.VIEW, True),
        (What.TEAM, Action.VIEW, True),
        (What.PLAN, Action.VIEW, True),
    }


def test_child_detail__teacher__sees_pupil_but_no_forms_and_no_log_link(world: World) -> None:
    child = world.children["pupil"]
    response = _client(world, "larare").get(reverse("children:detail", args=[child.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert child.full_name in html
    assert "Barnet går på din enhet" in html
    assert "Registrera övergång" not in html
    assert reverse("audit:child_log", args=[child.public_id]) not in html


def test_child_detail__protected_identity__no_address_and_no_unit_anywhere(world: World) -> None:
    child = world.children["protected_pupil"]
    guardian = child.guardianships.get().guardian
    response = _client(world, "rektor").get(reverse("children:detail", args=[child.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skyddad identitet: adress och enhet visas inte" in html
    # The transition form lists every school of the municipality; nothing else names a unit.
    without_unit_choices = re.sub(r"<select .*?</select>", "", html, flags=re.S)
    for secret in (child.street_address, guardian.street_address, guardian.phone, "Norrskolan"):
        assert secret not in without_unit_choices
    assert not AccessLogEntry.objects.filter(child=child, what=What.ADDRESS).exists()


def test_child_detail__samordningsnummer__marked(world: World) -> None:
    birth = timezone.localdate() - dt.timedelta(days=3000)
    child = _new_child(
        personnummer=make_identity_number(birth, 123, coordination=True),
        id_kind="samordningsnummer",
        birth_date=birth,
        municipality=world.municipality,
    )
    EnrolmentFactory(child=child, unit=world.units["school"], grade=2)
    response = _client(world, "larare").get(reverse("children:detail", args=[child.public_id]))
    assert response.status_code == 200
    assert 'class="tag tag-attention">Samordningsnummer<' in response.content.decode()


def test_child_detail__school_nurse__sees_pupil_via_student_health(world: World) -> None:
    pupil, protected = world.children["pupil"], world.children["protected_pupil"]
    client = _client(world, "skolskoterska")
    assert client.get(reverse("children:detail", args=[pupil.public_id])).status_code == 200
    assert client.get(reverse("children:detail", args=[protected.public_id])).status_code == 404


# --- Mina barn ----------------------------------------------------------------------------


def _handover_to_principal(world: World) -> Child:
    """A six-year-old moves from the preschool to Norrskolan today."""
    child = _new_child(
        first_name="Elsa",
        last_name="Lind",
        birth_date=timezone.localdate() - dt.timedelta(days=6 * 365 + 40),
        municipality=world.municipality,
    )
    EnrolmentFactory(
        child=child,
        unit=world.units["preschool"],
        kind=EnrolmentKind.PRESCHOOL,
        grade=None,
        start_date=timezone.localdate() - dt.timedelta(days=700),
    )
    barnkontakt_refresh(child=child)
    enrolment_start(
        child=child, unit=world.units["school"], start_date=timezone.localdate(), grade=0
    )
    return child


def test_my_children__principal__handover_first_and_page_logged(world: World) -> None:
    elsa = _handover_to_principal(world)
    response = _client(world, "rektor").get(reverse("children:my_children"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 överlämning väntar på dig" in html
    assert "Förskolan Solen" in html
    children = response.context["children"]
    assert children[0] == elsa
    assert set(children) == {elsa, world.children["pupil"], world.children["protected_pupil"]}
    listed = AccessLogEntry.objects.filter(user=world.users["rektor"], action=Action.LIST)
    assert set(listed.values_list("child_id", flat=True)) == {c.pk for c in children}
    assert all(e.ground == Ground.NAMED_CONTACT for e in listed)


def test_my_children__only_the_page_is_logged(world: World, settings) -> None:
    settings.SAMSYN = {**settings.SAMSYN, "PAGE_SIZE": 2}
    elsa = _handover_to_principal(world)
    client = _client(world, "rektor")
    first = client.get(reverse("children:my_children"))
    assert len(first.context["children"]) == 2
    assert first.context["children"][0] == elsa  # the waiting handover comes first
    assert AccessLogEntry.objects.filter(user=world.users["rektor"]).count() == 2
    second = client.get(reverse("children:my_children") + "?sida=2")
    assert len(second.context["children"]) == 1
    assert AccessLogEntry.objects.filter(user=world.users["rektor"]).count() == 3
    assert "Sida 2 av 2" in second.content.decode()


def test_my_children__protected_child__unit_not_shown(world: World) -> None:
    response = _client(world, "rektor").get(reverse("children:my_children"))
    html = response.content.decode()
    assert html.count("Norrskolan") == 1  # Alva's row; Siri's says "Visas inte"
    assert "Visas inte" in html


def test_my_children__query_count_does_not_grow_with_children(
    world: World, django_assert_max_num_queries
) -> None:
    client = _client(world, "rektor")
    client.get(reverse("children:my_children"))  # warm up the session
    for i in range(15):
        child = _new_child(municipality=world.municipality, last_name=f"Extra{i}")
        EnrolmentFactory(child=child, unit=world.units["school"], grade=3)
        barnkontakt_refresh(child=child)
    _handover_to_principal(world)
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get(reverse("children:my_children"))
    assert len(response.context["children"]) == 18


@pytest.mark.parametrize("username", ["larare", "skolskoterska", "polis"])
def test_my_children__not_barnkontakt__empty(world: World, username: str) -> None:
    response = _client(world, username).get(reverse("children:my_children"))
    assert response.status_code == 200
    assert "inte barnkontakt för något barn" in response.content.decode()


@pytest.mark.parametrize("username", ["analytiker", "admin", "granskare"])
def test_my_children__no_child_roles__explanation(world: World, username: str) -> None:
    response = _client(world, username).get(reverse("children:my_children"))
    assert response.status_code == 200
    assert "Ingen åtkomst till enskilda barn" in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_handover_acknowledge__new_barnkontakt__acknowledged(world: World) -> None:
    elsa = _handover_to_principal(world)
    handover = Handover.objects.get(child=elsa)
    response = _client(world, "rektor").post(
        reverse("children:handover_acknowledge", args=[elsa.public_id, handover.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("children:my_children")
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED


@pytest.mark.parametrize("username", ["forskolechef", "larare", "polis"])
def test_handover_acknowledge__someone_else__404_and_logged(world: World, username: str) -> None:
    elsa = _handover_to_principal(world)
    handover = Handover.objects.get(child=elsa)
    response = _client(world, username).post(
        reverse("children:handover_acknowledge", args=[elsa.public_id, handover.pk])
    )
    assert response.status_code == 404
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.OPEN
    assert AccessLogEntry.objects.filter(
        user=world.users[username], child=elsa, what=What.HANDOVER, allowed=False
    ).exists()


def test_handover_acknowledge__get__not_allowed(world: World) -> None:
    elsa = _handover_to_principal(world)
    handover = Handover.objects.get(child=elsa)
    response = _client(world, "rektor").get(
        reverse("children:handover_acknowledge", args=[elsa.public_id, handover.pk])
    )
    assert response.status_code == 405


# --- Search -------------------------------------------------------------------------------


def test_search__teacher__by_name_and_by_personnummer(world: World) -> None:
    pupil = world.children["pupil"]
    client = _client(world, "larare")
    by_name = client.get(reverse("children:search"), {"q": "alva"})
    assert list(by_name.context["children"]) == [pupil]
    assert "Norrskolan" in by_name.content.decode()
    by_number = client.get(reverse("children:search"), {"q": pupil.personnummer_formatted})
    assert list(by_number.context["children"]) == [pupil]
    listed = AccessLogEntry.objects.filter(user=world.users["larare"], action=Action.LIST)
    assert listed.count() == 2


def test_search__other_schools_pupil__not_found(world: World) -> None:
    other = world.children["other_pupil"]
    Child.objects.filter(pk=other.pk).update(last_name="Zetterqvist")  # no namesake at Norrskolan
    other.refresh_from_db()
    client = _client(world, "larare")
    for query in (other.last_name, other.personnummer_formatted):
        response = client.get(reverse("children:search"), {"q": query})
        assert list(response.context["children"]) == []
        assert "Inga barn hittades" in response.content.decode()
    assert not AccessLogEntry.objects.filter(child=other).exists()


def test_search__protected_child__unit_not_shown(world: World) -> None:
    child = world.children["protected_pupil"]
    response = _client(world, "larare").get(
        reverse("children:search"), {"q": child.personnummer_formatted}
    )
    assert list(response.context["children"]) == [child]
    html = response.content.decode()
    assert "Norrskolan" not in html
    assert "Visas inte" in html


def test_search__form_has_a_label(world: World) -> None:
    html = _client(world, "larare").get(reverse("children:search")).content.decode()
    assert '<label for="id_q" class="label">Personnummer eller namn' in html


def test_search__query_count_does_not_grow_with_results(
    world: World, django_assert_max_num_queries
) -> None:
    client = _client(world, "larare")
    client.get(reverse("children:search"), {"q": "Alva"})  # the session and the log's head exist
    for i in range(20):
        child = _new_child(municipality=world.municipality, first_name="Nils", last_name=f"N{i}")
        EnrolmentFactory(child=child, unit=world.units["school"], grade=3)
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get(reverse("children:search"), {"q": "Nils"})
    assert response.context["page"].paginator.count == 20


# --- Registering a child ------------------------------------------------------------------


def _register_data(world: World, **overrides: str) -> dict[str, str]:
    birth = timezone.localdate() - dt.timedelta(days=7 * 365)
    data = {
        "personnummer": make_identity_number(birth, 77),
        "first_name": "Ture",
        "last_name": "Ny",
        "unit": str(world.units["school"].pk),
        "grade": "1",
        "start_date": timezone.localdate().isoformat(),
        "protected_identity": "none",
    }
    data.update(overrides)
    return data


def test_register__principal__child_created_with_barnkontakt(world: World) -> None:
    data = _register_data(world)
    response = _client(world, "rektor").post(reverse("children:register"), data)
    child = Child.objects.get(first_name="Ture")
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[child.public_id])
    assert Enrolment.objects.filter(child=child, unit=world.units["school"], grade=1).exists()
    assert (
        BarnkontaktAssignment.objects.get(child=child, ended_at__isnull=True).user
        == (world.users["rektor"])
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("wrong-check-digit", "har fel kontrollsiffra (sista siffran)."),
        ("20101340-1234", "har ett datum som inte finns."),
        ("abc", "är inte skrivet som ett personnummer."),
        ("", "måste fyllas i"),
    ],
)
def test_register__invalid_personnummer__swedish_message_on_field_nothing_saved(
    world: World, number: str, message: str
) -> None:
    if number == "wrong-check-digit":
        valid = _register_data(world)["personnummer"]
        number = f"{valid[:8]}-{valid[8:11]}{(int(valid[11]) + 1) % 10}"
    children_before = Child.objects.count()
    log_before = AccessLogEntry.objects.count()
    response = _client(world, "rektor").post(
        reverse("children:register"), _register_data(world, personnummer=number)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors["personnummer"])
    html = response.content.decode()
    assert 'id="id_personnummer_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<a href="#id_personnummer">Personnummer:' in html  # the error summary
    assert f'value="{number}"' in html or not number  # the input is kept
    assert 'value="Ture"' in html
    assert Child.objects.count() == children_before
    assert AccessLogEntry.objects.count() == log_before


def test_register__grade_outside_unit__message_on_grade_nothing_saved(world: World) -> None:
    response = _client(world, "rektor").post(
        reverse("children:register"), _register_data(world, grade="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["grade"] == ["Ange årskurs."]
    assert not Child.objects.filter(first_name="Ture").exists()


def test_register__other_unit__refused(world: World) -> None:
    response = _client(world, "rektor").post(
        reverse("children:register"),
        _register_data(world, unit=str(world.units["other_school"].pk)),
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Child.objects.filter(first_name="Ture").exists()


@pytest.mark.parametrize("username", ["larare", "skolskoterska", "polis", "analytiker"])
def test_register__not_registering_role__404(world: World, username: str) -> None:
    client = _client(world, username)
    assert client.get(reverse("children:register")).status_code == 404
    assert client.post(reverse("children:register"), _register_data(world)).status_code == 404
    assert not Child.objects.filter(first_name="Ture").exists()


def test_register__bvc_nurse__newborn_with_protected_identity(world: World) -> None:
    birth = timezone.localdate() - dt.timedelta(days=5)
    data = _register_data(
        world,
        personnummer=make_identity_number(birth, 301),
        unit=str(world.units["bvc"].pk),
        grade="",
        protected_identity="skyddad_folkbokforing",
    )
    response = _client(world, "bvc").post(reverse("children:register"), data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skyddad identitet: adress och enhet visas inte" in html
    assert "BVC Centrum" not in re.sub(r"<select .*?</select>", "", html, flags=re.S)


# --- Changes: transition and Barnkontakt by hand -----------------------------------------


def test_transfer__principal__future_transition_registered(world: World) -> None:
    child = world.children["pupil"]
    start = timezone.localdate() + dt.timedelta(days=60)
    response = _client(world, "rektor").post(
        reverse("children:transfer", args=[child.public_id]),
        {
            "transfer-unit": str(world.units["other_school"].pk),
            "transfer-grade": "5",
            "transfer-start_date": start.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[child.public_id])
    assert Enrolment.objects.filter(
        child=child, unit=world.units["other_school"], start_date=start, grade=5
    ).exists()


def test_transfer__today__principal_loses_the_child_and_goes_to_my_children(
    world: World,
) -> None:
    child = world.children["pupil"]
    response = _client(world, "rektor").post(
        reverse("children:transfer", args=[child.public_id]),
        {
            "transfer-unit": str(world.units["other_school"].pk),
            "transfer-grade": "4",
            "transfer-start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("children:my_children")
    current = BarnkontaktAssignment.objects.get(child=child, ended_at__isnull=True)
    assert current.user == world.users["annan_rektor"]


def test_transfer__bad_grade__message_on_grade_and_nothing_saved(world: World) -> None:
    child = world.children["pupil"]
    response = _client(world, "rektor").post(
        reverse("children:transfer", args=[child.public_id]),
        {
            "transfer-unit": str(world.units["preschool"].pk),
            "transfer-grade": "4",
            "transfer-start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["transfer_form"].errors["grade"] == ["Bara skolor har årskurser."]
    assert not Enrolment.objects.filter(child=child, unit=world.units["preschool"]).exists()


def test_transfer__teacher__404_and_logged(world: World) -> None:
    child = world.children["pupil"]
    response = _client(world, "larare").post(
        reverse("children:transfer", args=[child.public_id]),
        {
            "transfer-unit": str(world.units["other_school"].pk),
            "transfer-grade": "4",
            "transfer-start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 404
    assert not Enrolment.objects.filter(child=child, unit=world.units["other_school"]).exists()
    assert AccessLogEntry.objects.filter(
        user=world.users["larare"], child=child, what=What.ENROLMENTS, allowed=False
    ).exists()


def test_barnkontakt_set__principal_delegates_with_reason(world: World) -> None:
    child = world.children["pupil"]
    deputy = world.users["larare"]
    response = _client(world, "rektor").post(
        reverse("children:barnkontakt_set", args=[child.public_id]),
        {"barnkontakt-user": str(deputy.pk), "barnkontakt-reason": "Biträdande rektor tar över."},
    )
    assert response.status_code == 302
    current = BarnkontaktAssignment.objects.get(child=child, ended_at__isnull=True)
    assert (current.user, current.source, current.reason) == (
        deputy,
        AssignmentSource.OVERRIDE,
        "Biträdande rektor tar över.",
    )
    page = _client(world, "rektor").get(reverse("children:detail", args=[child.public_id]))
    assert "Vald manuellt: Biträdande rektor tar över." in page.content.decode()


def test_barnkontakt_set__without_reason__message_on_reason(world: World) -> None:
    child = world.children["pupil"]
    response = _client(world, "rektor").post(
        reverse("children:barnkontakt_set", args=[child.public_id]),
        {"barnkontakt-user": str(world.users["larare"].pk), "barnkontakt-reason": "  "},
    )
    assert response.status_code == 200
    assert "reason" in response.context["barnkontakt_form"].errors
    assert (
        BarnkontaktAssignment.objects.get(child=child, ended_at__isnull=True).user
        == (world.users["rektor"])
    )


def test_barnkontakt_set__candidates_are_staff_of_the_unit(world: World) -> None:
    deputy = MembershipFactory(unit=world.units["school"], role=Role.SPECIAL_EDUCATOR).user
    MembershipFactory(user=deputy, unit=world.units["admin"], role=Role.LOG_REVIEWER)
    response = _client(world, "rektor").get(
        reverse("children:detail", args=[world.children["pupil"].public_id])
    )
    candidates = set(response.context["barnkontakt_form"].fields["user"].queryset)
    assert candidates == {world.users["larare"], deputy}


def test_guardian_address_hidden_without_address_access(world: World) -> None:
    """Guardians' contact details belong to ADDRESS, shown only with the address."""
    child = world.children["protected_pupil"]
    GuardianshipFactory(child=child, guardian=GuardianFactory(email="hemlig@example.se"))
    html = (
        _client(world, "larare")
        .get(reverse("children:detail", args=[child.public_id]))
        .content.decode()
    )
    assert "hemlig@example.se" not in html
