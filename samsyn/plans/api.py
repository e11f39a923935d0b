"""API routes of the plans app, mounted under /api/v1/ by samsyn/api.py.

``/children/{child_id}/plan``, ``/plans/{id}/…``, ``/follow-ups/{id}`` and
``/interventions/catalogue``: thin routes over the access services and the plans' services and
selectors — the same door the HTML views use. A plan the user may not see is answered exactly
like one that does not exist (404); the refused attempt is logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.api_common import (
    AUTH_RESPONSES,
    OBJECT_RESPONSES,
    ApiError,
    ErrorCode,
    actor,
    field_error,
    not_found,
)
from samsyn.children.models import Child, Guardian
from samsyn.children.view_helpers import child_by_public_id
from samsyn.concerns.models import Indicator
from samsyn.organisations.models import Unit
from samsyn.plans import pdf, selectors, services
from samsyn.plans.models import (
    Decision,
    FollowUp,
    HowAgreed,
    InterventionType,
    Plan,
    PlanVersion,
    ProviderKind,
)

router = Router()

T = TypeVar("T")


def _run(call: Callable[[], T]) -> T:
    """Run a use case, turning its refusals into the API's error shape."""
    try:
        return call()
    except services.NotFoundForUser:
        raise not_found() from None
    except services.ServiceError as exc:
        if exc.field:
            raise field_error(exc.field, exc.message) from None
        raise ApiError(422, ErrorCode.REFUSED, exc.message) from None


# --- Schemas ---------------------------------------------------------------------------------


class InterventionTypeOut(Schema):
    code: str
    name: str
    description: str
    provider_kind: ProviderKind


class GoalIn(Schema):
    indicator: Indicator
    text: str = Field(min_length=1, max_length=2000)


class GoalOut(Schema):
    id: int
    indicator: Indicator
    text: str


class InterventionIn(Schema):
    type: str | None = Field(default=None, description="A catalogue code, or null for free text.")
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    unit: UUID
    responsible: str = Field(default="", max_length=200)
    start_date: dt.date
    end_date: dt.date | None = None


class InterventionOut(Schema):
    type: str | None
    name: str
    description: str
    unit: UUID | None = Field(description="null for a child with protected identity")
    unit_name: str
    responsible: str
    start_date: dt.date
    end_date: dt.date | None


class Sections(Schema):
    reason: str = Field(default="", max_length=10000)
    child_view: str = Field(default="", max_length=10000)
    guardians_view: str = Field(default="", max_length=10000)
    growth: str = Field(default="", max_length=10000)
    care: str = Field(default="", max_length=10000)
    wider_world: str = Field(default="", max_length=10000)
    resilience: str = Field(default="", max_length=10000)
    vulnerability: str = Field(default="", max_length=10000)
    protective_environment: str = Field(default="", max_length=10000)
    adverse_environment: str = Field(default="", max_length=10000)
    expected_outcomes: str = Field(default="", max_length=10000)
    risk_assessment: str = Field(default="", max_length=10000)
    evaluation: str = Field(default="", max_length=10000)


class PlanIn(Schema):
    sections: Sections
    wellbeing: dict[Indicator, int] = Field(
        default_factory=dict, description="Rating 1 (very bad) to 5 (very good) per indicator."
    )
    goals: list[GoalIn] = Field(default_factory=list, max_length=30)
    interventions: list[InterventionIn] = Field(default_factory=list, max_length=30)
    note: str = Field(default="", max_length=300)


class FollowUpOut(Schema):
    id: UUID
    due_date: dt.date
    status: str
    decision: str
    wellbeing: dict[str, int]


class PlanOut(Schema):
    id: UUID
    kind: str
    status: str
    version: int
    sections: Sections
    wellbeing: dict[str, int]
    participants: list[str]
    goals: list[GoalOut]
    interventions: list[InterventionOut]
    next_follow_up: FollowUpOut | None


