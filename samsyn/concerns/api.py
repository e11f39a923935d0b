"""API routes of the concerns app, mounted under /api/v1/ by samsyn/api.py.

Thin routes over the same services and selectors as the HTML views: every child's information
is decided and logged, and a refusal is the same 404 as an unknown id.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from samsyn.access.policy import Action, What, sees_no_children
from samsyn.access.services import access_child, access_children_listed
from samsyn.api_common import AUTH_RESPONSES, OBJECT_RESPONSES, actor, field_error, not_found
from samsyn.audit.models import Ground
from samsyn.children.api_helpers import unit_by_public_id
from samsyn.concerns import selectors, services
from samsyn.concerns.schemas import (
    AdviceIn,
    ChildConfirmOut,
    ChildLookupIn,
    ConcernDetail,
    ConcernIn,
    ConsultationIn,
    ConsultationOut,
    IntakeReportOut,
    ReportDecisionIn,
    ReportedConcernOut,
    ReportedReportOut,
    ReportIn,
    TriageIn,
    TriageOut,
    WorklistOut,
    concern_summary,
    consultation_out,
    intake_report,
    reported_concern,
    reported_report,
    triage_out,
)
from samsyn.organisations.models import Unit

router = Router()

LIST_LIMIT = 200


def _unit(public_id: UUID | None, field: str) -> Unit | None:
    if public_id is None:
        return None
    unit = unit_by_public_id(public_id)
    if unit is None:
        raise field_error(field, _("Choose one of your own units."))
    return unit


# --- Concerns ------------------------------------------------------------------------------


@router.post(
    "/concerns/confirm-child",
    response={200: ChildConfirmOut, **OBJECT_RESPONSES},
    summary="Find the child of a concern by personnummer",
)
def concern_confirm_child(request: HttpRequest, payload: ChildLookupIn) -> ChildConfirmOut:
    """Only the name and birth year, to confirm the right child before registering a concern
    or a report of concern. Logged on the ground ``reporting``."""
    user = actor(request)
    child = services.child_confirm_for_concern(user=user, personnummer=payload.personnummer)
    return ChildConfirmOut(
        first_name=child.first_name, last_name=child.last_name, birth_year=child.birth_date.year
    )


@router.post(
    "/concerns",
    response={201: ReportedConcernOut, **OBJECT_RESPONSES},
    summary="Register a concern",
)
def concern_create(request: HttpRequest, payload: ConcernIn) -> Status[ReportedConcernOut]:
    """Register a concern about a child; it lands with the child's Barnkontakt, who must answer
    within the configured number of working days."""
    user = actor(request)
    if sees_no_children(user):
        raise not_found()
    child = services.child_by_personnummer(payload.personnummer)
    concern = services.concern_register(
        actor=user,
        child=child,
        observed=payload.observed,
        indicators=list(payload.indicators),
        urgency=payload.urgency,
        reporter_unit=_unit(payload.reporter_unit, "reporter_unit"),
    )
    return Status(201, reported_concern(concern))


@router.get(
    "/concerns/mine",
    response={200: list[ReportedConcernOut], **AUTH_RESPONSES},
    summary="My reported concerns",
)
def concerns_mine(request: HttpRequest) -> list[ReportedConcernOut]:
    """The concerns you have registered: the child's name, the date and the status only."""
    user = actor(request)
    concerns = list(selectors.concerns_reported_by(user=user)[:LIST_LIMIT])
    services.log_reporting(
        user=user,
        children=[c.child for c in concerns],
        what=What.CONCERN,
        action=Action.LIST,
        ground=Ground.REPORTER,
        detail="api: my reported concerns",
    )
    return [reported_concern(c) for c in concerns]


