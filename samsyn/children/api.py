"""``/api/v1/children`` and ``/api/v1/handovers``: thin routes over the access services,
the children's services and selectors — the same door the HTML views use.

Each route first finds the object named in the URL, then asks
:func:`samsyn.access.services.access_child` (which decides *and* logs), and answers 404 —
exactly as for an object that does not exist — when the policy refuses. Refused attempts are
logged too: the 404 is an ordinary response, so the request's transaction commits the log row.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from samsyn.access.policy import Action, What
from samsyn.access.services import access_child, access_children_listed
from samsyn.accounts.models import User
from samsyn.api_common import (
    AUTH_RESPONSES,
    OBJECT_RESPONSES,
    PageParams,
    ValidationErrorOut,
    actor,
    field_error,
    not_found,
    paginate,
)
from samsyn.children import selectors, services
from samsyn.children.api_helpers import (
    active_user_by_username,
    child_by_public_id,
    handover_by_id,
    unit_by_public_id,
)
from samsyn.children.models import Child
from samsyn.children.schemas import (
    AddressOut,
    BarnkontaktHistoryOut,
    BarnkontaktOut,
    BarnkontaktSetIn,
    ChildDetail,
    ChildPage,
    ChildRegisterIn,
    ChildSummary,
    ChildTransferIn,
    EnrolmentOut,
    HandoverAcknowledgeIn,
    HandoverOut,
    MyChildrenPage,
    barnkontakt_out,
    child_summary,
    enrolment_out,
    guardian_out,
    handover_out,
    my_child,
)

router = Router()
handovers_router = Router()


class SearchParams(Schema):
    q: str = NinjaField(
        default="",
        max_length=100,
        description="A personnummer, or the start of a first and/or last name.",
    )
    page: int = NinjaField(default=1, ge=1)


def _visible_child(user: User, child_id: UUID, what: What, action: Action) -> Child:
    """The child named in the URL, if ``user`` may do ``action`` on ``what`` (logged); else 404."""
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    if not access_child(user=user, child=child, what=what, action=action).allowed:
        raise not_found()
    return child


def _refuse_unless_allowed(user: User, child: Child, what: What, action: Action) -> None:
    """Before telling the user that their input is wrong, make sure they may act at all, so
    that a 422 never reveals a child the user may not see."""
    if not access_child(user=user, child=child, what=what, action=action).allowed:
        raise not_found()


@router.get(
    "",
    response={200: ChildPage, **AUTH_RESPONSES, 422: ValidationErrorOut},
    summary="Search children",
)
def children_search(request: HttpRequest, params: Query[SearchParams]) -> ChildPage:
    """Children you may see whose personnummer or name matches ``q``; an empty ``q`` finds
    nobody. A child with protected identity is found only by the full personnummer (or by
    their Barnkontakt). Every child in the answer is logged as shown to you."""
    user = actor(request)
    found = selectors.children_search(user=user, query=params.q).order_by(
        "last_name", "first_name", "pk"
    )
    items, meta = paginate(request, found, params.page)
    shown = access_children_listed(user=user, children=items, detail="api: search")
    return ChildPage(**meta, items=[child_summary(c) for c in shown])


@router.get(
    "/mine",
    response={200: MyChildrenPage, **AUTH_RESPONSES, 422: ValidationErrorOut},
    summary="My children (where I am Barnkontakt)",
)
def children_mine(request: HttpRequest, params: Query[PageParams]) -> MyChildrenPage:
    """Children whose Barnkontakt you are, those with a handover waiting for you first, with
    the handovers waiting for the children on this page."""
    user = actor(request)
    items, meta = paginate(request, selectors.my_children(user=user), params.page)
    shown = access_children_listed(user=user, children=items, detail="api: my children")
    waiting = selectors.handovers_waiting(user=user)
    handovers = list(waiting.filter(child__in=[c.pk for c in shown])) if shown else []
    return MyChildrenPage(
        **meta,
        items=[my_child(c) for c in shown],
        handovers=[handover_out(h) for h in handovers],
        handovers_waiting=waiting.count(),
    )


@router.post(
    "",
    response={201: ChildSummary, **OBJECT_RESPONSES},
    summary="Register a child at your unit",
)
def child_register(request: HttpRequest, payload: ChildRegisterIn) -> Status[ChildSummary]:
    """Register a child (a new pupil, a newborn at BVC …) at a unit where you may register
    children (see ``may_register_at`` in ``/me``), and enrol them from ``start_date``. The
    child's Barnkontakt follows from the enrolment."""
    user = actor(request)
    unit = unit_by_public_id(payload.unit)
    if unit is None:
        raise field_error("unit", _("You cannot register children at this unit."))
    child = services.child_register(
        actor=user,
        unit=unit,
        personnummer=payload.personnummer,
        first_name=payload.first_name,
        last_name=payload.last_name,
        start_date=payload.start_date,
        grade=payload.grade,
        protected_identity=payload.protected_identity,
    )
    if not access_child(user=user, child=child, what=What.IDENTITY, action=Action.VIEW).allowed:
        raise not_found()
    return Status(201, child_summary(child))


