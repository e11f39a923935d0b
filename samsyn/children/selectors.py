"""Reads of children's information. Callers have already been through the access policy.

Views and API routes call :mod:`samsyn.access.services` to decide and log, then these selectors
to fetch what the decision allows. Every selector that lists children starts from
:func:`samsyn.access.policy.visible_children`.
"""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from samsyn.access.policy import active_memberships, visible_children
from samsyn.accounts.models import User
from samsyn.children.identity import InvalidIdentityNumber, parse_identity_number
from samsyn.children.models import (
    LIFE_STAGE_KINDS,
    BarnkontaktAssignment,
    Child,
    Enrolment,
    Guardianship,
    Handover,
    HandoverStatus,
    ProtectedIdentity,
)

_LOOKS_LIKE_NUMBER = re.compile(r"^[\d\s+-]{6,}$")


def children_search(*, user: User, query: str) -> QuerySet[Child]:
    """Children ``user`` may see whose personnummer or name matches ``query``.

    A full personnummer finds the one child with that number. Names match on the start of the
    first or last name (or ``first last``). A child with protected identity is found only by
    the full personnummer, never by name, except by their Barnkontakt.
    """
    base = visible_children(user)
    text = " ".join(query.split())
    if not text:
        return base.none()
    if _LOOKS_LIKE_NUMBER.match(text):
        try:
            number = parse_identity_number(text, allow_temporary=True)
        except InvalidIdentityNumber:
            digits = re.sub(r"\D", "", text)
            return (
                base.filter(personnummer__contains=digits).filter(
                    protected_identity=ProtectedIdentity.NONE
                )
                if len(digits) >= 6
                else base.none()
            )
        return base.filter(personnummer=number.value)
    terms = text.split(" ")
    name_q = Q()
    if len(terms) == 1:
        name_q = Q(first_name__istartswith=terms[0]) | Q(last_name__istartswith=terms[0])
    else:
        name_q = (
            Q(first_name__istartswith=terms[0], last_name__istartswith=terms[-1])
            | Q(first_name__istartswith=" ".join(terms[:-1]), last_name__istartswith=terms[-1])
            | Q(last_name__istartswith=terms[0], first_name__istartswith=terms[-1])
        )
    named_contact = Exists(
        BarnkontaktAssignment.objects.filter(
            child=OuterRef("pk"), user_id=user.pk, ended_at__isnull=True
        )
    )
    return base.filter(name_q).filter(Q(protected_identity=ProtectedIdentity.NONE) | named_contact)


def my_children(*, user: User) -> QuerySet[Child]:
    """Children whose current Barnkontakt is ``user``, with open handovers first."""
    open_handover = Exists(
        Handover.objects.filter(
            child=OuterRef("pk"),
            status=HandoverStatus.OPEN,
            to_assignment__user_id=user.pk,
            to_assignment__ended_at__isnull=True,
        )
    )
    return (
        Child.objects.filter(
            barnkontakt_assignments__user_id=user.pk,
            barnkontakt_assignments__ended_at__isnull=True,
        )
        .annotate(has_open_handover=open_handover)
        .order_by("-has_open_handover", "last_name", "first_name", "pk")
    )


def handovers_waiting(*, user: User) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(
            status=HandoverStatus.OPEN,
            to_assignment__user_id=user.pk,
            to_assignment__ended_at__isnull=True,
        )
        .select_related(
            "child", "from_assignment__user", "from_assignment__unit", "to_assignment__unit"
        )
        .order_by("created_at")
    )


def child_current_barnkontakt(*, child: Child) -> BarnkontaktAssignment | None:
    return (
        BarnkontaktAssignment.objects.filter(child=child, ended_at__isnull=True)
        .select_related("user", "unit")
        .first()
    )


def child_barnkontakt_history(*, child: Child) -> QuerySet[BarnkontaktAssignment]:
    return (
        BarnkontaktAssignment.objects.filter(child=child)
        .select_related("user", "unit", "created_by")
        .order_by("-started_at", "-id")
    )


def child_guardianships(*, child: Child) -> QuerySet[Guardianship]:
    return (
        Guardianship.objects.filter(child=child)
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name")
    )


def child_enrolments_for(*, user: User, child: Child) -> QuerySet[Enrolment]:
    """Enrolments ``user`` may see: the education path always; other relations (a patient at BUP,
    a case at social services) only inside the secrecy domain of the user's own units."""
    domains = set(active_memberships(user).values_list("unit__secrecy_domain", flat=True))
    return (
        Enrolment.objects.filter(child=child)
        .filter(Q(kind__in=LIFE_STAGE_KINDS) | Q(unit__secrecy_domain__in=domains))
        .select_related("unit")
        .order_by("-start_date", "-id")
    )


def child_current_enrolments(*, child: Child) -> QuerySet[Enrolment]:
    today = timezone.localdate()
    return Enrolment.objects.filter(
        Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today)),
        child=child,
    ).select_related("unit")


def children_without_barnkontakt() -> QuerySet[Child]:
    """For ``samsyn check barnkontakt``: children with no current Barnkontakt."""
    return Child.objects.exclude(
        Exists(BarnkontaktAssignment.objects.filter(child=OuterRef("pk"), ended_at__isnull=True))
    ).order_by("personnummer")
