"""Deriving a child's life stage and Barnkontakt from enrolments.

The rule (Backa barnet / Tillsammans för varje barn): the BVC nurse until the child starts
preschool, the preschool's principal until school, the school's principal until the child leaves
school; a young person of 16–19 outside upper secondary school has the municipality's activity
responsibility (KAA) coordinator. The most advanced education enrolment in force wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from samsyn.accounts.models import User
from samsyn.children.models import Child, Enrolment, EnrolmentKind, LifeStage
from samsyn.organisations.models import Membership, Role, Unit

# Most advanced first.
_STAGE_ORDER: list[tuple[str, str, tuple[str, ...]]] = [
    (EnrolmentKind.UPPER_SECONDARY, LifeStage.UPPER_SECONDARY, (Role.PRINCIPAL,)),
    (EnrolmentKind.SCHOOL, LifeStage.SCHOOL, (Role.PRINCIPAL,)),
    (EnrolmentKind.ACTIVITY_RESPONSIBILITY, LifeStage.OUT_OF_SCHOOL, (Role.ACTIVITY_COORDINATOR,)),
    (EnrolmentKind.PRESCHOOL, LifeStage.PRESCHOOL, (Role.PRINCIPAL,)),
    (EnrolmentKind.BVC, LifeStage.BVC, (Role.BVC_NURSE, Role.MIDWIFE)),
]


@dataclass(frozen=True)
class Derived:
    life_stage: str
    unit: Unit
    user: User


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def unit_contact(unit: Unit, roles: tuple[str, ...], day: dt.date) -> User | None:
    """The person in ``roles`` at ``unit`` on ``day``: the longest-serving, then lowest id."""
    membership = (
        Membership.objects.filter(
            Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)),
            unit=unit,
            role__in=roles,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("valid_from", "id")
        .first()
    )
    return membership.user if membership else None


def derive_barnkontakt(child: Child, day: dt.date) -> Derived | None:
    """The life stage and Barnkontakt that the child's enrolments give on ``day``."""
    enrolments = list(
        Enrolment.objects.filter(
            _active_on(day),
            child=child,
            kind__in=[kind for kind, _stage, _roles in _STAGE_ORDER],
        )
        .select_related("unit", "contact_person")
        .order_by("-start_date", "-id")
    )
    for kind, stage, roles in _STAGE_ORDER:
        for enrolment in enrolments:
            if enrolment.kind != kind:
                continue
            person = enrolment.contact_person
            if person is not None and person.is_active:
                return Derived(stage, enrolment.unit, person)
            user = unit_contact(enrolment.unit, roles, day)
            if user is not None:
                return Derived(stage, enrolment.unit, user)
    return None


def derive_barnkontakt_all(day: dt.date) -> dict[int, tuple[str, int, int]]:
    """:func:`derive_barnkontakt` for every child at once: ``child_id -> (stage, unit, user)``.

    Two queries whatever the number of children, for the daily refresh of a municipality.
    """
    role_sets = [roles for _k, _s, roles in _STAGE_ORDER]
    contacts: dict[tuple[int, tuple[str, ...]], int] = {}
    rows = (
        Membership.objects.filter(
            Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)),
            role__in={role for _k, _s, roles in _STAGE_ORDER for role in roles},
            user__is_active=True,
        )
        .order_by("valid_from", "id")
        .values_list("unit_id", "role", "user_id")
    )
    for unit_id, role, user_id in rows:
        for roles in role_sets:
            if role in roles:
                contacts.setdefault((unit_id, roles), user_id)
    rank = {kind: n for n, (kind, _s, _r) in enumerate(_STAGE_ORDER)}
    enrolments = (
        Enrolment.objects.filter(_active_on(day), kind__in=list(rank))
        .values_list("child_id", "kind", "start_date", "id", "unit_id", "contact_person_id")
        .order_by()
    )
    active_users = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
    derived: dict[int, tuple[str, int, int]] = {}
    candidates: dict[int, list[tuple[int, dt.date, int, str, int, int | None]]] = {}
    for child_id, kind, start, pk, unit_id, person_id in enrolments:
        candidates.setdefault(child_id, []).append(
            (rank[kind], start, pk, kind, unit_id, person_id)
        )
    for child_id, options in candidates.items():
        # Most advanced stage first; within a stage the latest start, then the highest id.
        options.sort(key=lambda o: (o[0], -o[1].toordinal(), -o[2]))
        for stage_rank, _start, _pk, _kind, at_unit, named in options:
            _k, stage, roles = _STAGE_ORDER[stage_rank]
            contact: int | None = named if named in active_users else None
            if contact is None:
                contact = contacts.get((at_unit, roles))
            if contact is not None:
                derived[child_id] = (stage, at_unit, contact)
                break
    return derived