@router.get(
    "/concerns/worklist",
    response={200: WorklistOut, **AUTH_RESPONSES},
    summary="Concerns to answer",
)
def concerns_worklist(request: HttpRequest) -> WorklistOut:
    """Concerns about the children you are Barnkontakt for, and — for principals and unit
    managers — the overdue concerns of the Barnkontakter at your units."""
    user = actor(request)
    to_answer = list(selectors.concerns_to_answer(user=user)[:LIST_LIMIT])
    overdue = list(selectors.concerns_overdue_for_lead(user=user)[:LIST_LIMIT])
    children = {c.child_id: c.child for c in [*to_answer, *overdue]}
    shown = {
        c.pk
        for c in access_children_listed(
            user=user, children=children.values(), detail="api: concerns worklist"
        )
    }
    today = timezone.localdate()
    return WorklistOut(
        to_answer=[concern_summary(c, today) for c in to_answer if c.child_id in shown],
        overdue_at_my_units=[concern_summary(c, today) for c in overdue if c.child_id in shown],
    )


@router.get(
    "/concerns/{concern_id}",
    response={200: ConcernDetail, **OBJECT_RESPONSES},
    summary="One concern (for the child's Barnkontakt)",
)
def concern_detail(request: HttpRequest, concern_id: UUID) -> ConcernDetail:
    user = actor(request)
    concern = selectors.concern_by_public_id(concern_id)
    if concern is None:
        raise not_found()
    if not access_child(user=user, child=concern.child, what=What.CONCERN, action=Action.VIEW):
        raise not_found()
    triage = getattr(concern, "triage", None)
    return ConcernDetail(
        **concern_summary(concern, timezone.localdate()).model_dump(),
        observed=concern.observed,
        reporter=str(concern.reporter),
        triage=triage_out(triage) if triage is not None else None,
        consultations=[
            consultation_out(c) for c in selectors.concern_consultations(concern=concern)
        ],
    )


@router.post(
    "/concerns/{concern_id}/triage",
    response={200: TriageOut, **OBJECT_RESPONSES},
    summary="Answer a concern: the five questions and a decision",
)
def concern_triage(request: HttpRequest, concern_id: UUID, payload: TriageIn) -> TriageOut:
    user = actor(request)
    concern = selectors.concern_by_public_id(concern_id)
    if concern is None:
        raise not_found()
    triage = services.concern_triage(actor=user, concern=concern, **payload.model_dump())
    return triage_out(triage)


@router.post(
    "/concerns/{concern_id}/consultations",
    response={201: ConsultationOut, **OBJECT_RESPONSES},
    summary="Present the case de-identified to a consultation group",
)
def consultation_create(
    request: HttpRequest, concern_id: UUID, payload: ConsultationIn
) -> Status[ConsultationOut]:
    """The text is stripped of names, personnummer, birth date, addresses, unit names and the
    names in ``flagged_names`` before it is saved; the answer shows what the group sees."""
    user = actor(request)
    concern = selectors.concern_by_public_id(concern_id)
    if concern is None:
        raise not_found()
    unit = unit_by_public_id(payload.group_unit)
    if unit is None:
        if not access_child(
            user=user, child=concern.child, what=What.CONCERN, action=Action.CHANGE
        ):
            raise not_found()
        raise field_error("group_unit", _("Choose the consultation group."))
    consultation = services.consultation_create(
        actor=user,
        concern=concern,
        group_unit=unit,
        text=payload.text,
        flagged_names=payload.flagged_names,
    )
    return Status(201, consultation_out(consultation))


# --- Reports of concern --------------------------------------------------------------------


@router.post(
    "/reports",
    response={201: ReportedReportOut, **OBJECT_RESPONSES},
    summary="Send a report of concern to social services",
)
def report_create(request: HttpRequest, payload: ReportIn) -> Status[ReportedReportOut]:
    """Name the child by ``personnummer``, or by ``concern`` (as its Barnkontakt). The report
    goes to the intake group of the child's municipality without consent. If the child is in
    immediate danger, call 112 first."""
    user = actor(request)
    if sees_no_children(user):
        raise not_found()
    concern = None
    if payload.concern is not None:
        concern = selectors.concern_by_public_id(payload.concern)
        if concern is None:
            raise not_found()
        child = concern.child
    elif payload.personnummer:
        child = services.child_by_personnummer(payload.personnummer)
    else:
        raise field_error("personnummer", _("Enter a personnummer."))
    report = services.report_register(
        actor=user,
        child=child,
        description=payload.description,
        immediate_danger=payload.immediate_danger,
        reporter_unit=_unit(payload.reporter_unit, "reporter_unit"),
        concern=concern,
    )
    return Status(201, reported_report(report))


