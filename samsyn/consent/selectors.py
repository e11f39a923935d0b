"""Reads of consents. Callers have decided and logged ``What.CONSENT`` first."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone

from samsyn.children.models import Child, Guardianship
from samsyn.consent.models import Consent
from samsyn.organisations.models import Unit, UnitType


class ConsentState(StrEnum):
    PENDING = "pending"  # a guardian has not answered, or has refused
    IN_FORCE = "in_force"
    NOT_YET = "not_yet"  # complete, but its period has not begun
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


def consent_state(consent: Consent, on: dt.date | None = None) -> ConsentState:
    day = on or timezone.localdate()
    if consent.withdrawn_at is not None:
        return ConsentState.WITHDRAWN
    if consent.complete_at is None:
        return ConsentState.PENDING
    if day > consent.valid_to:
        return ConsentState.EXPIRED
    if day < consent.valid_from:
        return ConsentState.NOT_YET
    return ConsentState.IN_FORCE


def child_consents(*, child: Child) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(child=child)
        .prefetch_related("units__agency", "guardians__guardian")
        .select_related("documented_by", "documented_by_unit", "withdrawn_by")
    )


def consent_by_public_id(public_id: uuid.UUID | str) -> Consent | None:
    return (
        Consent.objects.select_related(
            "child", "documented_by", "documented_by_unit", "withdrawn_by"
        )
        .prefetch_related("units__agency", "guardians__guardian")
        .filter(public_id=public_id)
        .first()
    )


def consent_unit_choices(*, child: Child) -> QuerySet[Unit]:
    """Units that may be named in a consent: those of the child's municipality, the region's
    included (units are registered per municipality they serve)."""
    return (
        Unit.objects.filter(municipality_id=child.municipality_id)
        .exclude(unit_type=UnitType.ADMINISTRATION)
        .select_related("agency")
        .order_by("agency__name", "name")
    )


def consent_guardianships(*, child: Child) -> QuerySet[Guardianship]:
    return Guardianship.objects.filter(child=child).select_related("guardian").order_by("pk")


def child_consents_in_force(*, child: Child, purpose: str | None = None) -> list[Consent]:
    today = timezone.localdate()
    rows = child_consents(child=child).filter(
        complete_at__isnull=False,
        withdrawn_at__isnull=True,
        valid_from__lte=today,
        valid_to__gte=today,
    )
    if purpose:
        rows = rows.filter(purpose=purpose)
    return list(rows)
