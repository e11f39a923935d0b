"""Use cases that change a child's plan and its follow-ups. One transactional function each.

Every function that acts for a user decides and logs the access through
:func:`samsyn.access.services.access_child` in the same transaction, and raises
:class:`NotFoundForUser` when the policy refuses (callers answer 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import Child, Guardian
from samsyn.concerns.models import Indicator
from samsyn.organisations.models import PrincipalKind, Unit
from samsyn.plans.models import (
    Decision,
    FollowUp,
    FollowUpReminder,
    FollowUpStatus,
    Goal,
    GoalRating,
    GuardianAgreement,
    Intervention,
    InterventionType,
    Plan,
    PlanKind,
    PlanStatus,
    PlanVersion,
    ReminderKind,
    unit_label,
)

# The text sections of a plan, in the order they are shown.
TEXT_SECTIONS = (
    "reason",
    "child_view",
    "guardians_view",
    "growth",
    "care",
    "wider_world",
    "resilience",
    "vulnerability",
    "protective_environment",
    "adverse_environment",
    "expected_outcomes",
    "risk_assessment",
    "evaluation",
)
INDICATORS = [i.value for i in Indicator]


class ServiceError(Exception):
    """A use case refused, with a Swedish, user-facing message."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundForUser(Exception):
    """The policy refused; answer exactly as for something that does not exist."""


def _require(user: User, child: Child, what: What, action: Action, detail: str = "") -> None:
    if not access_child(user=user, child=child, what=what, action=action, detail=detail).allowed:
        raise NotFoundForUser


@dataclass
class GoalData:
    indicator: str
    text: str


@dataclass
class InterventionData:
    unit: Unit
    start_date: dt.date
    intervention_type: InterventionType | None = None
    title: str = ""
    description: str = ""
    responsible: str = ""
    end_date: dt.date | None = None


@dataclass
class PlanData:
    """Every section of a plan, as a form or an API body gives it."""

    sections: dict[str, str] = field(default_factory=dict)
    wellbeing: dict[str, int] = field(default_factory=dict)
    goals: list[GoalData] = field(default_factory=list)
    interventions: list[InterventionData] = field(default_factory=list)


# --- Kind -----------------------------------------------------------------------------------


def team_units(*, child: Child) -> list[Unit]:
    """The units of the current members of the child's active Barnteam (none without a team)."""
    from samsyn.teams.models import TeamMember

    ids = TeamMember.objects.filter(
        team__child=child, team__status="active", left_at__isnull=True
    ).values_list("unit_id", flat=True)
    return list(Unit.objects.filter(pk__in=ids).select_related("agency__principal"))


def derive_kind(units: Iterable[Unit]) -> str:
    """SIP when region health care and a municipal (or private school) unit take part; GIP when
    only municipal agencies do, more than one of them; otherwise a plan within one agency."""
    kinds: set[str] = set()
    municipal_agencies: set[int] = set()
    for unit in units:
        kind = unit.agency.principal.kind
        kinds.add(kind)
        if kind in (PrincipalKind.MUNICIPALITY, PrincipalKind.PRIVATE):
            municipal_agencies.add(unit.agency_id)
    if PrincipalKind.REGION in kinds and municipal_agencies:
        return PlanKind.SIP
    if kinds <= {PrincipalKind.MUNICIPALITY, PrincipalKind.PRIVATE} and len(municipal_agencies) > 1:
        return PlanKind.GIP
    return PlanKind.SINGLE


def participant_names(*, plan: Plan) -> list[str]:
    """The participating units as shown (agencies only for a protected child)."""
    protected = plan.child.is_protected
    return sorted({unit_label(u, protected=protected) for u in participant_units(plan=plan)})


def participant_units(*, plan: Plan) -> list[Unit]:
    """The team members' units plus the units named in the plan's interventions."""
    units = {u.pk: u for u in team_units(child=plan.child)}
    for i in plan.interventions.select_related("unit__agency__principal"):
        units.setdefault(i.unit_id, i.unit)
    return sorted(units.values(), key=lambda u: u.name)


# --- Snapshot -------------------------------------------------------------------------------


