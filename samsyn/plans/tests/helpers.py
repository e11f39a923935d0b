"""Shared set-up for the plans tests: a pupil with a Barnteam (rektor as Stödsamordnare)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samsyn.plans import services
from samsyn.plans.models import InterventionType, Plan
from samsyn.testing.factories import barnteam_for, consent_for
from samsyn.testing.world import World


def team_with_bup(world: World, *, consent_state: str | None = "in_force") -> None:
    """The pupil's Barnteam: rektor (lead), the school nurse's unit, the social worker and BUP."""
    child = world.children["pupil"]
    u = world.units
    barnteam_for(
        child,
        world.users["rektor"],
        u["school"],
        [
            (world.users["socialsekreterare"], u["ifo"]),
            (world.users["bup"], u["bup"]),
        ],
    )
    if consent_state is not None:
        consent_for(
            child,
            [u["school"], u["ifo"], u["bup"]],
            state=consent_state,
            purposes=("barnteam", "plan"),
        )


def plan_data(world: World, **sections: str) -> services.PlanData:
    today = timezone.localdate()
    return services.PlanData(
        sections={"reason": "Alva är ofta borta från skolan.", **sections},
        wellbeing={"safe": 3, "achieving": 2},
        goals=[services.GoalData("achieving", "Alva går i skolan varje dag.")],
        interventions=[
            services.InterventionData(
                unit=world.units["school"],
                start_date=today,
                end_date=today + dt.timedelta(days=90),
                intervention_type=InterventionType.objects.get(code="narvaroteam"),
                responsible="Rektor Rut",
            )
        ],
    )


def make_plan(world: World, **sections: str) -> Plan:
    return services.plan_create(
        actor=world.users["rektor"],
        child=world.children["pupil"],
        data=plan_data(world, **sections),
    )
