"""``/api/v1/children/{child_id}/consents`` and ``/api/v1/consents/{id}``: thin routes over the
consent services and selectors. Every route decides and logs ``What.CONSENT`` through
:func:`samsyn.access.services.access_child`; a refusal is a 404 exactly like a missing object."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child
from samsyn.api_common import OBJECT_RESPONSES, actor, field_error, not_found
from samsyn.children.api_helpers import child_by_public_id
from samsyn.children.models import Guardian
from samsyn.consent import selectors, services
from samsyn.consent.models import Consent
from samsyn.organisations.models import Unit

router = Router()


class ConsentUnitOut(Schema):
    public_id: UUID
    name: str
    agency: str


class GuardianAnswerOut(Schema):
    guardian: UUID
    name: str
    decision: str = Field(description="pending, given or refused")
    how_given: str
    decided_at: dt.datetime | None


class ConsentOut(Schema):
    id: UUID
    child: UUID
    purpose: str
    state: str = Field(description="pending, in_force, not_yet, expired or withdrawn")
    units: list[ConsentUnitOut]
    categories: list[str]
    valid_from: dt.date
    valid_to: dt.date
    how_given: str
    child_view: str
    child_view_note: str
    child_age: int
    documented_by: str
    documented_at: dt.datetime
    guardians: list[GuardianAnswerOut]
    withdrawn_at: dt.datetime | None
    withdrawal_note: str


class ConsentIn(Schema):
    purpose: Literal["barnteam", "plan"]
    units: list[UUID] = Field(description="public ids of the units that may share")
    categories: list[str] = Field(description="secrecy domains whose information may be shared")
    valid_from: dt.date
    valid_to: dt.date
    how_given: Literal["written", "oral", "digital"]
    child_view: Literal["agrees", "disagrees", "mixed", "not_asked"] = "not_asked"
    child_view_note: str = Field(default="", max_length=4000)
    given_by: list[UUID] = Field(
        default_factory=list, description="public ids of the guardians who gave consent now"
    )


class GuardianAnswerIn(Schema):
    guardian: UUID
    decision: Literal["given", "refused"]
    how_given: Literal["written", "oral", "digital"]


class WithdrawIn(Schema):
    note: str = Field(max_length=2000, description="who withdrew the consent, and how")


def consent_out(consent: Consent) -> ConsentOut:
    units = sorted(consent.units.all(), key=lambda u: u.name)
    protected = consent.child.is_protected
    return ConsentOut(
        id=consent.public_id,
        child=consent.child.public_id,
        purpose=consent.purpose,
        state=selectors.consent_state(consent).value,
        units=[
            ConsentUnitOut(
                public_id=u.public_id, name="" if protected else u.name, agency=u.agency.name
            )
            for u in units
        ],
        categories=list(consent.categories),
        valid_from=consent.valid_from,
        valid_to=consent.valid_to,
        how_given=consent.how_given,
        child_view=consent.child_view,
        child_view_note=consent.child_view_note,
        child_age=consent.child_age,
        documented_by=str(consent.documented_by),
        documented_at=consent.documented_at,
        guardians=[
            GuardianAnswerOut(
                guardian=g.guardian.public_id,
                name=g.guardian.full_name,
                decision=g.decision,
                how_given=g.how_given,
                decided_at=g.decided_at,
            )
            for g in consent.guardians.all()
        ],
        withdrawn_at=consent.withdrawn_at,
        withdrawal_note=consent.withdrawal_note,
    )


def _consent(request: HttpRequest, consent_id: UUID, action: Action) -> Consent:
    consent = selectors.consent_by_public_id(consent_id)
    if consent is None:
        raise not_found()
    if not access_child(user=actor(request), child=consent.child, what=What.CONSENT, action=action):
        raise not_found()
    return consent


@router.get(
    "/children/{child_id}/consents",
    response={200: list[ConsentOut], **OBJECT_RESPONSES},
    summary="The child's consents",
)
def consents_list(request: HttpRequest, child_id: UUID) -> list[ConsentOut]:
    """Every consent recorded for the child, latest first, with its state."""
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    if not access_child(user=actor(request), child=child, what=What.CONSENT, action=Action.VIEW):
        raise not_found()
    return [consent_out(c) for c in selectors.child_consents(child=child)]


@router.post(
    "/children/{child_id}/consents",
    response={201: ConsentOut, **OBJECT_RESPONSES},
    summary="Record a consent",
)
def consent_create(request: HttpRequest, child_id: UUID, payload: ConsentIn) -> Status[ConsentOut]:
    """Document the guardians' consent for a purpose (the child's Barnkontakt). Guardians with
    custody not in ``given_by`` are recorded as pending; the consent is in force when all of
    them have given it."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    units = list(Unit.objects.filter(public_id__in=payload.units))
    if len(units) != len(set(payload.units)):
        # Check the user may act at all before saying anything about the input.
        if not access_child(user=user, child=child, what=What.CONSENT, action=Action.CREATE):
            raise not_found()
        raise field_error("units", _("Choose at least one unit that may share information."))
    guardians = list(Guardian.objects.filter(public_id__in=payload.given_by))
    if len(guardians) != len(set(payload.given_by)):
        if not access_child(user=user, child=child, what=What.CONSENT, action=Action.CREATE):
            raise not_found()
        raise field_error("given_by", _("Only the child's guardians can give consent."))
    consent = services.consent_record(
        actor=user,
        child=child,
        purpose=payload.purpose,
        units=units,
        categories=payload.categories,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        how_given=payload.how_given,
        child_view=payload.child_view,
        child_view_note=payload.child_view_note,
        given_by=guardians,
    )
    fresh = selectors.consent_by_public_id(consent.public_id)
    assert fresh is not None
    return Status(201, consent_out(fresh))


@router.get(
    "/consents/{consent_id}", response={200: ConsentOut, **OBJECT_RESPONSES}, summary="A consent"
)
def consent_get(request: HttpRequest, consent_id: UUID) -> ConsentOut:
    return consent_out(_consent(request, consent_id, Action.VIEW))


@router.post(
    "/consents/{consent_id}/answers",
    response={200: ConsentOut, **OBJECT_RESPONSES},
    summary="Record a guardian's answer",
)
def consent_answer(request: HttpRequest, consent_id: UUID, payload: GuardianAnswerIn) -> ConsentOut:
    """Record a pending guardian's answer: given or refused."""
    consent = _consent(request, consent_id, Action.CHANGE)
    guardian = Guardian.objects.filter(public_id=payload.guardian).first()
    if guardian is None:
        raise field_error("guardian", _("Only the child's guardians can give consent."))
    services.consent_guardian_decide(
        actor=actor(request),
        consent=consent,
        guardian=guardian,
        decision=payload.decision,
        how_given=payload.how_given,
    )
    fresh = selectors.consent_by_public_id(consent.public_id)
    assert fresh is not None
    return consent_out(fresh)


@router.post(
    "/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **OBJECT_RESPONSES},
    summary="Withdraw a consent",
)
def consent_withdraw(request: HttpRequest, consent_id: UUID, payload: WithdrawIn) -> ConsentOut:
    """Withdraw the consent. It takes effect at once: team members from other secrecy domains
    lose access on their next request."""
    consent = _consent(request, consent_id, Action.CHANGE)
    services.consent_withdraw(actor=actor(request), consent=consent, note=payload.note)
    fresh = selectors.consent_by_public_id(consent.public_id)
    assert fresh is not None
    return consent_out(fresh)
