from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import AccessLogEntry
from samsyn.plans import pdf, services
from samsyn.plans.models import FollowUpStatus, InterventionType, Plan, PlanKind, PlanStatus
from samsyn.plans.tests.helpers import make_plan, team_with_bup
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db


def _as(client: Client, world: World, username: str) -> Client:
    client.force_login(world.users[username])
    return client


def _detail(world: World) -> str:
    return reverse("plans:detail", args=[world.children["pupil"].public_id])


def _form_post(world: World, **extra: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "reason": "Alva är ofta borta från skolan.",
        "child_view": "Jag vill ha en kompis.",
        "wellbeing_safe": "3",
        "note": "Första versionen",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-0-indicator": "achieving",
        "goals-0-text": "Alva går i skolan varje dag.",
        "interventions-TOTAL_FORMS": "2",
        "interventions-INITIAL_FORMS": "0",
        "interventions-0-intervention_type": str(
            InterventionType.objects.get(code="narvaroteam").pk
        ),
        "interventions-0-unit": str(world.units["school"].pk),
        "interventions-0-responsible": "Rut Rektor",
        "interventions-0-start_date": today.isoformat(),
        "interventions-1-intervention_type": str(
            InterventionType.objects.get(code="bup-utredning").pk
        ),
        "interventions-1-unit": str(world.units["bup"].pk),
        "interventions-1-start_date": today.isoformat(),
    }
    data.update(extra)
    return data


def test_plan__create__rektor_barnkontakt(client: Client, world: World) -> None:
    c = _as(client, world, "rektor")
    url = reverse("plans:edit", args=[world.children["pupil"].public_id])
    assert c.get(url).status_code == 200
    response = c.post(url, _form_post(world))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.kind == PlanKind.SIP  # school (municipality) + BUP (region) in interventions
    assert plan.goals.count() == 1
    assert plan.interventions.count() == 2
    page = c.get(_detail(world))
    assert page.status_code == 200
    assert "Alva går i skolan varje dag." in page.content.decode()
    assert AccessLogEntry.objects.filter(
        username="rektor", what="plan", action="create", allowed=True, ground="named_contact"
    ).exists()


