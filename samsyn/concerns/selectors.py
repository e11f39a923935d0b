"""Reads of concerns, reports and consultations. Callers decide and log (see ``services``)."""

from __future__ import annotations

import uuid

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.utils import timezone

from samsyn.access.policy import UNIT_LEAD_ROLES, active_memberships
from samsyn.accounts.models import User
from samsyn.children.models import BarnkontaktAssignment, Child
from samsyn.concerns.models import (
    Concern,
    ConcernStatus,
    Consultation,
    ReportOfConcern,
)
from samsyn.organisations.models import UnitType


def concern_by_public_id(public_id: uuid.UUID) -> Concern | None:
    return (
        Concern.objects.filter(public_id=public_id)
        .select_related("child", "reporter", "reporter_unit")
        .first()
    )


def report_by_public_id(public_id: uuid.UUID) -> ReportOfConcern | None:
    return (
        ReportOfConcern.objects.filter(public_id=public_id)
        .select_related("child", "reporter", "reporter_unit", "intake_unit", "received_by")
        .first()
    )


def consultation_by_public_id(public_id: uuid.UUID) -> Consultation | None:
    return Consultation.objects.filter(public_id=public_id).select_related("group_unit").first()


def _with_indicators(qs: QuerySet[Concern]) -> QuerySet[Concern]:
    return qs.select_related("child").prefetch_related("indicators")


def concerns_to_answer(*, user: User) -> QuerySet[Concern]:
    """Concerns about children whose current Barnkontakt is ``user``, not yet answered, the
    earliest deadline first."""
    mine = Exists(
        BarnkontaktAssignment.objects.filter(
            child=OuterRef("child"), user_id=user.pk, ended_at__isnull=True
        )
    )
    return _with_indicators(
        Concern.objects.filter(mine, status=ConcernStatus.RECEIVED).order_by(
            "respond_by", "created_at", "pk"
        )
    )


def concerns_overdue_for_lead(*, user: User) -> QuerySet[Concern]:
    """Overdue concerns whose Barnkontakt works at a unit where ``user`` is principal or unit
    manager (and is not the Barnkontakt): flagged to the Barnkontakt's manager."""
    lead_units = list(
        active_memberships(user).filter(role__in=UNIT_LEAD_ROLES).values_list("unit_id", flat=True)
    )
    if not lead_units:
        return Concern.objects.none()
    at_lead_unit = Exists(
        BarnkontaktAssignment.objects.filter(
            child=OuterRef("child"), ended_at__isnull=True, unit_id__in=lead_units
        ).exclude(user_id=user.pk)
    )
    return _with_indicators(
        Concern.objects.filter(
            at_lead_unit, status=ConcernStatus.RECEIVED, respond_by__lt=timezone.localdate()
        ).order_by("respond_by", "pk")
    )


def concerns_reported_by(*, user: User) -> QuerySet[Concern]:
    return Concern.objects.filter(reporter_id=user.pk).select_related("child")


def reports_by(*, user: User) -> QuerySet[ReportOfConcern]:
    return ReportOfConcern.objects.filter(reporter_id=user.pk).select_related("child")


def child_concerns(*, child: Child) -> QuerySet[Concern]:
    return _with_indicators(Concern.objects.filter(child=child)).select_related("triage")


def intake_units_of(user: User) -> list[int]:
    return list(
        active_memberships(user)
        .filter(unit__unit_type=UnitType.INTAKE)
        .values_list("unit_id", flat=True)
    )


def reports_for_intake(*, user: User) -> QuerySet[ReportOfConcern]:
    """Reports of concern sent to the intake groups ``user`` works in; undecided first."""
    return (
        ReportOfConcern.objects.filter(intake_unit_id__in=intake_units_of(user))
        .select_related("child", "reporter", "reporter_unit")
        .order_by("-status", "-immediate_danger", "created_at", "pk")
    )


def consultation_group_units(user: User) -> list[int]:
    return list(active_memberships(user).values_list("unit_id", flat=True))


def consultations_for_group(*, user: User) -> QuerySet[Consultation]:
    """Consultations asked of the units ``user`` works at. Nothing here names the child."""
    return (
        Consultation.objects.filter(group_unit_id__in=consultation_group_units(user))
        .select_related("group_unit")
        .only(
            "public_id",
            "group_unit__name",
            "age_years",
            "text",
            "created_at",
            "advice",
            "advice_at",
        )
        .order_by(F("advice_at").asc(nulls_first=True), "-created_at")
    )


def concern_consultations(*, concern: Concern) -> QuerySet[Consultation]:
    return Consultation.objects.filter(concern=concern).select_related("group_unit")


def overdue_per_barnkontakt() -> list[tuple[str, str, int]]:
    """(Barnkontakt's username, their unit, number of overdue concerns), for the operator. One
    query. Children without a current Barnkontakt are listed by ``samsyn check barnkontakt``."""
    rows = (
        BarnkontaktAssignment.objects.filter(
            ended_at__isnull=True,
            child__concerns__status=ConcernStatus.RECEIVED,
            child__concerns__respond_by__lt=timezone.localdate(),
        )
        .values_list("user__username", "unit__name")
        .annotate(count=Count("child__concerns"))
        .order_by("user__username", "unit__name")
    )
    return [(username, unit, count) for username, unit, count in rows]
