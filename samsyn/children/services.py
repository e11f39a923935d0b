"""Use cases that change children, guardians, enrolments and Barnkontakt. One function each.

Every function that acts for a user checks the access policy and logs the access in the same
transaction (through :func:`samsyn.access.services.access_child`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.policy import Action, What, active_memberships, may_register_children
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.barnkontakt import derive_barnkontakt, derive_barnkontakt_all
from samsyn.children.identity import IdKind as ParsedKind
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import (
    AssignmentSource,
    BarnkontaktAssignment,
    Child,
    Enrolment,
    EnrolmentKind,
    Handover,
    HandoverStatus,
    IdKind,
)
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Role, Unit, UnitType


class ServiceError(Exception):
    """A use case refused, with a Swedish, user-facing message."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


_KIND_FOR_UNIT = {
    UnitType.BVC: EnrolmentKind.BVC,
    UnitType.PRESCHOOL: EnrolmentKind.PRESCHOOL,
    UnitType.SCHOOL: EnrolmentKind.SCHOOL,
    UnitType.UPPER_SECONDARY: EnrolmentKind.UPPER_SECONDARY,
    UnitType.ACTIVITY_RESPONSIBILITY: EnrolmentKind.ACTIVITY_RESPONSIBILITY,
    UnitType.CAMHS: EnrolmentKind.PATIENT,
    UnitType.PRIMARY_CARE: EnrolmentKind.PATIENT,
    UnitType.MATERNITY: EnrolmentKind.PATIENT,
    UnitType.SOCIAL_SERVICES: EnrolmentKind.CLIENT,
    UnitType.INTAKE: EnrolmentKind.CLIENT,
    UnitType.LEISURE_CENTRE: EnrolmentKind.PARTICIPANT,
}

# Enrolment kinds a child can only have one of at a time: starting one ends the others.
_EDUCATION_KINDS = {
    EnrolmentKind.BVC,
    EnrolmentKind.PRESCHOOL,
    EnrolmentKind.SCHOOL,
    EnrolmentKind.UPPER_SECONDARY,
    EnrolmentKind.ACTIVITY_RESPONSIBILITY,
}


def enrolment_kind_for_unit(unit: Unit) -> str:
    kind = _KIND_FOR_UNIT.get(UnitType(unit.unit_type))
    if kind is None:
        raise ServiceError(_("Children cannot be enrolled at %(unit)s.") % {"unit": unit.name})
    return kind


def _validate_grade(unit: Unit, kind: str, grade: int | None) -> None:
    if kind in (EnrolmentKind.SCHOOL, EnrolmentKind.UPPER_SECONDARY):
        if grade is None:
            raise ServiceError(_("Enter the grade."), field="grade")
        low = unit.lowest_grade if unit.lowest_grade is not None else 0
        high = unit.highest_grade if unit.highest_grade is not None else 9
        if not low <= grade <= high:
            raise ServiceError(
                _("%(unit)s has grades %(low)s–%(high)s.")
                % {"unit": unit.name, "low": low, "high": high},
                field="grade",
            )
    elif grade is not None:
        raise ServiceError(_("Only schools have grades."), field="grade")


@transaction.atomic
def child_create(
    *,
    personnummer: str,
    first_name: str,
    last_name: str,
    municipality_id: int,
    district_id: int | None = None,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    protected_identity: str = "none",
    allow_temporary: bool = True,
    today: dt.date | None = None,
) -> Child:
    """Create a child record (no access check: for imports and the operator's tools)."""
    parsed = parse_identity_number(
        personnummer, allow_temporary=allow_temporary, today=today or timezone.localdate()
    )
    if Child.objects.filter(personnummer=parsed.value).exists():
        raise ServiceError(
            _("A child with personnummer %(pnr)s already exists.") % {"pnr": parsed.formatted()},
            field="personnummer",
        )
    kind = {
        ParsedKind.PERSONNUMMER: IdKind.PERSONNUMMER,
        ParsedKind.SAMORDNINGSNUMMER: IdKind.SAMORDNINGSNUMMER,
        ParsedKind.TEMPORARY: IdKind.TEMPORARY,
    }[parsed.kind]
    if not first_name.strip() or not last_name.strip():
        raise ServiceError(_("Enter both first name and last name."), field="first_name")
    return Child.objects.create(
        personnummer=parsed.value,
        id_kind=kind,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=parsed.birth_date,
        municipality_id=municipality_id,
        district_id=district_id,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
        protected_identity=protected_identity,
    )


