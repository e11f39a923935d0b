"""``/api/v1/me``: who the API thinks you are, where you work and what you may do."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from samsyn.access.policy import (
    active_memberships,
    is_log_reviewer,
    may_register_children,
    sees_no_children,
)
from samsyn.accounts.schemas import MembershipOut, MeOut
from samsyn.api_common import AUTH_RESPONSES, actor
from samsyn.organisations.schemas import unit_ref

router = Router()


@router.get("", response={200: MeOut, **AUTH_RESPONSES}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user, their memberships in force (unit and role), and whether they see
    children's information at all (analysts and system administrators do not)."""
    user = actor(request)
    memberships = [
        MembershipOut(
            unit=unit_ref(m.unit),
            role=m.role,
            role_label=m.get_role_display(),
            valid_from=m.valid_from,
            valid_to=m.valid_to,
        )
        for m in active_memberships(user).select_related("unit").order_by("unit__name", "role")
    ]
    return MeOut(
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        name=str(user),
        email=user.email,
        title=user.title,
        memberships=memberships,
        sees_children=not sees_no_children(user),
        is_log_reviewer=is_log_reviewer(user),
        may_register_at=[m.unit.public_id for m in may_register_children(user)],
    )
