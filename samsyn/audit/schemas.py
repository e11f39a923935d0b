"""API schemas for the access log."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Field, Schema

from samsyn.audit.models import AccessLogEntry
from samsyn.organisations.schemas import UnitRef, unit_ref


class AccessLogEntryOut(Schema):
    seq: int
    at: dt.datetime
    username: str
    user_name: str
    what: str
    action: str
    allowed: bool
    ground: str
    acting_unit: UnitRef | None
    detail: str


class ReviewEntryOut(AccessLogEntryOut):
    child: UUID | None = Field(
        description="public_id of the child; open GET /children/{id}/access-log for more."
    )


class AccessLogPage(Schema):
    count: int
    page: int
    next: str | None
    previous: str | None
    items: list[AccessLogEntryOut]


class ReviewPage(Schema):
    count: int
    page: int
    next: str | None
    previous: str | None
    items: list[ReviewEntryOut]


def access_log_entry_out(entry: AccessLogEntry) -> AccessLogEntryOut:
    return AccessLogEntryOut(
        seq=entry.seq,
        at=entry.at,
        username=entry.username,
        user_name=str(entry.user) if entry.user else entry.username,
        what=entry.what,
        action=entry.action,
        allowed=entry.allowed,
        ground=entry.ground,
        acting_unit=unit_ref(entry.acting_unit) if entry.acting_unit else None,
        detail=entry.detail,
    )


def review_entry_out(entry: AccessLogEntry) -> ReviewEntryOut:
    return ReviewEntryOut(
        **access_log_entry_out(entry).model_dump(),
        child=entry.child.public_id if entry.child else None,
    )
