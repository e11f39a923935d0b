from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from samsyn.access.policy import (
    active_memberships,
    is_log_reviewer,
    may_register_children,
    sees_no_children,
)
from samsyn.accounts.models import User
from samsyn.core.extensions import MenuItem, menu_items


class Navigation:
    """What the main menu offers the user; each answer costs a query only when a page asks."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user

    @cached_property
    def sees_children(self) -> bool:
        return self.user.is_authenticated and not sees_no_children(self.user)

    @cached_property
    def is_log_reviewer(self) -> bool:
        return self.user.is_authenticated and is_log_reviewer(self.user)

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles of the user's active memberships."""
        return frozenset(active_memberships(self.user).values_list("role", flat=True))

    @cached_property
    def extra(self) -> list[MenuItem]:
        """Menu items that other apps register (samsyn.core.extensions)."""
        if not self.user.is_authenticated:
            return []
        assert isinstance(self.user, User)
        return menu_items(self.user)

    @cached_property
    def may_register(self) -> bool:
        return self.user.is_authenticated and bool(may_register_children(self.user))


def samsyn(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", AnonymousUser())
    return {"DEMO_MODE": settings.DEMO_MODE, "nav": Navigation(user)}
