"""A principal follows up absence: the school's signals, a pupil's attendance, the same-day
notification of the guardians and the absence investigation; every page checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    GuardianNotification,
    InvestigationStatus,
)
from samsyn.attendance.tests.followup_helpers import signals_world
from samsyn.testing.browser import Checks, log_in
from samsyn.testing.world import World

pytestmark = pytest.mark.browser


def _menu(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name).click()


def test_principal_filters_signals__opens_pupil__notifies_guardians__investigates(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = signals_world(journey_world)
    main = page.get_by_role("main")

    log_in(page, "rektor")
    _menu(page, "Frånvarosignaler")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frånvarosignaler")
    expect(main).to_contain_text("Lisa Låg")
    checks.page_ok("narvaro-signaler")

    # Filter on level 3 and sort by name.
    page.get_by_label("Nivå").select_option("3")
    page.get_by_role("button", name="Visa").click()
    expect(main.get_by_role("link", name="Alva Berg")).to_be_visible()
    expect(main).not_to_contain_text("Lisa Låg")
    page.get_by_role("link", name="Namn").click()
    expect(page.get_by_role("columnheader", name="Namn")).to_have_attribute(
        "aria-sort", "ascending"
    )
    checks.page_ok("narvaro-signaler-filtrerade")

    # The pupil's attendance: the chart and its table.
    main.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Närvaro: Alva Berg")
    expect(
        page.get_by_role("img", name="Frånvaro per vecka, andel av schemalagd tid")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Frånvaro per vecka, andel av schemalagd tid")
    ).to_be_visible()
    expect(main).to_contain_text("Frånvaroandel, senaste 20 skoldagarna")
    checks.page_ok("narvaro-elev")

    # Today's duty: tell the guardians of the unexcused absence.
    _menu(page, "Underrätta vårdnadshavare")
    expect(page.get_by_role("heading", level=1)).to_have_text("Underrätta vårdnadshavare")
    checks.page_ok("narvaro-vardnadshavare")
    page.get_by_label("Hur underrättades vårdnadshavarna?").select_option("phone")
    page.get_by_label("Anteckning").fill("Pratade med pappa.")
    page.get_by_role("button", name="Registrera").click()
    expect(main).to_contain_text("Det finns inga fler vårdnadshavare att underrätta i dag.")
    expect(page.get_by_role("status")).to_contain_text("Alva Berg")
    checks.page_ok("narvaro-vardnadshavare-klar")
    notification = GuardianNotification.objects.get(child=world.children["pupil"])
    assert notification.method == "phone" and notification.note == "Pratade med pappa."

    # The absence investigation.
    _menu(page, "Frånvaroutredningar")
    checks.page_ok("narvaro-utredningar")
    main.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Frånvaroutredning: Alva Berg")
    expect(main.get_by_role("link", name="Registrera oro")).to_be_visible()
    expect(main.get_by_role("link", name="Sammankalla barnteam")).to_be_visible()
    checks.page_ok("narvaro-utredning")
    page.get_by_label("Eleven", exact=True).check()
    page.get_by_label("Vårdnadshavarna", exact=True).check()
    page.get_by_label("Vad utredningen kommit fram till").fill("Oro inför idrottslektionerna.")
    page.get_by_label("Åtgärder").fill("Samtal med elevhälsan varje vecka.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Utredningen är sparad.")
    expect(page.get_by_label("Vad utredningen kommit fram till")).to_have_value(
        "Oro inför idrottslektionerna."
    )
    checks.page_ok("narvaro-utredning-sparad")
    investigation = AbsenceInvestigation.objects.get(child=world.children["pupil"])
    assert investigation.findings == "Oro inför idrottslektionerna."
    assert investigation.with_pupil and investigation.with_guardians
    assert investigation.status == InvestigationStatus.OPEN