class VersionOut(Schema):
    number: int
    created_at: dt.datetime
    created_by: str
    note: str


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any]


class SectionDiffOut(Schema):
    section: str
    label: str
    changed: bool
    before: list[str]
    after: list[str]


class CompareOut(Schema):
    before: int
    after: int
    sections: list[SectionDiffOut]


class CompareParams(Schema):
    before: int = Field(ge=1)
    after: int = Field(ge=1)


class AgreementIn(Schema):
    guardian: UUID
    agrees: bool
    on_date: dt.date
    how: HowAgreed
    comment: str = Field(default="", max_length=2000)


class AgreementOut(Schema):
    guardian: UUID
    version: int
    agrees: bool
    on_date: dt.date
    how: str


class ScheduleIn(Schema):
    due_date: dt.date


class GoalRatingIn(Schema):
    goal: int
    attainment: int = Field(ge=1, le=5, description="1 much worse … 3 unchanged … 5 reached")


class FollowUpIn(Schema):
    ratings: list[GoalRatingIn] = Field(default_factory=list, max_length=30)
    wellbeing: dict[Indicator, int] = Field(default_factory=dict)
    decision: Decision
    notes: str = Field(default="", max_length=10000)
    next_date: dt.date | None = None


# --- Helpers ---------------------------------------------------------------------------------


def _follow_up_out(f: FollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=f.public_id,
        due_date=f.due_date,
        status=f.status,
        decision=f.decision,
        wellbeing=f.wellbeing,
    )


def _plan_out(plan: Plan) -> PlanOut:
    follow_up = selectors.next_follow_up(plan=plan)
    return PlanOut(
        id=plan.public_id,
        kind=plan.kind,
        status=plan.status,
        version=plan.version,
        sections=Sections(**{n: getattr(plan, n) for n in services.TEXT_SECTIONS}),
        wellbeing=plan.wellbeing,
        participants=services.participant_names(plan=plan),
        goals=[
            GoalOut(id=g.pk, indicator=Indicator(g.indicator), text=g.text)
            for g in plan.goals.all()
        ],
        interventions=[
            InterventionOut(
                type=i.intervention_type.code if i.intervention_type else None,
                name=i.name,
                description=i.description,
                unit=None if plan.child.is_protected else i.unit.public_id,
                unit_name=i.unit_label,
                responsible=i.responsible,
                start_date=i.start_date,
                end_date=i.end_date,
            )
            for i in plan.interventions.select_related(
                "unit__agency", "intervention_type", "plan__child"
            )
        ],
        next_follow_up=_follow_up_out(follow_up) if follow_up else None,
    )


def _version_out(v: PlanVersion) -> VersionOut:
    return VersionOut(
        number=v.number,
        created_at=v.created_at,
        created_by=v.created_by.get_full_name() or v.created_by.get_username(),
        note=v.note,
    )


def _child(user: User, child_id: UUID, action: Action, detail: str = "") -> Child:
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    if not access_child(user=user, child=child, what=What.PLAN, action=action, detail=detail):
        raise not_found()
    return child


def _plan(user: User, plan_id: UUID, detail: str = "", what: What = What.PLAN) -> Plan:
    plan = selectors.plan_by_public_id(plan_id)
    if plan is None:
        raise not_found()
    if not access_child(user=user, child=plan.child, what=what, action=Action.VIEW, detail=detail):
        raise not_found()
    return plan


