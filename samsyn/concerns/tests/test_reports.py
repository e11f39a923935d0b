"""Reports of concern (orosanmälan): to the intake group without consent; feedback to the
reporter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samsyn.access.policy import Action, What, decide
from samsyn.audit.models import AccessLogEntry, Ground
from samsyn.concerns import services
from samsyn.concerns.models import ReportOfConcern, ReportStatus
from samsyn.concerns.tests.helpers import client_for, report_by
from samsyn.consent.models import Consent
from samsyn.organisations.models import Municipality
from samsyn.testing.factories import ChildFactory
from samsyn.testing.world import World


def test_report__teacher_without_consent__reaches_intake_who_sees_identity(world: World) -> None:
    child = world.children["pupil"]
    assert not Consent.objects.filter(child=child).exists()
    mottagning = world.users["mottagning"]
    assert not decide(mottagning, child, What.IDENTITY, Action.VIEW)

    response = client_for(world, "larare").post(
        reverse("concerns:report_new"),
        {
            "send": "1",
            "personnummer": child.personnummer,
            "description": "Berättar att hon blir slagen hemma.",
            "immediate_danger": "on",
            "reporter_unit": str(world.units["school"].pk),
        },
    )
    assert response.status_code == 302
    report = ReportOfConcern.objects.get(child=child)
    assert report.intake_unit == world.units["intake"]
    assert report.immediate_danger
    created = AccessLogEntry.objects.get(user=world.users["larare"], what=What.REPORT)
    assert (created.action, created.ground) == (Action.CREATE, Ground.REPORTING)

    # The intake group sees the child now, on the ground of legal duty.
    intake = client_for(world, "mottagning")
    html = intake.get(reverse("concerns:intake")).content.decode()
    assert child.full_name in html
    assert "Akut fara" in html
    page = intake.get(reverse("concerns:report_detail", args=[report.public_id]))
    assert page.status_code == 200
    assert child.personnummer_formatted in page.content.decode()
    grounds = set(
        AccessLogEntry.objects.filter(user=mottagning, child=child).values_list("ground", flat=True)
    )
    assert grounds == {Ground.LEGAL_DUTY}

    # Receipt, then decision with feedback.
    assert (
        intake.post(reverse("concerns:report_receive", args=[report.public_id])).status_code == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    assert report.received_by == mottagning
    response = intake.post(
        reverse("concerns:report_decide", args=[report.public_id]),
        {"investigation_opened": "yes", "feedback": "Vi inleder en utredning. Tack."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DECIDED
    assert report.investigation_opened is True

    # The reporter sees status and feedback, nothing of the child's records.
    html = client_for(world, "larare").get(reverse("concerns:mine")).content.decode()
    assert "Vi inleder en utredning. Tack." in html
    assert "en utredning inleds" in html
    assert child.personnummer_formatted not in html
    assert (
        AccessLogEntry.objects.filter(
            user=world.users["larare"], what=What.REPORT, action=Action.LIST
        )
        .get()
        .ground
        == Ground.REPORTER
    )


def test_report_new__page_says_call_112(world: World) -> None:
    html = client_for(world, "fritid").get(reverse("concerns:report_new")).content.decode()
    assert "Är barnet i akut fara? Ring 112 nu." in html
    assert "socialjouren" in html


@pytest.mark.parametrize("username", ["larare", "socialsekreterare", "polis", "annan_rektor"])
def test_report_pages__not_intake__404(world: World, username: str) -> None:
    report = report_by(world)
    client = client_for(world, username)
    assert client.get(reverse("concerns:report_detail", args=[report.public_id])).status_code == 404
    response = client.post(reverse("concerns:report_receive", args=[report.public_id]))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


def test_report__no_intake_in_municipality__clear_error(world: World) -> None:
    elsewhere = Municipality.objects.create(code="8888", name="Annan kommun")
    child = ChildFactory(municipality=elsewhere)
    with pytest.raises(services.ServiceError) as raised:
        services.report_register(actor=world.users["larare"], child=child, description="x")
    assert "mottagningsgrupp" in raised.value.message


def test_report__analyst__404(world: World) -> None:
    child = world.children["pupil"]
    response = client_for(world, "analytiker").post(
        reverse("concerns:report_new"),
        {"lookup": "1", "personnummer": child.personnummer},
    )
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(child=child).exists()


def test_report__protected_child__intake_is_not_told_the_reporters_unit(world: World) -> None:
    report = report_by(world, child="protected_pupil")
    html = (
        client_for(world, "mottagning")
        .get(reverse("concerns:report_detail", args=[report.public_id]))
        .content.decode()
    )
    assert report.child.full_name in html
    assert "Norrskolan" not in html
    assert report.child.street_address not in html
