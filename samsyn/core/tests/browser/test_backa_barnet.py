"""The Backa barnet story from first worry to follow-up, each actor logged in as themselves.

A teacher notices that Alva is not doing well and registers a concern; the principal, Alva's
Barnkontakt, answers it with the five questions and decides to convene a Barnteam; both guardians
(joint custody) consent to a Barnteam and to a plan with the school, student health, social
services and BUP; the team is convened and meets; a SIP is made, agreed by the guardians and
followed up by the Stödsamordnare. The teacher never sees the plan, and when the guardians
withdraw their consent to the plan the social worker loses it at once. Every main page is checked
with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samsyn.audit.models import AccessLogEntry
from samsyn.children.models import Custody, Guardian
from samsyn.concerns.models import Concern, ConcernStatus, TriageDecision, Urgency
from samsyn.consent.models import Consent, Purpose
from samsyn.plans.models import (
    Decision,
    FollowUp,
    FollowUpStatus,
    GuardianAgreement,
    Plan,
    PlanKind,
)
from samsyn.teams.models import Barnteam, Invitation, InvitationStatus, Meeting
from samsyn.testing.browser import Checks, log_in, log_out
from samsyn.testing.factories import GuardianFactory, GuardianshipFactory
from samsyn.testing.world import World

pytestmark = pytest.mark.browser

# The people of the story (the world's accounts, given names one can read in the test).
NAMES = {
    "larare": ("Lena", "Ek"),
    "rektor": ("Karin", "Holm"),
    "skolskoterska": ("Sara", "Nyqvist"),
    "socialsekreterare": ("Omar", "Said"),
    "bup": ("Nils", "Dahl"),
}
SCHOOL = "Norrskolan (Utbildningsförvaltningen)"
STUDENT_HEALTH = "Elevhälsan Norrskolan (Utbildningsförvaltningen)"
IFO = "IFO Barn och familj (Socialförvaltningen)"
BUP = "BUP Test (Barn- och ungdomsmedicin)"
GOAL = "Alva äter frukost och orkar med skoldagen."


def _log_in(page: Any, username: str) -> None:
    """Log in and wait for the landing page, so that no request is still running (the live
    server shares one SQLite database between threads)."""
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/barn/mina/$"))


def _menu(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name).click()


def _status(page: Any, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def _name(username: str) -> str:
    first, last = NAMES[username]
    return f"{first} {last}"


def _select_option_containing(select: Any, text: str) -> None:
    """Choose the option whose label contains ``text`` (labels also name role and unit)."""
    label = select.locator("option", has_text=text).first.text_content() or ""
    select.select_option(label=label.strip())


def _story_world(world: World) -> tuple[Guardian, Guardian]:
    for username, (first, last) in NAMES.items():
        user = world.users[username]
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    pupil = world.children["pupil"]
    mother = pupil.guardianships.select_related("guardian").get().guardian
    Guardian.objects.filter(pk=mother.pk).update(first_name="Maria", last_name="Berg")
    mother.refresh_from_db()
    father = GuardianFactory(first_name="Johan", last_name="Berg")
    GuardianshipFactory(child=pupil, guardian=father, custody=Custody.JOINT)
    return mother, father


def test_backa_barnet__from_concern_to_followed_up_sip(
    page: Any, checks: Checks, journey_world: World
) -> None:
    world = journey_world
    pupil = world.children["pupil"]
    mother, father = _story_world(world)
    today = timezone.localdate()

    # 1. The teacher notices that Alva is hungry and tired and registers a concern.
    _log_in(page, "larare")
    _menu(page, "Anmäl oro")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmäl oro")
    checks.page_ok("backa-oro-ny")
    page.get_by_label("Barnets personnummer").fill(pupil.personnummer_formatted)
    page.get_by_role("button", name="Hitta barnet").click()
    confirm = page.get_by_role("region", name="Är det rätt barn?")
    expect(confirm).to_contain_text("Alva Berg")
    expect(confirm).to_contain_text(f"född {pupil.birth_date.year}")
    expect(page.get_by_role("main")).not_to_contain_text(pupil.street_address)
    page.get_by_label("Vad har du sett eller hört?").fill(
        "Alva kommer hungrig och trött till skolan och somnar på lektionerna."
    )
    page.get_by_label("Må bra").check()
    page.get_by_label("Omvårdad").check()
    page.get_by_label("Brådskande").check()
    checks.page_ok("backa-oro-bekrafta")
    page.get_by_role("button", name="Skicka oron").click()
    _status(page, "Oron har skickats till barnets barnkontakt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina anmälda oror")
    expect(page.get_by_role("main")).to_contain_text("Mottagen")
    checks.page_ok("backa-oro-mina")
    concern = Concern.objects.get(child=pupil)
    assert concern.reporter == world.users["larare"]
    assert concern.urgency == Urgency.URGENT
    log_out(page)

    # 2. The principal, Alva's Barnkontakt, answers with the five questions: a Barnteam.
    _log_in(page, "rektor")
    _menu(page, "Oror att besvara")
    checks.page_ok("backa-oror-att-besvara")
    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oro för Alva Berg")
    expect(page.get_by_role("main")).to_contain_text("somnar på lektionerna")
    checks.page_ok("backa-oro-detalj")
    page.get_by_label("1. Vad står i vägen för barnets välbefinnande?").fill(
        "Alva får inte i sig mat hemma och sover dåligt."
    )
    page.get_by_label("2. Har jag all information jag behöver?").fill(
        "Nej, vårdnadshavarna berättar om oro och kontakt med BUP."
    )
    page.get_by_label("3. Vad kan jag göra nu?").fill("Frukost i skolan, samtal med familjen.")
    page.get_by_label("4. Vad kan min verksamhet göra?").fill("Skolsköterskan träffar Alva.")
    page.get_by_label("5. Vilken ytterligare hjälp behövs från andra verksamheter?").fill(
        "Socialtjänsten och BUP, samordnat."
    )
    page.get_by_label("Sammankalla Barnteam").check()
    page.get_by_role("button", name="Spara svaret").click()
    _status(page, "Ditt svar på oron är sparat")
    expect(page.get_by_role("region", name="Ditt svar: de fem frågorna")).to_contain_text(
        "Sammankalla Barnteam"
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.TRIAGED
    assert concern.triage.decision == TriageDecision.BARNTEAM

    # Convening needs the guardians' consent first: the page says so and links to it.
    page.get_by_role("link", name="Sammankalla Barnteam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sammankalla Barnteam")
    expect(page.get_by_role("main")).to_contain_text("Dokumentera vårdnadshavarnas samtycke först")
    checks.page_ok("backa-sammankalla-utan-samtycke")

    # 3. Both guardians consent: to the Barnteam (both at the meeting) ...
    page.get_by_role("main").get_by_role("link", name="Dokumentera samtycke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentera samtycke")
    checks.page_ok("backa-samtycke-formular")

    def consent_form(purpose: str, given_by: list[Guardian]) -> None:
        page.get_by_label(purpose).check()
        for unit in (SCHOOL, STUDENT_HEALTH, IFO, BUP):
            page.get_by_role("checkbox", name=unit, exact=True).check()
        page.get_by_label("Skola", exact=True).check()
        page.get_by_label("Elevhälsans medicinska och psykologiska insatser").check()
        page.get_by_label("Socialtjänst", exact=True).check()
        page.get_by_label("Hälso- och sjukvård").check()
        page.get_by_label("Skriftligt").check()
        for guardian in given_by:
            page.get_by_role("checkbox", name=f"{guardian.full_name} (Gemensam vårdnad)").check()
        page.get_by_label("Barnet samtycker", exact=True).check()
        page.get_by_label("Barnets egna ord").fill("Det är bra om de vuxna pratar med varandra.")
        page.get_by_role("button", name="Dokumentera samtycke").click()
        _status(page, "Samtycket är dokumenterat")

    consent_form("Barnteam: samordnat stöd runt barnet", [mother, father])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Barnteam")
    expect(page.locator(".page-heading")).to_contain_text("Gäller")
    checks.page_ok("backa-samtycke-barnteam")

    # ... and to the plan: the mother signs now, the father's answer comes by post a day later.
    page.get_by_role("link", name="Samtycken", exact=True).click()
    page.get_by_role("main").get_by_role("link", name="Dokumentera samtycke").click()
    consent_form("Barnets plan (SIP/GIP)", [mother])
    expect(page.locator(".page-heading")).to_contain_text("Väntar på vårdnadshavare")
    answer = page.get_by_role("region", name="Registrera en vårdnadshavares svar")
    answer.get_by_role("combobox", name="Vårdnadshavare").select_option(label=father.full_name)
    answer.get_by_label("Samtycke lämnat").check()
    answer.get_by_label("Skriftligt").check()
    answer.get_by_role("button", name="Registrera svar").click()
    _status(page, "Vårdnadshavarens svar är registrerat")
    expect(page.locator(".page-heading")).to_contain_text("Gäller")
    checks.page_ok("backa-samtycke-plan")
    barnteam_consent = Consent.objects.get(child=pupil, purpose=Purpose.BARNTEAM)
    plan_consent = Consent.objects.get(child=pupil, purpose=Purpose.PLAN)
    for consent in (barnteam_consent, plan_consent):
        assert consent.complete_at is not None
        assert {u.name for u in consent.units.all()} == {
            "Norrskolan",
            "Elevhälsan Norrskolan",
            "IFO Barn och familj",
            "BUP Test",
        }
        assert {g.guardian_id for g in consent.guardians.filter(decision="given")} == {
            mother.pk,
            father.pk,
        }

    # 4. The Barnteam: the school nurse, the social worker (Stödsamordnare) and BUP.
    page.get_by_role("link", name="Alva Berg").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Berg")
    expect(page.get_by_role("region", name="Samtycken")).to_contain_text("Gäller")
    checks.page_ok("backa-rektor-barn")
    page.get_by_role("region", name="Barnteam").get_by_role(
        "link", name="Sammankalla Barnteam"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sammankalla Barnteam")
    checks.page_ok("backa-sammankalla")
    for username in ("skolskoterska", "socialsekreterare", "bup"):
        page.get_by_role("checkbox", name=re.compile(_name(username))).check()
    _select_option_containing(
        page.get_by_role("combobox", name="Stödsamordnare"), _name("socialsekreterare")
    )
    page.get_by_role("button", name="Sammankalla", exact=True).click()
    _status(page, "Barnteamet är sammankallat")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnteam")
    expect(page.get_by_role("region", name="Stödsamordnare")).to_contain_text(
        _name("socialsekreterare")
    )
    members = page.get_by_role("region", name="Medlemmar")
    for username in ("rektor", "skolskoterska", "socialsekreterare", "bup"):
        expect(members).to_contain_text(_name(username))
    expect(members).to_contain_text("Maria Berg")
    expect(members).to_contain_text("Johan Berg")
    checks.page_ok("backa-barnteam")
    team = Barnteam.objects.get(child=pupil)

    meetings = page.get_by_role("region", name="Möten")
    meetings.get_by_label("Plats").fill("Norrskolan, konferensrummet")
    meetings.get_by_label("Dagordning").fill("Alvas vardag, vad familjen vill, nästa steg.")
    meetings.get_by_role("button", name="Kalla till mötet").click()
    _status(page, "Mötet är inkallat")
    checks.page_ok("backa-mote")
    meeting = Meeting.objects.get(team=team)
    log_out(page)

    # BUP accepts the invitation in Mina möten.
    _log_in(page, "bup")
    _menu(page, "Mina möten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina möten")
    waiting = page.get_by_role("region", name=re.compile("Väntar på ditt svar"))
    expect(waiting).to_contain_text("Alva Berg")
    checks.page_ok("backa-bup-mina-moten")
    waiting.get_by_role("button", name="Tacka ja").click()
    _status(page, "Du har tackat ja")
    page.get_by_role("region", name="Kommande möten").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Barnteamsmöte")
    expect(page.get_by_role("region", name="Dagordning")).to_contain_text("Alvas vardag")
    checks.page_ok("backa-bup-mote")
    assert (
        Invitation.objects.get(meeting=meeting, member__user=world.users["bup"]).status
        == InvitationStatus.ACCEPTED
    )
    log_out(page)

    # A week passes and the team meets; the principal writes the minutes.
    held = timezone.now() - dt.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=held, ends_at=held + dt.timedelta(hours=1)
    )
    _log_in(page, "rektor")
    page.get_by_role("link", name="Alva Berg").first.click()
    page.get_by_role("region", name="Barnteam").get_by_role("link", name="Öppna Barnteamet").click()
    page.get_by_role("region", name="Möten").get_by_role("link").first.click()
    minutes = page.get_by_role("region", name="Minnesanteckningar och beslut")
    minutes.get_by_label("Minnesanteckningar").fill(
        "Familjen, skolan, socialtjänsten och BUP träffades. Alva vill orka mer i skolan."
    )
    minutes.get_by_label("Beslut").fill(
        "Frukost i skolan, ansvarig skolsköterskan.\nUtredning av sömn, ansvarig BUP."
    )
    minutes.get_by_role("button", name="Spara minnesanteckningar").click()
    _status(page, "Minnesanteckningarna är sparade")
    expect(minutes).to_contain_text("Alva vill orka mer i skolan")
    checks.page_ok("backa-protokoll")
    meeting.refresh_from_db()
    assert meeting.minutes_by == world.users["rektor"]

    # 5. The SIP: region health care and municipal agencies take part.
    page.get_by_role("link", name="Alva Berg").first.click()
    page.get_by_role("region", name="Barnets plan").get_by_role(
        "link", name="Upprätta en plan"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upprätta en plan: Alva Berg")
    checks.page_ok("backa-plan-formular")
    page.get_by_label("Varför barnet har en plan").fill(
        "Alva är hungrig och trött i skolan och familjen behöver stöd."
    )
    page.get_by_label("Barnets åsikt").fill("Jag vill orka leka på rasterna.")
    page.get_by_role("combobox", name="Må bra").select_option("2")
    goal = page.get_by_role("group", name="Mål 1")
    goal.get_by_role("combobox", name="Välbefinnandeområde").select_option(label="Må bra")
    goal.get_by_label("Mål", exact=True).fill(GOAL)
    intervention = page.get_by_role("group", name="Insats 1")
    intervention.get_by_label("Annan insats").fill("Utredning av sömn")
    intervention.get_by_role("combobox", name="Ansvarig enhet").select_option(label="BUP Test")
    intervention.get_by_label("Ansvarig person").fill(_name("bup"))
    intervention.get_by_label("Från", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Spara planen").click()
    _status(page, "Planen är upprättad")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnets plan: Alva Berg")
    expect(page.locator(".page-heading")).to_contain_text("SIP (samordnad individuell plan)")
    expect(page.get_by_role("region", name="Mål", exact=True)).to_contain_text(GOAL)
    expect(page.get_by_role("region", name="Insatser", exact=True)).to_contain_text(
        "Utredning av sömn"
    )
    checks.page_ok("backa-plan")
    plan = Plan.objects.get(child=pupil)
    assert plan.kind == PlanKind.SIP

    # Both guardians agree to the plan, at the meeting.
    agreement = page.get_by_role("region", name=re.compile("Vårdnadshavarnas ställningstagande"))
    for guardian in (mother, father):
        agreement.get_by_role("combobox", name="Vårdnadshavare").select_option(
            label=guardian.full_name
        )
        agreement.get_by_label("Ja, håller med").check()
        agreement.get_by_role("combobox", name="Hur", exact=True).select_option(
            label="Vid ett möte"
        )
        agreement.get_by_role("button", name="Dokumentera svaret").click()
        _status(page, "Vårdnadshavarens svar är registrerat")
        expect(agreement).to_contain_text(f"{guardian.full_name}: håller med")
    assert GuardianAgreement.objects.filter(version__plan=plan, agrees=True).count() == 2

    follow_up = page.get_by_role("region", name="Uppföljning", exact=True)
    follow_up.get_by_label("Datum för uppföljningen").fill(today.isoformat())
    follow_up.get_by_role("button", name="Planera uppföljningen").click()
    _status(page, "Uppföljningen är planerad")
    checks.page_ok("backa-plan-uppfoljning-planerad")
    log_out(page)

    # 6. The Stödsamordnare follows the plan up from Att följa upp: continue.
    _log_in(page, "socialsekreterare")
    _menu(page, "Att följa upp")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att följa upp")
    checks.page_ok("backa-att-folja-upp")
    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av planen: Alva Berg")
    page.get_by_role("group", name=f"Må bra: {GOAL}").get_by_label("Bättre, en bit på väg").check()
    page.get_by_label("Planen fortsätter").check()
    next_date = today + dt.timedelta(days=90)
    page.get_by_label("Datum för nästa uppföljning").fill(next_date.isoformat())
    page.get_by_label("Anteckningar").fill("Alva äter frukost i skolan. Sömnutredningen pågår.")
    checks.page_ok("backa-uppfoljning-formular")
    page.get_by_role("button", name="Dokumentera uppföljningen").click()
    _status(page, "Uppföljningen är dokumenterad")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnets plan: Alva Berg")
    follow_up = page.get_by_role("region", name="Uppföljning", exact=True)
    expect(follow_up).to_contain_text(next_date.isoformat())
    expect(follow_up).to_contain_text("Planen fortsätter")
    checks.page_ok("backa-plan-efter-uppfoljning")
    plan_path = urlsplit(page.url).path
    done = FollowUp.objects.get(plan=plan, status=FollowUpStatus.DONE)
    assert done.decision == Decision.CONTINUE
    assert done.done_by == world.users["socialsekreterare"]
    assert done.ratings.get().attainment == 4
    log_out(page)

    # 7. The teacher never sees the plan: its address is a 404, the child's page shows none.
    _log_in(page, "larare")
    response = page.goto(plan_path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan kunde inte hittas")
    expect(page.get_by_role("main")).not_to_contain_text("Alva")
    checks.page_ok("backa-larare-plan-404")
    assert AccessLogEntry.objects.filter(
        user=world.users["larare"], child=pupil, what="plan", allowed=False
    ).exists()
    _menu(page, "Sök barn")
    page.get_by_label("Personnummer eller namn").fill(pupil.personnummer_formatted)
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Berg")
    main = page.get_by_role("main")
    expect(page.get_by_role("region", name="Barnets plan")).to_have_count(0)
    expect(page.get_by_role("region", name="Barnteam")).to_have_count(0)
    for hidden in ("SIP", GOAL, "Utredning av sömn", "Stödsamordnare"):
        expect(main).not_to_contain_text(hidden)
    checks.page_ok("backa-larare-barn")
    # The teacher's own list shows only that the concern was answered.
    _menu(page, "Mina anmälda oror")
    expect(page.get_by_role("main")).to_contain_text("Besvarad")
    expect(page.get_by_role("main")).not_to_contain_text("Barnteam")
    log_out(page)

    # 8. The guardians withdraw their consent to the plan ...
    _log_in(page, "rektor")
    page.get_by_role("link", name="Alva Berg").first.click()
    page.get_by_role("region", name="Samtycken").get_by_role(
        "link", name="Barnets plan (SIP/GIP)"
    ).click()
    page.get_by_label("Vem som återkallade samtycket och hur").fill(
        "Mamman och pappan, per telefon till rektorn."
    )
    page.get_by_role("button", name="Återkalla samtycke").click()
    _status(page, "Samtycket är återkallat")
    expect(page.locator(".page-heading")).to_contain_text("Återkallat")
    checks.page_ok("backa-samtycke-aterkallat")
    plan_consent.refresh_from_db()
    assert plan_consent.withdrawn_at is not None
    log_out(page)

    # ... and the social worker's next request for the plan is a 404.
    _log_in(page, "socialsekreterare")
    response = page.goto(plan_path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan kunde inte hittas")
    expect(page.get_by_role("main")).not_to_contain_text(GOAL)
    checks.page_ok("backa-socialsekreterare-plan-404")
    assert AccessLogEntry.objects.filter(
        user=world.users["socialsekreterare"], child=pupil, what="plan", allowed=False
    ).exists()
    # The consent to the Barnteam still holds: the team is there, the plan is not.
    _menu(page, "Sök barn")
    page.get_by_label("Personnummer eller namn").fill(pupil.personnummer_formatted)
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("link", name="Alva Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alva Berg")
    expect(page.get_by_role("region", name="Barnteam")).to_contain_text(_name("bup"))
    expect(page.get_by_role("region", name="Barnets plan")).to_have_count(0)
    checks.page_ok("backa-socialsekreterare-barn-efter-aterkallelse")
    log_out(page)