@router.get(
    "/reports/mine",
    response={200: list[ReportedReportOut], **AUTH_RESPONSES},
    summary="My reports of concern",
)
def reports_mine(request: HttpRequest) -> list[ReportedReportOut]:
    """Your reports: status, whether an investigation was opened, and the feedback."""
    user = actor(request)
    reports = list(selectors.reports_by(user=user)[:LIST_LIMIT])
    services.log_reporting(
        user=user,
        children=[r.child for r in reports],
        what=What.REPORT,
        action=Action.LIST,
        ground=Ground.REPORTER,
        detail="api: my reports",
    )
    return [reported_report(r) for r in reports]


@router.get(
    "/reports/intake",
    response={200: list[IntakeReportOut], **AUTH_RESPONSES},
    summary="Reports of concern to my intake group",
)
def reports_intake(request: HttpRequest) -> list[IntakeReportOut]:
    user = actor(request)
    reports = list(selectors.reports_for_intake(user=user)[:LIST_LIMIT])
    shown = {
        c.pk
        for c in access_children_listed(
            user=user,
            children={r.child_id: r.child for r in reports}.values(),
            detail="api: intake",
        )
    }
    return [intake_report(r) for r in reports if r.child_id in shown]


@router.post(
    "/reports/{report_id}/receive",
    response={200: IntakeReportOut, **OBJECT_RESPONSES},
    summary="Record that the intake group has received a report",
)
def report_receive(request: HttpRequest, report_id: UUID) -> IntakeReportOut:
    user = actor(request)
    report = selectors.report_by_public_id(report_id)
    if report is None:
        raise not_found()
    return intake_report(services.report_receive(actor=user, report=report))


@router.post(
    "/reports/{report_id}/decision",
    response={200: IntakeReportOut, **OBJECT_RESPONSES},
    summary="Record whether an investigation is opened, with feedback to the reporter",
)
def report_decide(
    request: HttpRequest, report_id: UUID, payload: ReportDecisionIn
) -> IntakeReportOut:
    user = actor(request)
    report = selectors.report_by_public_id(report_id)
    if report is None:
        raise not_found()
    report = services.report_decide(
        actor=user,
        report=report,
        investigation_opened=payload.investigation_opened,
        feedback=payload.feedback,
    )
    return intake_report(report)


# --- Consultations (the group's side) ------------------------------------------------------


@router.get(
    "/consultations",
    response={200: list[ConsultationOut], **AUTH_RESPONSES},
    summary="Consultations asked of my units",
)
def consultations_list(request: HttpRequest) -> list[ConsultationOut]:
    """De-identified cases: text, age in years and advice. Nothing identifies the child."""
    user = actor(request)
    return [consultation_out(c) for c in selectors.consultations_for_group(user=user)[:LIST_LIMIT]]


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationOut, **OBJECT_RESPONSES},
    summary="One consultation",
)
def consultation_detail(request: HttpRequest, consultation_id: UUID) -> ConsultationOut:
    user = actor(request)
    consultation = selectors.consultation_by_public_id(consultation_id)
    if consultation is None or consultation.group_unit_id not in (
        selectors.consultation_group_units(user)
    ):
        raise not_found()
    return consultation_out(consultation)


@router.post(
    "/consultations/{consultation_id}/advice",
    response={200: ConsultationOut, **OBJECT_RESPONSES},
    summary="Give the group's advice",
)
def consultation_advice(
    request: HttpRequest, consultation_id: UUID, payload: AdviceIn
) -> ConsultationOut:
    user = actor(request)
    consultation = selectors.consultation_by_public_id(consultation_id)
    if consultation is None:
        raise not_found()
    consultation = services.consultation_advise(
        actor=user, consultation=consultation, advice=payload.advice
    )
    return consultation_out(consultation)