def plan_snapshot(*, plan: Plan) -> dict[str, Any]:
    """All sections of the plan's current version, as plain JSON (names, not ids, for people)."""
    return {
        "kind": plan.kind,
        "status": plan.status,
        "sections": {name: getattr(plan, name) for name in TEXT_SECTIONS},
        "wellbeing": {k: plan.wellbeing.get(k) for k in INDICATORS if plan.wellbeing.get(k)},
        "participants": participant_names(plan=plan),
        "goals": [{"indicator": g.indicator, "text": g.text} for g in plan.goals.all()],
        "interventions": [
            {
                "type": i.intervention_type.code if i.intervention_type else None,
                "name": i.name,
                "description": i.description,
                "unit": i.unit_label,
                "responsible": i.responsible,
                "start_date": i.start_date.isoformat(),
                "end_date": i.end_date.isoformat() if i.end_date else None,
            }
            for i in plan.interventions.select_related(
                "intervention_type", "unit__agency", "plan__child"
            )
        ],
    }


def _validate(data: PlanData) -> None:
    for key, value in data.wellbeing.items():
        if key not in INDICATORS:
            raise ServiceError(_("Unknown wellbeing indicator."), field="wellbeing")
        if not 1 <= int(value) <= 5:
            raise ServiceError(_("Rate wellbeing from 1 to 5."), field="wellbeing")
    for goal in data.goals:
        if goal.indicator not in INDICATORS:
            raise ServiceError(
                _("Choose the wellbeing indicator the goal is about."), field="goals"
            )
        if not goal.text.strip():
            raise ServiceError(_("Write the goal."), field="goals")
    for item in data.interventions:
        if item.intervention_type is None and not item.title.strip():
            raise ServiceError(
                _("Choose an intervention from the catalogue or describe it."),
                field="interventions",
            )
        if item.end_date and item.end_date < item.start_date:
            raise ServiceError(
                _("An intervention cannot end before it starts."), field="interventions"
            )
    for name in data.sections:
        if name not in TEXT_SECTIONS:
            raise ServiceError(_("Unknown section."), field=name)


def _write_version(*, plan: Plan, actor: User, data: PlanData, note: str) -> PlanVersion:
    for name in TEXT_SECTIONS:
        setattr(plan, name, data.sections.get(name, "").strip())
    plan.wellbeing = {k: int(v) for k, v in data.wellbeing.items() if v}
    plan.goals.all().delete()
    plan.interventions.all().delete()
    Goal.objects.bulk_create(
        Goal(plan=plan, indicator=g.indicator, text=g.text.strip(), position=n)
        for n, g in enumerate(data.goals)
    )
    Intervention.objects.bulk_create(
        Intervention(plan=plan, position=n, **{**asdict(i), "title": i.title.strip()})
        for n, i in enumerate(data.interventions)
    )
    plan.kind = derive_kind(participant_units(plan=plan))
    plan.version += 1
    plan.save()
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=plan_snapshot(plan=plan),
        created_by=actor,
        note=note[:300],
    )


def plan_create(*, actor: User, child: Child, data: PlanData, note: str = "") -> Plan:
    """Make the child's plan (version 1). A child has at most one open plan."""
    _require(actor, child, What.PLAN, Action.CREATE)
    with transaction.atomic():
        return _plan_create(actor=actor, child=child, data=data, note=note)


def _plan_create(*, actor: User, child: Child, data: PlanData, note: str) -> Plan:
    _validate(data)
    if Plan.objects.filter(child=child, status__in=["draft", "active"]).exists():
        raise ServiceError(_("The child already has a plan. Change that plan instead."))
    plan = Plan.objects.create(child=child, created_by=actor, status=PlanStatus.ACTIVE)
    _write_version(plan=plan, actor=actor, data=data, note=note or _("The plan was made."))
    return plan


def plan_update(*, actor: User, plan: Plan, data: PlanData, note: str = "") -> PlanVersion:
    """Change the plan: every change makes a new version."""
    _require(actor, plan.child, What.PLAN, Action.CHANGE)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == PlanStatus.CLOSED:
            raise ServiceError(_("The plan is closed and cannot be changed."))
        _validate(data)
        return _write_version(plan=plan, actor=actor, data=data, note=note)


