"""Look-ups the API makes *before* asking the access policy: the object named in the URL.

These read no more than the row that :mod:`samsyn.access.services` needs to decide on; what
the user is then shown comes from :mod:`samsyn.children.selectors`, after the decision.
"""

from __future__ import annotations

from uuid import UUID

from samsyn.accounts.models import User
from samsyn.children.models import Child, Handover
from samsyn.organisations.models import Unit


def child_by_public_id(public_id: UUID) -> Child | None:
    return Child.objects.filter(public_id=public_id).first()


def handover_by_id(handover_id: int) -> Handover | None:
    return (
        Handover.objects.select_related(
            "child", "to_assignment__unit", "from_assignment__user", "from_assignment__unit"
        )
        .filter(pk=handover_id)
        .first()
    )


def unit_by_public_id(public_id: UUID) -> Unit | None:
    return Unit.objects.filter(public_id=public_id).first()


def active_user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username.strip(), is_active=True).first()
