"""A concern from the one who notices to social services' feedback, each actor logged in as
themselves; every page checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from samsyn.concerns.models import Concern, ReportOfConcern
from samsyn.testing.browser import Checks, log_in, log_out
from samsyn.testing.world import World

pytestmark = pytest.mark.browser


def _menu(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name).click()


def test_teacher_concern__principal_triages__intake_answers__teacher_sees_feedback(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    pupil = world.children["pupil"]

    # The teacher notices and registers a concern.
    log_in(page, "larare")
    _menu(page, "Anmäl oro")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmäl oro")
    expect(page.get_by_role("main")).to_contain_text("Ring 112 nu")
    checks.page_ok("oro-ny")
    page.get_by_label("Barnets personnummer").fill(pupil.personnummer_formatted)
    page.get_by_role("button", name="Hitta barnet").click()
    expect(page.get_by_role("heading", name="Är det rätt barn?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"född {pupil.birth_date.year}")
    checks.page_ok("oro-bekrafta")
    page.get_by_label("Vad har du sett eller hört?").fill("Kommer hungrig och trött varje dag.")
    page.get_by_label("Må bra").check()
    page.get_by_label("Omvårdad").check()
    page.get_by_role("button", name="Skicka oron").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina anmälda oror")
    expect(page.get_by_role("main")).to_contain_text("Mottagen")
    checks.page_ok("oro-mina")
    concern = Concern.objects.get(child=pupil)
    response = page.goto(f"/oro/{concern.public_id}/")
    assert response is not None and response.status == 404
    log_out(page)

    # The principal (Barnkontakt) answers with the five questions and reports.
    log_in(page, "rektor")
    _menu(page, "Oror att besvara")
    checks.page_ok("oro-att-besvara")
    page.get_by_role("link", name="Alva Berg").click()
    checks.page_ok("oro-detalj")
    page.get_by_label("1. Vad står i vägen för barnets välbefinnande?").fill("Oro hemma.")
    page.get_by_label("2. Har jag all information jag behöver?").fill("Ja.")
    page.get_by_label("3. Vad kan jag göra nu?").fill("Anmäla.")
    page.get_by_label("4. Vad kan min verksamhet göra?").fill("Stöd i skolan.")
    page.get_by_label("5. Vilken ytterligare hjälp behövs från andra verksamheter?").fill(
        "Socialtjänsten."
    )
    page.get_by_label("Orosanmälan till socialtjänsten").check()
    page.get_by_role("button", name="Spara svaret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orosanmälan till socialtjänsten")
    expect(page.get_by_label("Vad gäller anmälan?")).to_have_value(
        "Kommer hungrig och trött varje dag."
    )
    checks.page_ok("orosanmalan")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("main")).to_contain_text("Skickad")
    log_out(page)

    # The intake group receives it and decides.
    report = ReportOfConcern.objects.get(child=pupil)
    log_in(page, "mottagning")
    _menu(page, "Orosanmälningar")
    checks.page_ok("mottagning")
    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("main")).to_contain_text(pupil.personnummer_formatted)
    checks.page_ok("mottagning-anmalan")
    page.get_by_role("button", name="Markera som mottagen").click()
    page.get_by_label("Ja").check()
    page.get_by_label("Återkoppling till anmälaren").fill("Utredning inleds.")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_role("main")).to_contain_text("Utredning inleds.")
    report.refresh_from_db()
    assert report.investigation_opened is True
    log_out(page)

    # The principal sent the report and sees the feedback.
    log_in(page, "rektor")
    _menu(page, "Mina anmälda oror")
    expect(page.get_by_role("main")).to_contain_text("Utredning inleds.")
    checks.page_ok("oro-mina-aterkoppling")