@router.get(
    "/{child_id}",
    response={200: ChildDetail, **OBJECT_RESPONSES},
    summary="One child",
)
def child_detail(request: HttpRequest, child_id: UUID) -> ChildDetail:
    """The child's identity, with the guardians, address, enrolments and Barnkontakt that you
    may see (each part asked of the access policy and logged on its own). A part you may not
    see is ``null``; a child with protected identity never has an address here."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    identity = access_child(user=user, child=child, what=What.IDENTITY, action=Action.VIEW)
    if not identity.allowed:
        raise not_found()

    guardianships = None
    show_contact = False
    if not child.is_protected:
        # The policy never shows a protected child's address; not asking keeps refusals that
        # nobody attempted out of the log review.
        show_contact = access_child(
            user=user, child=child, what=What.ADDRESS, action=Action.VIEW
        ).allowed
    if access_child(user=user, child=child, what=What.GUARDIANS, action=Action.VIEW).allowed:
        guardianships = list(selectors.child_guardianships(child=child))

    enrolments = None
    if access_child(user=user, child=child, what=What.ENROLMENTS, action=Action.VIEW).allowed:
        enrolments = [
            enrolment_out(e, hide_unit=child.is_protected)
            for e in selectors.child_enrolments_for(user=user, child=child)
        ]

    barnkontakt = None
    if access_child(user=user, child=child, what=What.BARNKONTAKT, action=Action.VIEW).allowed:
        current = selectors.child_current_barnkontakt(child=child)
        barnkontakt = (
            barnkontakt_out(current, hide_unit=child.is_protected) if current is not None else None
        )

    return ChildDetail(
        **child_summary(child).model_dump(),
        ground=identity.ground,
        address=AddressOut(
            street_address=child.street_address,
            postal_code=child.postal_code,
            city=child.city,
        )
        if show_contact
        else None,
        guardians=[guardian_out(g, with_contact=show_contact) for g in guardianships]
        if guardianships is not None
        else None,
        enrolments=enrolments,
        barnkontakt=barnkontakt,
    )


@router.get(
    "/{child_id}/barnkontakt",
    response={200: BarnkontaktHistoryOut, **OBJECT_RESPONSES},
    summary="The child's Barnkontakt and its history",
)
def child_barnkontakt(request: HttpRequest, child_id: UUID) -> BarnkontaktHistoryOut:
    user = actor(request)
    child = _visible_child(user, child_id, What.BARNKONTAKT, Action.VIEW)
    history = [
        barnkontakt_out(a, hide_unit=child.is_protected)
        for a in selectors.child_barnkontakt_history(child=child)
    ]
    current = next((a for a in history if a.ended_at is None), None)
    return BarnkontaktHistoryOut(current=current, history=history)


@router.post(
    "/{child_id}/barnkontakt",
    response={200: BarnkontaktOut, **OBJECT_RESPONSES},
    summary="Name another Barnkontakt by hand",
)
def child_barnkontakt_set(
    request: HttpRequest, child_id: UUID, payload: BarnkontaktSetIn
) -> BarnkontaktOut:
    """Name another member of staff at the same unit as the child's Barnkontakt (e.g. the
    principal delegates to a deputy), with a reason. A handover is made for them."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    new_contact = active_user_by_username(payload.user)
    if new_contact is None:
        _refuse_unless_allowed(user, child, What.BARNKONTAKT, Action.CHANGE)
        raise field_error("user", _("There is no active user %(name)s.") % {"name": payload.user})
    assignment = services.barnkontakt_set_by_hand(
        actor=user, child=child, user=new_contact, reason=payload.reason
    )
    return barnkontakt_out(assignment, hide_unit=child.is_protected)


@router.post(
    "/{child_id}/transfer",
    response={200: EnrolmentOut, **OBJECT_RESPONSES},
    summary="Move the child to another unit",
)
def child_transfer(request: HttpRequest, child_id: UUID, payload: ChildTransferIn) -> EnrolmentOut:
    """Enrol the child at another unit from ``start_date`` (preschool → school, school →
    upper secondary …); the enrolment before it ends the day before. The Barnkontakt follows
    the enrolment, and a handover is made for the new Barnkontakt. For the child's Barnkontakt
    and the leads of the child's unit."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    unit = unit_by_public_id(payload.unit)
    if unit is None:
        _refuse_unless_allowed(user, child, What.ENROLMENTS, Action.CHANGE)
        raise field_error("unit", _("There is no such unit."))
    enrolment = services.child_transfer(
        actor=user, child=child, unit=unit, start_date=payload.start_date, grade=payload.grade
    )
    return enrolment_out(enrolment, hide_unit=child.is_protected)


@handovers_router.post(
    "/{handover_id}/acknowledge",
    response={200: HandoverOut, **OBJECT_RESPONSES},
    summary="Acknowledge a handover",
)
def handover_acknowledge(
    request: HttpRequest, handover_id: int, payload: HandoverAcknowledgeIn | None = None
) -> HandoverOut:
    """Acknowledge a handover made for you as the child's new Barnkontakt, with an optional
    note. Acknowledging twice changes nothing."""
    user = actor(request)
    handover = handover_by_id(handover_id)
    if handover is None:
        raise not_found()
    note = payload.note if payload is not None else ""
    handover = services.handover_acknowledge_by(actor=user, handover=handover, note=note)
    return handover_out(handover)
