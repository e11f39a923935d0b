from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from samsyn.audit.models import AccessLogEntry
from samsyn.plans import selectors, services
from samsyn.plans.models import (
    Decision,
    FollowUpReminder,
    FollowUpStatus,
    GoalRating,
    InterventionType,
    Plan,
    PlanKind,
    PlanStatus,
)
from samsyn.plans.tests.helpers import make_plan, plan_data, team_with_bup
from samsyn.testing.factories import barnteam_for

pytestmark = pytest.mark.django_db


def test_catalogue__seeded_from_the_documents(db):
    names = set(InterventionType.objects.values_list("name", flat=True))
    assert {"ABC föräldrastöd", "Skolsocialt team", "Närvaroteam", "Mini-Maria", "KOMET"} <= names


def test_plan__constraint__second_active_plan_is_impossible(world):
    child = world.children["pupil"]
    Plan.objects.create(child=child, created_by=world.users["rektor"], status=PlanStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(child=child, created_by=world.users["rektor"], status=PlanStatus.ACTIVE)
    # A closed plan does not count.
    Plan.objects.create(child=child, created_by=world.users["rektor"], status=PlanStatus.CLOSED)


def test_plan_create__rektor__second_plan_refused(world):
    make_plan(world)
    with pytest.raises(services.ServiceError):
        make_plan(world)


def test_kind__single_agency(world):
    plan = make_plan(world)
    assert plan.kind == PlanKind.SINGLE
    assert plan.version == 1


def test_kind__sip__region_and_municipality(world):
    team_with_bup(world)
    plan = make_plan(world)
    assert plan.kind == PlanKind.SIP
    assert set(plan.versions.get().snapshot["participants"]) == {
        "Norrskolan",
        "IFO Barn och familj",
        "BUP Test",
    }


def test_kind__gip__municipal_agencies_only(world):
    barnteam_for(
        world.children["pupil"],
        world.users["rektor"],
        world.units["school"],
        [(world.users["socialsekreterare"], world.units["ifo"])],
    )
    assert make_plan(world).kind == PlanKind.GIP


def test_kind__derive_kind_units(world):
    u = world.units
    assert services.derive_kind([u["school"], u["bup"]]) == PlanKind.SIP
    assert services.derive_kind([u["school"], u["ifo"]]) == PlanKind.GIP
    assert services.derive_kind([u["school"], u["student_health"]]) == PlanKind.SINGLE
    assert services.derive_kind([u["bup"], u["bvc"]]) == PlanKind.SINGLE


def test_versioning__every_change_makes_a_version_and_compare(world):
    plan = make_plan(world)
    data = plan_data(world, reason="Alva är ofta borta och ledsen.")
    data.interventions.append(
        services.InterventionData(
            unit=world.units["bup"],
            start_date=timezone.localdate(),
            intervention_type=InterventionType.objects.get(code="bup-utredning"),
        )
    )
    services.plan_update(actor=world.users["rektor"], plan=plan, data=data, note="BUP")
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.kind == PlanKind.SIP
    assert plan.interventions.count() == 2
    v1, v2 = plan.versions.get(number=1), plan.versions.get(number=2)
    diffs = {d.key: d for d in selectors.versions_compare(before=v1, after=v2)}
    assert diffs["reason"].changed
    assert diffs["reason"].after == ["Alva är ofta borta och ledsen."]
    assert diffs["interventions"].changed
    assert not diffs["goals"].changed


def test_plan_create__teacher__refused_and_logged(world):
    with pytest.raises(services.NotFoundForUser):
        services.plan_create(
            actor=world.users["larare"], child=world.children["pupil"], data=plan_data(world)
        )
    entry = AccessLogEntry.objects.filter(username="larare", what="plan").get()
    assert not entry.allowed


def test_plan_update__bup__with_plan_consent(world):
    team_with_bup(world)
    plan = make_plan(world)
    services.plan_update(
        actor=world.users["bup"], plan=plan, data=plan_data(world, care="Mer stöd")
    )
    assert AccessLogEntry.objects.filter(
        username="bup", what="plan", action="change", allowed=True, ground="team_consent"
    ).exists()


def test_plan_update__bup__consent_withdrawn__refused(world):
    team_with_bup(world, consent_state="withdrawn")
    plan = make_plan(world)
    with pytest.raises(services.NotFoundForUser):
        services.plan_update(actor=world.users["bup"], plan=plan, data=plan_data(world))


def test_agreement__per_guardian(world):
    plan = make_plan(world)
    guardian = world.children["pupil"].guardianships.get().guardian
    services.agreement_record(
        actor=world.users["rektor"],
        plan=plan,
        guardian=guardian,
        agrees=True,
        on_date=timezone.localdate(),
        how="meeting",
    )
    assert plan.versions.get().agreements.get().agrees


def _follow_up(world, plan, days=10):
    return services.follow_up_schedule(
        actor=world.users["rektor"], plan=plan, due_date=timezone.localdate() + dt.timedelta(days)
    )


def test_follow_up__continue__schedules_next(world):
    plan = make_plan(world)
    follow_up = _follow_up(world, plan)
    goal = plan.goals.get()
    services.follow_up_record(
        actor=world.users["rektor"],
        follow_up=follow_up,
        data=services.FollowUpData(
            ratings={goal.pk: 4},
            wellbeing={"achieving": 3},
            decision=Decision.CONTINUE,
            next_date=timezone.localdate() + dt.timedelta(days=60),
        ),
    )
    assert GoalRating.objects.get().attainment == 4
    assert selectors.next_follow_up(plan=plan).due_date > follow_up.due_date
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


def test_follow_up__revise__new_version_with_ratings(world):
    plan = make_plan(world)
    follow_up = _follow_up(world, plan)
    services.follow_up_record(
        actor=world.users["rektor"],
        follow_up=follow_up,
        data=services.FollowUpData(
            ratings={plan.goals.get().pk: 2}, wellbeing={"safe": 5}, decision=Decision.REVISE
        ),
    )
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.wellbeing["safe"] == 5


def test_follow_up__close__closes_plan(world):
    plan = make_plan(world)
    follow_up = _follow_up(world, plan)
    services.follow_up_record(
        actor=world.users["rektor"],
        follow_up=follow_up,
        data=services.FollowUpData(
            ratings={plan.goals.get().pk: 5}, wellbeing={}, decision=Decision.CLOSE
        ),
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    # A new plan may now be made.
    assert make_plan(world).status == PlanStatus.ACTIVE


def test_follow_up__goal_not_rated__refused(world):
    plan = make_plan(world)
    follow_up = _follow_up(world, plan)
    with pytest.raises(services.ServiceError) as exc:
        services.follow_up_record(
            actor=world.users["rektor"],
            follow_up=follow_up,
            data=services.FollowUpData(ratings={}, wellbeing={}, decision=Decision.CLOSE),
        )
    assert exc.value.field == "ratings"


def test_reminders__before_and_overdue__recorded_once(world, capsys):
    team_with_bup(world)
    plan = make_plan(world)
    follow_up = _follow_up(world, plan, days=3)
    call_command("plans_remind")
    out = capsys.readouterr().out
    assert "rektor" in out
    # rektor is both Stödsamordnare and Barnkontakt: one reminder.
    assert FollowUpReminder.objects.filter(kind="before").count() == 1
    call_command("plans_remind")
    assert FollowUpReminder.objects.count() == 1
    later = timezone.localdate() + dt.timedelta(days=5)
    made = services.reminders_record(today=later)
    assert [r.kind for r in made] == ["overdue"]
    assert follow_up.pk == made[0].follow_up.pk
