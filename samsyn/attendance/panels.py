"""What the attendance app adds to shared pages: the child overview's "Närvaro" section and the
menu items for staff of schools and their student health teams."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _

from samsyn.access.policy import Action, What, decide, sees_no_children
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.attendance import followup_selectors as selectors
from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    GuardianNotification,
    InvestigationStatus,
)
from samsyn.children.models import Child
from samsyn.core.extensions import MenuItem, Panel, register_child_panel, register_menu_item


def attendance_panel(user: User, child: Child) -> Panel | None:
    """The pupil's current absence signal and open duties, linking to the attendance page."""
    if not decide(user, child, What.ATTENDANCE, Action.VIEW):
        return None
    # Without attendance data or a signal there is nothing to show: nothing read, nothing logged.
    if not selectors.has_attendance(child):
        return None
    if not access_child(
        user=user,
        child=child,
        what=What.ATTENDANCE,
        action=Action.LIST,
        detail="attendance: child overview",
    ):
        return None
    signal = selectors.open_signal(child)
    return Panel(
        template="attendance/_panel.html",
        context={
            "child": child,
            "signal": signal,
            "open_investigation": AbsenceInvestigation.objects.filter(
                child=child, status=InvestigationStatus.OPEN
            ).exists(),
            "undone_duties": GuardianNotification.objects.filter(
                child=child, notified_at__isnull=True
            ).count(),
        },
        order=30,
    )


def works_at_school(user: User) -> bool:
    """Staff of a school or its student health team (cached on the user for the request)."""
    cached = getattr(user, "_attendance_nav", None)
    if isinstance(cached, bool):
        return cached
    value = not sees_no_children(user) and bool(selectors.school_units_of(user))
    user._attendance_nav = value  # type: ignore[attr-defined]
    return value


def register() -> None:
    # MenuItem.label is typed ``str``; a lazy translation is what it expects at run time.
    register_child_panel(attendance_panel)
    register_menu_item(
        MenuItem("attendance:signals", cast(str, _("Absence signals")), works_at_school, order=40)
    )
    register_menu_item(
        MenuItem("attendance:duties", cast(str, _("Notify guardians")), works_at_school, order=41)
    )
    register_menu_item(
        MenuItem(
            "attendance:investigations",
            cast(str, _("Absence investigations")),
            works_at_school,
            order=42,
        )
    )