def _plan_data(payload: PlanIn) -> services.PlanData:
    types = {t.code: t for t in InterventionType.objects.filter(active=True)}
    unit_ids = {i.unit for i in payload.interventions}
    units = {u.public_id: u for u in Unit.objects.filter(public_id__in=unit_ids)}
    items = []
    for n, i in enumerate(payload.interventions):
        if i.unit not in units:
            raise field_error(f"interventions.{n}.unit", _("Unknown unit."))
        if i.type is not None and i.type not in types:
            raise field_error(f"interventions.{n}.type", _("Unknown intervention type."))
        items.append(
            services.InterventionData(
                unit=units[i.unit],
                start_date=i.start_date,
                end_date=i.end_date,
                intervention_type=types.get(i.type) if i.type else None,
                title=i.title,
                description=i.description,
                responsible=i.responsible,
            )
        )
    return services.PlanData(
        sections=payload.sections.model_dump(),
        wellbeing={str(k.value): v for k, v in payload.wellbeing.items()},
        goals=[services.GoalData(g.indicator.value, g.text) for g in payload.goals],
        interventions=items,
    )


# --- Routes ----------------------------------------------------------------------------------


@router.get(
    "/interventions/catalogue",
    response={200: list[InterventionTypeOut], **AUTH_RESPONSES},
    summary="The intervention catalogue",
)
def catalogue(request: HttpRequest) -> list[InterventionTypeOut]:
    """Interventions a plan can name (or a plan may describe one in free text)."""
    actor(request)
    return [
        InterventionTypeOut(
            code=t.code,
            name=t.name,
            description=t.description,
            provider_kind=ProviderKind(t.provider_kind),
        )
        for t in selectors.catalogue()
    ]


@router.get(
    "/children/{child_id}/plan",
    response={200: PlanOut, **OBJECT_RESPONSES},
    summary="The child's plan",
)
def plan_get(request: HttpRequest, child_id: UUID) -> PlanOut:
    """The child's open plan (or the last closed one). 404 when there is none or you may not
    see it."""
    child = _child(actor(request), child_id, Action.VIEW, detail="api")
    plan = selectors.plan_of_child(child=child)
    if plan is None:
        raise not_found()
    return _plan_out(plan)


