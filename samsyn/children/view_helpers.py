"""Small reads for the children's pages that the selectors do not (yet) offer.

Callers have been through the access policy for every child passed in; nothing here decides or
logs. Each function costs one query whatever the number of children.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.children.models import (
    LIFE_STAGE_KINDS,
    BarnkontaktAssignment,
    Child,
    Enrolment,
    Handover,
)
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Membership, Role, Unit, UnitType

# Units a child can be moved to with "Registrera övergång".
TRANSFER_UNIT_TYPES = (UnitType.PRESCHOOL, UnitType.SCHOOL, UnitType.UPPER_SECONDARY)


def child_by_public_id(public_id: uuid.UUID) -> Child | None:
    return Child.objects.filter(public_id=public_id).first()


def handover_of_child(*, child: Child, handover_id: int) -> Handover | None:
    return (
        Handover.objects.filter(pk=handover_id, child=child)
        .select_related("child", "to_assignment")
        .first()
    )


def current_assignments(children: Iterable[Child]) -> dict[int, BarnkontaktAssignment]:
    """Each child's current Barnkontakt assignment (with its unit), by child id."""
    ids = [c.pk for c in children]
    if not ids:
        return {}
    return {
        a.child_id: a
        for a in BarnkontaktAssignment.objects.filter(
            child_id__in=ids, ended_at__isnull=True
        ).select_related("unit")
    }


def current_education_enrolments(children: Iterable[Child]) -> dict[int, list[Enrolment]]:
    """Each child's enrolments in force today on the education path (BVC, preschool, school…).

    Relations in other secrecy domains (a patient at BUP, a social services case) are left out:
    lists never show them.
    """
    ids = [c.pk for c in children]
    result: dict[int, list[Enrolment]] = {pk: [] for pk in ids}
    if not ids:
        return result
    today = timezone.localdate()
    for enrolment in (
        Enrolment.objects.filter(
            Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today)),
            child_id__in=ids,
            kind__in=LIFE_STAGE_KINDS,
        )
        .select_related("unit")
        .order_by("-start_date", "-id")
    ):
        result[enrolment.child_id].append(enrolment)
    return result


def transfer_units(*, child: Child) -> QuerySet[Unit]:
    """Preschools and schools of the child's municipality, by type and name."""
    return Unit.objects.filter(
        municipality_id=child.municipality_id, unit_type__in=TRANSFER_UNIT_TYPES
    ).order_by("unit_type", "name")


def barnkontakt_candidates(*, assignment: BarnkontaktAssignment) -> QuerySet[User]:
    """Staff who could be named Barnkontakt by hand: active, working at the assignment's unit in a
    role that sees children, and not already the Barnkontakt."""
    today = timezone.localdate()
    memberships = Membership.objects.filter(
        Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today)),
        unit_id=assignment.unit_id,
    ).exclude(role__in=[*NO_CHILD_DATA_ROLES, Role.LOG_REVIEWER])
    return (
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .exclude(pk=assignment.user_id)
        .order_by("last_name", "first_name", "username")
    )
