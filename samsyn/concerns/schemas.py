"""API schemas of concerns, triage, reports of concern and consultations.

The reporter's schemas carry the child's name and the status only, never the child's records;
the consultation group's schemas carry nothing that identifies the child (no child, no concern).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from samsyn.concerns.models import Concern, Consultation, ReportOfConcern, Triage

IndicatorValue = Literal[
    "safe", "healthy", "achieving", "nurtured", "active", "respected", "responsible", "included"
]
UrgencyValue = Literal["normal", "urgent"]
DecisionValue = Literal["no_action", "own_agency", "consultation", "barnteam", "report"]
ConcernStatusValue = Literal["received", "triaged"]
ReportStatusValue = Literal["sent", "received", "decided"]


class ChildLookupIn(Schema):
    personnummer: str = Field(max_length=20, description="The child's whole personnummer.")


class ChildConfirmOut(Schema):
    """Only what is needed to confirm the right child."""

    first_name: str
    last_name: str
    birth_year: int


class ConcernIn(Schema):
    personnummer: str = Field(max_length=20)
    observed: str = Field(min_length=1, max_length=5000)
    indicators: list[IndicatorValue] = Field(min_length=1)
    urgency: UrgencyValue = "normal"
    reporter_unit: UUID | None = Field(
        default=None, description="One of your units; may be left out if you have only one."
    )


class ReportedConcernOut(Schema):
    """What the reporter sees of their own concern: the child's name, the date, the status."""

    id: UUID
    child_name: str
    created_at: dt.datetime
    status: ConcernStatusValue
    answered_at: dt.datetime | None


class ConcernSummary(Schema):
    id: UUID
    child_id: UUID
    child_name: str
    created_at: dt.datetime
    urgency: UrgencyValue
    indicators: list[IndicatorValue]
    respond_by: dt.date
    overdue: bool
    status: ConcernStatusValue


class WorklistOut(Schema):
    to_answer: list[ConcernSummary]
    overdue_at_my_units: list[ConcernSummary]


class TriageIn(Schema):
    in_the_way: str = Field(min_length=1, max_length=5000)
    information: str = Field(min_length=1, max_length=5000)
    i_can_do: str = Field(min_length=1, max_length=5000)
    agency_can_do: str = Field(min_length=1, max_length=5000)
    help_needed: str = Field(min_length=1, max_length=5000)
    decision: DecisionValue


class TriageOut(Schema):
    in_the_way: str
    information: str
    i_can_do: str
    agency_can_do: str
    help_needed: str
    decision: DecisionValue
    decided_at: dt.datetime


class ConsultationOut(Schema):
    """A consultation as the consultation group sees it: nothing that identifies the child."""

    id: UUID
    group: str
    age_years: int
    text: str
    created_at: dt.datetime
    advice: str
    advice_at: dt.datetime | None


class ConcernDetail(ConcernSummary):
    observed: str
    reporter: str
    triage: TriageOut | None
    consultations: list[ConsultationOut]


class ReportIn(Schema):
    personnummer: str | None = Field(default=None, max_length=20)
    concern: UUID | None = Field(default=None, description="The concern the report follows.")
    description: str = Field(min_length=1, max_length=10000)
    immediate_danger: bool = False
    reporter_unit: UUID | None = None


class ReportedReportOut(Schema):
    """What the reporter sees of their own report: status and feedback."""

    id: UUID
    child_name: str
    created_at: dt.datetime
    status: ReportStatusValue
    investigation_opened: bool | None
    feedback: str


class IntakeReportOut(Schema):
    id: UUID
    child_id: UUID
    child_name: str
    personnummer: str
    created_at: dt.datetime
    immediate_danger: bool
    description: str
    reporter: str
    status: ReportStatusValue
    received_at: dt.datetime | None
    investigation_opened: bool | None
    feedback: str


class ReportDecisionIn(Schema):
    investigation_opened: bool
    feedback: str = Field(min_length=1, max_length=5000)


class ConsultationIn(Schema):
    group_unit: UUID
    text: str = Field(min_length=1, max_length=10000)
    flagged_names: str = Field(default="", max_length=1000, description="Comma-separated.")


class AdviceIn(Schema):
    advice: str = Field(min_length=1, max_length=10000)


def reported_concern(c: Concern) -> ReportedConcernOut:
    return ReportedConcernOut(
        id=c.public_id,
        child_name=c.child.full_name,
        created_at=c.created_at,
        status=c.status,  # type: ignore[arg-type]
        answered_at=c.answered_at,
    )


def concern_summary(c: Concern, today: dt.date) -> ConcernSummary:
    return ConcernSummary(
        id=c.public_id,
        child_id=c.child.public_id,
        child_name=c.child.full_name,
        created_at=c.created_at,
        urgency=c.urgency,  # type: ignore[arg-type]
        indicators=[i.indicator for i in c.indicators.all()],  # type: ignore[misc]
        respond_by=c.respond_by,
        overdue=c.status == "received" and c.respond_by < today,
        status=c.status,  # type: ignore[arg-type]
    )


def triage_out(t: Triage) -> TriageOut:
    return TriageOut(
        in_the_way=t.in_the_way,
        information=t.information,
        i_can_do=t.i_can_do,
        agency_can_do=t.agency_can_do,
        help_needed=t.help_needed,
        decision=t.decision,  # type: ignore[arg-type]
        decided_at=t.decided_at,
    )


def consultation_out(c: Consultation) -> ConsultationOut:
    return ConsultationOut(
        id=c.public_id,
        group=c.group_unit.name,
        age_years=c.age_years,
        text=c.text,
        created_at=c.created_at,
        advice=c.advice,
        advice_at=c.advice_at,
    )


def reported_report(r: ReportOfConcern) -> ReportedReportOut:
    return ReportedReportOut(
        id=r.public_id,
        child_name=r.child.full_name,
        created_at=r.created_at,
        status=r.status,  # type: ignore[arg-type]
        investigation_opened=r.investigation_opened,
        feedback=r.feedback,
    )


def intake_report(r: ReportOfConcern) -> IntakeReportOut:
    return IntakeReportOut(
        id=r.public_id,
        child_id=r.child.public_id,
        child_name=r.child.full_name,
        personnummer=r.child.personnummer_formatted,
        created_at=r.created_at,
        immediate_danger=r.immediate_danger,
        description=r.description,
        reporter=str(r.reporter),
        status=r.status,  # type: ignore[arg-type]
        received_at=r.received_at,
        investigation_opened=r.investigation_opened,
        feedback=r.feedback,
    )