@router.put(
    "/children/{child_id}/plan",
    response={200: PlanOut, 201: PlanOut, **OBJECT_RESPONSES},
    summary="Make or change the child's plan (a new version)",
)
def plan_put(request: HttpRequest, child_id: UUID, payload: PlanIn) -> Status[PlanOut]:
    """Make the child's plan, or change the open plan. Every change makes a new version; the
    plan's kind (SIP/GIP/single) follows from the units that take part."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    plan = selectors.plan_of_child(child=child)
    if plan is not None and plan.status == "closed":
        plan = None
    action = Action.CHANGE if plan else Action.CREATE
    if not decide(user, child, What.PLAN, action):
        access_child(user=user, child=child, what=What.PLAN, action=action, detail="api")
        raise not_found()
    data = _plan_data(payload)
    if plan is None:
        created = _run(
            lambda: services.plan_create(actor=user, child=child, data=data, note=payload.note)
        )
        return Status(201, _plan_out(created))
    current = plan
    _run(lambda: services.plan_update(actor=user, plan=current, data=data, note=payload.note))
    current.refresh_from_db()
    return Status(200, _plan_out(current))


@router.get(
    "/plans/{plan_id}/versions",
    response={200: list[VersionOut], **OBJECT_RESPONSES},
    summary="Versions of a plan",
)
def versions_list(request: HttpRequest, plan_id: UUID) -> list[VersionOut]:
    plan = _plan(actor(request), plan_id, detail="api: versions")
    return [_version_out(v) for v in selectors.plan_versions(plan=plan)]


@router.get(
    "/plans/{plan_id}/versions/compare",
    response={200: CompareOut, **OBJECT_RESPONSES},
    summary="Compare two versions, section by section",
)
def versions_compare(
    request: HttpRequest, plan_id: UUID, params: Query[CompareParams]
) -> CompareOut:
    plan = _plan(actor(request), plan_id, detail="api: compare")
    versions = {v.number: v for v in plan.versions.filter(number__in=[params.before, params.after])}
    if params.before not in versions or params.after not in versions:
        raise not_found()
    diffs = selectors.versions_compare(before=versions[params.before], after=versions[params.after])
    return CompareOut(
        before=params.before,
        after=params.after,
        sections=[
            SectionDiffOut(
                section=d.key, label=d.label, changed=d.changed, before=d.before, after=d.after
            )
            for d in diffs
        ],
    )


@router.get(
    "/plans/{plan_id}/versions/{number}",
    response={200: VersionDetailOut, **OBJECT_RESPONSES},
    summary="One version of a plan, with its snapshot",
)
def version_get(request: HttpRequest, plan_id: UUID, number: int) -> VersionDetailOut:
    plan = _plan(actor(request), plan_id, detail="api: version")
    version = plan.versions.filter(number=number).select_related("created_by").first()
    if version is None:
        raise not_found()
    return VersionDetailOut(**_version_out(version).model_dump(), snapshot=version.snapshot)


@router.post(
    "/plans/{plan_id}/agreements",
    response={201: AgreementOut, **OBJECT_RESPONSES},
    summary="Record a guardian's agreement to the current version",
)
def agreement_record(
    request: HttpRequest, plan_id: UUID, payload: AgreementIn
) -> Status[AgreementOut]:
    user = actor(request)
    plan = _plan(user, plan_id, detail="api: agreement")
    guardian = Guardian.objects.filter(public_id=payload.guardian).first()
    if guardian is None:
        raise field_error("guardian", _("Choose one of the child's guardians."))
    agreement = _run(
        lambda: services.agreement_record(
            actor=user,
            plan=plan,
            guardian=guardian,
            agrees=payload.agrees,
            on_date=payload.on_date,
            how=payload.how,
            comment=payload.comment,
        )
    )
    return Status(
        201,
        AgreementOut(
            guardian=guardian.public_id,
            version=plan.version,
            agrees=agreement.agrees,
            on_date=agreement.on_date,
            how=agreement.how,
        ),
    )


@router.post(
    "/plans/{plan_id}/follow-ups",
    response={201: FollowUpOut, **OBJECT_RESPONSES},
    summary="Schedule (or move) the plan's next follow-up",
)
def follow_up_schedule(
    request: HttpRequest, plan_id: UUID, payload: ScheduleIn
) -> Status[FollowUpOut]:
    user = actor(request)
    plan = _plan(user, plan_id, detail="api: schedule", what=What.FOLLOW_UP)
    follow_up = _run(
        lambda: services.follow_up_schedule(actor=user, plan=plan, due_date=payload.due_date)
    )
    return Status(201, _follow_up_out(follow_up))


@router.post(
    "/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, **OBJECT_RESPONSES},
    summary="Record a follow-up",
)
def follow_up_record(request: HttpRequest, follow_up_id: UUID, payload: FollowUpIn) -> FollowUpOut:
    """Each goal rated (1 much worse … 3 unchanged … 5 goal reached), wellbeing re-rated and
    the decision: ``continue`` (``next_date`` needed), ``revise`` (a new version) or ``close``."""
    user = actor(request)
    follow_up = selectors.follow_up_by_public_id(follow_up_id)
    if follow_up is None:
        raise not_found()
    data = services.FollowUpData(
        ratings={r.goal: r.attainment for r in payload.ratings},
        wellbeing={str(k.value): v for k, v in payload.wellbeing.items()},
        decision=payload.decision,
        notes=payload.notes,
        next_date=payload.next_date,
    )
    done = _run(lambda: services.follow_up_record(actor=user, follow_up=follow_up, data=data))
    return _follow_up_out(done)


@router.get(
    "/plans/{plan_id}/pdf",
    response={200: None, **OBJECT_RESPONSES},
    summary="The plan as a PDF for the family",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The plan as a PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def plan_pdf(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    plan = _plan(actor(request), plan_id, detail="pdf")
    response = HttpResponse(pdf.plan_pdf(plan=plan), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="barnets-plan.pdf"'
    return response
