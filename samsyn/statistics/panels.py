"""Who sees the statistics, and the menu item that leads there."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from samsyn.access.policy import UNIT_LEAD_ROLES, active_memberships
from samsyn.accounts.models import User
from samsyn.core.extensions import MenuItem, register_menu_item
from samsyn.organisations.models import Role

STATISTICS_ROLES = frozenset({Role.ANALYST, *UNIT_LEAD_ROLES})


def may_see_statistics(user: User | AnonymousUser) -> bool:
    """Analysts, principals and unit managers: aggregate figures only, never a child."""
    cached = getattr(user, "_statistics_nav", None)
    if cached is not None:
        return bool(cached)
    value = active_memberships(user).filter(role__in=STATISTICS_ROLES).exists()
    if isinstance(user, User):
        user._statistics_nav = value  # type: ignore[attr-defined]
    return value


def register() -> None:
    # MenuItem.label is typed ``str``; a lazy translation is what it expects at run time.
    register_menu_item(
        MenuItem("statistics:index", cast(str, _("Statistics")), may_see_statistics, order=90)
    )
