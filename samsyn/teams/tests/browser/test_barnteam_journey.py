"""The principal records the guardians' consent, convenes a Barnteam with BUP and calls a
meeting; the BUP clinician accepts the invitation in Mina möten; the consent is withdrawn and the
clinician's next request for the team page is a 404. Every page is checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from samsyn.consent.models import Consent
from samsyn.teams.models import Barnteam, Invitation, InvitationStatus
from samsyn.testing.browser import Checks, log_in, log_out
from samsyn.testing.world import World

pytestmark = pytest.mark.browser


def _log_in(page: Any, username: str) -> None:
    """Log in and wait for the landing page, so that no request is still running (the live
    server shares one SQLite database between threads)."""
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/barn/mina/$"))


def test_principal_convenes_barnteam__bup_accepts__loses_access_after_withdrawal(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    pupil = world.children["pupil"]
    guardian = pupil.guardianships.select_related("guardian").get().guardian

    _log_in(page, "rektor")
    page.goto(f"/barn/{pupil.public_id}/")
    expect(page.get_by_role("region", name="Samtycken")).to_be_visible()
    checks.page_ok("rektor-barn-med-paneler")
    page.get_by_role("region", name="Samtycken").get_by_role(
        "link", name="Dokumentera samtycke"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentera samtycke")
    checks.page_ok("samtycke-formular")
    page.get_by_label("Barnteam: samordnat stöd runt barnet").check()
    page.get_by_role("checkbox", name="Norrskolan (Utbildningsförvaltningen)", exact=True).check()
    page.get_by_role("checkbox", name="BUP Test (Barn- och ungdomsmedicin)", exact=True).check()
    page.get_by_label("Skola", exact=True).check()
    page.get_by_label("Hälso- och sjukvård").check()
    page.get_by_label("Skriftligt").check()
    page.get_by_label(re.compile(guardian.full_name)).check()
    page.get_by_label("Barnet samtycker", exact=True).check()
    page.get_by_label("Barnets egna ord").fill("Bra om BUP och skolan pratar.")
    page.get_by_role("button", name="Dokumentera samtycke").click()
    expect(page.get_by_role("status")).to_contain_text("Samtycket är dokumenterat")
    expect(page.locator("main")).to_contain_text("Gäller")
    checks.page_ok("samtycke-detalj")
    consent = Consent.objects.get(child=pupil)

    page.goto(f"/barn/{pupil.public_id}/")
    page.get_by_role("link", name="Sammankalla Barnteam").click()
    checks.page_ok("sammankalla")
    page.get_by_label(re.compile(str(world.users["bup"]))).first.check()
    page.get_by_role("button", name="Sammankalla").click()
    expect(page.get_by_role("status")).to_contain_text("Barnteamet är sammankallat")
    checks.page_ok("barnteam")
    team = Barnteam.objects.get(child=pupil)

    meeting_form = page.get_by_role("region", name="Möten")
    meeting_form.get_by_label("Plats").fill("Norrskolan, konferensrummet")
    meeting_form.get_by_role("button", name="Kalla till mötet").click()
    expect(page.get_by_role("status")).to_contain_text("Mötet är inkallat")
    checks.page_ok("mote")
    log_out(page)

    _log_in(page, "bup")
    page.get_by_role("link", name="Mina möten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina möten")
    checks.page_ok("mina-moten")
    page.get_by_role("button", name="Tacka ja").click()
    expect(page.get_by_role("status")).to_contain_text("Du har tackat ja")
    invitation = Invitation.objects.get(member__user=world.users["bup"])
    assert invitation.status == InvitationStatus.ACCEPTED
    page.goto(f"/barnteam/{team.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnteam")
    log_out(page)

    _log_in(page, "rektor")
    page.goto(f"/samtycke/{consent.public_id}/")
    page.get_by_label("Vem som återkallade samtycket och hur").fill("Mamman, per telefon.")
    page.get_by_role("button", name="Återkalla samtycke").click()
    expect(page.get_by_role("status")).to_contain_text("Samtycket är återkallat")
    log_out(page)

    _log_in(page, "bup")
    response = page.goto(f"/barnteam/{team.public_id}/")
    assert response is not None and response.status == 404
