"""API schemas for children, guardians, enrolments, Barnkontakt and handovers.

Children are named by ``public_id`` (a UUID), never by the database id. A part of a child's
information the user may not see is ``null`` (for example ``address`` of a child with protected
identity), so a client can tell "not shown" from "empty".
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from samsyn.children.identity import format_identity_number
from samsyn.children.models import (
    BarnkontaktAssignment,
    Child,
    Enrolment,
    Guardianship,
    Handover,
)
from samsyn.organisations.schemas import StaffRef, UnitRef, staff_ref, unit_ref

ProtectedIdentityValue = Literal["none", "sekretessmarkering", "skyddad_folkbokforing"]


class ChildSummary(Schema):
    public_id: UUID
    first_name: str
    last_name: str
    personnummer: str = Field(description="Written as YYYYMMDD-NNNN.")
    id_kind: str = Field(description="personnummer, samordningsnummer or temporary.")
    birth_date: dt.date
    protected_identity: ProtectedIdentityValue


class ChildPage(Schema):
    count: int
    page: int
    next: str | None
    previous: str | None
    items: list[ChildSummary]


class MyChild(ChildSummary):
    has_open_handover: bool


class ChildRef(Schema):
    public_id: UUID
    name: str


class BarnkontaktOut(Schema):
    user: StaffRef
    unit: UnitRef | None = Field(description="null for a child with protected identity.")
    life_stage: str
    source: str = Field(description="derived (from the enrolment) or override (set by hand).")
    reason: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    set_by: StaffRef | None


class HandoverOut(Schema):
    id: int
    child: ChildRef
    status: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    note: str
    from_barnkontakt: StaffRef | None
    from_unit: UnitRef | None
    to_unit: UnitRef | None = Field(description="null for a child with protected identity.")


class MyChildrenPage(Schema):
    count: int
    page: int
    next: str | None
    previous: str | None
    items: list[MyChild]
    handovers: list[HandoverOut] = Field(
        description="Handovers waiting for you for the children on this page."
    )
    handovers_waiting: int = Field(description="All handovers waiting for you.")


class AddressOut(Schema):
    street_address: str
    postal_code: str
    city: str


class GuardianContactOut(AddressOut):
    phone: str
    email: str


class GuardianOut(Schema):
    public_id: UUID
    first_name: str
    last_name: str
    personnummer: str
    custody: str
    lives_with: bool
    contact: GuardianContactOut | None = Field(
        description="Address and contact details, when you may see them."
    )


class EnrolmentOut(Schema):
    unit: UnitRef | None = Field(description="null for a child with protected identity.")
    kind: str
    grade: int | None
    start_date: dt.date
    end_date: dt.date | None


class ChildDetail(ChildSummary):
    ground: str = Field(description="Why you may see the child: named_contact, own_unit, …")
    address: AddressOut | None
    guardians: list[GuardianOut] | None
    enrolments: list[EnrolmentOut] | None
    barnkontakt: BarnkontaktOut | None


class BarnkontaktHistoryOut(Schema):
    current: BarnkontaktOut | None
    history: list[BarnkontaktOut]


class ChildRegisterIn(Schema):
    personnummer: str = Field(max_length=20, examples=["20150412-1234"])
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    unit: UUID = Field(description="public_id of a unit where you may register children.")
    start_date: dt.date
    grade: int | None = Field(default=None, ge=0, le=10)
    protected_identity: ProtectedIdentityValue = "none"


class ChildTransferIn(Schema):
    unit: UUID = Field(description="public_id of the unit the child moves to.")
    start_date: dt.date
    grade: int | None = Field(default=None, ge=0, le=10)


class BarnkontaktSetIn(Schema):
    user: str = Field(max_length=150, description="Username of the new Barnkontakt.")
    reason: str = Field(max_length=2000)


class HandoverAcknowledgeIn(Schema):
    note: str = Field(default="", max_length=2000)


# --- Building the schemas from models (no queries beyond what the caller selected) ---


def child_summary(child: Child) -> ChildSummary:
    return ChildSummary(
        public_id=child.public_id,
        first_name=child.first_name,
        last_name=child.last_name,
        personnummer=child.personnummer_formatted,
        id_kind=child.id_kind,
        birth_date=child.birth_date,
        protected_identity=child.protected_identity,  # type: ignore[arg-type]
    )


def my_child(child: Child) -> MyChild:
    return MyChild(
        **child_summary(child).model_dump(),
        has_open_handover=bool(getattr(child, "has_open_handover", False)),
    )


def barnkontakt_out(assignment: BarnkontaktAssignment, *, hide_unit: bool) -> BarnkontaktOut:
    """``hide_unit`` for a child with protected identity: the unit says where the child is."""
    return BarnkontaktOut(
        user=staff_ref(assignment.user),
        unit=None if hide_unit else unit_ref(assignment.unit),
        life_stage=assignment.life_stage,
        source=assignment.source,
        reason=assignment.reason,
        started_at=assignment.started_at,
        ended_at=assignment.ended_at,
        set_by=staff_ref(assignment.created_by) if assignment.created_by is not None else None,
    )


def handover_out(handover: Handover) -> HandoverOut:
    previous = handover.from_assignment
    hide_unit = handover.child.is_protected
    return HandoverOut(
        id=handover.pk,
        child=ChildRef(public_id=handover.child.public_id, name=handover.child.full_name),
        status=handover.status,
        created_at=handover.created_at,
        acknowledged_at=handover.acknowledged_at,
        note=handover.note,
        from_barnkontakt=staff_ref(previous.user) if previous is not None else None,
        from_unit=unit_ref(previous.unit) if previous is not None and not hide_unit else None,
        to_unit=None if hide_unit else unit_ref(handover.to_assignment.unit),
    )


def enrolment_out(enrolment: Enrolment, *, hide_unit: bool) -> EnrolmentOut:
    return EnrolmentOut(
        unit=None if hide_unit else unit_ref(enrolment.unit),
        kind=enrolment.kind,
        grade=enrolment.grade,
        start_date=enrolment.start_date,
        end_date=enrolment.end_date,
    )


def guardian_out(guardianship: Guardianship, *, with_contact: bool) -> GuardianOut:
    guardian = guardianship.guardian
    return GuardianOut(
        public_id=guardian.public_id,
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        personnummer=format_identity_number(guardian.personnummer),
        custody=guardianship.custody,
        lives_with=guardianship.lives_with,
        contact=GuardianContactOut(
            street_address=guardian.street_address,
            postal_code=guardian.postal_code,
            city=guardian.city,
            phone=guardian.phone,
            email=guardian.email,
        )
        if with_contact
        else None,
    )
