"""API schemas for units and staff, shared by the other apps' API schemas."""

from __future__ import annotations

from uuid import UUID

from ninja import Schema

from samsyn.accounts.models import User
from samsyn.organisations.models import Unit


class UnitRef(Schema):
    public_id: UUID
    name: str
    unit_type: str
    secrecy_domain: str


class StaffRef(Schema):
    """A member of staff as colleagues see them: username, name and title."""

    username: str
    name: str
    title: str


def unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(
        public_id=unit.public_id,
        name=unit.name,
        unit_type=unit.unit_type,
        secrecy_domain=unit.secrecy_domain,
    )


def staff_ref(user: User) -> StaffRef:
    return StaffRef(username=user.username, name=str(user), title=user.title)
