"""Registering a concern, the worklists, triage and the child page's panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.access.policy import Action, What
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.concerns import services
from samsyn.concerns.models import Concern, ConcernStatus, Triage, TriageDecision
from samsyn.concerns.tests.helpers import client_for, concern_by
from samsyn.concerns.workdays import add_working_days
from samsyn.testing.world import World

TRIAGE = {
    "in_the_way": "Oro hemma.",
    "information": "Nej, behöver prata med vårdnadshavare.",
    "i_can_do": "Samtal med eleven.",
    "agency_can_do": "Elevhälsan.",
    "help_needed": "Kanske socialtjänsten.",
}


# --- Step 1: find and confirm the child ----------------------------------------------------


def test_concern_new__teacher__confirms_child_with_name_and_birth_year_only(world: World) -> None:
    child = world.children["pupil"]
    client = client_for(world, "larare")
    response = client.post(
        reverse("concerns:new"), {"lookup": "1", "personnummer": child.personnummer}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Är det rätt barn?" in html
    assert child.full_name in html
    assert str(child.birth_date.year) in html
    assert child.street_address not in html
    assert child.birth_date.isoformat() not in html
    entry = AccessLogEntry.objects.get(user=world.users["larare"], child=child)
    assert (entry.what, entry.action, entry.allowed, entry.ground) == (
        What.IDENTITY,
        Action.VIEW,
        True,
        Ground.REPORTING,
    )


def test_concern_new__unknown_or_invalid_number__swedish_error_on_the_field(world: World) -> None:
    client = client_for(world, "larare")
    response = client.post(reverse("concerns:new"), {"lookup": "1", "personnummer": "20990101"})
    assert "inte skrivet som ett personnummer" in response.content.decode()
    response = client.post(
        reverse("concerns:new"), {"lookup": "1", "personnummer": "19121212-1212"}
    )
    assert "Inget barn med det personnumret finns i Samsyn" in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=world.users["larare"]).exists()


@pytest.mark.parametrize("username", ["analytiker", "admin", "granskare"])
def test_concern_new__no_child_data_roles__404(world: World, username: str) -> None:
    child = world.children["pupil"]
    client = client_for(world, username)
    assert client.get(reverse("concerns:new")).status_code == 404
    response = client.post(
        reverse("concerns:new"), {"lookup": "1", "personnummer": child.personnummer}
    )
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(child=child).exists()


def test_concern_register__police__404_through_the_service_too(world: World) -> None:
    # The police officer has a child-data role but no ground to see concerns; they may register.
    # Analysts and administrators may not.
    with pytest.raises(services.NotFoundForUser):
        services.concern_register(
            actor=world.users["analytiker"],
            child=world.children["pupil"],
            observed="x",
            indicators=["safe"],
        )


# --- Step 2: register ----------------------------------------------------------------------


def test_concern_register__teacher__lands_in_rektors_worklist_with_deadline(world: World) -> None:
    child = world.children["pupil"]
    client = client_for(world, "larare")
    response = client.post(
        reverse("concerns:new"),
        {
            "register": "1",
            "personnummer": child.personnummer,
            "observed": "Har varit frånvarande mycket.",
            "indicators": ["achieving", "included"],
            "urgency": "normal",
            "reporter_unit": str(world.units["school"].pk),
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get(child=child)
    assert concern.reporter == world.users["larare"]
    assert concern.respond_by == add_working_days(timezone.localdate(), 5)
    assert sorted(concern.indicators.values_list("indicator", flat=True)) == [
        "achieving",
        "included",
    ]
    created = AccessLogEntry.objects.get(user=world.users["larare"], what=What.CONCERN)
    assert (created.action, created.ground) == (Action.CREATE, Ground.REPORTING)

    worklist = client_for(world, "rektor").get(reverse("concerns:worklist"))
    assert worklist.status_code == 200
    assert child.full_name in worklist.content.decode()
    assert reverse("concerns:detail", args=[concern.public_id]) in worklist.content.decode()
    assert AccessLogEntry.objects.filter(
        user=world.users["rektor"], child=child, what=What.IDENTITY, action=Action.LIST
    ).exists()


def test_concern_register__no_indicator__swedish_error(world: World) -> None:
    child = world.children["pupil"]
    response = client_for(world, "larare").post(
        reverse("concerns:new"),
        {
            "register": "1",
            "personnummer": child.personnummer,
            "observed": "x",
            "urgency": "normal",
            "reporter_unit": str(world.units["school"].pk),
        },
    )
    assert response.status_code == 200
    assert "Välj minst en indikator" in response.content.decode()
    assert not Concern.objects.exists()


def test_concern_register__police_may_register_but_not_see(world: World) -> None:
    concern = concern_by(world, "polis")
    client = client_for(world, "polis")
    assert client.get(reverse("concerns:detail", args=[concern.public_id])).status_code == 404


def test_concern_register__respond_by_setting(world: World, settings) -> None:
    settings.SAMSYN = {**settings.SAMSYN, "CONCERN_RESPONSE_WORKING_DAYS": 2}
    concern = services.concern_register(
        actor=world.users["larare"],
        child=world.children["pupil"],
        observed="x",
        indicators=["safe"],
        today=dt.date(2026, 12, 23),
    )
    assert concern.respond_by == dt.date(2026, 12, 29)


# --- The reporter's list, and what the reporter may not see --------------------------------


def test_mine__teacher__sees_status_but_not_the_concern(world: World) -> None:
    concern = concern_by(world)
    client = client_for(world, "larare")
    html = client.get(reverse("concerns:mine")).content.decode()
    assert concern.child.full_name in html
    assert "Mottagen" in html
    assert concern.child.personnummer_formatted not in html
    logged = AccessLogEntry.objects.get(
        user=world.users["larare"], what=What.CONCERN, action=Action.LIST
    )
    assert logged.ground == Ground.REPORTER

    response = client.get(reverse("concerns:detail", args=[concern.public_id]))
    assert response.status_code == 404
    refused = AccessLogEntry.objects.get(
        user=world.users["larare"], what=What.CONCERN, action=Action.VIEW
    )
    assert not refused.allowed

    services.concern_triage(
        actor=world.users["rektor"], concern=concern, decision=TriageDecision.OWN_AGENCY, **TRIAGE
    )
    html = client.get(reverse("concerns:mine")).content.decode()
    assert "Besvarad" in html
    assert TRIAGE["in_the_way"] not in html


@pytest.mark.parametrize("username", ["larare", "annan_rektor", "polis", "analytiker", "kurator"])
def test_concern_detail_and_triage__not_barnkontakt__404_and_logged(
    world: World, username: str
) -> None:
    concern = concern_by(world)
    client = client_for(world, username)
    assert client.get(reverse("concerns:detail", args=[concern.public_id])).status_code == 404
    response = client.post(
        reverse("concerns:triage", args=[concern.public_id]), {**TRIAGE, "decision": "no_action"}
    )
    assert response.status_code == 404
    assert not Triage.objects.exists()
    assert (
        AccessLogEntry.objects.filter(
            user=world.users[username], child=concern.child, allowed=False
        ).count()
        == 2
    )


# --- Overdue ------------------------------------------------------------------------------


def test_worklist__overdue__flagged_to_barnkontakt_and_unit_lead(world: World) -> None:
    from samsyn.organisations.models import Role
    from samsyn.testing.factories import staff

    concern = concern_by(world)
    Concern.objects.filter(pk=concern.pk).update(
        respond_by=timezone.localdate() - dt.timedelta(days=1)
    )
    html = client_for(world, "rektor").get(reverse("concerns:worklist")).content.decode()
    assert "Försenad" in html

    manager = staff(Role.UNIT_MANAGER, world.units["school"], username="bitr_rektor")
    world.users["bitr_rektor"] = manager
    html = client_for(world, "bitr_rektor").get(reverse("concerns:worklist")).content.decode()
    assert "Försenade på din enhet" in html
    assert concern.child.full_name in html
    # Not for a principal of another school, and not before the deadline.
    html = client_for(world, "annan_rektor").get(reverse("concerns:worklist")).content.decode()
    assert concern.child.full_name not in html
    Concern.objects.filter(pk=concern.pk).update(respond_by=timezone.localdate())
    html = client_for(world, "bitr_rektor").get(reverse("concerns:worklist")).content.decode()
    assert concern.child.full_name not in html


def test_worklist__query_count_does_not_grow_with_the_list(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "rektor")
    counts = []
    for n in (1, 6):
        while Concern.objects.count() < n:
            concern_by(world, child="pupil" if n == 1 else "protected_pupil")
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("concerns:worklist")).status_code == 200
        counts.append(len(context))
    assert counts[0] == counts[1]


# --- Triage -------------------------------------------------------------------------------


def test_triage__rektor__report_decision_leads_to_prefilled_report_form(world: World) -> None:
    concern = concern_by(world)
    client = client_for(world, "rektor")
    page = client.get(reverse("concerns:detail", args=[concern.public_id]))
    assert page.status_code == 200
    assert "Vad står i vägen för barnets välbefinnande?" in page.content.decode()
    response = client.post(
        reverse("concerns:triage", args=[concern.public_id]), {**TRIAGE, "decision": "report"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('concerns:report_new')}?oro={concern.public_id}"
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.TRIAGED
    assert concern.answered_at is not None
    form = client.get(response["Location"]).content.decode()
    assert concern.observed in form
    assert "Ring 112" in form
    change = AccessLogEntry.objects.get(
        user=world.users["rektor"], what=What.CONCERN, action=Action.CHANGE
    )
    assert change.ground == Ground.NAMED_CONTACT


def test_triage__consultation_decision_leads_to_consultation_form(world: World) -> None:
    concern = concern_by(world)
    response = client_for(world, "rektor").post(
        reverse("concerns:triage", args=[concern.public_id]),
        {**TRIAGE, "decision": "consultation"},
    )
    assert response["Location"] == reverse("concerns:consultation_new", args=[concern.public_id])


def test_triage__twice__refused(world: World) -> None:
    concern = concern_by(world)
    services.concern_triage(
        actor=world.users["rektor"], concern=concern, decision="no_action", **TRIAGE
    )
    with pytest.raises(services.ServiceError):
        services.concern_triage(
            actor=world.users["rektor"], concern=concern, decision="no_action", **TRIAGE
        )


# --- The child's page ---------------------------------------------------------------------


def test_child_panel__barnkontakt_sees_concerns__others_do_not(world: World) -> None:
    concern = concern_by(world)
    child = concern.child
    html = client_for(world, "rektor").get(reverse("children:detail", args=[child.public_id]))
    text = html.content.decode()
    assert "Oro" in text
    assert reverse("concerns:detail", args=[concern.public_id]) in text
    assert AccessLogEntry.objects.filter(
        user=world.users["rektor"], child=child, what=What.CONCERN, action=Action.LIST
    ).exists()
    other = client_for(world, "larare").get(reverse("children:detail", args=[child.public_id]))
    assert reverse("concerns:detail", args=[concern.public_id]) not in other.content.decode()


def test_menu__items_for_each_kind_of_user(world: World) -> None:
    html = client_for(world, "larare").get(reverse("concerns:mine")).content.decode()
    assert reverse("concerns:new") in html
    assert reverse("concerns:intake") not in html
    html = client_for(world, "mottagning").get(reverse("concerns:mine")).content.decode()
    assert reverse("concerns:intake") in html


def test_triage__barnteam_decision__links_to_convening_the_team(world: World) -> None:
    concern = concern_by(world)
    client = client_for(world, "rektor")
    response = client.post(
        reverse("concerns:triage", args=[concern.public_id]), {**TRIAGE, "decision": "barnteam"}
    )
    assert response["Location"] == reverse("concerns:detail", args=[concern.public_id])
    html = client.get(response["Location"]).content.decode()
    assert reverse("teams:convene", args=[concern.child.public_id]) in html


def test_check_concerns_overdue__command(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("check_concerns_overdue", stdout=out)
    assert "Ingen oro är försenad." in out.getvalue()
    concern = concern_by(world)
    Concern.objects.filter(pk=concern.pk).update(
        respond_by=timezone.localdate() - dt.timedelta(days=1)
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_concerns_overdue", stdout=out)
    assert out.getvalue().splitlines() == ["rektor\tNorrskolan\t1"]
    assert concern.child.first_name not in out.getvalue()