def test_plan__create__invalid__error_summary(client: Client, world: World) -> None:
    c = _as(client, world, "rektor")
    url = reverse("plans:edit", args=[world.children["pupil"].public_id])
    response = c.post(url, _form_post(world, reason="", **{"interventions-1-unit": ""}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body
    assert 'href="#id_reason"' in body
    assert Plan.objects.count() == 0


def test_plan__view_and_edit__bup__plan_consent_in_force(client: Client, world: World) -> None:
    team_with_bup(world)
    make_plan(world)
    c = _as(client, world, "bup")
    assert c.get(_detail(world)).status_code == 200
    url = reverse("plans:edit", args=[world.children["pupil"].public_id])
    assert c.get(url).status_code == 200
    assert c.post(url, _form_post(world, reason="Ny bedömning")).status_code == 302
    assert Plan.objects.get().version == 2
    assert AccessLogEntry.objects.filter(
        username="bup", what="plan", action="view", allowed=True, ground="team_consent"
    ).exists()


def test_plan__view__bup__consent_withdrawn(client: Client, world: World) -> None:
    team_with_bup(world, consent_state="withdrawn")
    make_plan(world)
    c = _as(client, world, "bup")
    assert c.get(_detail(world)).status_code == 404
    assert AccessLogEntry.objects.filter(username="bup", what="plan", allowed=False).exists()


def test_plan__view__bup__consent_withdrawn_after_seeing(client: Client, world: World) -> None:
    team_with_bup(world)
    plan = make_plan(world)
    c = _as(client, world, "bup")
    assert c.get(_detail(world)).status_code == 200
    from samsyn.consent.models import Consent

    Consent.objects.filter(child=plan.child).update(withdrawn_at=timezone.now())
    assert c.get(_detail(world)).status_code == 404
    assert c.get(reverse("plans:pdf", args=[plan.public_id])).status_code == 404


def test_plan__bup__barnteam_consent_only__refused(client: Client, world: World) -> None:
    team_with_bup(world, consent_state=None)
    from samsyn.testing.factories import consent_for

    u = world.units
    consent_for(world.children["pupil"], [u["school"], u["bup"]], purposes=("barnteam",))
    make_plan(world)
    assert _as(client, world, "bup").get(_detail(world)).status_code == 404


@pytest.mark.parametrize("username", ["larare", "analytiker", "admin", "annan_rektor", "polis"])
def test_plan__all_pages__refused_roles__404_and_logged(
    client: Client, world: World, username: str
) -> None:
    team_with_bup(world)
    plan = make_plan(world)
    follow_up = services.follow_up_schedule(
        actor=world.users["rektor"], plan=plan, due_date=timezone.localdate()
    )
    c = _as(client, world, username)
    child_id = world.children["pupil"].public_id
    for url in [
        _detail(world),
        reverse("plans:edit", args=[child_id]),
        reverse("plans:versions", args=[plan.public_id]),
        reverse("plans:compare", args=[plan.public_id]),
        reverse("plans:pdf", args=[plan.public_id]),
        reverse("plans:follow_up", args=[follow_up.public_id]),
    ]:
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("plans:edit", args=[child_id]), _form_post(world)).status_code == 404
    assert Plan.objects.get().version == 1
    assert not AccessLogEntry.objects.filter(username=username, allowed=True).exists()
    assert (
        AccessLogEntry.objects.filter(username=username, what__in=["plan", "follow_up"]).count()
        >= 6
    )


def test_plan__child_page_panel__rektor_sees_teacher_does_not(client: Client, world: World) -> None:
    make_plan(world)
    url = reverse("children:detail", args=[world.children["pupil"].public_id])
    body = _as(client, world, "rektor").get(url).content.decode()
    assert "Barnets plan" in body or "The child&#x27;s plan" in body or "plan-panel-title" in body
    client.logout()
    body = _as(client, world, "larare").get(url).content.decode()
    assert "plan-panel-title" not in body


def test_versions_and_compare__rektor(client: Client, world: World) -> None:
    plan = make_plan(world)
    data = services.plan_data_of(plan)
    data.sections["child_view"] = "Jag vill vara med i fotboll."
    services.plan_update(actor=world.users["rektor"], plan=plan, data=data)
    c = _as(client, world, "rektor")
    assert c.get(reverse("plans:versions", args=[plan.public_id])).status_code == 200
    response = c.get(reverse("plans:compare", args=[plan.public_id]) + "?fran=1&till=2")
    assert response.status_code == 200
    assert "Jag vill vara med i fotboll." in response.content.decode()
    assert (
        c.get(reverse("plans:compare", args=[plan.public_id]) + "?fran=1&till=9").status_code == 404
    )


def test_pdf__rektor__produced_and_logged(client: Client, world: World) -> None:
    team_with_bup(world)
    plan = make_plan(world)
    response = _as(client, world, "rektor").get(reverse("plans:pdf", args=[plan.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000
    assert AccessLogEntry.objects.filter(
        username="rektor", what="plan", action="view", detail="pdf", allowed=True
    ).exists()


def test_pdf__html__child_name_lead_and_no_ids(world: World) -> None:
    team_with_bup(world)
    plan = make_plan(world)
    html = pdf.plan_html(plan=plan)
    child = world.children["pupil"]
    assert child.full_name in html
    assert "Er kontaktperson" in html
    assert world.users["rektor"].get_full_name() in html
    assert str(plan.public_id) not in html
    assert child.personnummer not in html
    assert "narvaroteam" not in html


def test_agreement_and_schedule__rektor(client: Client, world: World) -> None:
    plan = make_plan(world)
    guardian = world.children["pupil"].guardianships.get().guardian
    c = _as(client, world, "rektor")
    response = c.post(
        reverse("plans:agreement", args=[plan.public_id]),
        {
            "agreement-guardian": str(guardian.pk),
            "agreement-agrees": "yes",
            "agreement-on_date": timezone.localdate().isoformat(),
            "agreement-how": "meeting",
        },
    )
    assert response.status_code == 302
    assert plan.versions.get().agreements.get().agrees is True
    due = timezone.localdate() + dt.timedelta(days=30)
    response = c.post(
        reverse("plans:schedule", args=[plan.public_id]), {"schedule-due_date": due.isoformat()}
    )
    assert response.status_code == 302
    assert plan.follow_ups.get().due_date == due
    response = c.post(
        reverse("plans:schedule", args=[plan.public_id]), {"schedule-due_date": "2001-01-01"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_follow_up__record_and_worklist__rektor(client: Client, world: World) -> None:
    plan = make_plan(world)
    follow_up = services.follow_up_schedule(
        actor=world.users["rektor"], plan=plan, due_date=timezone.localdate() + dt.timedelta(days=2)
    )
    c = _as(client, world, "rektor")
    worklist = c.get(reverse("plans:worklist"))
    assert world.children["pupil"].full_name in worklist.content.decode()
    url = reverse("plans:follow_up", args=[follow_up.public_id])
    assert c.get(url).status_code == 200
    goal = plan.goals.get()
    response = c.post(url, {f"goal_{goal.pk}": "5", "decision": "close", "wellbeing_safe": "4"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert (
        world.children["pupil"].full_name not in c.get(reverse("plans:worklist")).content.decode()
    )


def test_worklist__query_count_does_not_grow(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    from samsyn.plans.selectors import is_follow_up_responsible

    plan = make_plan(world)
    services.follow_up_schedule(
        actor=world.users["rektor"], plan=plan, due_date=timezone.localdate() + dt.timedelta(days=1)
    )
    assert is_follow_up_responsible(world.users["rektor"])
    assert not is_follow_up_responsible(world.users["larare"])
    c = _as(client, world, "rektor")
    c.get(reverse("plans:worklist"))
    with django_assert_max_num_queries(40) as one:
        c.get(reverse("plans:worklist"))
    for key in ["protected_pupil"]:
        child = world.children[key]
        other = services.plan_create(
            actor=world.users["rektor"],
            child=child,
            data=services.PlanData(sections={"reason": "x"}),
        )
        services.follow_up_schedule(
            actor=world.users["rektor"], plan=other, due_date=timezone.localdate()
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = c.get(reverse("plans:worklist"))
    assert world.children["protected_pupil"].full_name in response.content.decode()


def test_pdf__contains_child_name(world: World) -> None:
    """No PDF text extractor is installed: the uncompressed PDF's title (from the HTML
    ``<title>``) carries the child's name, in plain or UTF-16 form."""
    plan = make_plan(world)
    data = pdf.plan_pdf(plan=plan, compress=False)
    assert data.startswith(b"%PDF")
    name = world.children["pupil"].full_name
    assert name.encode() in data or name.encode("utf-16-be").hex().upper().encode() in data.upper()


def test_plan__protected_child__no_unit_names(client: Client, world: World) -> None:
    child = world.children["protected_pupil"]
    data = services.PlanData(
        sections={"reason": "Skyddad"},
        interventions=[
            services.InterventionData(
                unit=world.units["school"],
                start_date=timezone.localdate(),
                title="Stöd i klassrummet",
            )
        ],
    )
    plan = services.plan_create(actor=world.users["rektor"], child=child, data=data)
    body = _as(client, world, "rektor").get(reverse("plans:detail", args=[child.public_id]))
    assert body.status_code == 200
    assert "Norrskolan" not in body.content.decode()
    assert "Utbildningsförvaltningen" in body.content.decode()
    assert "Norrskolan" not in pdf.plan_html(plan=plan)
    assert "Norrskolan" not in str(plan.versions.get().snapshot)
    api = client.get(f"/api/v1/children/{child.public_id}/plan").json()
    assert "Norrskolan" not in str(api)


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (None, False),
        ("in_force", True),
        ("expired", False),
        ("withdrawn", False),
        ("pending", False),
    ],
)
@pytest.mark.parametrize("username", ["bup", "socialsekreterare"])
def test_plan__view__team_member__by_consent_state(
    client: Client, world: World, username: str, state: str | None, allowed: bool
) -> None:
    team_with_bup(world, consent_state=state)
    plan = make_plan(world)
    c = _as(client, world, username)
    expected = 200 if allowed else 404
    assert c.get(_detail(world)).status_code == expected
    assert c.get(reverse("plans:versions", args=[plan.public_id])).status_code == expected
    entries = AccessLogEntry.objects.filter(username=username, what="plan")
    assert entries.count() == 2
    assert all(e.allowed is allowed for e in entries)
