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