@transaction.atomic
def enrolment_start(
    *,
    child: Child,
    unit: Unit,
    start_date: dt.date,
    grade: int | None = None,
    contact_person: User | None = None,
    end_previous: bool = True,
    actor: User | None = None,
) -> Enrolment:
    """Enrol ``child`` at ``unit`` from ``start_date`` and bring the Barnkontakt up to date.

    With ``end_previous`` an education enrolment in force (BVC, preschool, school…) ends the day
    before, so moving a child from preschool to school is one call.
    """
    kind = enrolment_kind_for_unit(unit)
    _validate_grade(unit, kind, grade)
    if start_date < child.birth_date:
        raise ServiceError(_("The start date is before the child was born."), field="start_date")
    if end_previous and kind in _EDUCATION_KINDS:
        previous = (
            Enrolment.objects.select_for_update()
            .filter(child=child, kind__in=_EDUCATION_KINDS, start_date__lt=start_date)
            .exclude(end_date__lt=start_date)
        )
        for enrolment in previous:
            if enrolment.kind == EnrolmentKind.BVC and kind == EnrolmentKind.PRESCHOOL:
                continue  # BVC goes on beside preschool; it only stops being the contact.
            enrolment.end_date = start_date - dt.timedelta(days=1)
            enrolment.save(update_fields=["end_date"])
    enrolment = Enrolment.objects.create(
        child=child,
        unit=unit,
        kind=kind,
        grade=grade,
        start_date=start_date,
        contact_person=contact_person,
    )
    barnkontakt_refresh(child=child, actor=actor)
    return enrolment


@transaction.atomic
def enrolment_end(*, enrolment: Enrolment, end_date: dt.date, actor: User | None = None) -> None:
    if end_date < enrolment.start_date:
        raise ServiceError(_("The end date is before the start date."), field="end_date")
    enrolment.end_date = end_date
    enrolment.save(update_fields=["end_date"])
    barnkontakt_refresh(child=enrolment.child, actor=actor)


def _close_current(child: Child, now: dt.datetime) -> BarnkontaktAssignment | None:
    current = (
        BarnkontaktAssignment.objects.select_for_update()
        .filter(child=child, ended_at__isnull=True)
        .first()
    )
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    return current


@transaction.atomic
def barnkontakt_refresh(
    *, child: Child, actor: User | None = None, day: dt.date | None = None
) -> BarnkontaktAssignment | None:
    """Make the current assignment match the enrolments; hand over when it changes.

    An override set by hand holds while the child stays in the same life stage at the same unit.
    Returns the current assignment (``None`` only when no unit has anyone to be Barnkontakt).
    """
    today = day or timezone.localdate()
    derived = derive_barnkontakt(child, today)
    current = (
        BarnkontaktAssignment.objects.select_for_update()
        .filter(child=child, ended_at__isnull=True)
        .first()
    )
    if derived is None:
        return current
    if current is not None:
        same_place = current.life_stage == derived.life_stage and current.unit_id == derived.unit.pk
        if current.source == AssignmentSource.OVERRIDE and same_place:
            return current
        if (
            current.source == AssignmentSource.DERIVED
            and same_place
            and (current.user_id == derived.user.pk)
        ):
            return current
    now = timezone.now()
    previous = _close_current(child, now)
    assignment = BarnkontaktAssignment.objects.create(
        child=child,
        user=derived.user,
        unit=derived.unit,
        life_stage=derived.life_stage,
        source=AssignmentSource.DERIVED,
        started_at=now,
        created_by=actor,
    )
    if previous is not None and previous.user_id != assignment.user_id:
        Handover.objects.create(child=child, from_assignment=previous, to_assignment=assignment)
    return assignment


def barnkontakt_refresh_all(*, day: dt.date | None = None) -> int:
    """:func:`barnkontakt_refresh` for every child whose assignment the enrolments change.

    Derives all children in two queries and calls the per-child refresh only where something
    changes (a new stage or unit, another derived person, or no Barnkontakt yet). Returns the
    number of children refreshed.
    """
    today = day or timezone.localdate()
    derived = derive_barnkontakt_all(today)
    current = {
        child_id: (stage, unit_id, user_id, source)
        for child_id, stage, unit_id, user_id, source in BarnkontaktAssignment.objects.filter(
            ended_at__isnull=True
        ).values_list("child_id", "life_stage", "unit_id", "user_id", "source")
    }
    stale = []
    for child_id, (stage, unit_id, user_id) in derived.items():
        now = current.get(child_id)
        moved = now is None or now[0] != stage or now[1] != unit_id
        other_person = now is not None and now[3] == AssignmentSource.DERIVED and now[2] != user_id
        if moved or other_person:
            stale.append(child_id)
    for child in Child.objects.filter(pk__in=stale).order_by("pk"):
        barnkontakt_refresh(child=child, day=today)
    return len(stale)


