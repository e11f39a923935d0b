"""Whole journeys through the Swedish UI, each actor logged in as themselves.

Every page visited is checked with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child
from samsyn.audit.models import AccessLogEntry
from samsyn.children.identity import make_identity_number
from samsyn.children.models import (
    Child,
    Enrolment,
    EnrolmentKind,
    Handover,
    HandoverStatus,
)
from samsyn.children.services import barnkontakt_refresh, enrolment_start
from samsyn.testing.browser import Checks, log_in, log_out
from samsyn.testing.factories import (
    ChildFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
)
from samsyn.testing.world import World

pytestmark = pytest.mark.browser


def _new_child(**kwargs: Any) -> Child:
    return cast(Child, ChildFactory(**kwargs))


def _years_ago(years: int, days: int = 40) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=365 * years + days)


def test_principal__acknowledges_handover_and_registers_transition(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    # A six-year-old moves from the preschool to Norrskolan's förskoleklass today: the
    # preschool's principal hands the child over to Norrskolan's principal.
    elsa = _new_child(
        first_name="Elsa",
        last_name="Lind",
        birth_date=_years_ago(6),
        municipality=world.municipality,
    )
    EnrolmentFactory(
        child=elsa,
        unit=world.units["preschool"],
        kind=EnrolmentKind.PRESCHOOL,
        grade=None,
        start_date=timezone.localdate() - dt.timedelta(days=700),
    )
    barnkontakt_refresh(child=elsa)
    enrolment_start(
        child=elsa, unit=world.units["school"], start_date=timezone.localdate(), grade=0
    )

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in i Samsyn")
    checks.page_ok("inloggning")
    log_in(page, "rektor")
    expect(page).to_have_url(re.compile(r"/barn/mina/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina barn")
    waiting = page.get_by_role("region", name=re.compile("överlämning", re.I))
    expect(waiting).to_contain_text("Elsa Lind")
    expect(waiting).to_contain_text("Förskolan Solen")
    checks.page_ok("rektor-mina-barn")

    page.get_by_role("button", name="Bekräfta överlämning – Elsa Lind").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Du har bekräftat överlämningen av Elsa Lind"
    )
    expect(page.get_by_role("button", name=re.compile("Bekräfta överlämning"))).to_have_count(0)
    assert Handover.objects.get(child=elsa).status == HandoverStatus.ACKNOWLEDGED

    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Berg")
    expect(page.get_by_role("link", name=re.compile("Åtkomstlogg"))).to_be_visible()
    checks.page_ok("rektor-barn")

    # Register that Alva starts at Söderskolan next term.
    start = timezone.localdate() + dt.timedelta(days=60)
    form = page.get_by_role("region", name="Registrera övergång")
    form.get_by_label("Ny enhet").select_option(label="Söderskolan")
    form.get_by_label("Årskurs").fill("5")
    form.get_by_label("Startdatum").fill(start.isoformat())
    form.get_by_role("button", name="Registrera övergång").click()
    expect(page.get_by_role("status")).to_contain_text("Övergången till Söderskolan är registrerad")
    enrolments = page.get_by_role("region", name="Placeringar")
    expect(enrolments).to_contain_text("Söderskolan")
    expect(enrolments).to_contain_text(start.isoformat())
    checks.page_ok("rektor-barn-efter-overgang")
    assert Enrolment.objects.filter(
        child=world.children["pupil"], unit=world.units["other_school"], start_date=start
    ).exists()

    page.get_by_role("link", name=re.compile("Åtkomstlogg")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomstlogg: Alva Berg")
    expect(page.get_by_role("table")).to_contain_text("Barnkontakt")
    checks.page_ok("rektor-atkomstlogg")

    # The interface speaks English too.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("My children")
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_contain_text("Mina barn")
    log_out(page)


def test_teacher__finds_own_pupil_but_not_another_schools(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    pupil = world.children["pupil"]
    other = world.children["other_pupil"]
    Child.objects.filter(pk=other.pk).update(last_name="Zetterqvist")  # no namesake at Norrskolan
    other.refresh_from_db()

    log_in(page, "larare")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina barn")
    expect(page.get_by_role("main")).to_contain_text("inte barnkontakt för något barn")
    checks.page_ok("larare-mina-barn")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Sök barn").click()
    expect(page.get_by_role("link", name="Sök barn")).to_have_attribute("aria-current", "page")
    search = page.get_by_label("Personnummer eller namn")
    search.click()
    page.keyboard.type("alva")
    page.keyboard.press("Enter")
    results = page.get_by_role("table")
    expect(results).to_contain_text("Alva Berg")
    expect(results).to_contain_text("Norrskolan")
    checks.page_ok("larare-sok-namn")

    search = page.get_by_label("Personnummer eller namn")
    search.fill(pupil.personnummer_formatted)
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)  # header + Alva
    expect(page.get_by_role("table")).to_contain_text(pupil.personnummer_formatted)

    # A pupil at another school is not found by name.
    search = page.get_by_label("Personnummer eller namn")
    search.fill(other.last_name)
    search.press("Enter")
    expect(page.get_by_role("main")).to_contain_text("Inga barn hittades")

    search = page.get_by_label("Personnummer eller namn")
    search.fill(pupil.personnummer_formatted)
    search.press("Enter")
    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Berg")
    expect(page.get_by_role("main")).to_contain_text("Barnet går på din enhet")
    expect(page.get_by_role("link", name=re.compile("Åtkomstlogg"))).to_have_count(0)
    expect(page.get_by_role("button", name="Registrera övergång")).to_have_count(0)
    checks.page_ok("larare-barn")

    # The address of a child at another school, typed straight into the browser.
    response = page.goto(f"/barn/{other.public_id}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan kunde inte hittas")
    expect(page.get_by_role("main")).not_to_contain_text(other.last_name)
    checks.page_ok("larare-404")
    assert AccessLogEntry.objects.filter(
        user=world.users["larare"], child=other, allowed=False
    ).exists()

    response = page.goto(f"/logg/barn/{pupil.public_id}/")
    assert response is not None and response.status == 404
    log_out(page)


def test_bvc_nurse__sees_her_children_protected_identity_and_registers_newborn(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    hidden = _new_child(
        first_name="Liv",
        last_name="Hemlin",
        birth_date=_years_ago(1, 100),
        municipality=world.municipality,
        protected=True,
        street_address="Hemliga gränd 7",
    )
    EnrolmentFactory(
        child=hidden,
        unit=world.units["bvc"],
        kind=EnrolmentKind.BVC,
        grade=None,
        start_date=hidden.birth_date + dt.timedelta(days=7),
    )
    GuardianshipFactory(
        child=hidden, guardian=GuardianFactory(street_address="Lönnstigen 3", phone="070-111 22 33")
    )
    barnkontakt_refresh(child=hidden)
    infant = world.children["infant"]

    log_in(page, "bvc")
    table = page.get_by_role("table")
    expect(table).to_contain_text(infant.full_name)
    expect(table).to_contain_text("BVC Centrum")
    row = table.get_by_role("row", name=re.compile("Liv Hemlin"))
    expect(row).to_contain_text("Skyddad identitet")
    expect(row).to_contain_text("Visas inte")
    checks.page_ok("bvc-mina-barn")

    page.get_by_role("link", name="Liv Hemlin").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Skyddad identitet: adress och enhet visas inte")
    expect(main).to_contain_text(hidden.personnummer_formatted)
    for secret in ("Hemliga gränd", "Lönnstigen", "070-111 22 33", "BVC Centrum"):
        expect(main).not_to_contain_text(secret)
    checks.page_ok("bvc-skyddad-identitet")

    # A newborn: first with a mistyped personnummer, then right.
    born = timezone.localdate() - dt.timedelta(days=10)
    number = make_identity_number(born, 481)
    wrong = f"{number[:8]}-{number[8:11]}{(int(number[11]) + 1) % 10}"
    page.get_by_role("link", name="Registrera barn").click()
    page.get_by_label("Personnummer").fill(wrong)
    page.get_by_label("Förnamn").fill("Ebbe")
    page.get_by_label("Efternamn").fill("Nyfödd")
    page.get_by_role("button", name="Registrera barnet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("fel kontrollsiffra")
    expect(page.locator("#id_personnummer_error")).to_contain_text(
        f"{wrong} har fel kontrollsiffra (sista siffran)."
    )
    expect(page.get_by_label("Personnummer")).to_have_value(wrong)
    expect(page.get_by_label("Förnamn")).to_have_value("Ebbe")
    checks.page_ok("bvc-registrera-fel")
    assert not Child.objects.filter(first_name="Ebbe").exists()

    # The error summary links to the field.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Personnummer")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{number[:8]}-{number[8:]}")
    page.get_by_role("button", name="Registrera barnet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ebbe Nyfödd")
    expect(page.get_by_role("status")).to_contain_text("Ebbe Nyfödd är registrerad")
    checks.page_ok("bvc-nyregistrerad")
    log_out(page)


def test_log_reviewer__reviews_refused_attempts(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    pupil = world.children["pupil"]
    access_child(
        user=world.users["annan_larare"], child=pupil, what=What.IDENTITY, action=Action.VIEW
    )

    log_in(page, "granskare")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen åtkomst till enskilda barn")
    checks.page_ok("granskare-start")

    page.get_by_role("link", name="Åtkomstlogg granskning").first.click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("annan_larare")
    expect(table).to_contain_text("Nekad")
    checks.page_ok("granskare-granskning")

    table.get_by_role("link", name=pupil.personnummer_formatted).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomstlogg: Alva Berg")
    checks.page_ok("granskare-barnets-logg")
    log_out(page)