def plan_data_of(plan: Plan) -> PlanData:
    """The plan's current sections as :class:`PlanData` (to change some of them)."""
    return PlanData(
        sections={name: getattr(plan, name) for name in TEXT_SECTIONS},
        wellbeing=dict(plan.wellbeing),
        goals=[GoalData(g.indicator, g.text) for g in plan.goals.all()],
        interventions=[
            InterventionData(
                unit=i.unit,
                start_date=i.start_date,
                intervention_type=i.intervention_type,
                title=i.title,
                description=i.description,
                responsible=i.responsible,
                end_date=i.end_date,
            )
            for i in plan.interventions.select_related("unit", "intervention_type")
        ],
    )


def agreement_record(
    *,
    actor: User,
    plan: Plan,
    guardian: Guardian,
    agrees: bool,
    on_date: dt.date,
    how: str,
    comment: str = "",
) -> GuardianAgreement:
    """Record a guardian's agreement (or not) to the plan's current version."""
    _require(actor, plan.child, What.PLAN, Action.CHANGE, detail="guardian agreement")
    with transaction.atomic():
        return _agreement_record(
            actor=actor,
            plan=plan,
            guardian=guardian,
            agrees=agrees,
            on_date=on_date,
            how=how,
            comment=comment,
        )


def _agreement_record(
    *,
    actor: User,
    plan: Plan,
    guardian: Guardian,
    agrees: bool,
    on_date: dt.date,
    how: str,
    comment: str,
) -> GuardianAgreement:
    if not plan.child.guardianships.filter(guardian=guardian).exists():
        raise ServiceError(_("Choose one of the child's guardians."), field="guardian")
    if on_date > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="on_date")
    version = plan.versions.get(number=plan.version)
    agreement, _created = GuardianAgreement.objects.update_or_create(
        version=version,
        guardian=guardian,
        defaults={
            "agrees": agrees,
            "on_date": on_date,
            "how": how,
            "comment": comment,
            "recorded_by": actor,
        },
    )
    return agreement


# --- Follow-up ------------------------------------------------------------------------------


def follow_up_schedule(*, actor: User, plan: Plan, due_date: dt.date) -> FollowUp:
    """Set (or move) the date of the plan's next follow-up."""
    _require(actor, plan.child, What.FOLLOW_UP, Action.CREATE)
    with transaction.atomic():
        return _follow_up_schedule(actor=actor, plan=plan, due_date=due_date)


def _follow_up_schedule(*, actor: User, plan: Plan, due_date: dt.date) -> FollowUp:
    if plan.status == PlanStatus.CLOSED:
        raise ServiceError(_("The plan is closed."))
    if due_date < timezone.localdate():
        raise ServiceError(_("The follow-up cannot be in the past."), field="due_date")
    current = plan.follow_ups.filter(status=FollowUpStatus.SCHEDULED).first()
    if current is not None:
        current.due_date = due_date
        current.save(update_fields=["due_date"])
        current.reminders.all().delete()
        return current
    return FollowUp.objects.create(plan=plan, due_date=due_date, scheduled_by=actor)


@dataclass
class FollowUpData:
    ratings: dict[int, int]  # goal id -> attainment 1..5
    wellbeing: dict[str, int]
    decision: str
    notes: str = ""
    next_date: dt.date | None = None


def follow_up_record(*, actor: User, follow_up: FollowUp, data: FollowUpData) -> FollowUp:
    """Record a follow-up: each goal rated, wellbeing re-rated, and the decision.

    *Continue* schedules the next follow-up (``next_date`` required); *revise* opens a new
    version of the plan with the new wellbeing ratings (and a follow-up if a date is given);
    *close* closes the plan.
    """
    _require(actor, follow_up.plan.child, What.FOLLOW_UP, Action.CHANGE)
    with transaction.atomic():
        return _follow_up_record(actor=actor, follow_up=follow_up, data=data)


