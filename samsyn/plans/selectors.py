"""Queries that read plans and follow-ups. Callers decide and log access first."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.models import User
from samsyn.children.models import BarnkontaktAssignment, Child
from samsyn.concerns.models import Indicator
from samsyn.plans.models import (
    FollowUp,
    FollowUpStatus,
    InterventionType,
    Plan,
    PlanKind,
    PlanStatus,
    PlanVersion,
)


def plan_of_child(*, child: Child) -> Plan | None:
    """The child's open plan, or else the most recently closed one."""
    plans = Plan.objects.filter(child=child).order_by("-created_at")
    return plans.filter(status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE]).first() or plans.first()


def plan_by_public_id(public_id: uuid.UUID) -> Plan | None:
    return Plan.objects.select_related("child").filter(public_id=public_id).first()


def follow_up_by_public_id(public_id: uuid.UUID) -> FollowUp | None:
    return FollowUp.objects.select_related("plan__child").filter(public_id=public_id).first()


def next_follow_up(*, plan: Plan) -> FollowUp | None:
    return plan.follow_ups.filter(status=FollowUpStatus.SCHEDULED).first()


def plan_versions(*, plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("-number")


def catalogue() -> QuerySet[InterventionType]:
    return InterventionType.objects.filter(active=True).order_by("name")


def stodsamordnare(*, child: Child) -> Any:
    """The lead professional (TeamMember with ``is_lead``) of the child's active Barnteam."""
    from samsyn.teams.models import TeamMember

    return (
        TeamMember.objects.filter(
            team__child=child, team__status="active", left_at__isnull=True, is_lead=True
        )
        .select_related("user", "unit")
        .first()
    )


def follow_up_responsibles(*, follow_ups: list[FollowUp]) -> dict[int, list[User]]:
    """The Stödsamordnare and the Barnkontakt of each follow-up's child, in two queries."""
    from samsyn.teams.models import TeamMember

    by_child: dict[int, dict[int, User]] = {}
    child_ids = {f.plan.child_id for f in follow_ups}
    for member in TeamMember.objects.filter(
        team__child_id__in=child_ids, team__status="active", left_at__isnull=True, is_lead=True
    ).select_related("user", "team"):
        by_child.setdefault(member.team.child_id, {})[member.user_id] = member.user
    for assignment in BarnkontaktAssignment.objects.filter(
        child_id__in=child_ids, ended_at__isnull=True
    ).select_related("user"):
        by_child.setdefault(assignment.child_id, {})[assignment.user_id] = assignment.user
    return {
        f.pk: sorted(by_child.get(f.plan.child_id, {}).values(), key=lambda u: u.pk)
        for f in follow_ups
    }


def follow_ups_due_for(
    *, user: User, within_days: int, today: dt.date | None = None
) -> list[FollowUp]:
    """Scheduled follow-ups due within ``within_days`` (or overdue) of the children the user is
    Stödsamordnare or Barnkontakt for."""
    from samsyn.teams.models import TeamMember

    day = today or timezone.localdate()
    lead_children = TeamMember.objects.filter(
        user=user, is_lead=True, left_at__isnull=True, team__status="active"
    ).values("team__child_id")
    contact_children = BarnkontaktAssignment.objects.filter(
        user=user, ended_at__isnull=True
    ).values("child_id")
    return list(
        FollowUp.objects.filter(
            Q(plan__child_id__in=lead_children) | Q(plan__child_id__in=contact_children),
            status=FollowUpStatus.SCHEDULED,
            plan__status=PlanStatus.ACTIVE,
            due_date__lte=day + dt.timedelta(days=within_days),
        )
        .select_related("plan__child")
        .order_by("due_date", "id")
    )


def is_follow_up_responsible(user: User) -> bool:
    from samsyn.teams.models import TeamMember

    # One query: the menu asks this on every page.
    return (
        User.objects.filter(pk=user.pk)
        .filter(
            Exists(
                TeamMember.objects.filter(
                    user=OuterRef("pk"), is_lead=True, left_at__isnull=True, team__status="active"
                )
            )
            | Exists(
                BarnkontaktAssignment.objects.filter(user=OuterRef("pk"), ended_at__isnull=True)
            )
        )
        .exists()
    )


# --- Comparing versions ---------------------------------------------------------------------


@dataclass(frozen=True)
class SectionDiff:
    key: str
    label: str
    before: list[str]
    after: list[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def section_labels() -> dict[str, str]:
    return {
        "kind": _("Kind of plan"),
        "reason": _("Why the child has a plan"),
        "participants": _("Who takes part"),
        "child_view": _("The child's view"),
        "guardians_view": _("The guardians' view"),
        "wellbeing": _("Wellbeing wheel"),
        "growth": _("How I grow and develop"),
        "care": _("What I need from those who look after me"),
        "wider_world": _("My wider world"),
        "resilience": _("Resilience"),
        "vulnerability": _("Vulnerability"),
        "protective_environment": _("Protective environment"),
        "adverse_environment": _("Adverse environment"),
        "goals": _("Goals"),
        "interventions": _("Interventions"),
        "expected_outcomes": _("Expected outcomes"),
        "risk_assessment": _("Risk assessment"),
        "evaluation": _("How and when the plan is evaluated"),
    }


def _lines(snapshot: dict[str, Any], key: str) -> list[str]:
    indicator = dict(Indicator.choices)
    if key in snapshot.get("sections", {}):
        text = snapshot["sections"][key] or ""
        return [line for line in text.splitlines() if line.strip()]
    if key == "kind":
        return [str(dict(PlanKind.choices).get(snapshot.get("kind", ""), ""))]
    if key == "participants":
        return list(snapshot.get("participants", []))
    if key == "wellbeing":
        return [f"{indicator.get(k, k)}: {v}" for k, v in snapshot.get("wellbeing", {}).items()]
    if key == "goals":
        return [
            f"{indicator.get(g['indicator'], g['indicator'])}: {g['text']}"
            for g in snapshot.get("goals", [])
        ]
    if key == "interventions":
        return [
            f"{i['name']} – {i['unit']}"
            + (f", {i['responsible']}" if i.get("responsible") else "")
            + f" ({i['start_date']} – {i.get('end_date') or ''})"
            for i in snapshot.get("interventions", [])
        ]
    return []


def versions_compare(*, before: PlanVersion, after: PlanVersion) -> list[SectionDiff]:
    """The plan's sections in two versions, section by section."""
    return [
        SectionDiff(key, label, _lines(before.snapshot, key), _lines(after.snapshot, key))
        for key, label in section_labels().items()
    ]
