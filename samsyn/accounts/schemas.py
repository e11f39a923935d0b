"""API schemas for the signed-in user."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Schema

from samsyn.organisations.schemas import UnitRef


class MembershipOut(Schema):
    unit: UnitRef
    role: str
    role_label: str
    valid_from: dt.date
    valid_to: dt.date | None


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    name: str
    email: str
    title: str
    memberships: list[MembershipOut]
    sees_children: bool
    is_log_reviewer: bool
    # Units where the user may register a child (POST /children with one of these).
    may_register_at: list[UUID]