def _follow_up_record(*, actor: User, follow_up: FollowUp, data: FollowUpData) -> FollowUp:
    plan = follow_up.plan
    if follow_up.status != FollowUpStatus.SCHEDULED or plan.status == PlanStatus.CLOSED:
        raise ServiceError(_("This follow-up has already been recorded."))
    goals = list(plan.goals.all())
    missing = [g for g in goals if g.pk not in data.ratings]
    if missing:
        raise ServiceError(_("Rate every goal."), field="ratings")
    if any(not 1 <= v <= 5 for v in data.ratings.values()):
        raise ServiceError(_("Rate each goal from 1 to 5."), field="ratings")
    if data.decision not in Decision.values:
        raise ServiceError(_("Choose a decision."), field="decision")
    if any(k not in INDICATORS or not 1 <= int(v) <= 5 for k, v in data.wellbeing.items()):
        raise ServiceError(_("Rate wellbeing from 1 to 5."), field="wellbeing")
    today = timezone.localdate()
    if data.decision == Decision.CONTINUE and data.next_date is None:
        raise ServiceError(_("Choose the date of the next follow-up."), field="next_date")
    if data.next_date is not None and data.next_date <= today:
        raise ServiceError(_("The next follow-up must be after today."), field="next_date")
    GoalRating.objects.bulk_create(
        GoalRating(
            follow_up=follow_up,
            goal=g,
            goal_text=g.text,
            indicator=g.indicator,
            attainment=data.ratings[g.pk],
        )
        for g in goals
    )
    follow_up.status = FollowUpStatus.DONE
    follow_up.done_at = timezone.now()
    follow_up.done_by = actor
    follow_up.wellbeing = {k: int(v) for k, v in data.wellbeing.items() if v}
    follow_up.decision = data.decision
    follow_up.notes = data.notes
    follow_up.plan_version = plan.version
    follow_up.save()
    if data.decision == Decision.CLOSE:
        plan.status = PlanStatus.CLOSED
        plan.closed_at = timezone.now()
        plan.save(update_fields=["status", "closed_at", "updated_at"])
        return follow_up
    if data.decision == Decision.REVISE:
        revised = plan_data_of(plan)
        revised.wellbeing = {**revised.wellbeing, **follow_up.wellbeing}
        _write_version(
            plan=plan,
            actor=actor,
            data=revised,
            note=_("Revised after the follow-up on %(date)s.") % {"date": follow_up.due_date},
        )
    if data.next_date is not None:
        FollowUp.objects.create(plan=plan, due_date=data.next_date, scheduled_by=actor)
    return follow_up


def reminder_days() -> int:
    return int(settings.SAMSYN.get("FOLLOW_UP_REMINDER_DAYS", 7))


@dataclass(frozen=True)
class Reminder:
    follow_up: FollowUp
    user: User
    kind: str


@transaction.atomic
def reminders_record(*, today: dt.date | None = None) -> list[Reminder]:
    """Record a reminder for each follow-up due within the reminder days (and again once it is
    overdue) to the plan's Stödsamordnare and the child's Barnkontakt. Each reminder once."""
    from samsyn.plans.selectors import follow_up_responsibles

    day = today or timezone.localdate()
    due = list(
        FollowUp.objects.filter(
            status=FollowUpStatus.SCHEDULED,
            plan__status=PlanStatus.ACTIVE,
            due_date__lte=day + dt.timedelta(days=reminder_days()),
        ).select_related("plan__child")
    )
    responsibles = follow_up_responsibles(follow_ups=due)
    existing = set(
        FollowUpReminder.objects.filter(follow_up__in=due).values_list(
            "follow_up_id", "user_id", "kind"
        )
    )
    made: list[Reminder] = []
    for follow_up in due:
        kind = ReminderKind.OVERDUE if follow_up.due_date < day else ReminderKind.BEFORE
        for user in responsibles.get(follow_up.pk, []):
            if (follow_up.pk, user.pk, kind) in existing:
                continue
            made.append(Reminder(follow_up, user, kind))
    FollowUpReminder.objects.bulk_create(
        FollowUpReminder(follow_up=r.follow_up, user=r.user, kind=r.kind) for r in made
    )
    return made
