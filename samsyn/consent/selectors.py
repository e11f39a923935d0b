"""Reads of consents. Callers have decided and logged ``What.CONSENT`` first."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone

from samsyn.children.models import Child
from samsyn.consent.models import Consent


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
        .prefetch_related("units", "guardians__guardian")
        .select_related("documented_by", "documented_by_unit", "withdrawn_by")
    )