@transaction.atomic
def barnkontakt_override(
    *, child: Child, user: User, reason: str, actor: User
) -> BarnkontaktAssignment:
    """Name a Barnkontakt by hand (e.g. the principal delegates to a deputy), with a reason."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give a reason for choosing another Barnkontakt."), field="reason")
    current = (
        BarnkontaktAssignment.objects.select_for_update()
        .filter(child=child, ended_at__isnull=True)
        .first()
    )
    if current is None:
        raise ServiceError(_("The child has no Barnkontakt to replace."))
    if current.user_id == user.pk:
        raise ServiceError(_("%(name)s is already the Barnkontakt.") % {"name": user}, field="user")
    eligible = (
        active_memberships(user)
        .filter(unit_id=current.unit_id)
        .exclude(role__in=[*NO_CHILD_DATA_ROLES, Role.LOG_REVIEWER])
    )
    if not user.is_active or not eligible.exists():
        raise ServiceError(
            _("The new Barnkontakt must work at %(unit)s.") % {"unit": current.unit.name},
            field="user",
        )
    now = timezone.now()
    previous = _close_current(child, now)
    assignment = BarnkontaktAssignment.objects.create(
        child=child,
        user=user,
        unit=current.unit,
        life_stage=current.life_stage,
        source=AssignmentSource.OVERRIDE,
        reason=reason,
        started_at=now,
        created_by=actor,
    )
    Handover.objects.create(child=child, from_assignment=previous, to_assignment=assignment)
    return assignment


@transaction.atomic
def handover_acknowledge(*, handover: Handover, actor: User, note: str = "") -> Handover:
    if handover.to_assignment.user_id != actor.pk:
        raise ServiceError(_("Only the new Barnkontakt can acknowledge the handover."))
    if handover.status == HandoverStatus.ACKNOWLEDGED:
        return handover
    handover.status = HandoverStatus.ACKNOWLEDGED
    handover.acknowledged_at = timezone.now()
    handover.note = note.strip()
    handover.save(update_fields=["status", "acknowledged_at", "note"])
    return handover


# --- Use cases performed by a signed-in user: decide, log and act in one transaction. ---


class NotFoundForUser(Exception):
    """The user may not see the object: callers answer 404 and never say more."""


def _require(decision_allowed: bool) -> None:
    if not decision_allowed:
        raise NotFoundForUser()


def child_register(
    *,
    actor: User,
    unit: Unit,
    personnummer: str,
    first_name: str,
    last_name: str,
    start_date: dt.date,
    grade: int | None = None,
    protected_identity: str = "none",
) -> Child:
    """Register a new child at the actor's own unit (e.g. a newborn at BVC, a pupil who moves in).

    A child who is already registered is not taken over this way: typing a personnummer must not
    give anyone access to a child or end the child's place elsewhere. An existing child the actor
    already sees gets the new enrolment; any other existing child is refused, and the move is
    registered by the child's Barnkontakt or current principal (:func:`child_transfer`).
    """
    if unit.pk not in {m.unit_id for m in may_register_children(actor)}:
        raise ServiceError(_("You cannot register children at this unit."), field="unit")
    parsed = parse_identity_number(personnummer, allow_temporary=True, today=timezone.localdate())
    existing = Child.objects.filter(personnummer=parsed.value).first()
    if existing is not None:
        decision = access_child(
            user=actor, child=existing, what=What.ENROLMENTS, action=Action.CHANGE
        )
        if not decision.allowed:
            raise ServiceError(
                _(
                    "This child is already registered in Samsyn. A move to your unit is "
                    "registered by the child's Barnkontakt or current principal."
                ),
                field="personnummer",
            )
        with transaction.atomic():
            enrolment_start(
                child=existing, unit=unit, start_date=start_date, grade=grade, actor=actor
            )
        return existing
    with transaction.atomic():
        child = child_create(
            personnummer=parsed.value,
            first_name=first_name,
            last_name=last_name,
            municipality_id=unit.municipality_id,
            district_id=unit.district_id,
            protected_identity=protected_identity,
        )
        enrolment_start(child=child, unit=unit, start_date=start_date, grade=grade, actor=actor)
        decision = access_child(user=actor, child=child, what=What.ENROLMENTS, action=Action.CREATE)
        _require(decision.allowed)
    return child


# In the functions below the decision is made and logged *before* the change's own atomic block:
# a refusal raises NotFoundForUser, and the refusal's log row must stay in the request's
# transaction instead of being rolled back with the change.


def child_transfer(
    *,
    actor: User,
    child: Child,
    unit: Unit,
    start_date: dt.date,
    grade: int | None = None,
) -> Enrolment:
    """Move a child to a new unit (preschool → school, school → upper secondary …).

    Allowed for the child's Barnkontakt and the leads of the child's current unit. The
    Barnkontakt follows the enrolment, and a handover item is made for the new one.
    """
    decision = access_child(user=actor, child=child, what=What.ENROLMENTS, action=Action.CHANGE)
    _require(decision.allowed)
    with transaction.atomic():
        return enrolment_start(
            child=child, unit=unit, start_date=start_date, grade=grade, actor=actor
        )


def barnkontakt_set_by_hand(
    *, actor: User, child: Child, user: User, reason: str
) -> BarnkontaktAssignment:
    decision = access_child(user=actor, child=child, what=What.BARNKONTAKT, action=Action.CHANGE)
    _require(decision.allowed)
    with transaction.atomic():
        return barnkontakt_override(child=child, user=user, reason=reason, actor=actor)


def handover_acknowledge_by(*, actor: User, handover: Handover, note: str = "") -> Handover:
    decision = access_child(
        user=actor, child=handover.child, what=What.HANDOVER, action=Action.CHANGE
    )
    _require(decision.allowed and handover.to_assignment.user_id == actor.pk)
    with transaction.atomic():
        return handover_acknowledge(handover=handover, actor=actor, note=note)
