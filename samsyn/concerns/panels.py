"""What the concerns app adds to shared pages: the child overview's "Oro" section and the menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access.policy import UNIT_LEAD_ROLES, Action, What, active_memberships, decide
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import BarnkontaktAssignment, Child
from samsyn.concerns import selectors
from samsyn.concerns.models import Consultation
from samsyn.core.extensions import MenuItem, Panel, register_child_panel, register_menu_item
from samsyn.organisations.models import NO_CHILD_DATA_ROLES, Role, UnitType


def concerns_panel(user: User, child: Child) -> Panel | None:
    """The child's concerns and their triage status, for the Barnkontakt (logged)."""
    if not decide(user, child, What.CONCERN, Action.VIEW):
        return None
    # Without any concern there is nothing to show, so nothing is read or logged.
    if not selectors.child_concerns(child=child).exists():
        return None
    if not access_child(user=user, child=child, what=What.CONCERN, action=Action.LIST):
        return None
    concerns = list(selectors.child_concerns(child=child)[:50])
    return Panel(
        template="concerns/_panel.html",
        context={"concerns": concerns, "today": timezone.localdate()},
        order=10,
    )


@dataclass(frozen=True)
class _Nav:
    may_report: bool
    has_worklist: bool
    in_intake: bool
    has_consultations: bool


def _nav(user: User) -> _Nav:
    """What the menu offers ``user``, in two queries per request (cached on the user object)."""
    cached = getattr(user, "_concerns_nav", None)
    if isinstance(cached, _Nav):
        return cached
    memberships = list(active_memberships(user).values_list("role", "unit__unit_type", "unit_id"))
    unit_ids = [unit_id for _role, _type, unit_id in memberships]
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            named=Exists(
                BarnkontaktAssignment.objects.filter(user_id=user.pk, ended_at__isnull=True)
            ),
            asked=Exists(Consultation.objects.filter(group_unit_id__in=unit_ids)),
        )
        .values_list("named", "asked")
        .first()
    ) or (False, False)
    nav = _Nav(
        may_report=any(
            role not in NO_CHILD_DATA_ROLES and role != Role.LOG_REVIEWER
            for role, _type, _unit in memberships
        ),
        has_worklist=bool(flags[0])
        or any(role in UNIT_LEAD_ROLES for role, _type, _unit in memberships),
        in_intake=any(unit_type == UnitType.INTAKE for _role, unit_type, _unit in memberships),
        has_consultations=bool(flags[1]),
    )
    user._concerns_nav = nav  # type: ignore[attr-defined]
    return nav


def may_report(user: User) -> bool:
    return _nav(user).may_report


def has_worklist(user: User) -> bool:
    return _nav(user).has_worklist


def in_intake(user: User) -> bool:
    return _nav(user).in_intake


def has_consultations(user: User) -> bool:
    return _nav(user).has_consultations


def register() -> None:
    # MenuItem.label is typed ``str``; a lazy translation is what it expects at run time.
    register_child_panel(concerns_panel)
    register_menu_item(
        MenuItem("concerns:new", cast(str, _("Register a concern")), may_report, order=20)
    )
    register_menu_item(
        MenuItem("concerns:worklist", cast(str, _("Concerns to answer")), has_worklist, order=21)
    )
    register_menu_item(
        MenuItem("concerns:mine", cast(str, _("My reported concerns")), may_report, order=22)
    )
    register_menu_item(
        MenuItem("concerns:intake", cast(str, _("Reports of concern")), in_intake, order=23)
    )
    register_menu_item(
        MenuItem(
            "concerns:consultations", cast(str, _("Consultations")), has_consultations, order=24
        )
    )
